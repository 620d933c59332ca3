// ECDSA P-256 with SHA-256 (DNSSEC algorithm 13, RFC 6605), deterministic (RFC 6979).
//
// Route: the nonce k comes from RFC 6979 (HMAC-SHA-256 in JavaScript, or four at a time in
// WebAssembly for batches); R = k·G is computed natively by OpenSSL through an ECDH object
// (setPrivateKey(k) computes k·G with the constant-time fixed-base code; getPublicKey()
// hands back the affine point); the scalar arithmetic s = k⁻¹(z + r·d) mod n is done in
// BigInt for one signature and in WebAssembly for a batch (p256-scalar.ts), with the nonce
// inversion blinded by a fresh random b: k⁻¹ = b·(k·b)⁻¹. The blinding changes nothing in the
// output (s is a function of k, z, r, d only), so signatures stay deterministic.
//
// s is NOT normalised to the low half (RFC 6605 / DNSSEC do not ask for it, and the RFC 6979
// test vectors are high-s): output is exactly r || s of RFC 6979.
import { createECDH, randomFillSync, type ECDH } from 'node:crypto';
import type { Signer } from '../algorithm.js';
import { FastNonces, Rfc6979Nonces, bits2octets, inRange } from './rfc6979.js';
import { NoncesX4, sha256Many } from './sha256-x4.js';
import { sha256Into } from './sha256.js';
import { invEuclid, invLehmer } from './modinv.js';
import { CAPACITY, N, P256Batch } from './p256-scalar.js';

export { N };
const ONE = Buffer.from('00'.repeat(31) + '01', 'hex');

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

/**
 * A private scalar as exactly 32 bytes (a copy): accepts a Uint8Array (what postMessage turns
 * a Buffer into) and left-pads shorter encodings that dropped leading zero bytes.
 */
function scalar32(key: Uint8Array): Buffer {
  if (key.length > 32) throw new Error('P-256 private key must be at most 32 bytes');
  const out = Buffer.alloc(32);
  out.set(key, 32 - key.length);
  return out;
}

/** The 64-byte DNSKEY public key field X || Y for a P-256 private scalar. */
export function p256PublicKey(key: Uint8Array): Buffer {
  const privateKey = scalar32(key);
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
  private readonly nonces: FastNonces;
  private readonly h1 = Buffer.alloc(32);
  /** The 4-lane nonce maker, made on first bulk use; null where WebAssembly SIMD is missing. */
  private x4: NoncesX4 | null | undefined;
  /** The WebAssembly scalar arithmetic, made on first bulk use; null where WebAssembly is missing. */
  private batch: P256Batch | null | undefined;

  constructor(privateKey: Uint8Array) {
    this.x = scalar32(privateKey);
    if (!inRange(this.x)) throw new Error('P-256 private key must be 32 bytes, 1 <= d < n');
    this.d = hexToBig(this.x);
    this.ecdh = createECDH('prime256v1');
    this.publicKey = p256PublicKey(this.x);
    this.nonces = new FastNonces(this.x);
  }

  sign(data: Buffer): Buffer {
    sha256Into(data, 0, data.length, this.h1);
    return this.signDigest(this.h1);
  }

  /**
   * The RFC 6979 nonce for `h1` and its r: the first candidate from the fast path; on the
   * rare rejections (k >= n, r = 0) the step-by-step generator goes on as the RFC says.
   */
  private nonce(h1: Buffer): { k: Buffer; r: bigint; gen?: Rfc6979Nonces } {
    const fast = this.nonces.first(h1);
    if (fast) {
      const r = this.rFor(fast);
      if (r !== 0n) return { k: fast, r };
    }
    const gen = new Rfc6979Nonces(this.x, h1);
    let k = gen.next();
    if (fast) k = gen.next(); // the first candidate was usable as k but gave r = 0
    let r = this.rFor(k);
    while (r === 0n) { k = gen.next(); r = this.rFor(k); }
    return { k, r, gen };
  }

  /** Signs a SHA-256 digest (32 bytes) of the data. */
  signDigest(h1: Buffer): Buffer {
    if (h1.length !== 32) throw new Error('P-256 signDigest needs a 32-byte SHA-256 digest');
    const z = hexToBig(h1); // qlen = hlen = 256: e = int(h1) (z < 2n; reduced below)
    let { k, r, gen } = this.nonce(h1);
    for (;;) {
      const kn = hexToBig(k);
      const b = randomScalar();
      const kinv = (invBlinded((kn * b) % N) * b) % N;
      const s = (kinv * ((z + r * this.d) % N)) % N;
      if (s !== 0n) return Buffer.from(bigTo32(r) + bigTo32(s), 'hex');
      // s = 0 (probability 2^-256): RFC 6979 moves on to the next candidate.
      if (!gen) { gen = new Rfc6979Nonces(this.x, h1); gen.next(); }
      do { k = gen.next(); r = this.rFor(k); } while (r === 0n);
    }
  }

  /**
   * Signs many messages at once; the result equals `data.map((m) => this.sign(m))` byte for
   * byte. The nonce inversions are shared (Montgomery's trick: one blinded inversion of the
   * product of all nonces, then three multiplications per signature), and the scalar
   * arithmetic runs in WebAssembly (p256-scalar.ts) where it can: use it for bulk signing.
   */
  signMany(data: readonly Buffer[]): Buffer[] {
    const count = data.length;
    if (count === 0) return [];
    const digests = Buffer.allocUnsafe(64 * count);
    sha256Many(data, digests, 32);
    const h1 = (i: number) => digests.subarray(32 * i, 32 * i + 32);
    // The first candidate nonces (after the digests), four at a time (sha256-x4.ts) or one by one.
    const x4 = this.x4 === undefined ? (this.x4 = NoncesX4.for(this.x) ?? null) : this.x4;
    const firsts: Buffer[] = new Array<Buffer>(count);
    for (let i = 0; i < count; i++) firsts[i] = digests.subarray(32 * (count + i), 32 * (count + i) + 32);
    if (x4) {
      const octets = new Array<Buffer>(count);
      for (let i = 0; i < count; i++) octets[i] = bits2octets(h1(i));
      for (let i = 0; i < count; i += 4) x4.run(octets, firsts, i);
    } else {
      for (let i = 0; i < count; i++) {
        const k = this.nonces.first(h1(i));
        if (k) k.copy(firsts[i]);
        else firsts[i].fill(0); // out of range: inRange below sends it to the single path
      }
    }
    const batch = this.batch === undefined ? (this.batch = P256Batch.for(this.d) ?? null) : this.batch;
    if (!batch) return this.signManyBig(data, h1, firsts);
    const out = new Array<Buffer>(count);
    for (let start = 0; start < count; start += CAPACITY) {
      const n = Math.min(CAPACITY, count - start);
      batch.load(digests, 32 * start, digests, 32 * (count + start), n);
      const apart: number[] = [];
      for (let i = 0; i < n; i++) {
        const k = firsts[start + i];
        // A first candidate out of range is rare (2⁻³²): that signature is made apart, and
        // the batch carries a stand-in nonce so the shared inversion still works.
        if (inRange(k)) batch.setPoint(i, this.point(k));
        else {
          apart.push(i);
          batch.setNonce(i, ONE);
          batch.setPoint(i, this.point(ONE));
        }
      }
      const sigs = batch.finish(n, randomScalar(), invBlinded, (i) => apart.push(i));
      for (let i = 0; i < n; i++) out[start + i] = sigs[i];
      // r or s = 0, or no usable first candidate: the single path goes on as RFC 6979 says.
      for (const i of apart) out[start + i] = this.sign(data[start + i]);
    }
    return out;
  }

  /** signMany's arithmetic in BigInt, where WebAssembly is missing. */
  private signManyBig(data: readonly Buffer[], h1: (i: number) => Buffer, firsts: readonly Buffer[]): Buffer[] {
    const count = data.length;
    const out: Buffer[] = new Array<Buffer>(count);
    const zs: bigint[] = new Array<bigint>(count);
    const rs: bigint[] = new Array<bigint>(count);
    const ks: bigint[] = new Array<bigint>(count);
    const prefix: bigint[] = new Array<bigint>(count);
    const b = randomScalar();
    let acc = b;
    for (let i = 0; i < count; i++) {
      zs[i] = hexToBig(h1(i));
      const first = firsts[i];
      let r = inRange(first) ? this.rFor(first) : 0n;
      let k: Buffer = first;
      // Out of range, or r = 0: the step-by-step generator decides, as for a single signature.
      if (r === 0n) ({ k, r } = this.nonce(h1(i)));
      rs[i] = r;
      ks[i] = hexToBig(k);
      acc = (acc * ks[i]!) % N;
      prefix[i] = acc; // b · k_0 · … · k_i
    }
    let inv = invBlinded(acc); // (b · k_0 · … · k_last)⁻¹
    for (let i = count - 1; i >= 0; i--) {
      const before = i > 0 ? prefix[i - 1]! : b;
      const kinv = (inv * before) % N;
      inv = (inv * ks[i]!) % N;
      const s = (kinv * ((zs[i]! + rs[i]! * this.d) % N)) % N;
      // s = 0 (probability 2^-256) means RFC 6979 moves on to the next nonce: the single path does.
      out[i] = s === 0n ? this.sign(data[i]!) : Buffer.from(bigTo32(rs[i]!) + bigTo32(s), 'hex');
    }
    return out;
  }

  /** k·G in node's compressed encoding (02|03 || x), computed natively. */
  private point(k: Uint8Array): Buffer {
    this.ecdh.setPrivateKey(k);
    return this.ecdh.getPublicKey(undefined, 'compressed');
  }

  /** r = (k·G).x mod n, computed natively (constant-time fixed-base multiplication). */
  private rFor(k: Uint8Array): bigint {
    this.ecdh.setPrivateKey(k);
    // Compressed form '02|03' || X as hex: the x coordinate without a Buffer round trip.
    const r = BigInt('0x' + this.ecdh.getPublicKey('hex', 'compressed').slice(2));
    return r >= N ? r - N : r;
  }
}

/** a⁻¹ mod n for a blinded (uniformly random) a, with a one-multiplication self-check. */
function invBlinded(a: bigint): bigint {
  const inv = invLehmer(a, N);
  return (inv * a) % N === 1n ? inv : invEuclid(a, N);
}
