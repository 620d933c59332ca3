import { describe, expect, it } from 'vitest';
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { P256Signer } from '../../../src/dnssec/crypto/p256.js';
import { Rfc6979Nonces, P256_N } from '../../../src/dnssec/crypto/rfc6979.js';
import { invEuclid, invLehmer } from '../../../src/dnssec/crypto/modinv.js';
import { createSigner, generateKey, signMany } from '../../../src/dnssec/crypto/index.js';

const N = BigInt('0x' + P256_N.toString('hex'));
const big = (b: Buffer | Uint8Array) => BigInt('0x' + Buffer.from(b).toString('hex'));

// RFC 6979 §3.2 written out step by step, slowly and generically (qlen = hlen = 256).
function referenceNonces(x: Buffer, h1: Buffer, count: number): Buffer[] {
  const H = (key: Buffer, ...m: Buffer[]) => { const h = createHmac('sha256', key); m.forEach((p) => h.update(p)); return h.digest(); };
  const h1modq = Buffer.from((big(h1) % N).toString(16).padStart(64, '0'), 'hex');
  let V = Buffer.alloc(32, 1);
  let K = Buffer.alloc(32, 0);
  K = H(K, V, Buffer.from([0]), x, h1modq);
  V = H(K, V);
  K = H(K, V, Buffer.from([1]), x, h1modq);
  V = H(K, V);
  const out: Buffer[] = [];
  while (out.length < count) {
    V = H(K, V);
    const k = big(V);
    if (k >= 1n && k < N) out.push(V);
    K = H(K, V, Buffer.from([0]));
    V = H(K, V);
  }
  return out;
}

describe('RFC 6979 nonce sequence', () => {
  it('first and following candidates match a literal transcription of §3.2', () => {
    for (let i = 0; i < 20; i++) {
      const x = generateKey(13) as { algorithm: 13; privateKey: Buffer };
      const h1 = i === 0 ? Buffer.alloc(32, 0xff) : randomBytes(32);
      const gen = new Rfc6979Nonces(x.privateKey, h1);
      const want = referenceNonces(x.privateKey, h1, 3);
      for (const w of want) expect(gen.next().toString('hex')).toBe(w.toString('hex'));
    }
  });
});

describe('modular inverse mod n', () => {
  it('Lehmer and Euclid agree and are inverses, edge values included', () => {
    const xs = [1n, 2n, 3n, N - 1n, N - 2n, 1n << 255n, (1n << 128n) + 1n, 0xffffffffffffffn, 1n << 52n];
    for (let i = 0; i < 2000; i++) xs.push((big(randomBytes(32)) % (N - 1n)) + 1n);
    for (let i = 0; i < 200; i++) xs.push(big(randomBytes(randomInt(1, 32))) + 1n);
    for (const a of xs) {
      const inv = invLehmer(a, N);
      expect(inv).toBe(invEuclid(a, N));
      expect((inv * a) % N).toBe(1n);
      expect(inv > 0n && inv < N).toBe(true);
    }
    expect(() => invLehmer(0n, N)).toThrow();
  });
});

describe('P256Signer', () => {
  it('signDigest handles digests at and above n like noble (prehash: false)', () => {
    const key = generateKey(13) as { algorithm: 13; privateKey: Buffer };
    const signer = new P256Signer(key.privateKey);
    for (const h of [Buffer.alloc(32, 0xff), Buffer.from(P256_N), Buffer.alloc(32, 0), randomBytes(32)]) {
      const ref = Buffer.from(p256.sign(h, key.privateKey, { prehash: false, lowS: false }));
      expect(signer.signDigest(h).toString('hex')).toBe(ref.toString('hex'));
    }
  });
  it('signMany equals sign, byte for byte, for batches of any size', () => {
    const key = generateKey(13);
    const signer = createSigner(key);
    // 256 signatures go through the WebAssembly arithmetic at a time (p256-scalar.ts CAPACITY).
    for (const size of [0, 1, 2, 7, 100, 256, 257, 600]) {
      const msgs = Array.from({ length: size }, () => randomBytes(randomInt(0, 300)));
      const many = signMany(signer, msgs);
      expect(many.length).toBe(size);
      many.forEach((sig, i) => expect(sig.toString('hex')).toBe(signer.sign(msgs[i]!).toString('hex')));
    }
  });
  it('signMany without WebAssembly (BigInt arithmetic) gives the same bytes', () => {
    const key = generateKey(13);
    const wasm = createSigner(key) as P256Signer;
    const plain = createSigner(key) as P256Signer;
    Object.assign(plain, { batch: null }); // as P256Batch.for() leaves it where WebAssembly is missing
    const msgs = Array.from({ length: 40 }, () => randomBytes(randomInt(0, 300)));
    expect(signMany(plain, msgs)).toEqual(signMany(wasm, msgs));
    // and they are RFC 6979 signatures as noble makes them
    const ref = msgs.map((m) => Buffer.from(p256.sign(m, (key as { privateKey: Buffer }).privateKey, { lowS: false })));
    expect(signMany(plain, msgs)).toEqual(ref);
  });
  it('signMany for Ed25519 and RSA is a plain loop', () => {
    for (const key of [generateKey(15), generateKey(8, { rsaBits: 1024 })]) {
      const signer = createSigner(key);
      const msgs = Array.from({ length: 5 }, () => randomBytes(100));
      expect(signMany(signer, msgs)).toEqual(msgs.map((m) => signer.sign(m)));
    }
  });
  it('the same key in two signers gives the same bytes (no hidden state, blinding invisible)', () => {
    const key = generateKey(13);
    const a = createSigner(key), b = createSigner(key);
    for (let i = 0; i < 50; i++) {
      const m = randomBytes(150);
      expect(a.sign(m).equals(b.sign(m))).toBe(true);
    }
  });
});
