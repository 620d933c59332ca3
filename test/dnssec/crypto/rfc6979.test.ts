import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { P256Signer } from '../../../src/dnssec/crypto/p256.js';
import { rfc6979Nonce, bits2octets, P256_N } from '../../../src/dnssec/crypto/rfc6979.js';
import { createSigner, verify } from '../../../src/dnssec/crypto/index.js';

// RFC 6979 appendix A.2.5, ECDSA on P-256 with SHA-256.
const X = Buffer.from('C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721', 'hex');
const UX = '60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6';
const UY = '7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299';
const VECTORS = [
  {
    msg: 'sample',
    k: 'A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60',
    r: 'EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716',
    s: 'F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8',
  },
  {
    msg: 'test',
    k: 'D16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0',
    r: 'F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367',
    s: '019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083',
  },
];

describe('RFC 6979 A.2.5 (P-256, SHA-256)', () => {
  it('derives the public key U', () => {
    expect(new P256Signer(X).publicKey.toString('hex').toUpperCase()).toBe(UX + UY);
  });
  for (const v of VECTORS) {
    it(`nonce k for "${v.msg}"`, () => {
      const h1 = createHash('sha256').update(v.msg).digest();
      expect(rfc6979Nonce(X, h1).toString('hex').toUpperCase()).toBe(v.k);
    });
    it(`signature r || s for "${v.msg}", byte for byte, and it verifies`, () => {
      const signer = createSigner({ algorithm: 13, privateKey: X });
      const sig = signer.sign(Buffer.from(v.msg));
      expect(sig.toString('hex').toUpperCase()).toBe(v.r + v.s);
      expect(signer.sign(Buffer.from(v.msg)).equals(sig)).toBe(true);
      expect(verify(13, signer.publicKey, Buffer.from(v.msg), sig)).toBe(true);
    });
  }
  it('bits2octets reduces a hash at or above n', () => {
    expect(bits2octets(P256_N).equals(Buffer.alloc(32))).toBe(true);
    const h = Buffer.alloc(32, 0xff);
    const want = (BigInt('0x' + 'ff'.repeat(32)) - BigInt('0x' + P256_N.toString('hex'))).toString(16).padStart(64, '0');
    expect(bits2octets(h).toString('hex')).toBe(want);
  });
  it('rejects private keys out of range', () => {
    expect(() => new P256Signer(Buffer.alloc(32))).toThrow();
    expect(() => new P256Signer(P256_N)).toThrow();
    expect(() => new P256Signer(Buffer.alloc(33, 1))).toThrow();
    expect(() => new P256Signer(Buffer.alloc(0))).toThrow();
  });
  it('accepts a key that lost its leading zero bytes (left-pads to 32)', () => {
    const padded = Buffer.concat([Buffer.alloc(1), X.subarray(1)]);
    const short = X.subarray(1);
    expect(new P256Signer(short).publicKey.equals(new P256Signer(padded).publicKey)).toBe(true);
    expect(new P256Signer(short).sign(Buffer.from('x')).equals(new P256Signer(padded).sign(Buffer.from('x')))).toBe(true);
  });
});
