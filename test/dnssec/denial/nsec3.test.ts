import { describe, expect, it } from 'vitest';
import { decodeTypeBitmap } from '../../../src/wire/type-bitmap.js';
import { base32hex, buildNsec3Chain, nsec3Hash, nsec3HashBytes, type Nsec3Chain } from '../../../src/dnssec/denial/nsec3.js';
import { Type } from '../../../src/wire/constants.js';
import { nameKey, nameToText, parseName } from '../../../src/wire/name.js';
import { SOA, zone } from '../../helpers/records.js';

const z = zone('example.', [
  SOA(3600, 300),
  ['@', 3600, 'NS', 'ns1.example.'],
  ['ns1', 3600, 'A', '192.0.2.1'],
  ['Www', 300, 'A', '192.0.2.2'],
  ['a.b.c', 300, 'TXT', ['deep']],
  ['*.wild', 300, 'A', '192.0.2.3'],
  ['secure', 3600, 'NS', 'ns.secure.example.'],
  ['secure', 3600, 'DS', { keyTag: 1, algorithm: 13, digestType: 2, digest: Buffer.alloc(32, 1) }],
  ['ns.secure', 3600, 'A', '192.0.2.4'],
  ['insecure', 3600, 'NS', 'ns.insecure.example.'],
  ['insecure', 3600, 'A', '192.0.2.9'],
  ['ns.insecure', 3600, 'A', '192.0.2.5'],
  ['deleg.only', 3600, 'NS', 'ns1.example.'],
  ['dn', 300, 'DNAME', 'example.net.'],
  ['x.dn', 300, 'A', '192.0.2.6'],
]);
const empty = Buffer.alloc(0);
const chain = buildNsec3Chain(z, { ttl: 300, apexTypes: [Type.DNSKEY] });
const optOut = buildNsec3Chain(z, { ttl: 300, optOut: true, salt: Buffer.from('beef', 'hex'), iterations: 2 });
const names = (c: Nsec3Chain) => c.records.map((r) => nameKey(r.name)).sort();
const match = (c: Nsec3Chain, n: string) => c.matching(parseName(n));

describe('buildNsec3Chain', () => {
  it('has one NSEC3 per authoritative name and empty non-terminal, none for occluded names', () => {
    expect(names(chain)).toEqual([
      'a.b.c.example.', 'b.c.example.', 'c.example.', 'deleg.only.example.', 'dn.example.', 'example.', 'insecure.example.',
      'ns1.example.', 'only.example.', 'secure.example.', '*.wild.example.', 'wild.example.', 'www.example.',
    ].sort());
  });

  it('owns each record by the base32hex hash of its name and sorts by it, the next hash circular', () => {
    for (let i = 0; i < chain.size; i++) {
      const r = chain.records[i];
      expect(nameToText(r.owner)).toBe(`${nsec3Hash(r.name, empty, 0)}.example.`);
      expect(r.hash.equals(nsec3HashBytes(r.name, empty, 0))).toBe(true);
      const next = chain.records[(i + 1) % chain.size];
      expect(r.nextHash.equals(next.hash)).toBe(true);
      if (i > 0) expect(Buffer.compare(chain.records[i - 1].hash, r.hash)).toBeLessThan(0);
    }
    expect([...chain]).toEqual(chain.records);
  });

  it('writes the RFC 5155 §3.2 rdata: algorithm, flags, iterations, salt, hash, bitmap', () => {
    const r = match(chain, 'www.example.')!;
    const rd = r.rdata[0];
    expect([...rd.subarray(0, 6)]).toEqual([1, 0, 0, 0, 0, 20]);
    expect(rd.subarray(6, 26).equals(r.nextHash)).toBe(true);
    expect(decodeTypeBitmap(rd, 26)).toEqual([Type.A, Type.RRSIG]);
    const o = match(optOut, 'www.example.')!.rdata[0];
    expect(o.subarray(0, 8).toString('hex')).toBe('01' + '01' + '0002' + '02beef' + '14');
    expect(r.ttl).toBe(300);
    expect(r.type).toBe(Type.NSEC3);
  });

  it('lists the types as NSEC does, without NSEC; ENTs get an empty bitmap', () => {
    expect(match(chain, 'example.')!.types).toEqual([Type.NS, Type.SOA, Type.RRSIG, Type.DNSKEY, Type.NSEC3PARAM]);
    expect(match(chain, 'dn.example.')!.types).toEqual([Type.DNAME, Type.RRSIG]);
    expect(match(chain, 'secure.example.')!.types).toEqual([Type.NS, Type.DS, Type.RRSIG]);
    expect(match(chain, 'insecure.example.')!.types).toEqual([Type.NS]);
    for (const ent of ['c.example.', 'b.c.example.', 'wild.example.', 'only.example.']) {
      expect(match(chain, ent)!.types).toEqual([]);
      expect(match(chain, ent)!.rdata[0].length).toBe(26);
    }
  });

  it('NSEC3PARAM at the apex carries the parameters with flags 0, even with opt-out', () => {
    expect(chain.nsec3param.rdata[0].toString('hex')).toBe('0100000000');
    expect(optOut.nsec3param.rdata[0].toString('hex')).toBe('0100000202beef');
    expect(nameToText(optOut.nsec3param.owner)).toBe('example.');
    expect(optOut.nsec3param.type).toBe(Type.NSEC3PARAM);
  });

  it('opt-out leaves out delegations without DS, keeps ENTs, and flags every record', () => {
    expect(names(optOut)).toEqual(names(chain).filter((n) => n !== 'insecure.example.' && n !== 'deleg.only.example.'));
    expect(match(optOut, 'only.example.')!.types).toEqual([]);
    for (const r of optOut) expect(r.rdata[0][1]).toBe(1);
    expect(optOut.params).toEqual({ iterations: 2, salt: Buffer.from('beef', 'hex'), optOut: true });
    expect(match(optOut, 'www.example.')!.owner[0].toString()).toBe(nsec3Hash(parseName('www.example.'), Buffer.from('beef', 'hex'), 2));
  });

  it('rejects parameters outside the RFC 5155 field sizes', () => {
    expect(() => buildNsec3Chain(z, { ttl: 1, iterations: 65536 })).toThrow(RangeError);
    expect(() => buildNsec3Chain(z, { ttl: 1, iterations: -1 })).toThrow(RangeError);
    expect(() => buildNsec3Chain(z, { ttl: 1, salt: Buffer.alloc(256) })).toThrow(RangeError);
    expect(buildNsec3Chain(z, { ttl: 1, salt: Buffer.alloc(255, 7) }).records[0].rdata[0][4]).toBe(255);
  });

  it('matching is by name, case-insensitively; none for occluded or absent names', () => {
    expect(match(chain, 'WWW.Example.')).toBe(match(chain, 'www.example.'));
    for (const n of ['ns.secure.example.', 'x.dn.example.', 'nope.example.', 'example.org.']) expect(match(chain, n)).toBeUndefined();
  });

  it('covering agrees with a linear scan of the hashes', () => {
    const h = (n: string) => nsec3HashBytes(parseName(n), empty, 0);
    let n = 0;
    for (let i = 0; i < 500; i++) {
      const name = `q${i}.example.`;
      const hash = h(name);
      const before = chain.records.filter((r) => Buffer.compare(r.hash, hash) < 0);
      const expected = before.length ? before[before.length - 1] : chain.records[chain.size - 1];
      expect(chain.covering(parseName(name))).toBe(expected);
      n++;
    }
    expect(n).toBe(500);
    // A hash owned by a record is covered by none; names outside the zone neither.
    expect(chain.covering(parseName('www.example.'))).toBeUndefined();
    expect(chain.coveringHash(chain.records[3].hash)).toBeUndefined();
    expect(chain.covering(parseName('www.example.org.'))).toBeUndefined();
    // Before the first hash and after the last: the last record, whose next is the first.
    expect(chain.coveringHash(Buffer.alloc(20, 0))).toBe(chain.records[chain.size - 1]);
    expect(chain.coveringHash(Buffer.alloc(20, 0xff))).toBe(chain.records[chain.size - 1]);
    expect(base32hex(chain.records[chain.size - 1].nextHash)).toBe(chain.records[0].owner[0].toString());
  });

  describe('closestEncloserProof', () => {
    const proof = (c: Nsec3Chain, n: string, wildcard = false) => c.closestEncloserProof(parseName(n), { wildcard });

    it('gives the closest encloser, the next closer cover and the wildcard cover', () => {
      const p = proof(chain, 'x.y.b.c.example.', true);
      expect(nameToText(p.closestEncloser)).toBe('b.c.example.'); // an empty non-terminal exists
      expect(p.encloser).toBe(match(chain, 'b.c.example.'));
      expect(nameToText(p.nextCloser!)).toBe('y.b.c.example.');
      expect(p.nextCloserCover).toBe(chain.covering(parseName('y.b.c.example.')));
      expect(p.wildcardCover).toBe(chain.covering(parseName('*.b.c.example.')));
      expect(p.records).toEqual([...new Set([p.encloser, p.nextCloserCover, p.wildcardCover])]);
    });

    it('keeps the spelling of the question in the names it returns', () => {
      const p = proof(chain, 'Q.WWW.example.');
      expect(nameToText(p.closestEncloser)).toBe('WWW.example.');
      expect(nameToText(p.nextCloser!)).toBe('Q.WWW.example.');
      expect(p.wildcardCover).toBeUndefined();
      expect(p.records).toEqual([...new Set([p.encloser, p.nextCloserCover])]);
    });

    it('is just the match for a name that has an NSEC3', () => {
      const p = proof(chain, 'www.example.', true);
      expect(p.records).toEqual([match(chain, 'www.example.')]);
      expect(p.nextCloser).toBeUndefined();
    });

    it('has no wildcard cover where the wildcard exists', () => {
      const p = proof(chain, 'a.b.wild.example.', true);
      expect(nameToText(p.closestEncloser)).toBe('wild.example.');
      expect(p.wildcardCover).toBeUndefined();
      // The cache of wildcard covers gives the same answer twice.
      expect(proof(chain, 'zz.wild.example.', true).wildcardCover).toBeUndefined();
      expect(proof(chain, 'zz.example.', true).wildcardCover).toBe(proof(chain, 'yy.example.', true).wildcardCover);
    });

    it('with opt-out, proves an insecure delegation by its closest provable encloser', () => {
      const p = proof(optOut, 'deleg.only.example.');
      expect(nameToText(p.closestEncloser)).toBe('only.example.');
      expect(p.nextCloserCover!.rdata[0][1] & 1).toBe(1);
      const q = proof(optOut, 'insecure.example.');
      expect(nameToText(q.closestEncloser)).toBe('example.');
      expect(q.nextCloserCover).toBe(optOut.covering(parseName('insecure.example.')));
    });

    it('throws for a name outside the zone', () => {
      expect(() => proof(chain, 'www.example.org.')).toThrow(RangeError);
    });
  });

  it('a zone with only an apex has one NSEC3 whose next hash is its own', () => {
    const c = buildNsec3Chain(zone('example.', [SOA(), ['@', 3600, 'NS', 'ns.example.net.']]), { ttl: 60 });
    expect(c.size).toBe(1);
    expect(c.records[0].nextHash.equals(c.records[0].hash)).toBe(true);
    expect(c.covering(parseName('anything.example.'))).toBe(c.records[0]);
  });
});
