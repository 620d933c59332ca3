// Modular inverse for the P-256 group order, variable time. Callers must blind the input
// (invert k·b for a random b, then multiply by b) so that timing says nothing about k.

/** a⁻¹ mod m for 0 < a < m, m odd prime; extended Euclid. */
export function invEuclid(a: bigint, m: bigint): bigint {
  let r0 = m, r1 = a;
  let t0 = 0n, t1 = 1n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    const r2 = r0 - q * r1; r0 = r1; r1 = r2;
    const t2 = t0 - q * t1; t0 = t1; t1 = t2;
  }
  if (r0 !== 1n) throw new Error('modinv: not invertible');
  return t0 < 0n ? t0 + m : t0;
}
