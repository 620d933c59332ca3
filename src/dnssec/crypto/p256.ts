// ECDSA P-256 with SHA-256 (DNSSEC algorithm 13, RFC 6605), deterministic (RFC 6979).
//
// Route: the nonce k comes from RFC 6979 (node:crypto HMAC); R = k·G is computed natively by
// OpenSSL through an ECDH object (setPrivateKey(k) computes k·G with the constant-time
// fixed-base code; getPublicKey() hands back the affine point); the scalar arithmetic
// s = k⁻¹(z + r·d) mod n is done in BigInt with the nonce inversion blinded by a fresh
// random b: k⁻¹ = b·(k·b)⁻¹. The blinding changes nothing in the output (s is a function of
// k, z, r, d only), so signatures stay deterministic.
//
// s is NOT normalised to the low half (RFC 6605 / DNSSEC do not ask for it, and the RFC 6979
// test vectors are high-s): output is exactly r || s of RFC 6979.
import { createECDH, createHash, randomFillSync, type ECDH } from 'node:crypto';
import type { Signer } from '../algorithm.js';
import { Rfc6979Nonces, inRange } from './rfc6979.js';
import { invEuclid, invLehmer } from './modinv.js';

export const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

const hexToBig = (b: Buffer, start = 0, end = b.length): bigint => BigInt('0x' + b.toString('hex', start, end));
const bigTo32 = (v: bigint): string => v.toString(16).padStart(64, '0');

/** A pool of random bytes for blinding factors (refilled 4 KiB at a time). */
const pool = Buffer.alloc(4096);
let poolPos = pool.length;
function randomScalar(): bigint {
  for (;;) {
    if (poolPos + 32 > pool.length) { randomFillSync(pool); poolPos = 0; }
    const b = hexToBig(pool, poolPos, poolPos + 32);
    poolPos += 32;
    if (b > 0n && b < N) return b;
  }
}

/** The 64-byte DNSKEY public key field X || Y for a P-256 private scalar. */
export function p256PublicKey(privateKey: Buffer): Buffer {
  if (!inRange(privateKey)) throw new Error('P-256 private key must be 32 bytes, 1 <= d < n');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(privateKey);
  return ecdh.getPublicKey().subarray(1);
}

export class P256Signer implements Signer {
  readonly algorithm = 13 as const;
  readonly publicKey: Buffer;
  private readonly x: Buffer;
  private readonly d: bigint;
  private readonly ecdh: ECDH;

  constructor(privateKey: Buffer) {
    if (!inRange(privateKey)) throw new Error('P-256 private key must be 32 bytes, 1 <= d < n');
    this.x = Buffer.from(privateKey);
    this.d = hexToBig(this.x);
    this.ecdh = createECDH('prime256v1');
    this.publicKey = p256PublicKey(this.x);
  }

  sign(data: Buffer): Buffer {
    const h1 = createHash('sha256').update(data).digest();
    return this.signDigest(h1);
  }

  /** Signs a SHA-256 digest (32 bytes). */
  signDigest(h1: Buffer): Buffer {
    const z = hexToBig(h1); // qlen = hlen = 256: e = int(h1); z < 2^256 < 2n, reduced below
    const nonces = new Rfc6979Nonces(this.x, h1);
    for (;;) {
      const k = nonces.next();
      this.ecdh.setPrivateKey(k);
      // Compressed form '02|03' || X as hex: the x coordinate without a Buffer round trip.
      const R = this.ecdh.getPublicKey('hex', 'compressed');
      let r = BigInt('0x' + R.slice(2));
      if (r >= N) r -= N;
      if (r === 0n) continue;
      const kn = hexToBig(k);
      const b = randomScalar();
      const kb = (kn * b) % N;
      let inv = invLehmer(kb, N);
      // Cheap self-check (one multiplication): never let an arithmetic slip reach a signature.
      if ((inv * kb) % N !== 1n) inv = invEuclid(kb, N);
      const kinv = (inv * b) % N;
      const s = (kinv * ((z + r * this.d) % N)) % N;
      if (s === 0n) continue;
      return Buffer.from(bigTo32(r) + bigTo32(s), 'hex');
    }
  }
}
