// The JavaScript SHA-256 / HMAC used for RFC 6979 nonces and digests must equal node:crypto's.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HmacKey, hmacInto, sha256Into } from '../../../src/dnssec/crypto/sha256.js';
import { FastNonces, Rfc6979Nonces, rfc6979Nonce } from '../../../src/dnssec/crypto/rfc6979.js';

describe('SHA-256 in JavaScript', () => {
  it('equals node:crypto for every length across the padding boundaries', () => {
    const m = randomBytes(300);
    const out = Buffer.alloc(32);
    for (let len = 0; len <= 300; len++) {
      sha256Into(m, 0, len, out);
      expect(out.toString('hex'), `length ${len}`).toBe(createHash('sha256').update(m.subarray(0, len)).digest('hex'));
    }
  });

  it('hashes a slice at any offset, and HMAC equals createHmac', () => {
    const m = randomBytes(200);
    const out = Buffer.alloc(40);
    sha256Into(m, 13, 170, out, 8);
    expect(out.subarray(8).toString('hex')).toBe(createHash('sha256').update(m.subarray(13, 170)).digest('hex'));
    for (const keyLen of [0, 20, 32, 64]) {
      const key = randomBytes(keyLen);
      hmacInto(new HmacKey(key), m, 5, 150, out);
      expect(out.subarray(0, 32).toString('hex')).toBe(createHmac('sha256', key).update(m.subarray(5, 150)).digest('hex'));
    }
  });
});

describe('FastNonces', () => {
  it('gives the first RFC 6979 nonce of the step-by-step generator, for many keys and messages', () => {
    for (let i = 0; i < 200; i++) {
      const x = randomBytes(32);
      x[0] &= 0x7f; // below n
      const fast = new FastNonces(x);
      for (let j = 0; j < 3; j++) {
        const h1 = createHash('sha256').update(randomBytes(50)).digest();
        const k = fast.first(h1);
        expect(k && Buffer.from(k).toString('hex')).toBe(rfc6979Nonce(x, h1).toString('hex'));
        expect(new Rfc6979Nonces(x, h1).next().toString('hex')).toBe(k!.toString('hex'));
      }
    }
  });

  it('treats a digest at or above n as RFC 6979 bits2octets does', () => {
    const x = randomBytes(32);
    x[0] &= 0x7f;
    const h1 = Buffer.alloc(32, 0xff);
    expect(Buffer.from(new FastNonces(x).first(h1)!).toString('hex')).toBe(rfc6979Nonce(x, h1).toString('hex'));
  });
});
