// A small deterministic PRNG for fuzz-style tests (mulberry32). The LCG the tests used,
// `seed = (seed * 1103515245 + 12345) & 0x7fffffff`, multiplies past 2^53 in doubles: the
// low bits are lost and after a few steps it gives mostly zeros, so "random" inputs were not.

/** A generator of numbers in [0, 1), the same sequence for the same seed. */
export function seededUnit(seed: number): () => number {
  let a = seed >>> 0;
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generator of integers in [0, n), the same sequence for the same seed. */
export function seeded(seed: number): (n: number) => number {
  const unit = seededUnit(seed);
  return (n: number): number => Math.floor(unit() * n);
}
