import { describe, expect, it } from 'vitest';
import { decodeTypeBitmap } from '../../../src/wire/type-bitmap.js';
import { buildNsecChain } from '../../../src/dnssec/denial/nsec.js';
import { Type } from '../../../src/wire/constants.js';
import { canonicalCompare, nameKey, nameToText, parseName, readName } from '../../../src/wire/name.js';
import { SOA, zone } from '../../helpers/records.js';

const z = zone('example.', [
  SOA(3600, 300),
  ['@', 3600, 'NS', 'ns1.example.'],
  ['ns1', 3600, 'A', '192.0.2.1'],
  ['Www', 300, 'A', '192.0.2.2'],
  ['WWW', 300, 'AAAA', '2001:db8::2'],
  ['a.b.c', 300, 'TXT', ['deep']],
  ['*.wild', 300, 'A', '192.0.2.3'],
  ['secure', 3600, 'NS', 'ns.secure.example.'],
  ['secure', 3600, 'DS', { keyTag: 1, algorithm: 13, digestType: 2, digest: Buffer.alloc(32, 1) }],
  ['ns.secure', 3600, 'A', '192.0.2.4'],
  ['insecure', 3600, 'NS', 'ns.insecure.example.'],
  ['insecure', 3600, 'A', '192.0.2.9'],
  ['ns.insecure', 3600, 'A', '192.0.2.5'],
  ['dn', 300, 'DNAME', 'example.net.'],
  ['x.dn', 300, 'A', '192.0.2.6'],
  // Records a signer makes, as a pre-signed file would hold them: not listed twice.
  ['ns1', 3600, 'NSEC', { nextDomain: 'Www.example.', rrtypes: ['A', 'RRSIG', 'NSEC'] }],
]);
const chain = buildNsecChain(z, { ttl: 300, apexTypes: [Type.DNSKEY, Type.CDS] });
const owners = () => chain.records.map((r) => nameToText(r.owner));
const at = (name: string) => chain.nsecAt(nameKey(parseName(name)));

describe('buildNsecChain', () => {
  it('has one NSEC per authoritative name and cut, in canonical order, without ENTs or occluded names', () => {
    expect(owners()).toEqual(['example.', 'a.b.c.example.', 'dn.example.', 'insecure.example.', 'ns1.example.', 'secure.example.', '*.wild.example.', 'Www.example.']);
    expect([...chain].length).toBe(chain.size);
    for (let i = 1; i < chain.size; i++) expect(canonicalCompare(chain.records[i - 1].owner, chain.records[i].owner)).toBeLessThan(0);
  });

  it('links each owner to the next and the last back to the apex', () => {
    for (let i = 0; i < chain.size; i++) {
      const r = chain.records[i];
      const next = readName(r.rdata[0], 0);
      expect(nameToText(next.labels)).toBe(nameToText(chain.records[(i + 1) % chain.size].owner));
      expect(nameToText(r.next)).toBe(nameToText(next.labels));
      expect(decodeTypeBitmap(r.rdata[0], next.end)).toEqual(r.types);
    }
    expect(nameToText(at('www.example.')!.next)).toBe('example.');
  });

  it('writes the next name uncompressed, as spelled in the zone', () => {
    const rd = at('secure.example.')!.rdata[0];
    expect(rd.subarray(0, 16).toString('latin1')).toBe('\x01*\x04wild\x07example\x00');
    expect(readName(at('*.wild.example.')!.rdata[0], 0).labels.map(String)).toEqual(['Www', 'example']);
  });

  it('lists the node types, RRSIG and NSEC; the apex also gets the signer types', () => {
    expect(at('example.')!.types).toEqual([Type.NS, Type.SOA, Type.RRSIG, Type.NSEC, Type.DNSKEY, Type.CDS]);
    expect(at('www.example.')!.types).toEqual([Type.A, Type.AAAA, Type.RRSIG, Type.NSEC]);
    expect(at('ns1.example.')!.types).toEqual([Type.A, Type.RRSIG, Type.NSEC]);
    expect(at('dn.example.')!.types).toEqual([Type.DNAME, Type.RRSIG, Type.NSEC]);
  });

  it('at a delegation lists only NS, DS if present, RRSIG and NSEC', () => {
    expect(at('secure.example.')!.types).toEqual([Type.NS, Type.DS, Type.RRSIG, Type.NSEC]);
    // The A at the cut name is the child's: not listed.
    expect(at('insecure.example.')!.types).toEqual([Type.NS, Type.RRSIG, Type.NSEC]);
  });

  it('gives every record the negative TTL it was asked for and is shaped like an RRset', () => {
    for (const r of chain) {
      expect(r.ttl).toBe(300);
      expect(r.type).toBe(Type.NSEC);
      expect(r.rdata.length).toBe(1);
    }
    expect(z.negativeTtl).toBe(300);
  });

  it('finds the NSEC of a name by key, and none for ENTs, glue and names below a DNAME', () => {
    expect(nameToText(at('WWW.EXAMPLE.')!.owner)).toBe('Www.example.');
    for (const n of ['c.example.', 'b.c.example.', 'wild.example.', 'ns.secure.example.', 'ns.insecure.example.', 'x.dn.example.', 'nope.example.']) expect(at(n)).toBeUndefined();
  });

  it('covering: the NSEC whose owner sorts before the name and whose next sorts after it', () => {
    const cov = (n: string) => {
      const r = chain.covering(parseName(n));
      return r && nameToText(r.owner);
    };
    expect(cov('aaa.example.')).toBe('example.');
    expect(cov('b.example.')).toBe('example.'); // b.example sorts before a.b.c.example
    expect(cov('c.example.')).toBe('example.'); // an ENT: covered by the NSEC before it
    expect(cov('b.c.example.')).toBe('example.');
    expect(cov('z.a.b.c.example.')).toBe('a.b.c.example.');
    expect(cov('nb.example.')).toBe('insecure.example.');
    expect(cov('nx.example.')).toBe('ns1.example.');
    expect(cov('*.example.')).toBe('example.');
    expect(cov('a.wild.example.')).toBe('*.wild.example.');
    expect(cov('wild.example.')).toBe('secure.example.');
    // Past the last owner: the last NSEC, whose next name is the apex.
    expect(cov('zzz.example.')).toBe('Www.example.');
    expect(cov('a.www.example.')).toBe('Www.example.');
    expect(cov('\\200.example.')).toBe('Www.example.');
    // Names that own an NSEC, and names outside the zone, are covered by none.
    expect(cov('www.example.')).toBeUndefined();
    expect(cov('example.')).toBeUndefined();
    expect(cov('example.org.')).toBeUndefined();
    expect(cov('.')).toBeUndefined();
  });

  it('covering agrees with a linear scan for many names', () => {
    const labels = ['a', 'b', 'c', 'www', 'WWW', 'ns1', 'secure', 'wild', '*', 'dn', 'zz', '-', '0', '\\000', '\\255'];
    let n = 0;
    for (const x of labels) for (const y of labels) for (const suffix of ['example.', 'wild.example.', 'b.c.example.']) {
      const name = parseName(`${x}.${y}.${suffix}`);
      const exact = chain.records.find((r) => canonicalCompare(r.owner, name) === 0);
      const before = chain.records.filter((r) => canonicalCompare(r.owner, name) < 0);
      const expected = exact ? undefined : before[before.length - 1];
      expect(chain.covering(name)).toBe(expected);
      n++;
    }
    expect(n).toBeGreaterThan(600);
  });

  it('a zone with only an apex has one NSEC pointing at itself and covering every other name', () => {
    const tiny = zone('example.', [SOA(), ['@', 3600, 'NS', 'ns.example.net.']]);
    const c = buildNsecChain(tiny, { ttl: 60 });
    expect(c.size).toBe(1);
    expect(nameToText(c.records[0].next)).toBe('example.');
    expect(c.covering(parseName('anything.example.'))).toBe(c.records[0]);
  });
});
