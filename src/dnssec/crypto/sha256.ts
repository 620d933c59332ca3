// SHA-256 (FIPS 180-4) in plain JavaScript, with resumable states. Why not node:crypto: a
// signature needs 15 HMAC-SHA-256 compressions for its RFC 6979 nonce and two hashes of
// short inputs, and each node:crypto Hash/Hmac object costs ~2 µs of allocation and binding
// overhead for ~0.2 µs of hashing; here a keyed HMAC state is computed once and resumed.
// Only 32-bit integer operations, no data-dependent branches or table indexes: constant time.

/** The round constants. */
export const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** The initial hash value H(0). */
export const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const W = new Int32Array(64);
const TAIL = new Uint8Array(128);
const WORK = new Int32Array(8);

/** Folds the 64-byte block at `m[off]` into `s` (8 words). */
export function compress(s: Int32Array, m: Uint8Array, off: number): void {
  const w = W;
  for (let i = 0; i < 16; i++, off += 4) w[i] = (m[off] << 24) | (m[off + 1] << 16) | (m[off + 2] << 8) | m[off + 3];
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15], y = w[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  s[0] = (s[0] + a) | 0; s[1] = (s[1] + b) | 0; s[2] = (s[2] + c) | 0; s[3] = (s[3] + d) | 0;
  s[4] = (s[4] + e) | 0; s[5] = (s[5] + f) | 0; s[6] = (s[6] + g) | 0; s[7] = (s[7] + h) | 0;
}

/**
 * Hashes `m[start, end)` on top of `from`, a state that has already absorbed `prior` bytes
 * (a multiple of 64), and writes the 32-byte digest to `out[outOff]`. `from` is not changed.
 */
export function finish(from: Int32Array, prior: number, m: Uint8Array, start: number, end: number, out: Uint8Array, outOff = 0): void {
  const s = WORK;
  s.set(from);
  let o = start;
  for (; o + 64 <= end; o += 64) compress(s, m, o);
  const rest = end - o;
  const t = TAIL;
  t.fill(0);
  for (let i = 0; i < rest; i++) t[i] = m[o + i];
  t[rest] = 0x80;
  const blocks = rest + 9 <= 64 ? 1 : 2;
  // The message length in bits, big-endian in the last 8 bytes.
  const bits = (prior + end - start) * 8;
  const hi = Math.floor(bits / 0x100000000);
  const at = blocks * 64 - 8;
  t[at] = hi >>> 24; t[at + 1] = hi >>> 16; t[at + 2] = hi >>> 8; t[at + 3] = hi;
  t[at + 4] = bits >>> 24; t[at + 5] = bits >>> 16; t[at + 6] = bits >>> 8; t[at + 7] = bits;
  compress(s, t, 0);
  if (blocks === 2) compress(s, t, 64);
  for (let i = 0; i < 8; i++) {
    const v = s[i];
    out[outOff++] = v >>> 24; out[outOff++] = v >>> 16; out[outOff++] = v >>> 8; out[outOff++] = v;
  }
}

/** SHA-256 of `m[start, end)` into `out[outOff]`. */
export function sha256Into(m: Uint8Array, start: number, end: number, out: Uint8Array, outOff = 0): void {
  finish(IV, 0, m, start, end, out, outOff);
}

/** A key's HMAC-SHA-256 (RFC 2104) inner and outer states, each having absorbed one block. */
export class HmacKey {
  readonly inner = new Int32Array(8);
  readonly outer = new Int32Array(8);

  /** `key` must be at most 64 bytes (RFC 6979 keys are 32). */
  constructor(key: Uint8Array) {
    this.rekey(key);
  }

  rekey(key: Uint8Array): void {
    const pad = TAIL; // free between calls
    pad.fill(0x36, 0, 64);
    for (let i = 0; i < key.length; i++) pad[i] = key[i] ^ 0x36;
    this.inner.set(IV);
    compress(this.inner, pad, 0);
    pad.fill(0x5c, 0, 64);
    for (let i = 0; i < key.length; i++) pad[i] = key[i] ^ 0x5c;
    this.outer.set(IV);
    compress(this.outer, pad, 0);
  }
}

const MID = new Uint8Array(32);

/**
 * HMAC(key, m[start, end)) into `out[outOff]`; `inner`/`prior` may be a state further along the
 * inner hash than the key's (a message prefix absorbed in advance).
 */
export function hmacInto(key: HmacKey, m: Uint8Array, start: number, end: number, out: Uint8Array, outOff = 0, inner = key.inner, prior = 64): void {
  finish(inner, prior, m, start, end, MID, 0);
  finish(key.outer, 64, MID, 0, 32, out, outOff);
}
