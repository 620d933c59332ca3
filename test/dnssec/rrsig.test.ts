import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, randomBytes, randomInt, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { nameKey, parseName } from '../../src/wire/name.js';
import { Type } from '../../src/wire/constants.js';
import { canonicalRdata, canonicalRRset, compareBytes, signatureLabels } from '../../src/dnssec/canonical.js';
import { RRsigMaker, type ZoneKey } from '../../src/dnssec/rrsig.js';
import { SignatureCache } from '../../src/dnssec/signature-cache.js';
import { DEFAULT_VALIDITY, jitter, jitterOfWire, windowAt } from '../../src/dnssec/window.js';
import type { Signer } from '../../src/dnssec/algorithm.js';

function edKey(tag = 4242): ZoneKey & { verify(data: Buffer, sig: Buffer): boolean } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  let calls = 0;
  const signer: Signer & { calls: () => number } = {
    algorithm: 15,
    publicKey: Buffer.from(raw),
    sign: (d) => { calls++; return nodeSign(null, d, privateKey); },
    calls: () => calls,
  };
  return { tag, algorithm: 15, signer, id: `k${tag}`, verify: (d, s) => nodeVerify(null, d, publicKey, s) };
}

const origin = parseName('example.com.');
const mx = (name: string) => Buffer.concat([Buffer.from([0, 10]), Buffer.from(name.split('.').filter(Boolean).map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])).reduce((a, b) => Buffer.concat([a, b]), Buffer.alloc(0))), Buffer.from([0])]);

describe('canonical form (RFC 4034 §6)', () => {
  it('lower-cases names inside rdata of the listed types only', () => {
    expect(canonicalRdata(Type.MX, mx('Mail.EXAMPLE.com')).equals(mx('mail.example.com'))).toBe(true);
    const txt = Buffer.from('\x05HeLLo', 'latin1');
    expect(canonicalRdata(Type.TXT, txt)).toBe(txt);
  });

  it('counts labels without a leading wildcard', () => {
    expect(signatureLabels(parseName('*.a.example.com.'))).toBe(3);
    expect(signatureLabels(parseName('a.example.com.'))).toBe(3);
    expect(signatureLabels([])).toBe(0);
  });

  it('orders rdata canonically and drops duplicates', () => {
    const a = Buffer.from([127, 0, 0, 2]);
    const b = Buffer.from([127, 0, 0, 1]);
    const w = canonicalRRset(parseName('WWW.example.com.'), Type.A, 300, [a, b, Buffer.from(a)]);
    const one = 17 + 10 + 4;
    expect(w.length).toBe(2 * one);
    expect(w.subarray(0, 17).toString('latin1')).toBe('\x03www\x07example\x03com\x00');
    expect(w.subarray(27, 31)).toEqual(b);
  });

  it('compareBytes orders as Buffer.compare does (prefixes first), and repeated duplicates count once', () => {
    const pick = () => Buffer.from(Array.from({ length: randomInt(0, 6) }, () => randomInt(0, 3)));
    for (let i = 0; i < 2000; i++) {
      const x = pick(), y = pick();
      expect(Math.sign(compareBytes(x, y))).toBe(Buffer.compare(x, y));
    }
    const rd = (n: number) => Buffer.from([10, 0, 0, n]);
    const w = canonicalRRset(parseName('a.example.'), Type.A, 60, [rd(3), rd(1), rd(3), rd(2), rd(1), rd(3)]);
    const one = 11 + 10 + 4;
    expect(w.length).toBe(3 * one);
    expect([0, 1, 2].map((i) => w[i * one + one - 1])).toEqual([1, 2, 3]);
  });
});

describe('validity windows', () => {
  it('are aligned buckets: any time inside a window gives the same dates', () => {
    const off = jitter('www.example.com./1', DEFAULT_VALIDITY.refresh);
    const w1 = windowAt(1_800_000_000, off, DEFAULT_VALIDITY);
    const w2 = windowAt(w1.start + 1234, off, DEFAULT_VALIDITY);
    expect(w2).toEqual(w1);
    expect(w1.expiration - w1.start).toBe(DEFAULT_VALIDITY.validity);
    expect(w1.start - w1.inception).toBe(DEFAULT_VALIDITY.skew);
    expect(windowAt(w1.end, off, DEFAULT_VALIDITY).start).toBe(w1.end);
  });

  it('jitterOfWire equals jitter(nameKey(owner) + "/" + type) for any label bytes (escapes, upper case, root)', () => {
    const names: Buffer[][] = [[], [Buffer.from('*')], [Buffer.from('WwW'), Buffer.from('Example'), Buffer.from('com')]];
    for (let i = 0; i < 300; i++) {
      names.push(Array.from({ length: 1 + (i % 4) }, () => randomBytes(1 + ((i * 7) % 20))));
    }
    names.push([Buffer.from('a.b\\c"d(e)f;g@h$i j\x00\x7f\xff', 'latin1')]);
    for (const owner of names) {
      const wire = Buffer.concat(owner.flatMap((l) => [Buffer.from([l.length]), l]));
      for (const type of [1, 28, 65535]) {
        expect(jitterOfWire(wire, 0, owner.length, type, 604800), nameKey(owner)).toBe(jitter(`${nameKey(owner)}/${type}`, 604800));
      }
    }
  });

  it('spread RRsets over the refresh interval', () => {
    const offsets = new Set<number>();
    for (let i = 0; i < 200; i++) offsets.add(Math.floor(jitter(`n${i}.example.com./1`, 86400 * 7) / 86400));
    expect(offsets.size).toBe(7);
  });
});

describe('RRSIG maker', () => {
  const set = { owner: parseName('www.example.com.'), type: Type.A, ttl: 300, rdata: [Buffer.from([127, 0, 0, 1])] };

  it('makes an RRSIG whose signature covers RFC 4034 §3.1.8.1 signed data', () => {
    const key = edKey();
    const maker = new RRsigMaker(origin, DEFAULT_VALIDITY, new SignatureCache(1e6), () => 1_800_000_000);
    const [rd] = maker.sign(set, [key]);
    expect(rd.readUInt16BE(0)).toBe(Type.A);
    expect(rd[2]).toBe(15);
    expect(rd[3]).toBe(3);
    expect(rd.readUInt32BE(4)).toBe(300);
    const w = maker.window(set);
    expect(rd.readUInt32BE(8)).toBe(w.expiration);
    expect(rd.readUInt32BE(12)).toBe(w.inception);
    expect(rd.readUInt16BE(16)).toBe(4242);
    const signerEnd = 18 + 13;
    expect(rd.subarray(18, signerEnd).toString('latin1')).toBe('\x07example\x03com\x00');
    const data = Buffer.concat([rd.subarray(0, signerEnd), canonicalRRset(set.owner, set.type, set.ttl, set.rdata)]);
    expect(key.verify(data, rd.subarray(signerEnd))).toBe(true);
  });

  it('signs an RRset once per window, and again when its content changes', () => {
    const key = edKey();
    const cache = new SignatureCache(1e6);
    let now = 1_800_000_000;
    const maker = new RRsigMaker(origin, DEFAULT_VALIDITY, cache, () => now);
    const a = maker.sign(set, [key]);
    const copy = { ...set, rdata: [Buffer.from([127, 0, 0, 1])] };
    expect(maker.sign(copy, [key])).toEqual(a);
    expect(cache.stats().signed).toBe(1);
    now = maker.window(set).end - 1;
    expect(maker.sign(set, [key])).toEqual(a);
    expect(cache.stats().signed).toBe(1);
    expect(maker.sign({ ...set, ttl: 301 }, [key])[0].equals(a[0])).toBe(false);
    expect(cache.stats().signed).toBe(2);
    now = maker.window(set).end;
    expect(maker.sign(set, [key])[0].equals(a[0])).toBe(false);
    expect(cache.stats().signed).toBe(3);
  });

  it('makes the next window ahead of time, so the change of window signs nothing', () => {
    const key = edKey();
    const cache = new SignatureCache(1e6);
    let now = 1_800_000_000;
    const maker = new RRsigMaker(origin, DEFAULT_VALIDITY, cache, () => now);
    expect(maker.signAhead(set, [key])).toBe(2);
    expect(maker.signAhead(set, [key])).toBe(0);
    now = maker.window(set).end;
    maker.sign(set, [key]);
    expect(cache.stats().misses).toBe(0);
  });
});
