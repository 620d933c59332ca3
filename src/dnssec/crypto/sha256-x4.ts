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
import { K as ROUND, IV, HmacKey, compress as compress1 } from './sha256.js';
import { assemble, op, I32, V128, type Code } from './wasm-module.js';

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

const compressFunc = (): Code => {
  // Locals after the two i32 params: a..h, w0..w15, t1, t2.
  const A = 2, W0 = 10, T1 = 26, T2 = 27;
  const c: Code = [];
  const rotr = (x: number, n: number): Code => [...op.get(x), ...op.i32(n), ...op.shrU, ...op.get(x), ...op.i32(32 - n), ...op.shl, ...op.or];
  const shr = (x: number, n: number): Code => [...op.get(x), ...op.i32(n), ...op.shrU];
  for (let j = 0; j < 8; j++) c.push(...op.get(0), ...op.load(j * VEC), ...op.set(A + j));
  for (let j = 0; j < 16; j++) c.push(...op.get(1), ...op.load(j * VEC), ...op.set(W0 + j));
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
  const final = [a, b, cc, d, e, f, g, h];
  for (let j = 0; j < 8; j++) c.push(...op.get(0), ...op.get(0), ...op.load(j * VEC), ...op.get(final[j]), ...op.add, ...op.store(j * VEC));
  return c;
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

let module: WebAssembly.Module | undefined | null;

/** The compiled module, or null where WebAssembly SIMD is missing (callers fall back). */
function compiled(): WebAssembly.Module | null {
  if (module === undefined) {
    try {
      module = new WebAssembly.Module(assemble([
        { params: [I32, I32], results: [], locals: { count: 26, type: V128 }, body: compressFunc(), export: 'compress' },
        { params: [], results: [], locals: { count: 0, type: V128 }, body: chainFunc(), export: 'chain' },
      ], 1));
    } catch {
      module = null;
    }
  }
  return module;
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
    const m = compiled();
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
