// The 4-lane WebAssembly nonces must be exactly RFC 6979's, lane by lane, whatever the batch.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NoncesX4, sha256Many } from '../../../src/dnssec/crypto/sha256-x4.js';
import { bits2octets, rfc6979Nonce, P256_N } from '../../../src/dnssec/crypto/rfc6979.js';
import { P256Signer } from '../../../src/dnssec/crypto/p256.js';

const key = (): Buffer => {
  const x = randomBytes(32);
  x[0] &= 0x7f; // below n
  return x;
};

describe('NoncesX4', () => {
  it('is available on this Node (so the tests below run the SIMD code, not a fallback)', () => {
    expect(NoncesX4.for(key())).toBeDefined();
  });

  it('gives the RFC 6979 A.2.5 nonce for P-256, SHA-256, message "sample"', () => {
    const x = Buffer.from('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721', 'hex');
    const h1 = createHash('sha256').update('sample').digest();
    const out = [Buffer.alloc(32)];
    NoncesX4.for(x)!.run([bits2octets(h1)], out, 0);
    expect(out[0].toString('hex')).toBe('a6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60');
  });

  it('equals the step-by-step generator in every lane, for partial groups and digests at or above n', () => {
    for (let round = 0; round < 40; round++) {
      const x = key();
      const x4 = NoncesX4.for(x)!;
      const count = 1 + (round % 9);
      const h1s = Array.from({ length: count }, (_, i) => (i === 2 ? Buffer.alloc(32, 0xff) : i === 3 ? Buffer.from(P256_N) : randomBytes(32)));
      const octets = h1s.map(bits2octets);
      const out = h1s.map(() => Buffer.alloc(32));
      for (let i = 0; i < count; i += 4) x4.run(octets, out, i);
      out.forEach((k, i) => expect(k.toString('hex'), `lane ${i} of ${count}`).toBe(rfc6979Nonce(x, h1s[i]).toString('hex')));
    }
  });

  it('leaves signMany byte-identical to sign with and without the 4-lane path', () => {
    const x = key();
    const msgs = Array.from({ length: 11 }, (_, i) => randomBytes(20 * i));
    const expected = msgs.map((m) => new P256Signer(x).sign(m).toString('hex'));
    const simd = new P256Signer(x);
    expect(simd.signMany(msgs).map((s) => s.toString('hex'))).toEqual(expected);
    const scalar = new P256Signer(x);
    (scalar as unknown as { x4: null }).x4 = null; // as where WebAssembly SIMD is missing
    expect(scalar.signMany(msgs).map((s) => s.toString('hex'))).toEqual(expected);
  });
});

describe('sha256Many', () => {
  it('equals node:crypto for every length across the padding boundaries, in lanes of unequal length', () => {
    const msgs = Array.from({ length: 300 }, (_, len) => randomBytes(len));
    msgs.push(randomBytes(20_000), Buffer.alloc(0)); // one longer than a lane, hashed alone
    const out = Buffer.alloc(msgs.length * 40);
    sha256Many(msgs, out, 40, 5);
    msgs.forEach((m, i) => {
      expect(out.subarray(5 + i * 40, 5 + i * 40 + 32).toString('hex'), `length ${m.length}`).toBe(createHash('sha256').update(m).digest('hex'));
    });
  });
});
