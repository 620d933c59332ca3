// DNSSEC algorithm numbers (IANA) and the contract every signing algorithm fulfils.

export const Algorithm = { RSASHA256: 8, ECDSAP256SHA256: 13, ED25519: 15 } as const;
export type AlgorithmNumber = (typeof Algorithm)[keyof typeof Algorithm];

/** Private key material as BIND's .private files hold it. */
export type PrivateKeyMaterial =
  | { algorithm: 13 | 15; privateKey: Buffer }  // P-256 scalar (32 bytes) / Ed25519 seed (32 bytes)
  | { algorithm: 8; jwk: import('node:crypto').JsonWebKey };  // RSA: n, e, d, p, q, dp, dq, qi

/** Signs with one private key. Every signature is deterministic: same key and data, same bytes. */
export interface Signer {
  readonly algorithm: AlgorithmNumber;
  /** The DNSKEY public key field (RFC 3110 / RFC 6605 / RFC 8080 format). */
  readonly publicKey: Buffer;
  /** The RRSIG signature field for `data` (RFC 4034 §3.1.8.1 signed data). */
  sign(data: Buffer): Buffer;
}
