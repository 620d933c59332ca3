// Ed25519 (DNSSEC algorithm 15, RFC 8080): node:crypto, deterministic by definition (RFC 8032).
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import type { Signer } from '../algorithm.js';

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410): SEQUENCE { INTEGER 0,
// SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING seed } }.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
// SubjectPublicKeyInfo prefix for a raw 32-byte Ed25519 public key.
export const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function ed25519KeyObject(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new Error('Ed25519 private key (seed) must be 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** The 32-byte DNSKEY public key field. */
export function ed25519PublicKey(key: KeyObject): Buffer {
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return Buffer.from(spki.subarray(spki.length - 32));
}

export class Ed25519Signer implements Signer {
  readonly algorithm = 15 as const;
  readonly publicKey: Buffer;
  private readonly key: KeyObject;

  constructor(seed: Uint8Array) {
    this.key = ed25519KeyObject(seed);
    this.publicKey = ed25519PublicKey(this.key);
  }

  sign(data: Buffer): Buffer {
    return sign(null, data, this.key);
  }
}
