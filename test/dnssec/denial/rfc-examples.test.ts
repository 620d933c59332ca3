// The example zones of RFC 4035 Appendix A (NSEC) and RFC 5155 Appendix A (NSEC3, opt-out,
// salt aabbccdd, 12 iterations), and the denial records their Appendix B responses carry.
import { describe, expect, it } from 'vitest';
import { buildNsecChain } from '../../../src/dnssec/denial/nsec.js';
import { base32hex, buildNsec3Chain } from '../../../src/dnssec/denial/nsec3.js';
import { denialProof, type DenialCase, type DenialRecord } from '../../../src/dnssec/denial/proofs.js';
import { Type, typeFromText } from '../../../src/wire/constants.js';
import { nameToText, parseName, readName } from '../../../src/wire/name.js';
import { zone, type Rec } from '../../helpers/records.js';

const ds = (keyTag: number, digest: string) => ({ keyTag, algorithm: 5, digestType: 1, digest: Buffer.from(digest, 'hex') });
const soa: Rec = ['@', 3600, 'SOA', { mname: 'ns1.example.', rname: 'bugs.x.w.example.', serial: 1081539377, refresh: 3600, retry: 300, expire: 3600000, minimum: 3600 }];
const types = (s: string) => s.split(' ').filter(Boolean).map((t) => typeFromText(t)!).sort((a, b) => a - b);

// RFC 4035 Appendix A, without its DNSSEC records (the chain makes them).
const rfc4035 = zone('example.', [
  soa,
  ['@', 3600, 'NS', 'ns1.example.'],
  ['@', 3600, 'NS', 'ns2.example.'],
  ['@', 3600, 'MX', { preference: 1, exchange: 'xx.example.' }],
  ['a', 3600, 'NS', 'ns1.a.example.'],
  ['a', 3600, 'NS', 'ns2.a.example.'],
  ['a', 3600, 'DS', ds(57855, 'b6dcd485719adca18e5f3d48a2331627fdd3636b')],
  ['ns1.a', 3600, 'A', '192.0.2.5'],
  ['ns2.a', 3600, 'A', '192.0.2.6'],
  ['ai', 3600, 'A', '192.0.2.9'],
  ['ai', 3600, 'HINFO', { cpu: 'KLH-10', os: 'ITS' }],
  ['ai', 3600, 'AAAA', '2001:db8::f00:baa9'],
  ['b', 3600, 'NS', 'ns1.b.example.'],
  ['b', 3600, 'NS', 'ns2.b.example.'],
  ['ns1.b', 3600, 'A', '192.0.2.7'],
  ['ns2.b', 3600, 'A', '192.0.2.8'],
  ['ns1', 3600, 'A', '192.0.2.1'],
  ['ns2', 3600, 'A', '192.0.2.2'],
  ['*.w', 3600, 'MX', { preference: 1, exchange: 'ai.example.' }],
  ['x.w', 3600, 'MX', { preference: 1, exchange: 'xx.example.' }],
  ['x.y.w', 3600, 'MX', { preference: 1, exchange: 'xx.example.' }],
  ['xx', 3600, 'A', '192.0.2.10'],
  ['xx', 3600, 'HINFO', { cpu: 'KLH-10', os: 'TOPS-20' }],
  ['xx', 3600, 'AAAA', '2001:db8::f00:baa8'],
]);

// RFC 5155 Appendix A, without its DNSSEC records.
const rfc5155 = zone('example.', [
  soa,
  ['@', 3600, 'NS', 'ns1.example.'],
  ['@', 3600, 'NS', 'ns2.example.'],
  ['@', 3600, 'MX', { preference: 1, exchange: 'xx.example.' }],
  ['2t7b4g4vsa5smi47k61mv5bv1a22bojr', 3600, 'A', '192.0.2.127'],
  ['a', 3600, 'NS', 'ns1.a.example.'],
  ['a', 3600, 'NS', 'ns2.a.example.'],
  ['a', 3600, 'DS', ds(58470, '3079f1593ebad6dc121e202a8b766a6a4837206c')],
  ['ns1.a', 3600, 'A', '192.0.2.5'],
  ['ns2.a', 3600, 'A', '192.0.2.6'],
  ['ai', 3600, 'A', '192.0.2.9'],
  ['ai', 3600, 'HINFO', { cpu: 'KLH-10', os: 'ITS' }],
  ['ai', 3600, 'AAAA', '2001:db8::f00:baa9'],
  ['c', 3600, 'NS', 'ns1.c.example.'],
  ['c', 3600, 'NS', 'ns2.c.example.'],
  ['ns1.c', 3600, 'A', '192.0.2.7'],
  ['ns2.c', 3600, 'A', '192.0.2.8'],
  ['ns1', 3600, 'A', '192.0.2.1'],
  ['ns2', 3600, 'A', '192.0.2.2'],
  ['*.w', 3600, 'MX', { preference: 1, exchange: 'ai.example.' }],
  ['x.w', 3600, 'MX', { preference: 1, exchange: 'xx.example.' }],
  ['x.y.w', 3600, 'MX', { preference: 1, exchange: 'xx.example.' }],
  ['xx', 3600, 'A', '192.0.2.10'],
  ['xx', 3600, 'HINFO', { cpu: 'KLH-10', os: 'TOPS-20' }],
  ['xx', 3600, 'AAAA', '2001:db8::f00:baa8'],
]);

const nsec = buildNsecChain(rfc4035, { ttl: 3600, apexTypes: [Type.DNSKEY] });
const nsec3 = buildNsec3Chain(rfc5155, { ttl: 3600, salt: Buffer.from('aabbccdd', 'hex'), iterations: 12, optOut: true, apexTypes: [Type.DNSKEY] });

describe('RFC 4035 Appendix A: the NSEC chain', () => {
  it('has the records of the signed example zone', () => {
    const got = nsec.records.map((r) => [nameToText(r.owner), nameToText(readName(r.rdata[0], 0).labels), [...r.types]]);
    expect(got).toEqual([
      ['example.', 'a.example.', types('NS SOA MX RRSIG NSEC DNSKEY')],
      ['a.example.', 'ai.example.', types('NS DS RRSIG NSEC')],
      ['ai.example.', 'b.example.', types('A HINFO AAAA RRSIG NSEC')],
      ['b.example.', 'ns1.example.', types('NS RRSIG NSEC')],
      ['ns1.example.', 'ns2.example.', types('A RRSIG NSEC')],
      ['ns2.example.', '*.w.example.', types('A RRSIG NSEC')],
      ['*.w.example.', 'x.w.example.', types('MX RRSIG NSEC')],
      ['x.w.example.', 'x.y.w.example.', types('MX RRSIG NSEC')],
      ['x.y.w.example.', 'xx.example.', types('MX RRSIG NSEC')],
      ['xx.example.', 'example.', types('A HINFO AAAA RRSIG NSEC')],
    ]);
  });

  const owners = (recs: DenialRecord[]) => recs.map((r) => nameToText(r.owner));
  const cases: [string, string, DenialCase, string[]][] = [
    ['B.2 name error', 'ml.example.', 'nxdomain', ['b.example.', 'example.']],
    ['B.3 no data', 'ns1.example.', 'nodata', ['ns1.example.']],
    ['B.4 referral to a signed zone', 'mc.a.example.', 'referral', []],
    ['B.5 referral to an unsigned zone', 'mc.b.example.', 'referral', ['b.example.']],
    ['B.6 wildcard expansion', 'a.z.w.example.', 'wildcard-answer', ['x.y.w.example.']],
    ['B.7 wildcard no data', 'a.z.w.example.', 'wildcard-nodata', ['x.y.w.example.', '*.w.example.']],
    ['B.8 DS child zone no data', 'example.', 'ds-nodata', ['example.']],
  ];
  for (const [title, qname, kind, expected] of cases) {
    it(`Appendix B: ${title} (${qname} ${kind})`, () => {
      expect(owners(denialProof(rfc4035, nsec, parseName(qname), kind))).toEqual(expected);
    });
  }
});

describe('RFC 5155 Appendix A: the NSEC3 chain (opt-out)', () => {
  it('has the records of the signed example zone', () => {
    const got = nsec3.records.map((r) => [nameToText(r.owner), base32hex(r.nextHash), [...r.types], r.rdata[0].subarray(0, 9).toString('hex')]);
    const head = '01010' + '00c' + '04aabbccdd'; // algorithm 1, flags 1 (opt-out), 12 iterations, salt
    expect(got).toEqual([
      ['0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.', '2t7b4g4vsa5smi47k61mv5bv1a22bojr', types('MX DNSKEY NS SOA NSEC3PARAM RRSIG'), head],
      ['2t7b4g4vsa5smi47k61mv5bv1a22bojr.example.', '2vptu5timamqttgl4luu9kg21e0aor3s', types('A RRSIG'), head],
      ['2vptu5timamqttgl4luu9kg21e0aor3s.example.', '35mthgpgcu1qg68fab165klnsnk3dpvl', types('MX RRSIG'), head],
      ['35mthgpgcu1qg68fab165klnsnk3dpvl.example.', 'b4um86eghhds6nea196smvmlo4ors995', types('NS DS RRSIG'), head],
      ['b4um86eghhds6nea196smvmlo4ors995.example.', 'gjeqe526plbf1g8mklp59enfd789njgi', types('MX RRSIG'), head],
      ['gjeqe526plbf1g8mklp59enfd789njgi.example.', 'ji6neoaepv8b5o6k4ev33abha8ht9fgc', types('HINFO A AAAA RRSIG'), head],
      ['ji6neoaepv8b5o6k4ev33abha8ht9fgc.example.', 'k8udemvp1j2f7eg6jebps17vp3n8i58h', [], head],
      ['k8udemvp1j2f7eg6jebps17vp3n8i58h.example.', 'kohar7mbb8dc2ce8a9qvl8hon4k53uhi', [], head],
      ['kohar7mbb8dc2ce8a9qvl8hon4k53uhi.example.', 'q04jkcevqvmu85r014c7dkba38o0ji5r', types('A RRSIG'), head],
      ['q04jkcevqvmu85r014c7dkba38o0ji5r.example.', 'r53bq7cc2uvmubfu5ocmm6pers9tk9en', types('A RRSIG'), head],
      ['r53bq7cc2uvmubfu5ocmm6pers9tk9en.example.', 't644ebqk9bibcna874givr6joj62mlhv', types('MX RRSIG'), head],
      ['t644ebqk9bibcna874givr6joj62mlhv.example.', '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom', types('HINFO A AAAA RRSIG'), head],
    ]);
    expect(nsec3.nsec3param.rdata[0].toString('hex')).toBe('0100000c04aabbccdd');
  });

  const hashes = (recs: DenialRecord[]) => recs.map((r) => r.owner[0].toString()).sort();
  const cases: [string, string, DenialCase, string[]][] = [
    // Covers the next closer c.x.w.example, matches the closest encloser x.w.example, covers *.x.w.example.
    ['B.1 name error', 'a.c.x.w.example.', 'nxdomain', ['0p9mhaveqvm6t7vbl5lop2u3t2rp3tom', 'b4um86eghhds6nea196smvmlo4ors995', '35mthgpgcu1qg68fab165klnsnk3dpvl']],
    ['B.2 no data', 'ns1.example.', 'nodata', ['2t7b4g4vsa5smi47k61mv5bv1a22bojr']],
    ['B.2.1 no data at an empty non-terminal', 'y.w.example.', 'nodata', ['ji6neoaepv8b5o6k4ev33abha8ht9fgc']],
    // Matches the closest provable encloser example., covers the next closer c.example (opt-out).
    ['B.3 referral to an opt-out unsigned zone', 'mc.c.example.', 'referral', ['0p9mhaveqvm6t7vbl5lop2u3t2rp3tom', '35mthgpgcu1qg68fab165klnsnk3dpvl']],
    ['B.4 wildcard expansion', 'a.z.w.example.', 'wildcard-answer', ['q04jkcevqvmu85r014c7dkba38o0ji5r']],
    ['B.5 wildcard no data', 'a.z.w.example.', 'wildcard-nodata', ['k8udemvp1j2f7eg6jebps17vp3n8i58h', 'q04jkcevqvmu85r014c7dkba38o0ji5r', 'r53bq7cc2uvmubfu5ocmm6pers9tk9en']],
    ['B.6 DS child zone no data', 'example.', 'ds-nodata', ['0p9mhaveqvm6t7vbl5lop2u3t2rp3tom']],
  ];
  for (const [title, qname, kind, expected] of cases) {
    it(`Appendix B: ${title} (${qname} ${kind})`, () => {
      expect(hashes(denialProof(rfc5155, nsec3, parseName(qname), kind))).toEqual([...expected].sort());
    });
  }

  it('B.1 in RFC 5155 §7.2.1 order: closest encloser, next closer, wildcard', () => {
    const recs = denialProof(rfc5155, nsec3, parseName('a.c.x.w.example.'), 'nxdomain');
    expect(recs.map((r) => r.owner[0].toString())).toEqual(['b4um86eghhds6nea196smvmlo4ors995', '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom', '35mthgpgcu1qg68fab165klnsnk3dpvl']);
  });
});
