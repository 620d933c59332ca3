// The signature cache is bounded in bytes and lets the least recently used entries go first.
import { describe, expect, it } from 'vitest';
import { SignatureCache } from '../../src/dnssec/signature-cache.js';

const rdata = (n: number) => Buffer.alloc(100, n);
const ENTRY = 100 + 2 * 2 + 64; // two-character keys

describe('SignatureCache', () => {
  it('stays within its bytes, dropping the least recently used', () => {
    const cache = new SignatureCache(10 * ENTRY);
    for (let i = 0; i < 10; i++) cache.put(`k${i}`, rdata(i));
    expect(cache.stats()).toMatchObject({ entries: 10, bytes: 10 * ENTRY });
    // A hit makes k0 the most recent: k1 goes first.
    expect(cache.get('k0', () => { throw new Error('not cached'); })[0]).toBe(0);
    cache.put('x1', rdata(11));
    expect(cache.has('k0')).toBe(true);
    expect(cache.has('k1')).toBe(false);
    // `has` does not count as use.
    expect(cache.has('k2')).toBe(true);
    cache.put('x2', rdata(12));
    expect(cache.has('k2')).toBe(false);
    expect(cache.stats()).toMatchObject({ entries: 10, bytes: 10 * ENTRY, hits: 1 });
  });

  it('replacing an entry counts it once; a long run keeps the bound', () => {
    const cache = new SignatureCache(10 * ENTRY);
    cache.put('k0', rdata(0));
    cache.put('k0', rdata(1));
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: ENTRY });
    for (let i = 0; i < 1000; i++) {
      cache.put(`${i % 100}`.padStart(2, '0'), rdata(i));
      if (i % 7 === 0) cache.get('k0', () => rdata(0));
      expect(cache.stats().bytes).toBeLessThanOrEqual(10 * ENTRY);
    }
    expect(cache.has('k0')).toBe(true);
    expect(cache.get('99', () => rdata(0))[0]).toBe(999 & 255);
  });

  it('starts over after everything was evicted', () => {
    const cache = new SignatureCache(1024);
    cache.put('a', Buffer.alloc(900));
    cache.put('b', Buffer.alloc(900));
    expect(cache.stats().entries).toBe(1);
    cache.put('c', Buffer.alloc(900));
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([false, false, true]);
    cache.put('too big', Buffer.alloc(2000));
    expect(cache.has('too big')).toBe(false);
  });
});

describe('SignatureCache when every entry was read', () => {
  it('keeps the entry just stored and drops the oldest', () => {
    const cache = new SignatureCache(10 * ENTRY);
    for (let i = 0; i < 10; i++) cache.put(`k${i}`, rdata(i));
    for (let i = 0; i < 10; i++) cache.get(`k${i}`, () => rdata(0));
    cache.put('x1', rdata(11));
    expect(cache.has('x1')).toBe(true);
    expect(cache.has('k0')).toBe(false);
    expect(cache.stats()).toMatchObject({ entries: 10, bytes: 10 * ENTRY });
  });
});
