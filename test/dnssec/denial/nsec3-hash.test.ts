import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { base32hex, fromBase32hex, nsec3Hash, nsec3HashBytes } from '../../../src/dnssec/denial/nsec3-hash.js';
import { parseName } from '../../../src/wire/name.js';
import { checkTools, describeWithTools } from '../../interop/helpers/tools.js';

const salt = Buffer.from('aabbccdd', 'hex');

describe('nsec3Hash', () => {
  // RFC 5155 Appendix A: salt aabbccdd, 12 additional iterations.
  const vectors: [string, string][] = [
    ['example.', '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom'],
    ['a.example.', '35mthgpgcu1qg68fab165klnsnk3dpvl'],
    ['ai.example.', 'gjeqe526plbf1g8mklp59enfd789njgi'],
    ['ns1.example.', '2t7b4g4vsa5smi47k61mv5bv1a22bojr'],
    ['ns2.example.', 'q04jkcevqvmu85r014c7dkba38o0ji5r'],
    ['w.example.', 'k8udemvp1j2f7eg6jebps17vp3n8i58h'],
    ['*.w.example.', 'r53bq7cc2uvmubfu5ocmm6pers9tk9en'],
    ['x.w.example.', 'b4um86eghhds6nea196smvmlo4ors995'],
    ['y.w.example.', 'ji6neoaepv8b5o6k4ev33abha8ht9fgc'],
    ['x.y.w.example.', '2vptu5timamqttgl4luu9kg21e0aor3s'],
    ['xx.example.', 't644ebqk9bibcna874givr6joj62mlhv'],
  ];
  for (const [name, hash] of vectors) {
    it(`RFC 5155 Appendix A: ${name}`, () => {
      expect(nsec3Hash(parseName(name), salt, 12)).toBe(hash);
    });
  }

  it('hashes the lower-case name', () => {
    expect(nsec3Hash(parseName('X.Y.W.Example.'), salt, 12)).toBe('2vptu5timamqttgl4luu9kg21e0aor3s');
  });

  it('gives 20 bytes whose base32hex round-trips', () => {
    const h = nsec3HashBytes(parseName('example.'), salt, 12);
    expect(h.length).toBe(20);
    expect(fromBase32hex(base32hex(h))!.equals(h)).toBe(true);
    expect(fromBase32hex('0P9MHAVEQVM6T7VBL5LOP2U3T2RP3TOM')!.equals(h)).toBe(true);
    expect(fromBase32hex('not base32hex!')).toBeUndefined();
  });

  it('encodes base32hex per RFC 4648 §10 (lower case, no padding)', () => {
    const cases: [string, string][] = [['', ''], ['f', 'co'], ['fo', 'cpng'], ['foo', 'cpnmu'], ['foob', 'cpnmuog'], ['fooba', 'cpnmuoj1'], ['foobar', 'cpnmuoj1e8']];
    for (const [plain, enc] of cases) expect(base32hex(Buffer.from(plain))).toBe(enc);
  });
});

const names = ['example.', 'Example.COM.', '*.wild.example.org.', 'a.b.c.d.e.f.g.example.', '_sip._tcp.example.net.', 'xn--bcher-kva.example.', '.'];
const params: [string, number][] = [['', 0], ['aabbccdd', 0], ['aabbccdd', 12], ['00', 1], ['0123456789abcdef0123456789abcdef', 5]];

describeWithTools(checkTools(['ldns-nsec3-hash']), 'nsec3Hash against ldns-nsec3-hash', () => {
  for (const [s, it_] of params) {
    it(`salt "${s || '-'}", ${it_} iterations`, () => {
      for (const n of names) {
        const args = ['-t', String(it_), '-s', s, n];
        const out = execFileSync('ldns-nsec3-hash', args, { encoding: 'utf8' }).trim();
        expect(nsec3Hash(parseName(n), Buffer.from(s, 'hex'), it_) + '.').toBe(out.toLowerCase());
      }
    });
  }
});

describeWithTools(checkTools(['nsec3hash']), 'nsec3Hash against BIND nsec3hash', () => {
  for (const [s, it_] of params) {
    it(`salt "${s || '-'}", ${it_} iterations`, () => {
      for (const n of names) {
        const out = execFileSync('nsec3hash', [s || '-', '1', String(it_), n], { encoding: 'utf8' });
        expect(nsec3Hash(parseName(n), Buffer.from(s, 'hex'), it_)).toBe(out.split(' ')[0].toLowerCase());
      }
    });
  }
});
