// RFC 6979 nonces for four P-256 signatures at once: SHA-256 in WebAssembly SIMD, one message
// per 32-bit lane. A nonce costs 15 SHA-256 compressions (five HMACs with four different
// keys, rfc6979.ts FastNonces); in plain JavaScript that was ~6 µs of a ~23 µs signature.
// The lanes run the same straight-line code, so four nonces cost about one.
//
// Data lives in WebAssembly memory as "word vectors": word j of a 32-byte value or 64-byte
// block for all four lanes is one v128 at base + 16·j, each lane holding the big-endian word
// as an i32. JavaScript moves bytes in and out (input: h1 per lane; output: the candidate
// nonce per lane); everything in between stays in the module.
//
// Constant time as the scalar code: only 32-bit adds, shifts and bitwise operations, no
// branches or addresses that depend on data.
import { K as ROUND, IV, HmacKey, compress as compress1, sha256Into } from './sha256.js';
import { assemble, compiledModule, op, I32, V128, type Code } from './wasm-module.js';

const VEC = 16;
const VAL = 8 * VEC; // a 32-byte value, four lanes
const BLOCK = 16 * VEC;

// Memory map (byte offsets).
const ST = 0; // working state
const KI = ST + VAL; // HMAC inner state of the current key
const KO = KI + VAL;
const KEYV = KO + VAL; // K of RFC 6979 (step d, f results)
const V = KEYV + VAL; // V of RFC 6979; the nonce at the end
const H1 = V + VAL; // bits2octets(h1)
const X = H1 + VAL; // int2octets(x), the private key
const DIN = X + VAL; // step d's inner state after ipad(0) and V0 || 0x00 || x[0..31)
const DOUT = DIN + VAL; // opad(0) state
const IVV = DOUT + VAL; // H(0)
const B32 = IVV + VAL; // block for a 32-byte message after the key block
const BF1 = B32 + BLOCK; // step f's first block: V || 0x01 || x[0..31)
const B2 = BF1 + BLOCK; // last block of steps d and f: x[31] || h1 || padding
const BK = B2 + BLOCK; // key pad block
const END = BK + BLOCK;

/**
 * The 64 rounds over eight state and sixteen message-word locals (from local `A` on: a..h,
 * w0..w15, t1, t2): `loadW` fills w0..w15, `storeState` gets the final a..h locals.
 */
function rounds(A: number, stateParam: number, loadW: (c: Code, w0: number) => void, storeState: (c: Code, final: number[]) => void): Code {
  const W0 = A + 8, T1 = A + 24, T2 = A + 25;
  const c: Code = [];
  const rotr = (x: number, n: number): Code => [...op.get(x), ...op.i32(n), ...op.shrU, ...op.get(x), ...op.i32(32 - n), ...op.shl, ...op.or];
  const shr = (x: number, n: number): Code => [...op.get(x), ...op.i32(n), ...op.shrU];
  for (let j = 0; j < 8; j++) c.push(...op.get(stateParam), ...op.load(j * VEC), ...op.set(A + j));
  loadW(c, W0);
  let [a, b, cc, d, e, f, g, h] = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => A + j);
  for (let i = 0; i < 64; i++) {
    const w = W0 + (i % 16);
    if (i >= 16) {
      const w15 = W0 + ((i - 15) % 16), w2 = W0 + ((i - 2) % 16), w7 = W0 + ((i - 7) % 16);
      c.push(
        ...op.get(w),
        ...rotr(w15, 7), ...rotr(w15, 18), ...op.xor, ...shr(w15, 3), ...op.xor, ...op.add,
        ...op.get(w7), ...op.add,
        ...rotr(w2, 17), ...rotr(w2, 19), ...op.xor, ...shr(w2, 10), ...op.xor, ...op.add,
        ...op.set(w),
      );
    }
    c.push(
      ...op.get(h),
      ...rotr(e, 6), ...rotr(e, 11), ...op.xor, ...rotr(e, 25), ...op.xor, ...op.add,
      ...op.get(f), ...op.get(g), ...op.get(e), ...op.bitselect, ...op.add, // Ch(e, f, g)
      ...op.splat(ROUND[i]), ...op.add, ...op.get(w), ...op.add, ...op.set(T1),
      ...rotr(a, 2), ...rotr(a, 13), ...op.xor, ...rotr(a, 22), ...op.xor,
      ...op.get(cc), ...op.get(a), ...op.get(a), ...op.get(b), ...op.xor, ...op.bitselect, ...op.add, // Maj(a, b, c)
      ...op.set(T2),
      ...op.get(d), ...op.get(T1), ...op.add, ...op.set(d),
      ...op.get(T1), ...op.get(T2), ...op.add, ...op.set(h),
    );
    [a, b, cc, d, e, f, g, h] = [h, a, b, cc, d, e, f, g];
  }
  storeState(c, [a, b, cc, d, e, f, g, h]);
  return c;
}

/** compress(state, block): one block already in word-vector form (function 0). */
const compressFunc = (): Code => rounds(2, 0,
  (c, w0) => { for (let j = 0; j < 16; j++) c.push(...op.get(1), ...op.load(j * VEC), ...op.set(w0 + j)); },
  (c, final) => { for (let j = 0; j < 8; j++) c.push(...op.get(0), ...op.get(0), ...op.load(j * VEC), ...op.get(final[j]), ...op.add, ...op.store(j * VEC)); },
);

// i8x16.shuffle patterns: big-endian words of two vectors interleaved ((x0, y0, x1, y1) and
// (x2, y2, x3, y3), bytes reversed), then the low or high halves of two such vectors joined.
const BE_LOW = [3, 2, 1, 0, 19, 18, 17, 16, 7, 6, 5, 4, 23, 22, 21, 20];
const BE_HIGH = [11, 10, 9, 8, 27, 26, 25, 24, 15, 14, 13, 12, 31, 30, 29, 28];
const HALVES_LOW = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const HALVES_HIGH = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

/**
 * absorb(state, p0, p1, p2, p3) (function 2): one 64-byte block per lane, as bytes at p0..p3;
 * a lane whose word in the mask (16 bytes right after the state) is 0 keeps its state.
 */
const absorbFunc = (): Code => {
  const A = 5, X = A + 26; // locals: a..h, w0..w15, t1, t2, then four loads and four shuffles
  return rounds(A, 0,
    (c, w0) => {
      for (let g = 0; g < 4; g++) {
        for (let l = 0; l < 4; l++) c.push(...op.get(1 + l), ...op.load(g * VEC), ...op.set(X + l));
        c.push(...op.get(X), ...op.get(X + 1), ...op.shuffle(BE_LOW), ...op.set(X + 4));
        c.push(...op.get(X), ...op.get(X + 1), ...op.shuffle(BE_HIGH), ...op.set(X + 5));
        c.push(...op.get(X + 2), ...op.get(X + 3), ...op.shuffle(BE_LOW), ...op.set(X + 6));
        c.push(...op.get(X + 2), ...op.get(X + 3), ...op.shuffle(BE_HIGH), ...op.set(X + 7));
        c.push(...op.get(X + 4), ...op.get(X + 6), ...op.shuffle(HALVES_LOW), ...op.set(w0 + 4 * g));
        c.push(...op.get(X + 4), ...op.get(X + 6), ...op.shuffle(HALVES_HIGH), ...op.set(w0 + 4 * g + 1));
        c.push(...op.get(X + 5), ...op.get(X + 7), ...op.shuffle(HALVES_LOW), ...op.set(w0 + 4 * g + 2));
        c.push(...op.get(X + 5), ...op.get(X + 7), ...op.shuffle(HALVES_HIGH), ...op.set(w0 + 4 * g + 3));
      }
    },
    (c, final) => {
      for (let j = 0; j < 8; j++) {
        c.push(
          ...op.get(0),
          ...op.get(0), ...op.load(j * VEC), ...op.get(final[j]), ...op.add, // the new state
          ...op.get(0), ...op.load(j * VEC), // the old one
          ...op.get(0), ...op.load(VAL), // the mask
          ...op.bitselect, ...op.store(j * VEC),
        );
      }
    },
  );
};

/** The nonce chain of RFC 6979 §3.2 steps d–h for the four lanes (function 1, no params). */
const chainFunc = (): Code => {
  const c: Code = [];
  const at = (addr: number): Code => [...op.i32(0), ...op.load(addr)];
  const put = (addr: number, value: Code): void => { c.push(...op.i32(0), ...value, ...op.store(addr)); };
  const copy = (dst: number, src: number): void => { for (let j = 0; j < 8; j++) put(dst + j * VEC, at(src + j * VEC)); };
  const compress = (state: number, block: number): void => { c.push(...op.i32(state), ...op.i32(block), ...op.call(0)); };
  // (hi << 24) | (lo >>> 8): the word that starts one byte into `hi`.
  const straddle = (hi: Code, lo: Code): Code => [...hi, ...op.i32(24), ...op.shl, ...lo, ...op.i32(8), ...op.shrU, ...op.or];
  const word = (base: number, j: number) => at(base + j * VEC);
  const keySetup = (key: number): void => {
    for (const [pad, state] of [[0x36363636, KI], [0x5c5c5c5c, KO]] as const) {
      for (let j = 0; j < 8; j++) put(BK + j * VEC, [...word(key, j), ...op.splat(pad), ...op.xor]);
      for (let j = 8; j < 16; j++) put(BK + j * VEC, op.splat(pad));
      copy(state, IVV);
      compress(state, BK);
    }
  };
  /** out = HMAC(key in KI/KO, 32-byte msg), inner state already past the key block. */
  const outer = (out: number): void => {
    copy(B32, ST);
    copy(ST, KO);
    compress(ST, B32);
    copy(out, ST);
  };
  const hmac32 = (msg: number | Code, out: number): void => {
    for (let j = 0; j < 8; j++) put(B32 + j * VEC, typeof msg === 'number' ? word(msg, j) : msg);
    copy(ST, KI);
    compress(ST, B32);
    outer(out);
  };

  // B32's padding: 0x80, zeros, length (64 + 32 bytes = 768 bits).
  put(B32 + 8 * VEC, op.splat(0x80000000 | 0));
  for (let j = 9; j < 15; j++) put(B32 + j * VEC, op.splat(0));
  put(B32 + 15 * VEC, op.splat(768));
  // B2: x[31] || h1 || 0x80, zeros, length (64 + 97 bytes = 1288 bits).
  put(B2, straddle(word(X, 7), word(H1, 0)));
  for (let j = 1; j < 8; j++) put(B2 + j * VEC, straddle(word(H1, j - 1), word(H1, j)));
  put(B2 + 8 * VEC, [...word(H1, 7), ...op.i32(24), ...op.shl, ...op.splat(0x00800000), ...op.or]);
  for (let j = 9; j < 15; j++) put(B2 + j * VEC, op.splat(0));
  put(B2 + 15 * VEC, op.splat(1288));

  // d. K = HMAC_0(V0 || 0x00 || x || h1): the first block is the same for every message.
  copy(ST, DIN);
  compress(ST, B2);
  copy(B32, ST);
  copy(ST, DOUT);
  compress(ST, B32);
  copy(KEYV, ST);
  // e. V = HMAC_K(V0), V0 = 0x01...
  keySetup(KEYV);
  hmac32(op.splat(0x01010101), V);
  // f. K = HMAC_K(V || 0x01 || x || h1)
  for (let j = 0; j < 8; j++) put(BF1 + j * VEC, word(V, j));
  put(BF1 + 8 * VEC, [...op.splat(0x01000000), ...word(X, 0), ...op.i32(8), ...op.shrU, ...op.or]);
  for (let j = 9; j < 16; j++) put(BF1 + j * VEC, straddle(word(X, j - 9), word(X, j - 8)));
  copy(ST, KI);
  compress(ST, BF1);
  compress(ST, B2);
  outer(KEYV);
  // g. V = HMAC_K(V); h.2: T = V = HMAC_K(V)
  keySetup(KEYV);
  hmac32(V, V);
  hmac32(V, V);
  return c;
};

interface Exports {
  memory: WebAssembly.Memory;
  chain: () => void;
}

/** The compiled module, or null where WebAssembly SIMD is missing (callers fall back). */
export function sha256x4Module(): WebAssembly.Module | null {
  return compiledModule('sha256-x4', () => assemble([
    { params: [I32, I32], results: [], locals: { count: 26, type: V128 }, body: compressFunc(), export: 'compress' },
    { params: [], results: [], locals: { count: 0, type: V128 }, body: chainFunc(), export: 'chain' },
    { params: [I32, I32, I32, I32, I32], results: [], locals: { count: 34, type: V128 }, body: absorbFunc(), export: 'absorb' },
  ], 1));
}

/**
 * First RFC 6979 candidate nonces for one private key, four messages per pass; the same
 * values as `FastNonces.first` (before its range check). Undefined where WebAssembly SIMD is
 * not available.
 */
export class NoncesX4 {
  private readonly words: Int32Array;
  private readonly chain: () => void;

  static for(x: Buffer): NoncesX4 | undefined {
    const m = sha256x4Module();
    return m ? new NoncesX4(x, new WebAssembly.Instance(m).exports as unknown as Exports) : undefined;
  }

  private constructor(x: Buffer, e: Exports) {
    if (e.memory.buffer.byteLength < END) throw new Error('nonce module memory too small');
    this.words = new Int32Array(e.memory.buffer);
    this.chain = e.chain;
    const k0 = new HmacKey(Buffer.alloc(32));
    // Step d's first block, V0 || 0x00 || x[0..31), absorbed once per key.
    const first = Buffer.alloc(64, 0x01);
    first[32] = 0x00;
    x.copy(first, 33, 0, 31);
    const din = Int32Array.from(k0.inner);
    compress1(din, first, 0);
    const xw = new Int32Array(8);
    for (let j = 0; j < 8; j++) xw[j] = x.readInt32BE(j * 4);
    this.broadcast(X, xw);
    this.broadcast(DIN, din);
    this.broadcast(DOUT, k0.outer);
    this.broadcast(IVV, IV);
  }

  private broadcast(addr: number, value: Int32Array): void {
    for (let j = 0; j < 8; j++) this.words.fill(value[j], (addr + j * VEC) / 4, (addr + (j + 1) * VEC) / 4);
  }

  /**
   * For each of up to four 32-byte values bits2octets(h1) at `h1s[from + l]`, writes the
   * first candidate nonce to `out[from + l]` (32 bytes each, preallocated).
   */
  run(h1s: readonly Uint8Array[], out: readonly Buffer[], from: number): void {
    const w = this.words;
    const lanes = Math.min(4, h1s.length - from);
    for (let l = 0; l < lanes; l++) {
      const h = h1s[from + l];
      for (let j = 0, i = H1 / 4 + l; j < 8; j++, i += 4) w[i] = (h[j * 4] << 24) | (h[j * 4 + 1] << 16) | (h[j * 4 + 2] << 8) | h[j * 4 + 3];
    }
    this.chain();
    for (let l = 0; l < lanes; l++) {
      const o = out[from + l];
      for (let j = 0, i = V / 4 + l; j < 8; j++, i += 4) {
        const v = w[i];
        o[j * 4] = v >>> 24; o[j * 4 + 1] = v >>> 16; o[j * 4 + 2] = v >>> 8; o[j * 4 + 3] = v;
      }
    }
  }
}

// SHA-256 of many short messages, four lanes at a time: the digests of the signed data and
// of each canonical RRset (one or two blocks each) were ~2 µs of a signature on a signing
// thread. Memory: state, lane mask, then each lane's padded message.
const D_ST = 0;
const D_MASK = D_ST + VAL;
const D_LANES = 256;
const D_LANE = 15 * 1024;
/** Longer messages are hashed one by one (a lane holds this much, padding included). */
const D_MAX = D_LANE - 72;

interface Digester {
  bytes: Uint8Array;
  words: Int32Array;
  absorb: (state: number, p0: number, p1: number, p2: number, p3: number) => void;
}

let digester: Digester | null | undefined;

function getDigester(): Digester | null {
  if (digester === undefined) {
    const m = sha256x4Module();
    if (!m) digester = null;
    else {
      const e = new WebAssembly.Instance(m).exports as unknown as Exports & { absorb: Digester['absorb'] };
      digester = { bytes: new Uint8Array(e.memory.buffer), words: new Int32Array(e.memory.buffer), absorb: e.absorb };
    }
  }
  return digester;
}

/** SHA-256 of each message, written to `out` at `first + i * stride`. */
export function sha256Many(msgs: readonly Uint8Array[], out: Uint8Array, stride: number, first = 0): void {
  const d = getDigester();
  if (!d) {
    msgs.forEach((m, i) => sha256Into(m, 0, m.length, out, first + i * stride));
    return;
  }
  const { bytes, words } = d;
  const blocks = [0, 0, 0, 0];
  for (let i = 0; i < msgs.length; i += 4) {
    let most = 0;
    for (let l = 0; l < 4; l++) {
      const m = msgs[i + l];
      blocks[l] = 0;
      if (!m) continue;
      if (m.length > D_MAX) {
        sha256Into(m, 0, m.length, out, first + (i + l) * stride);
        continue;
      }
      const base = D_LANES + l * D_LANE;
      const n = (blocks[l] = (m.length + 9 + 63) >>> 6);
      const end = base + n * 64;
      bytes.set(m, base);
      bytes[base + m.length] = 0x80;
      bytes.fill(0, base + m.length + 1, end - 4);
      // The length in bits, big-endian in the last 8 bytes (the top 4 are 0 here).
      const bits = m.length * 8;
      bytes[end - 4] = bits >>> 24; bytes[end - 3] = bits >>> 16; bytes[end - 2] = bits >>> 8; bytes[end - 1] = bits;
      if (n > most) most = n;
    }
    for (let j = 0; j < 8; j++) words.fill(IV[j], (D_ST + j * VEC) / 4, (D_ST + (j + 1) * VEC) / 4);
    for (let b = 0; b < most; b++) {
      for (let l = 0; l < 4; l++) words[D_MASK / 4 + l] = b < blocks[l] ? -1 : 0;
      const at = D_LANES + b * 64;
      d.absorb(D_ST, at, at + D_LANE, at + 2 * D_LANE, at + 3 * D_LANE);
    }
    for (let l = 0; l < 4; l++) {
      if (blocks[l] === 0) continue;
      let o = first + (i + l) * stride;
      for (let j = 0; j < 8; j++) {
        const v = words[(D_ST + j * VEC) / 4 + l];
        out[o++] = v >>> 24; out[o++] = v >>> 16; out[o++] = v >>> 8; out[o++] = v;
      }
    }
  }
}
