// RSASHA256 (DNSSEC algorithm 8, RFC 5702): PKCS#1 v1.5 with SHA-256 via node:crypto,
// deterministic by definition. Public key field per RFC 3110 §2.
import { createPrivateKey, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Signer } from '../algorithm.js';

const strip = (b: Buffer): Buffer => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
};

/** RFC 3110 public key field: exponent length (1 byte, or 0 + 2 bytes), exponent, modulus. */
export function rsaPublicKeyField(jwk: JsonWebKey): Buffer {
  if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') throw new Error('RSA key: JWK needs n and e');
  const e = strip(Buffer.from(jwk.e, 'base64url'));
  const n = strip(Buffer.from(jwk.n, 'base64url'));
  const len = e.length <= 255 ? Buffer.from([e.length]) : Buffer.from([0, e.length >> 8, e.length & 0xff]);
  return Buffer.concat([len, e, n]);
}

/** Parses an RFC 3110 public key field into a JWK (n, e). */
export function rsaJwkFromField(field: Buffer): JsonWebKey {
  if (field.length < 3) throw new Error('RSA public key field too short');
  let off = 1;
  let elen = field[0]!;
  if (elen === 0) { elen = field.readUInt16BE(1); off = 3; }
  if (off + elen >= field.length) throw new Error('RSA public key field truncated');
  const e = field.subarray(off, off + elen);
  const n = field.subarray(off + elen);
  return { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') };
}

export class RsaSha256Signer implements Signer {
  readonly algorithm = 8 as const;
  readonly publicKey: Buffer;
  private readonly key: KeyObject;

  constructor(jwk: JsonWebKey) {
    this.key = createPrivateKey({ key: { ...jwk, kty: 'RSA' }, format: 'jwk' });
    const pub = this.key.export({ format: 'jwk' });
    this.publicKey = rsaPublicKeyField(pub);
  }

  sign(data: Buffer): Buffer {
    return sign('sha256', data, this.key);
  }
}
