// The signing algorithms of inkan: one Signer per private key (DNSSEC algorithms 8, 13, 15).
// Every Signer is deterministic; create one per key and keep it (it caches the parsed key).
import { createPublicKey, generateKeyPairSync, verify as nodeVerify, type KeyObject } from 'node:crypto';
import type { PrivateKeyMaterial, Signer } from '../algorithm.js';
import { P256Signer, p256PublicKey } from './p256.js';
import { Ed25519Signer, ed25519KeyObject, ed25519PublicKey, SPKI_PREFIX } from './ed25519.js';
import { RsaSha256Signer, rsaJwkFromField, rsaPublicKeyField } from './rsa.js';

export { P256Signer } from './p256.js';
export { Ed25519Signer } from './ed25519.js';
export { RsaSha256Signer } from './rsa.js';
export { rfc6979Nonce } from './rfc6979.js';

/** A Signer for the key; keep it (building one parses the key). */
export function createSigner(key: PrivateKeyMaterial): Signer {
  switch (key.algorithm) {
    case 13: return new P256Signer(key.privateKey);
    case 15: return new Ed25519Signer(key.privateKey);
    case 8: return new RsaSha256Signer(key.jwk);
    default: throw new Error(`unsupported DNSSEC algorithm ${(key as { algorithm: number }).algorithm}`);
  }
}

/**
 * Signs many messages with one signer: `data.map((m) => signer.sign(m))`, byte for byte, but
 * faster for P-256 (the nonce inversions are batched). For background / bulk signing.
 */
export function signMany(signer: Signer, data: readonly Buffer[]): Buffer[] {
  if (signer instanceof P256Signer) return signer.signMany(data);
  return data.map((m) => signer.sign(m));
}

/** A fresh random key (node:crypto generator). RSA: 2048 bits unless rsaBits, exponent 65537. */
export function generateKey(algorithm: 8 | 13 | 15, opts: { rsaBits?: number } = {}): PrivateKeyMaterial {
  switch (algorithm) {
    case 13: {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const d = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
      return { algorithm: 13, privateKey: Buffer.concat([Buffer.alloc(32 - d.length), d]) };
    }
    case 15: {
      const { privateKey } = generateKeyPairSync('ed25519');
      return { algorithm: 15, privateKey: Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url') };
    }
    case 8: {
      const bits = opts.rsaBits ?? 2048;
      if (!Number.isInteger(bits) || bits < 1024 || bits > 4096) throw new Error('RSA key size must be 1024..4096 bits');
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 });
      return { algorithm: 8, jwk: privateKey.export({ format: 'jwk' }) };
    }
    default: throw new Error(`unsupported DNSSEC algorithm ${algorithm as number}`);
  }
}

/** The DNSKEY public key field for the key. */
export function publicKeyField(key: PrivateKeyMaterial): Buffer {
  switch (key.algorithm) {
    case 13: return Buffer.from(p256PublicKey(key.privateKey));
    case 15: return ed25519PublicKey(ed25519KeyObject(key.privateKey));
    case 8: return rsaPublicKeyField(key.jwk);
    default: throw new Error(`unsupported DNSSEC algorithm ${(key as { algorithm: number }).algorithm}`);
  }
}

function publicKeyObject(algorithm: number, publicKey: Buffer): KeyObject {
  switch (algorithm) {
    case 13: {
      if (publicKey.length !== 64) throw new Error('P-256 public key must be 64 bytes');
      return createPublicKey({
        key: { kty: 'EC', crv: 'P-256', x: publicKey.subarray(0, 32).toString('base64url'), y: publicKey.subarray(32).toString('base64url') },
        format: 'jwk',
      });
    }
    case 15: {
      if (publicKey.length !== 32) throw new Error('Ed25519 public key must be 32 bytes');
      return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    }
    case 8: return createPublicKey({ key: rsaJwkFromField(publicKey), format: 'jwk' });
    default: throw new Error(`unsupported DNSSEC algorithm ${algorithm}`);
  }
}

// Parsed public keys for verify(), so that self-checks do not re-import a key per call.
const verifyKeys = new Map<string, KeyObject>();

/** Verifies an RRSIG signature field over `data` with a DNSKEY public key field (node:crypto). */
export function verify(algorithm: number, publicKey: Buffer, data: Buffer, signature: Buffer): boolean {
  const id = `${algorithm}:${Buffer.from(publicKey).toString('base64')}`;
  let key = verifyKeys.get(id);
  if (!key) {
    try { key = publicKeyObject(algorithm, Buffer.from(publicKey)); } catch { return false; }
    if (verifyKeys.size >= 256) verifyKeys.clear();
    verifyKeys.set(id, key);
  }
  switch (algorithm) {
    case 13:
      if (signature.length !== 64) return false;
      return nodeVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    case 15: return nodeVerify(null, data, key, signature);
    case 8: return nodeVerify('sha256', data, key, signature);
    default: return false;
  }
}
