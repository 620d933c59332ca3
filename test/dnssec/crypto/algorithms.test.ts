// Every algorithm against node:crypto and the reference implementation (@noble/curves).
import { describe, expect, it } from 'vitest';
import { createHash, randomBytes, randomInt, createPublicKey } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { createSigner, generateKey, publicKeyField, verify } from '../../../src/dnssec/crypto/index.js';
import type { PrivateKeyMaterial } from '../../../src/dnssec/algorithm.js';

const KEYS = 20;
const MSGS = 15; // 300 messages per algorithm
const randomMessage = () => randomBytes(randomInt(0, 600));
const flip = (b: Buffer, i: number) => { const c = Buffer.from(b); c[i % c.length]! ^= 1; return c; };

describe('ECDSA P-256 (13)', () => {
  it('public key = noble getPublicKey (uncompressed, without 0x04)', () => {
    for (let i = 0; i < 50; i++) {
      const key = generateKey(13) as { algorithm: 13; privateKey: Buffer };
      const noble = Buffer.from(p256.getPublicKey(key.privateKey, false)).subarray(1);
      expect(publicKeyField(key).equals(noble)).toBe(true);
      expect(createSigner(key).publicKey.equals(noble)).toBe(true);
    }
  });
  it('signatures equal noble RFC 6979 signatures byte for byte (lowS: false) and verify in node and noble', () => {
    let highS = 0;
    for (let i = 0; i < KEYS; i++) {
      const key = generateKey(13) as { algorithm: 13; privateKey: Buffer };
      const signer = createSigner(key);
      const pub65 = Buffer.concat([Buffer.from([4]), signer.publicKey]);
      for (let j = 0; j < MSGS; j++) {
        const msg = randomMessage();
        const sig = signer.sign(msg);
        expect(sig.length).toBe(64);
        const ref = Buffer.from(p256.sign(msg, key.privateKey, { lowS: false, prehash: true }));
        expect(sig.toString('hex')).toBe(ref.toString('hex'));
        expect(signer.sign(msg).equals(sig)).toBe(true);
        expect(verify(13, signer.publicKey, msg, sig)).toBe(true);
        expect(p256.verify(sig, msg, pub65, { lowS: false, prehash: true })).toBe(true);
        if (msg.length > 0) expect(verify(13, signer.publicKey, flip(msg, j), sig)).toBe(false);
        expect(verify(13, signer.publicKey, msg, flip(sig, j))).toBe(false);
        if (sig[32]! >= 0x80) highS++;
      }
    }
    expect(highS).toBeGreaterThan(0); // not normalised: about half are high-s
  });
  it('noble low-s signatures are the same r, and s or n - s', () => {
    const key = generateKey(13) as { algorithm: 13; privateKey: Buffer };
    const signer = createSigner(key);
    const n = p256.Point.Fn.ORDER;
    for (let j = 0; j < 50; j++) {
      const msg = randomMessage();
      const sig = signer.sign(msg);
      const low = Buffer.from(p256.sign(msg, key.privateKey)); // noble default lowS: true
      expect(low.subarray(0, 32).equals(sig.subarray(0, 32))).toBe(true);
      const s = BigInt('0x' + sig.subarray(32).toString('hex'));
      const sl = BigInt('0x' + low.subarray(32).toString('hex'));
      expect(sl === s || sl === n - s).toBe(true);
    }
  });
});

describe('Ed25519 (15)', () => {
  it('public keys, signatures and verification agree with noble and node', () => {
    for (let i = 0; i < KEYS; i++) {
      const key = generateKey(15) as { algorithm: 15; privateKey: Buffer };
      expect(key.privateKey.length).toBe(32);
      const signer = createSigner(key);
      expect(signer.publicKey.equals(Buffer.from(ed25519.getPublicKey(key.privateKey)))).toBe(true);
      expect(publicKeyField(key).equals(signer.publicKey)).toBe(true);
      for (let j = 0; j < MSGS; j++) {
        const msg = randomMessage();
        const sig = signer.sign(msg);
        expect(sig.length).toBe(64);
        expect(sig.equals(Buffer.from(ed25519.sign(msg, key.privateKey)))).toBe(true);
        expect(verify(15, signer.publicKey, msg, sig)).toBe(true);
        expect(ed25519.verify(sig, msg, signer.publicKey)).toBe(true);
        expect(verify(15, signer.publicKey, msg, flip(sig, j))).toBe(false);
      }
    }
  });
  it('RFC 8032 test 1 (empty message)', () => {
    const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    const signer = createSigner({ algorithm: 15, privateKey: seed });
    expect(signer.publicKey.toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(signer.sign(Buffer.alloc(0)).toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');
  });
});

describe('RSASHA256 (8)', () => {
  it('RFC 3110 public key, deterministic PKCS#1 v1.5 signatures verified by node', () => {
    for (const bits of [1024, 2048]) {
      for (let i = 0; i < 3; i++) {
        const key = generateKey(8, { rsaBits: bits }) as Extract<PrivateKeyMaterial, { algorithm: 8 }>;
        const signer = createSigner(key);
        const field = publicKeyField(key);
        expect(field.equals(signer.publicKey)).toBe(true);
        expect(field[0]).toBe(3); // exponent 65537 = 01 00 01
        expect(field.subarray(1, 4).toString('hex')).toBe('010001');
        expect(field.length).toBe(4 + bits / 8);
        const spkiN = createPublicKey({ key: key.jwk, format: 'jwk' }).export({ format: 'jwk' }).n!;
        expect(field.subarray(4).equals(Buffer.from(spkiN, 'base64url'))).toBe(true);
        for (let j = 0; j < 20; j++) {
          const msg = randomMessage();
          const sig = signer.sign(msg);
          expect(sig.length).toBe(bits / 8);
          expect(signer.sign(msg).equals(sig)).toBe(true);
          expect(verify(8, field, msg, sig)).toBe(true);
          expect(verify(8, field, msg, flip(sig, j))).toBe(false);
        }
      }
    }
  });
  it('signatures check by hand against RFC 8017 §9.2 (s^e mod n = EMSA-PKCS1-v1_5 of SHA-256)', () => {
    const big = (b: Buffer) => BigInt('0x' + (b.toString('hex') || '0'));
    const modpow = (b: bigint, e: bigint, m: bigint) => {
      let r = 1n; b %= m;
      for (; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
      return r;
    };
    const DIGEST_INFO = '3031300d060960864801650304020105000420';
    for (let i = 0; i < 3; i++) {
      const key = generateKey(8, { rsaBits: 1024 });
      const signer = createSigner(key);
      const field = signer.publicKey; // RFC 3110: 03 | e (3 bytes) | n
      const e = big(field.subarray(1, 1 + field[0]!));
      const n = big(field.subarray(1 + field[0]!));
      const k = field.length - 1 - field[0]!;
      for (let j = 0; j < 10; j++) {
        const msg = randomMessage();
        const t = DIGEST_INFO + createHash('sha256').update(msg).digest('hex');
        const em = '0001' + 'ff'.repeat(k - 3 - t.length / 2) + '00' + t;
        const got = modpow(big(signer.sign(msg)), e, n).toString(16).padStart(2 * k, '0');
        expect(got).toBe(em);
      }
    }
  });
  it('default key size is 2048 bits', () => {
    const key = generateKey(8);
    expect(publicKeyField(key).length).toBe(4 + 256);
  });
});

describe('contract', () => {
  it('rejects unknown algorithms and malformed input', () => {
    expect(() => createSigner({ algorithm: 7 } as unknown as PrivateKeyMaterial)).toThrow();
    expect(() => createSigner({ algorithm: 15, privateKey: Buffer.alloc(31) })).toThrow();
    expect(verify(13, Buffer.alloc(63), Buffer.alloc(1), Buffer.alloc(64))).toBe(false);
    expect(verify(13, Buffer.alloc(64), Buffer.alloc(1), Buffer.alloc(64))).toBe(false);
    expect(verify(15, Buffer.alloc(32, 1), Buffer.alloc(1), Buffer.alloc(63))).toBe(false);
    expect(verify(99, Buffer.alloc(32), Buffer.alloc(1), Buffer.alloc(64))).toBe(false);
  });
});

describe('key material after structured clone (worker threads)', () => {
  it('accepts Uint8Array private keys and JWKs as postMessage delivers them', () => {
    for (const key of [generateKey(13), generateKey(15), generateKey(8, { rsaBits: 1024 })]) {
      const cloned = structuredClone(key);
      const msg = randomBytes(100);
      expect(createSigner(cloned).sign(msg).equals(createSigner(key).sign(msg))).toBe(true);
      expect(publicKeyField(cloned).equals(publicKeyField(key))).toBe(true);
    }
  });
});

describe('RFC 3110 long exponent length form', () => {
  it('parses a field whose exponent length is written as 0 + two bytes', () => {
    const key = generateKey(8, { rsaBits: 1024 }) as Extract<PrivateKeyMaterial, { algorithm: 8 }>;
    const signer = createSigner(key);
    const short = signer.publicKey; // 03 010001 n
    const long = Buffer.concat([Buffer.from([0, 0, 3]), short.subarray(1)]);
    const msg = randomBytes(64);
    expect(verify(8, long, msg, signer.sign(msg))).toBe(true);
  });
});
