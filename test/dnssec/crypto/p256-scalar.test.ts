import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { CAPACITY, N, P256Batch } from '../../../src/dnssec/crypto/p256-scalar.js';
import { invEuclid } from '../../../src/dnssec/crypto/modinv.js';

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const R = 1n << 256n;
const R_INV = invEuclid(R % N, N);
const big = (b: Buffer) => BigInt('0x' + b.toString('hex'));
const be32 = (v: bigint) => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
const rand = (below: bigint) => big(randomBytes(32)) % below;

describe('P-256 scalar arithmetic in WebAssembly', () => {
  it('Montgomery products match BigInt for random and edge values (a < 2^256, b < n)', () => {
    const batch = P256Batch.for(1n)!;
    expect(batch).toBeDefined();
    const edges = [0n, 1n, 2n, N - 1n, N - 2n, R - 1n, N, N + 1n, 1n << 255n, (1n << 32n) - 1n];
    const pairs: [bigint, bigint][] = [];
    for (const a of edges) for (const b of [0n, 1n, N - 1n, 1n << 224n]) pairs.push([a, b]);
    for (let i = 0; i < 500; i++) pairs.push([rand(R), rand(N)]);
    for (const [a, b] of pairs) expect(batch.montgomery(a, b)).toBe((a * b * R_INV) % N);
  });

  it('a full batch gives r = x mod n and s = k⁻¹(z + r·d) mod n, digests and x at and above n included', () => {
    const d = rand(N - 1n) + 1n;
    const batch = P256Batch.for(d)!;
    const count = CAPACITY;
    const ks = Array.from({ length: count }, () => rand(N - 1n) + 1n);
    const zs = Array.from({ length: count }, (_, i) => (i === 0 ? R - 1n : i === 1 ? N : i === 2 ? 0n : rand(R)));
    const xs = Array.from({ length: count }, (_, i) => (i === 3 ? N + 5n : i === 4 ? P - 1n : rand(P)));
    batch.load(Buffer.concat(zs.map(be32)), 0, Buffer.concat(ks.map(be32)), 0, count);
    xs.forEach((x, i) => batch.setPoint(i, Buffer.concat([Buffer.from([2]), be32(x)])));
    const redo: number[] = [];
    const sigs = batch.finish(count, rand(N - 1n) + 1n, (q) => invEuclid(q, N), (i) => redo.push(i));
    expect(redo).toEqual([]);
    for (let i = 0; i < count; i++) {
      const r = xs[i] % N;
      const s = (invEuclid(ks[i], N) * ((zs[i] + r * d) % N)) % N;
      expect(sigs[i].toString('hex')).toBe(be32(r).toString('hex') + be32(s).toString('hex'));
    }
  });

  it('reports the signatures whose r is 0 (x = 0 or x = n) for the single path to redo', () => {
    const d = rand(N - 1n) + 1n;
    const batch = P256Batch.for(d)!;
    const xs = [rand(P), 0n, rand(P), N, rand(P)];
    const count = xs.length;
    batch.load(Buffer.concat(xs.map(() => randomBytes(32))), 0, Buffer.concat(xs.map(() => be32(rand(N - 1n) + 1n))), 0, count);
    xs.forEach((x, i) => batch.setPoint(i, Buffer.concat([Buffer.from([3]), be32(x)])));
    const redo: number[] = [];
    batch.finish(count, 7n, (q) => invEuclid(q, N), (i) => redo.push(i));
    expect(redo.sort()).toEqual([1, 3]);
  });

  it('refuses more than CAPACITY signatures at once', () => {
    const batch = P256Batch.for(5n)!;
    const big = Buffer.alloc(32 * (CAPACITY + 1));
    expect(() => batch.load(big, 0, big, 0, CAPACITY + 1)).toThrow(/at most/);
  });
});
