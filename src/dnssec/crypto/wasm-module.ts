// Just enough of the WebAssembly binary format (core spec §5, SIMD opcodes) to assemble the
// straight-line code of sha256-x4.ts and p256-scalar.ts at startup: no build step, no tool
// dependency, and the code that makes the bytes sits beside the reasoning for them.

export type Code = number[];

export function uleb(n: number): Code {
  const out: Code = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): Code {
  const out: Code = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

const simd = (op: number, ...imm: number[]): Code => [0xfd, ...uleb(op), ...imm];

export const V128 = 0x7b;
export const I32 = 0x7f;
export const I64 = 0x7e;

/** Signed LEB128 of a 64-bit value (i64.const immediates). */
export function sleb64(v: bigint): Code {
  const out: Code = [];
  let n = BigInt.asIntN(64, v);
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    const done = (n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

/** Scalar i32/i64 instructions (loads and stores take an address on the stack, plus `offset`). */
export const scalar = {
  i64: (v: bigint | number): Code => [0x42, ...sleb64(BigInt(v))],
  i32load: (offset: number): Code => [0x28, 2, ...uleb(offset)],
  i32store: (offset: number): Code => [0x36, 2, ...uleb(offset)],
  /** i64.load32_u: a 32-bit word zero-extended. */
  load32: (offset: number): Code => [0x35, 2, ...uleb(offset)],
  /** i64.store32: the low 32 bits. */
  store32: (offset: number): Code => [0x3e, 2, ...uleb(offset)],
  i32eqz: [0x45],
  i32and: [0x71],
  i32or: [0x72],
  i32rotl: [0x77],
  i64add: [0x7c],
  i64sub: [0x7d],
  i64mul: [0x7e],
  i64and: [0x83],
  i64or: [0x84],
  i64xor: [0x85],
  i64shrS: [0x87],
  i64shrU: [0x88],
  i32wrap: [0xa7],
};

/** v128 instructions used here; each returns its bytes (operands come before, stack order). */
export const op = {
  i32: (n: number): Code => [0x41, ...sleb(n | 0)],
  get: (i: number): Code => [0x20, ...uleb(i)],
  set: (i: number): Code => [0x21, ...uleb(i)],
  tee: (i: number): Code => [0x22, ...uleb(i)],
  call: (f: number): Code => [0x10, ...uleb(f)],
  /** v128.load at address (an i32 on the stack) + offset. */
  load: (offset: number): Code => simd(0x00, 4, ...uleb(offset)),
  store: (offset: number): Code => simd(0x0b, 4, ...uleb(offset)),
  /** An i32x4 constant with the same value in every lane. */
  splat: (v: number): Code => {
    const b: number[] = [];
    for (let l = 0; l < 4; l++) b.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
    return simd(0x0c, ...b);
  },
  /** i8x16.shuffle: 16 byte indexes into the two operands (0-15 the first, 16-31 the second). */
  shuffle: (lanes: readonly number[]): Code => simd(0x0d, ...lanes),
  and: simd(0x4e),
  andnot: simd(0x4f),
  or: simd(0x50),
  xor: simd(0x51),
  /** bitselect(a, b, c) = (a & c) | (b & ~c) */
  bitselect: simd(0x52),
  shl: simd(171),
  shrU: simd(173),
  add: simd(174),
};

export interface Func {
  params: number[];
  results: number[];
  /** Extra locals, all of one type (none: count 0). */
  locals: { count: number; type: number };
  body: Code;
  export?: string;
}

function section(id: number, content: Code): Code {
  return [id, ...uleb(content.length), ...content];
}

function vec(items: Code[]): Code {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): Code {
  const b = [...Buffer.from(s, 'utf8')];
  return [...uleb(b.length), ...b];
}

/** A module of `funcs` (one type each) and one exported memory of `pages` 64 KiB pages. */
export function assemble(funcs: readonly Func[], pages: number, memoryName = 'memory'): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec(f.results.map((r) => [r]))]);
  const exports: Code[] = [[...name(memoryName), 0x02, 0x00]];
  funcs.forEach((f, i) => { if (f.export) exports.push([...name(f.export), 0x00, ...uleb(i)]); });
  const bodies = funcs.map((f) => {
    const locals = f.locals.count > 0 ? vec([[...uleb(f.locals.count), f.locals.type]]) : [0x00];
    const body = [...locals, ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ];
  return Uint8Array.from(bytes);
}

/**
 * Compiled modules by name: each built and compiled once per thread, or handed over by the
 * thread that compiled it (`shareable`, `adopt`), since a WebAssembly.Module passes to a
 * worker without compiling again. Assembling and compiling the SHA-256 and P-256 modules
 * was ~40 ms of a signing thread plus ~0.1 s of V8's compiler threads optimising the
 * assembler itself, in every thread. Null: WebAssembly (or SIMD) is missing here.
 */
const modules = new Map<string, WebAssembly.Module | null>();

export function compiledModule(name: string, build: () => Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  let m = modules.get(name);
  if (m === undefined) {
    try {
      m = new WebAssembly.Module(build());
    } catch {
      m = null;
    }
    modules.set(name, m);
  }
  return m;
}

/** The modules compiled in this thread so far, to hand to a worker (workerData). */
export function shareable(): Record<string, WebAssembly.Module> {
  const out: Record<string, WebAssembly.Module> = {};
  for (const [name, m] of modules) if (m) out[name] = m;
  return out;
}

/** Takes modules compiled in another thread (`shareable`). */
export function adopt(shared: Record<string, WebAssembly.Module> | undefined): void {
  for (const [name, m] of Object.entries(shared ?? {})) if (m instanceof WebAssembly.Module && !modules.has(name)) modules.set(name, m);
}
