// RFC 6979 §3.2 deterministic nonces for ECDSA P-256 with SHA-256 (HMAC_DRBG over
// HMAC-SHA-256). The group order and the hash are both 256 bits long (qlen = hlen = 256),
// so bits2int is a plain big-endian read and one HMAC output is one candidate nonce.
import { createHmac } from 'node:crypto';
import { HmacKey, compress, hmacInto } from './sha256.js';

/** The order n of the P-256 group, big-endian. */
export const P256_N = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');

const ZERO32 = Buffer.alloc(32, 0x00);
const ONE32 = Buffer.alloc(32, 0x01);
const SEP0 = Buffer.from([0x00]);

function hmac(key: Buffer, data: Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** True when 1 <= k < n (a usable P-256 nonce or private scalar). */
export function inRange(k: Buffer): boolean {
  if (k.length !== 32 || k.compare(P256_N) >= 0) return false;
  for (let i = 0; i < 32; i++) if (k[i] !== 0) return true;
  return false;
}

/** bits2octets(h1) = int2octets(bits2int(h1) mod n) for a 32-byte hash (RFC 6979 §2.3.4). */
export function bits2octets(h1: Buffer): Buffer {
  if (h1.compare(P256_N) < 0) return h1;
  // h1 >= n happens with probability ~2^-32; one subtraction suffices since h1 < 2n.
  const v = BigInt('0x' + h1.toString('hex')) - BigInt('0x' + P256_N.toString('hex'));
  return Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
}

/**
 * The sequence of candidate nonces of RFC 6979 §3.2 (steps b–h) for private key `x`
 * (32 bytes, big-endian) and message hash `h1` (SHA-256 of the message, 32 bytes).
 * `next()` returns the first candidate with 1 <= k < n; call it again when the caller must
 * reject k (r = 0 or s = 0), which continues with step h.3 as the RFC says.
 */
export class Rfc6979Nonces {
  private k: Buffer;
  private v: Buffer;
  private started = false;

  constructor(x: Buffer, h1: Buffer) {
    // One buffer V || sep || int2octets(x) || bits2octets(h1), so each HMAC is one update.
    const m = Buffer.allocUnsafe(97);
    ONE32.copy(m, 0);
    m[32] = 0x00;
    x.copy(m, 33);
    bits2octets(h1).copy(m, 65);
    // d. K = HMAC_K(V || 0x00 || int2octets(x) || bits2octets(h1)), K = 0x00.., V = 0x01..
    let k = hmac(ZERO32, m);
    // e. V = HMAC_K(V)
    let v = hmac(k, ONE32);
    // f. K = HMAC_K(V || 0x01 || int2octets(x) || bits2octets(h1))
    v.copy(m, 0);
    m[32] = 0x01;
    k = hmac(k, m);
    // g. V = HMAC_K(V)
    v = hmac(k, v);
    this.k = k;
    this.v = v;
  }

  next(): Buffer {
    for (;;) {
      if (this.started) {
        // h.3: K = HMAC_K(V || 0x00), V = HMAC_K(V)
        this.k = hmac(this.k, Buffer.concat([this.v, SEP0]));
        this.v = hmac(this.k, this.v);
      }
      this.started = true;
      // h.1/h.2: T = V = HMAC_K(V); qlen = hlen so one block is enough.
      this.v = hmac(this.k, this.v);
      if (inRange(this.v)) return this.v;
    }
  }
}

/** The first RFC 6979 nonce for (x, h1): what a signature uses unless r or s comes out 0. */
export function rfc6979Nonce(x: Buffer, h1: Buffer): Buffer {
  return new Rfc6979Nonces(x, h1).next();
}

const K0 = new HmacKey(ZERO32);

/**
 * The same first nonce as `rfc6979Nonce(x, h1)`, made with resumable SHA-256 states instead
 * of node:crypto HMAC objects (5 HMACs, 15 compressions, no allocation): one per private
 * key, reused for every message. Step d's first message block (V || 0x00 || x[0..31)) is the
 * same for every message under one key, so it is absorbed once here.
 */
export class FastNonces {
  private readonly dInner = new Int32Array(8);
  private readonly k1 = new HmacKey(ZERO32);
  private readonly k2 = new HmacKey(ZERO32);
  private readonly msg = new Uint8Array(97);
  private readonly k = Buffer.alloc(32);
  private readonly v = Buffer.alloc(32);

  constructor(x: Buffer) {
    const m = this.msg;
    m.fill(0x01, 0, 32);
    m[32] = 0x00;
    m.set(x, 33);
    this.dInner.set(K0.inner);
    compress(this.dInner, m, 0);
  }

  /**
   * The first candidate nonce for `h1` (32 bytes) if it lies in [1, n), else undefined (then
   * use Rfc6979Nonces, which goes on to step h.3). The result is overwritten by the next call.
   */
  first(h1: Buffer): Buffer | undefined {
    const m = this.msg, k = this.k, v = this.v;
    m.set(bits2octets(h1), 65);
    // d. K = HMAC_0(V || 0x00 || x || h1), resumed after the per-key first block.
    hmacInto(K0, m, 64, 97, k, 0, this.dInner, 128);
    this.k1.rekey(k);
    // e. V = HMAC_K(V), V = 0x01..
    hmacInto(this.k1, ONE32, 0, 32, v);
    // f. K = HMAC_K(V || 0x01 || x || h1)
    m.set(v, 0);
    m[32] = 0x01;
    hmacInto(this.k1, m, 0, 97, k);
    this.k2.rekey(k);
    // g. V = HMAC_K(V); h.2: T = V = HMAC_K(V)
    hmacInto(this.k2, v, 0, 32, v);
    hmacInto(this.k2, v, 0, 32, v);
    // Restore the per-key first block of step d for the next message.
    m.fill(0x01, 0, 32);
    m[32] = 0x00;
    return inRange(v) ? v : undefined;
  }
}
