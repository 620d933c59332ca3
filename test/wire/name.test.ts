import { describe, expect, it } from 'vitest';
import { seeded } from '../helpers/seeded.js';
import { canonicalCompare, canonicalSortKey, nameKey, nameToText, nameToWire, parseName, readName, sortCanonical, suffixKeys } from '../../src/wire/name.js';

describe('names', () => {
  it('parses escapes and relative names, and prints them back', () => {
    const o = parseName('example.com.');
    const n = parseName('a\\.b.\\065\\032x', o);
    expect(n.map((l) => l.toString('latin1'))).toEqual(['a.b', 'A x', 'example', 'com']);
    expect(nameToText(n)).toBe('a\\.b.A\\032x.example.com.');
    expect(nameKey(n)).toBe('a\\.b.a\\032x.example.com.');
    expect(nameKey(parseName('@', o))).toBe('example.com.');
  });

  it('rejects overlong labels and names, empty labels, relative names without origin', () => {
    expect(() => parseName('a'.repeat(64) + '.')).toThrow(/63/);
    expect(() => parseName(Array(130).fill('ab').join('.') + '.')).toThrow(/255/);
    expect(() => parseName('a..b.')).toThrow(/empty label/);
    expect(() => parseName('www')).toThrow(/origin/);
  });

  it('sorts in RFC 4034 §6.1 canonical order', () => {
    const names = ['example.', 'a.example.', 'yljkjljk.a.example.', 'Z.a.example.', 'zABC.a.EXAMPLE.', 'z.example.', '\\001.z.example.', '*.z.example.', '\\200.z.example.'];
    const shuffled = [...names].reverse().map((s) => parseName(s));
    expect(shuffled.sort(canonicalCompare).map(nameToText)).toEqual(names);
  });

  it('sortCanonical gives the order canonicalCompare gives, shared suffix or not, prefixes longer than its keys included', () => {
    const rnd = seeded(5);
    // Few byte values (case pairs, 0x00, 0xfe/0xff which share a symbol) and labels that are
    // prefixes of others; some labels longer than the twelve symbols of the numeric prefix.
    const bytes = [0, 1, 0x41, 0x61, 0x62, 0x42, 0xfe, 0xff];
    const label = (): Buffer => Buffer.from(Array.from({ length: 1 + rnd(rnd(4) === 0 ? 16 : 3) }, () => bytes[rnd(bytes.length)]));
    for (const suffix of [parseName('example.'), parseName('a.b.example.'), []]) {
      const items = Array.from({ length: 600 }, () => ({ labels: [...Array.from({ length: rnd(4) }, label), ...suffix] }));
      if (suffix.length === 0) items.push({ labels: parseName('other.') }, { labels: parseName('Example.') });
      const expected = [...items].sort((a, b) => canonicalCompare(a.labels, b.labels));
      expect(sortCanonical(items)).toEqual(expected);
      expect(sortCanonical(items).every((x, i) => x === expected[i])).toBe(true);
    }
    expect(sortCanonical([])).toEqual([]);
  });

  it('reads compressed names and rejects loops and forward pointers', () => {
    const msg = Buffer.concat([Buffer.alloc(12), nameToWire(parseName('example.com.')), Buffer.from([3, 0x77, 0x77, 0x77, 0xc0, 12])]);
    expect(nameKey(readName(msg, 25).labels)).toBe('www.example.com.');
    expect(readName(msg, 25).end).toBe(31);
    expect(() => readName(Buffer.from([0xc0, 0]), 0)).toThrow(/loop/);
    expect(() => readName(Buffer.from([0xc0, 2, 0]), 0)).toThrow(/loop|forward/);
    expect(() => readName(Buffer.from([5, 0x61]), 0)).toThrow(/past the end/);
  });

  it('gives the key of every suffix', () => {
    expect(suffixKeys(parseName('A.b.'))).toEqual(['a.b.', 'b.', '.']);
    expect(suffixKeys([])).toEqual(['.']);
  });

  it('gives suffix keys equal to nameKey() of each suffix, with and without escapes', () => {
    const names = ['WWW.Shop.Example.COM.', 'a\\.b.EXAMPLE.', 'x\\032y.z.', '\\@.Q\\"r.', '*.Wild.test.', 'mIxEd-CaSe_0.example.', '\\255\\000.a.'];
    const next = seeded(7);
    const rnd = (): number => next(256);
    for (let k = 0; k < 200; k++) {
      const labels = Array.from({ length: 1 + (k % 4) }, () => Buffer.from(Array.from({ length: 1 + (rnd() % 12) }, rnd)));
      names.push(nameToText(labels));
    }
    for (const text of names) {
      const labels = parseName(text);
      const keys = suffixKeys(labels);
      expect(keys.length).toBe(labels.length + 1);
      keys.forEach((key, i) => expect(key, text).toBe(nameKey(labels.slice(i))));
    }
  });

  it('gives sort keys whose string order is canonical order', () => {
    const next = seeded(11);
    const rnd = (): number => next(256);
    const names = ['example.', 'a.example.', 'A.example.', 'yljkjljk.a.example.', 'Z.a.example.', 'zABC.a.EXAMPLE.', '*.z.example.', '\\001.z.example.', 'z.example.', '\\200.z.example.', 'a\\000.example.', 'a-.example.'].map((t) => parseName(t));
    for (let k = 0; k < 300; k++) {
      // Short labels over few byte values, so prefixes and equal labels come up often.
      const labels = Array.from({ length: 1 + (rnd() % 3) }, () => Buffer.from(Array.from({ length: 1 + (rnd() % 3) }, () => [0, 1, 0x41, 0x61, 0x62, 0xff][rnd() % 6])));
      names.push([...labels, ...parseName('example.')]);
    }
    for (const a of names) {
      for (const b of names.slice(0, 60)) {
        const byKey = Math.sign(canonicalSortKey(a) < canonicalSortKey(b) ? -1 : canonicalSortKey(a) > canonicalSortKey(b) ? 1 : 0);
        expect(byKey, `${nameToText(a)} vs ${nameToText(b)}`).toBe(Math.sign(canonicalCompare(a, b)));
      }
    }
  });
});
