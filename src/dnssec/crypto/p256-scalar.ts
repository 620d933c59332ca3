// The scalar half of many P-256 signatures at once, in WebAssembly: s = k⁻¹(z + r·d) mod n
// for a batch, with one shared inversion (Montgomery's trick). In BigInt this was ~4.5 µs
// a signature (hex conversions in and out, six BigInt products and divisions); here the
// numbers stay as eight 32-bit limbs in the module's memory and cost ~6 Montgomery
// products each.
//
// Montgomery product mul(a, b) = a·b·R⁻¹ mod n with R = 2²⁵⁶ (CIOS, one pass per limb of b;
// i64 products of 32-bit limbs never overflow). With plain k and a blinding factor B:
//   Q₋₁ = B, Qᵢ = mul(Qᵢ₋₁, kᵢ)              so Qᵢ = B·k₀…kᵢ·R⁻⁽ⁱ⁺¹⁾
//   INV = Q_last⁻¹ (BigInt, once per batch; blinded by B)
//   k⁻¹ᵢ = mul(INV, Qᵢ₋₁), then INV = mul(INV, kᵢ)   (INV = Qᵢ₋₁⁻¹)
//   s = mul(k⁻¹, mul(z, R²) + mul(r, d·R²))    (the R factors cancel)
// Constant time: no branch or address depends on a value; the final subtraction of n is a
// mask. Only the one inversion per batch is variable time, and its input is blinded.
import { assemble, compiledModule, op, scalar as s, I32, I64, type Code, type Func } from './wasm-module.js';

export const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const R2 = (1n << 512n) % N;
const LIMB = 0xffffffffn;
const NL = Array.from({ length: 8 }, (_, j) => (N >> BigInt(32 * j)) & LIMB);
/** -n⁻¹ mod 2³² (for m = t₀·N0INV per CIOS pass). */
const N0INV = (() => {
  let inv = 1n; // Newton: each step doubles the correct low bits
  for (let i = 0; i < 6; i++) inv = (inv * (2n - NL[0] * inv)) & LIMB;
  return (LIMB + 1n - inv) & LIMB;
})();

// Memory map (byte offsets): constants and temporaries, then per-signature arrays.
const R2_AT = 0, D2_AT = 32, INV_AT = 64, B_AT = 96, T1 = 128, T2 = 160, T3 = 192, SCRATCH = 224;
/** Signatures per batch here; longer lists go in several batches. */
export const CAPACITY = 256;
const K_AT = 256, Z_AT = K_AT + 32 * CAPACITY, X_AT = Z_AT + 32 * CAPACITY, Q_AT = X_AT + 32 * CAPACITY;
const OUT_AT = Q_AT + 32 * CAPACITY;
const PAGES = Math.ceil((OUT_AT + 64 * CAPACITY) / 65536);

// Function indexes.
const MUL = 0, ADD = 1, REDUCE = 2, SWAP = 3, IS_ZERO = 4;

/**
 * t (nine i64 locals from T, limbs of a value < 2n) minus n if t >= n, stored at the address
 * in local `dst`. U (eight locals), X and BW are scratch.
 */
function subtractN(c: Code, T: number, U: number, X: number, BW: number, dst: number): void {
  c.push(...s.i64(0), ...op.set(BW));
  for (let j = 0; j < 8; j++) {
    c.push(...op.get(T + j), ...s.i64(NL[j]), ...s.i64sub, ...op.get(BW), ...s.i64sub, ...op.tee(X),
      ...s.i64(LIMB), ...s.i64and, ...op.set(U + j),
      ...op.get(X), ...s.i64(63), ...s.i64shrU, ...op.set(BW));
  }
  // BW becomes all ones when t - n borrowed (t < n: keep t), zero otherwise (take t - n).
  c.push(...op.get(T + 8), ...op.get(BW), ...s.i64sub, ...s.i64(63), ...s.i64shrS, ...op.set(BW));
  for (let j = 0; j < 8; j++) {
    c.push(...op.get(dst),
      ...op.get(T + j), ...op.get(BW), ...s.i64and,
      ...op.get(U + j), ...op.get(BW), ...s.i64(-1), ...s.i64xor, ...s.i64and,
      ...s.i64or, ...s.store32(4 * j));
  }
}

/** mul(dst, a, b) = a·b·R⁻¹ mod n, for a·b < R·n; dst may be a or b. */
function mulFunc(): Func {
  const A = 3, T = 11, BI = 21, C = 22, X = 23, M = 24;
  const c: Code = [];
  for (let j = 0; j < 8; j++) c.push(...op.get(1), ...s.load32(4 * j), ...op.set(A + j));
  for (let j = 0; j < 10; j++) c.push(...s.i64(0), ...op.set(T + j));
  for (let i = 0; i < 8; i++) {
    c.push(...op.get(2), ...s.load32(4 * i), ...op.set(BI));
    for (let j = 0; j < 8; j++) {
      c.push(...op.get(T + j), ...op.get(A + j), ...op.get(BI), ...s.i64mul, ...s.i64add);
      if (j > 0) c.push(...op.get(C), ...s.i64add);
      c.push(...op.tee(X), ...s.i64(LIMB), ...s.i64and, ...op.set(T + j), ...op.get(X), ...s.i64(32), ...s.i64shrU, ...op.set(C));
    }
    c.push(...op.get(T + 8), ...op.get(C), ...s.i64add, ...op.tee(X), ...s.i64(LIMB), ...s.i64and, ...op.set(T + 8),
      ...op.get(X), ...s.i64(32), ...s.i64shrU, ...op.set(T + 9));
    // m makes t + m·n divisible by 2³²; the sum is shifted down one limb as it is formed.
    c.push(...op.get(T), ...s.i64(N0INV), ...s.i64mul, ...s.i64(LIMB), ...s.i64and, ...op.set(M));
    c.push(...op.get(T), ...op.get(M), ...s.i64(NL[0]), ...s.i64mul, ...s.i64add, ...s.i64(32), ...s.i64shrU, ...op.set(C));
    for (let j = 1; j < 8; j++) {
      c.push(...op.get(T + j), ...op.get(M), ...s.i64(NL[j]), ...s.i64mul, ...s.i64add, ...op.get(C), ...s.i64add,
        ...op.tee(X), ...s.i64(LIMB), ...s.i64and, ...op.set(T + j - 1), ...op.get(X), ...s.i64(32), ...s.i64shrU, ...op.set(C));
    }
    c.push(...op.get(T + 8), ...op.get(C), ...s.i64add, ...op.tee(X), ...s.i64(LIMB), ...s.i64and, ...op.set(T + 7),
      ...op.get(X), ...s.i64(32), ...s.i64shrU, ...op.get(T + 9), ...s.i64add, ...op.set(T + 8));
  }
  subtractN(c, T, A, X, C, 0);
  return { params: [I32, I32, I32], results: [], locals: { count: 22, type: I64 }, body: c };
}

/** add(dst, a, b) = (a + b) mod n for a, b < n. */
function addFunc(): Func {
  const T = 3, U = 12, X = 20, C = 21;
  const c: Code = [];
  for (let j = 0; j < 8; j++) {
    c.push(...op.get(1), ...s.load32(4 * j), ...op.get(2), ...s.load32(4 * j), ...s.i64add);
    if (j > 0) c.push(...op.get(C), ...s.i64add);
    c.push(...op.tee(X), ...s.i64(LIMB), ...s.i64and, ...op.set(T + j), ...op.get(X), ...s.i64(32), ...s.i64shrU, ...op.set(C));
  }
  c.push(...op.get(C), ...op.set(T + 8));
  subtractN(c, T, U, X, C, 0);
  return { params: [I32, I32, I32], results: [], locals: { count: 19, type: I64 }, body: c };
}

/** reduce(dst, src) = src mod n for src < 2n. */
function reduceFunc(): Func {
  const T = 2, U = 11, X = 19, C = 20;
  const c: Code = [];
  for (let j = 0; j < 8; j++) c.push(...op.get(1), ...s.load32(4 * j), ...op.set(T + j));
  c.push(...s.i64(0), ...op.set(T + 8));
  subtractN(c, T, U, X, C, 0);
  return { params: [I32, I32], results: [], locals: { count: 19, type: I64 }, body: c };
}

/** swap(dst, src): 32 big-endian bytes to eight little-endian limbs, or back; dst may be src. */
function swapFunc(): Func {
  const W = 2;
  const c: Code = [];
  for (let j = 0; j < 8; j++) {
    c.push(...op.get(1), ...s.i32load(4 * (7 - j)), ...op.set(W + j),
      ...op.get(W + j), ...op.i32(0x00ff00ff), ...s.i32and, ...op.i32(24), ...s.i32rotl,
      ...op.get(W + j), ...op.i32(0xff00ff00), ...s.i32and, ...op.i32(8), ...s.i32rotl, ...s.i32or, ...op.set(W + j));
  }
  for (let j = 0; j < 8; j++) c.push(...op.get(0), ...op.get(W + j), ...s.i32store(4 * j));
  return { params: [I32, I32], results: [], locals: { count: 8, type: I32 }, body: c };
}

function isZeroFunc(): Func {
  const c: Code = [...op.get(0), ...s.i32load(0)];
  for (let j = 1; j < 8; j++) c.push(...op.get(0), ...s.i32load(4 * j), ...s.i32or);
  c.push(...s.i32eqz);
  return { params: [I32], results: [I32], locals: { count: 0, type: I32 }, body: c };
}

/** fwd(k, z, x, prev, q): k, z, x from big-endian to limbs, x reduced to r, q = mul(prev, k). */
function forwardFunc(): Func {
  const c: Code = [];
  for (const p of [0, 1, 2]) c.push(...op.get(p), ...op.get(p), ...op.call(SWAP));
  c.push(...op.get(2), ...op.get(2), ...op.call(REDUCE));
  c.push(...op.get(4), ...op.get(3), ...op.get(0), ...op.call(MUL));
  return { params: [I32, I32, I32, I32, I32], results: [], locals: { count: 0, type: I32 }, body: c, export: 'forward' };
}

/**
 * back(k, z, r, prev, out): with INV = Qᵢ⁻¹, writes r || s big-endian at out and leaves
 * INV = Qᵢ₋₁⁻¹. Returns 1 when r or s is 0 (RFC 6979 then takes the next nonce).
 */
function backFunc(): Func {
  const a = (n: number): Code => op.i32(n);
  const c: Code = [
    ...a(T1), ...a(INV_AT), ...op.get(3), ...op.call(MUL), // k⁻¹
    ...a(INV_AT), ...a(INV_AT), ...op.get(0), ...op.call(MUL),
    ...a(T2), ...op.get(1), ...a(R2_AT), ...op.call(MUL), // z·R
    ...a(T3), ...op.get(2), ...a(D2_AT), ...op.call(MUL), // r·d·R
    ...a(T2), ...a(T2), ...a(T3), ...op.call(ADD),
    ...a(T1), ...a(T1), ...a(T2), ...op.call(MUL), // s
    ...op.get(4), ...op.get(2), ...op.call(SWAP),
    ...op.get(4), ...a(32), ...[0x6a], ...a(T1), ...op.call(SWAP), // out + 32 (i32.add)
    ...op.get(2), ...op.call(IS_ZERO), ...a(T1), ...op.call(IS_ZERO), ...s.i32or,
  ];
  return { params: [I32, I32, I32, I32, I32], results: [I32], locals: { count: 0, type: I32 }, body: c, export: 'back' };
}

interface Exports {
  memory: WebAssembly.Memory;
  forward(k: number, z: number, x: number, prev: number, q: number): void;
  back(k: number, z: number, r: number, prev: number, out: number): number;
  swap(dst: number, src: number): void;
  mul(dst: number, a: number, b: number): void;
}

/** The compiled module, or null where WebAssembly is missing (node --jitless): callers use BigInt. */
export function p256ScalarModule(): WebAssembly.Module | null {
  return compiledModule('p256-scalar', () => {
    const funcs = [mulFunc(), addFunc(), reduceFunc(), swapFunc(), isZeroFunc(), forwardFunc(), backFunc()];
    funcs[MUL].export = 'mul';
    funcs[SWAP].export = 'swap';
    return assemble(funcs, PAGES);
  });
}

const be32 = (v: bigint): Buffer => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');

/**
 * A batch of signatures for one private key d: load the digests and nonces, set each
 * nonce's point, then `finish`. Undefined where WebAssembly is missing.
 */
export class P256Batch {
  private readonly u8: Uint8Array;

  static for(d: bigint): P256Batch | undefined {
    const m = p256ScalarModule();
    return m ? new P256Batch(new WebAssembly.Instance(m).exports as unknown as Exports, d) : undefined;
  }

  private constructor(private readonly e: Exports, d: bigint) {
    this.u8 = new Uint8Array(e.memory.buffer);
    this.setValue(R2_AT, R2);
    this.setValue(D2_AT, (d * R2) % N);
  }

  private setValue(at: number, v: bigint): void {
    this.u8.set(be32(v), SCRATCH);
    this.e.swap(at, SCRATCH);
  }

  private value(at: number): bigint {
    this.e.swap(SCRATCH, at);
    return BigInt('0x' + Buffer.from(this.u8.buffer, SCRATCH, 32).toString('hex'));
  }

  /** Digests zᵢ and nonces kᵢ (32 bytes each, big-endian) for `count` <= CAPACITY signatures. */
  load(z: Buffer, zAt: number, k: Buffer, kAt: number, count: number): void {
    if (count > CAPACITY) throw new Error(`P256Batch holds at most ${CAPACITY} signatures`);
    z.copy(this.u8, Z_AT, zAt, zAt + 32 * count);
    k.copy(this.u8, K_AT, kAt, kAt + 32 * count);
  }

  /** Replaces nonce i (a usable stand-in for one that will be signed apart). */
  setNonce(i: number, k: Buffer): void {
    k.copy(this.u8, K_AT + 32 * i);
  }

  /** The point kᵢ·G as node's compressed encoding (02|03 || x). */
  setPoint(i: number, compressed: Buffer): void {
    compressed.copy(this.u8, X_AT + 32 * i, 1, 33);
  }

  /**
   * r || s for each signature, as views of one new buffer; `redo` gets the indexes whose r
   * or s came out 0. `blind` is a random scalar in [1, n); `inverse` inverts mod n.
   */
  finish(count: number, blind: bigint, inverse: (q: bigint) => bigint, redo: (i: number) => void): Buffer[] {
    const e = this.e;
    this.setValue(B_AT, blind);
    for (let i = 0; i < count; i++) {
      e.forward(K_AT + 32 * i, Z_AT + 32 * i, X_AT + 32 * i, i > 0 ? Q_AT + 32 * (i - 1) : B_AT, Q_AT + 32 * i);
    }
    this.setValue(INV_AT, inverse(this.value(Q_AT + 32 * (count - 1))));
    for (let i = count - 1; i >= 0; i--) {
      const bad = e.back(K_AT + 32 * i, Z_AT + 32 * i, X_AT + 32 * i, i > 0 ? Q_AT + 32 * (i - 1) : B_AT, OUT_AT + 64 * i);
      if (bad) redo(i);
    }
    const all = Buffer.from(this.u8.subarray(OUT_AT, OUT_AT + 64 * count));
    const out = new Array<Buffer>(count);
    for (let i = 0; i < count; i++) out[i] = all.subarray(64 * i, 64 * i + 64);
    return out;
  }

  /** mul(a, b) on values (for tests): a·b·R⁻¹ mod n. */
  montgomery(a: bigint, b: bigint): bigint {
    this.setValue(T1, a);
    this.setValue(T2, b);
    this.e.mul(T3, T1, T2);
    return this.value(T3);
  }
}
