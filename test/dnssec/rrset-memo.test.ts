// The per-RRset memo is bounded: two generations of at most `limit` entries each.
import { describe, expect, it } from 'vitest';
import { RRsetMemo } from '../../src/dnssec/rrset-memo.js';
import { SignatureCache } from '../../src/dnssec/signature-cache.js';
import { RRsigMaker, type ZoneKey } from '../../src/dnssec/rrsig.js';
import { DEFAULT_VALIDITY } from '../../src/dnssec/window.js';
import { createSigner, generateKey } from '../../src/dnssec/crypto/index.js';
import { parseName } from '../../src/wire/name.js';

describe('RRsetMemo', () => {
  it('holds at most two generations; what is read stays', () => {
    const memo = new RRsetMemo<object, number>(10);
    const keys = Array.from({ length: 100 }, () => ({}));
    const kept = keys[0];
    memo.set(kept, 0);
    keys.slice(1).forEach((k, i) => {
      memo.set(k, i + 1);
      expect(memo.get(kept)).toBe(0); // read once per generation: never dropped
    });
    const reachable = keys.filter((k) => memo.get(k) !== undefined).length;
    expect(reachable).toBeLessThanOrEqual(20);
    expect(memo.get(keys[1])).toBeUndefined();
    expect(memo.get(keys[99])).toBe(99);
  });

  it("a signature cache bounds its signers' memo by its size", () => {
    const cache = new SignatureCache(2 * 1024 * 1024);
    expect(cache.memo.limit).toBe(4096); // one RRset per 512 bytes of cache, per generation
    const material = generateKey(13);
    const key: ZoneKey = { tag: 1, algorithm: 13, signer: createSigner(material), id: 'k' };
    const maker = new RRsigMaker(parseName('example.'), DEFAULT_VALIDITY, cache, () => 1_800_000_000);
    for (let i = 0; i < 10000; i++) {
      const set = { owner: parseName(`n${i}.example.`), type: 1, ttl: 300, rdata: [Buffer.from([10, 0, i >> 8, i & 255])] };
      const [rd] = maker.sign(set, [key]);
      expect(maker.sign(set, [key])[0]).toBe(rd); // the memo answers the repeat
    }
    expect(cache.memo.size).toBeLessThanOrEqual(4096);
  });
});
