// The denial records of every case, for NSEC and NSEC3: first by expected owner on a small
// zone, then on random zones checked the way a validating resolver checks them (RFC 4035
// §5.4, RFC 5155 §8), with code that shares nothing with the chains' lookups.
import { describe, expect, it } from 'vitest';
import { seededUnit } from '../../helpers/seeded.js';
import { decodeTypeBitmap } from '../../../src/wire/type-bitmap.js';
import { buildNsecChain, type NsecChain } from '../../../src/dnssec/denial/nsec.js';
import { buildNsec3Chain, fromBase32hex, nsec3HashBytes, type Nsec3Chain } from '../../../src/dnssec/denial/nsec3.js';
import {
  closestEncloser, DenialError, denialProof, dsNodataProof, insecureReferralProof, nodataProof, nxdomainProof,
  wildcardAnswerProof, wildcardNodataProof, type DenialCase, type DenialChain, type DenialRecord,
} from '../../../src/dnssec/denial/proofs.js';
import { Type } from '../../../src/wire/constants.js';
import { canonicalCompare, isSubdomain, labelsEqual, nameKey, nameToText, parseName, readName, suffixKeys, type Labels } from '../../../src/wire/name.js';
import type { Zone } from '../../../src/zone/zone.js';
import { SOA, zone, type Rec } from '../../helpers/records.js';

const ds = { keyTag: 1, algorithm: 13, digestType: 2, digest: Buffer.alloc(32, 1) };
const z = zone('example.', [
  SOA(3600, 300),
  ['@', 3600, 'NS', 'ns1.example.'],
  ['ns1', 3600, 'A', '192.0.2.1'],
  ['Www', 300, 'A', '192.0.2.2'],
  ['a.b.c', 300, 'TXT', ['deep']],
  ['*.wild', 300, 'A', '192.0.2.3'],
  ['sub.wild', 300, 'TXT', ['exists']],
  ['x.ent.wild', 300, 'A', '192.0.2.4'],
  ['*.Under.ENT', 300, 'MX', { preference: 10, exchange: 'ns1.example.' }],
  ['secure', 3600, 'NS', 'ns.secure.example.'],
  ['secure', 3600, 'DS', ds],
  ['ns.secure', 3600, 'A', '192.0.2.5'],
  ['Insecure', 3600, 'NS', 'ns.insecure.example.'],
  ['ns.insecure', 3600, 'A', '192.0.2.6'],
  ['deleg.only', 3600, 'NS', 'ns1.example.'],
  ['dn', 300, 'DNAME', 'example.net.'],
  ['a.*.entwild', 300, 'TXT', ['makes *.entwild an empty non-terminal']],
]);
const nsec = buildNsecChain(z, { ttl: 300 });
const nsec3 = buildNsec3Chain(z, { ttl: 300 });
const optOut = buildNsec3Chain(z, { ttl: 300, optOut: true });

/** The owners of NSEC proofs; the unhashed names of NSEC3 proofs. */
const show = (recs: DenialRecord[]) => recs.map((r) => nameToText('name' in r ? r.name : r.owner));
const proof = (c: DenialChain, q: string, kind: DenialCase) => show(denialProof(z, c, parseName(q), kind));

describe('denial proofs with NSEC', () => {
  const cases: [string, DenialCase, string[]][] = [
    ['nope.example.', 'nxdomain', ['Insecure.example.', 'example.']],
    ['zzz.example.', 'nxdomain', ['Www.example.', 'example.']], // after the last owner: the last NSEC
    ['x.a.b.c.example.', 'nxdomain', ['a.b.c.example.']], // name and *.a.b.c covered by one NSEC
    ['q.b.c.example.', 'nxdomain', ['a.b.c.example.', 'example.']], // the closest encloser b.c is an ENT
    ['Q.B.C.EXAMPLE.', 'nxdomain', ['a.b.c.example.', 'example.']],
    ['x.sub.wild.example.', 'nxdomain', ['sub.wild.example.']],
    ['www.example.', 'nodata', ['Www.example.']],
    ['b.c.example.', 'nodata', ['example.']], // an ENT: the NSEC before it, whose next is below it
    ['ent.wild.example.', 'nodata', ['*.wild.example.']],
    ['foo.wild.example.', 'wildcard-answer', ['x.ent.wild.example.']],
    ['a.b.wild.example.', 'wildcard-answer', ['*.wild.example.']],
    ['z.under.ent.example.', 'wildcard-answer', ['*.Under.ENT.example.']],
    ['foo.wild.example.', 'wildcard-nodata', ['x.ent.wild.example.', '*.wild.example.']],
    ['a.b.wild.example.', 'wildcard-nodata', ['*.wild.example.']],
    // The wildcard is an ENT: the NSEC before *.entwild (whose next is below it) shows it empty.
    ['q.entwild.example.', 'wildcard-nodata', ['a.*.entwild.example.', '*.Under.ENT.example.']],
    ['insecure.example.', 'referral', ['Insecure.example.']],
    ['www.ns.insecure.example.', 'referral', ['Insecure.example.']],
    ['deleg.only.example.', 'referral', ['deleg.only.example.']],
    ['secure.example.', 'referral', []], // DS and its RRSIG prove a signed delegation
    ['ns.secure.example.', 'referral', []],
    ['insecure.example.', 'ds-nodata', ['Insecure.example.']],
    ['example.', 'ds-nodata', ['example.']],
    ['www.example.', 'ds-nodata', ['Www.example.']],
    ['only.example.', 'ds-nodata', ['ns1.example.']], // an ENT: ns1 sorts before it, deleg.only after
  ];
  for (const [q, kind, expected] of cases) {
    it(`${kind} ${q}`, () => expect(proof(nsec, q, kind)).toEqual(expected));
  }

  it('the NSEC of an insecure delegation shows NS without DS', () => {
    const [r] = insecureReferralProof(z, nsec, parseName('insecure.example.'));
    expect(r.types).toEqual([Type.NS, Type.RRSIG, Type.NSEC]);
  });
});

describe('denial proofs with NSEC3', () => {
  const cases: [string, DenialCase, string[]][] = [
    // Closest encloser, next closer cover, wildcard cover (each by the name it stands for).
    ['nope.example.', 'nxdomain', ['example.', '<nope.example.>', '<*.example.>']],
    ['x.y.b.c.example.', 'nxdomain', ['b.c.example.', '<y.b.c.example.>', '<*.b.c.example.>']],
    ['X.Y.B.C.Example.', 'nxdomain', ['b.c.example.', '<y.b.c.example.>', '<*.b.c.example.>']],
    ['www.example.', 'nodata', ['Www.example.']],
    ['b.c.example.', 'nodata', ['b.c.example.']],
    ['ent.wild.example.', 'nodata', ['ent.wild.example.']],
    ['foo.wild.example.', 'wildcard-answer', ['<foo.wild.example.>']],
    ['a.b.wild.example.', 'wildcard-answer', ['<b.wild.example.>']],
    ['foo.wild.example.', 'wildcard-nodata', ['wild.example.', '<foo.wild.example.>', '*.wild.example.']],
    ['a.b.wild.example.', 'wildcard-nodata', ['wild.example.', '<b.wild.example.>', '*.wild.example.']],
    ['q.entwild.example.', 'wildcard-nodata', ['entwild.example.', '<q.entwild.example.>', '*.entwild.example.']],
    ['insecure.example.', 'referral', ['Insecure.example.']],
    ['ns.insecure.example.', 'referral', ['Insecure.example.']],
    ['secure.example.', 'referral', []],
    ['insecure.example.', 'ds-nodata', ['Insecure.example.']],
    ['example.', 'ds-nodata', ['example.']],
  ];
  /** Names in angle brackets stand for the record covering that name. */
  const expand = (c: Nsec3Chain, names: string[]) =>
    [...new Set(names.map((n) => (n.startsWith('<') ? c.covering(parseName(n.slice(1, -1)))! : c.matching(parseName(n))!)))].map((r) => nameToText(r.name));
  for (const [q, kind, expected] of cases) {
    it(`${kind} ${q}`, () => expect(proof(nsec3, q, kind)).toEqual(expand(nsec3, expected)));
  }

  describe('with opt-out', () => {
    const optCases: [string, DenialCase, string[]][] = [
      // No NSEC3 at an insecure cut: the closest provable encloser proof of the cut.
      ['insecure.example.', 'referral', ['example.', '<insecure.example.>']],
      ['www.insecure.example.', 'referral', ['example.', '<insecure.example.>']],
      ['deleg.only.example.', 'referral', ['only.example.', '<deleg.only.example.>']],
      ['insecure.example.', 'ds-nodata', ['example.', '<insecure.example.>']],
      ['only.example.', 'nodata', ['only.example.']], // the ENT above an insecure cut keeps its NSEC3
      ['secure.example.', 'ds-nodata', []],
      ['nope.example.', 'nxdomain', ['example.', '<nope.example.>', '<*.example.>']],
    ];
    for (const [q, kind, expected] of optCases) {
      it(`${kind} ${q}`, () => {
        if (kind === 'ds-nodata' && expected.length === 0) {
          expect(() => proof(optOut, q, kind)).toThrow(DenialError);
          return;
        }
        expect(proof(optOut, q, kind)).toEqual(expand(optOut, expected));
      });
    }

    it('the cover of the next closer name of an insecure delegation has the opt-out flag', () => {
      const recs = insecureReferralProof(z, optOut, parseName('insecure.example.'));
      const cover = optOut.covering(parseName('insecure.example.'))!;
      expect(recs).toContain(cover);
      expect(cover.rdata[0][1] & 1).toBe(1);
    });
  });
});

describe('denial proofs refuse cases the zone does not fit', () => {
  const q = (s: string) => parseName(s);
  for (const c of [nsec, nsec3] as DenialChain[]) {
    it(`with ${c.kind}`, () => {
      expect(() => nxdomainProof(z, c, q('www.example.'))).toThrow(DenialError);
      expect(() => nxdomainProof(z, c, q('b.c.example.'))).toThrow(DenialError); // an ENT exists
      expect(() => nodataProof(z, c, q('nope.example.'))).toThrow(DenialError);
      expect(() => nodataProof(z, c, q('ns.secure.example.'))).toThrow(DenialError); // glue is not the zone's
      expect(() => wildcardAnswerProof(z, c, q('nope.example.'))).toThrow(/does not exist/);
      expect(() => wildcardNodataProof(z, c, q('www.example.'))).toThrow(DenialError);
      expect(() => insecureReferralProof(z, c, q('www.example.'))).toThrow(DenialError);
      expect(() => dsNodataProof(z, c, q('secure.example.'))).toThrow(DenialError);
      expect(() => nxdomainProof(z, c, q('www.example.org.'))).toThrow(DenialError);
    });
  }
  it('a chain without opt-out must hold every delegation', () => {
    const partial = buildNsec3Chain(z, { ttl: 300, optOut: true });
    const lying = Object.assign(Object.create(Object.getPrototypeOf(partial)), partial, { params: { ...partial.params, optOut: false } });
    expect(() => insecureReferralProof(z, lying, parseName('insecure.example.'))).toThrow(/without opt-out/);
  });

  it('closestEncloser counts ENTs and not occluded names', () => {
    expect(nameToText(closestEncloser(z, parseName('x.y.b.c.example.')))).toBe('b.c.example.');
    expect(nameToText(closestEncloser(z, parseName('a.ns.secure.example.')))).toBe('secure.example.');
    expect(nameToText(closestEncloser(z, parseName('Www.example.')))).toBe('Www.example.');
  });
});

// ---- Random zones, checked as a validator would ----

const LABELS = ['a', 'B', 'c', 'dd', 'e-', '0'];

function randomZone(seed: number): Zone {
  const r = seededUnit(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const recs: Rec[] = [SOA(3600, 300), ['@', 3600, 'NS', 'ns.example.net.']];
  for (let i = 0; i < 40; i++) {
    const depth = 1 + Math.floor(r() * 3);
    const labels = Array.from({ length: depth }, () => pick(LABELS));
    if (r() < 0.2) labels[0] = '*';
    else if (depth > 1 && r() < 0.1) labels[1] = '*'; // a wildcard that is an empty non-terminal
    const owner = labels.join('.');
    const k = r();
    if (labels[0] !== '*' && k < 0.15) {
      recs.push([owner, 3600, 'NS', 'ns.example.net.']);
      if (r() < 0.5) recs.push([owner, 3600, 'DS', ds]);
    } else if (k < 0.6) {
      recs.push([owner, 300, 'A', '192.0.2.1']);
    } else {
      recs.push([owner, 300, 'TXT', ['t']]);
    }
  }
  return zone('example.', recs);
}

type Situation = { kind: DenialCase; ce?: Labels; cut?: Labels } | undefined;

/** What the lookup meets for `qname` and type A, walking down from the apex. */
function classify(zn: Zone, qname: Labels): Situation {
  const keys = suffixKeys(qname);
  let node = zn.apex;
  for (let d = zn.origin.length + 1; d <= qname.length; d++) {
    const child = zn.node(keys[qname.length - d]);
    if (!child) {
      const w = zn.node('*.' + node.key);
      if (w && !w.occluded) return { kind: w.rrsets.has(Type.A) ? 'wildcard-answer' : 'wildcard-nodata', ce: node.labels };
      return { kind: 'nxdomain' };
    }
    node = child;
    if (node.cut) return node.rrsets.has(Type.DS) ? undefined : { kind: 'referral', cut: node.labels };
  }
  return node.rrsets.has(Type.A) ? undefined : { kind: 'nodata' };
}

const typesAfterName = (rd: Buffer) => decodeTypeBitmap(rd, readName(rd, 0).end);
const typesNsec3 = (rd: Buffer) => decodeTypeBitmap(rd, 5 + rd[4] + 1 + rd[5 + rd[4]]);
const longestCommonSuffix = (a: Labels, b: Labels) => {
  let n = 0;
  while (n < a.length && n < b.length && labelsEqual([a[a.length - 1 - n]], [b[b.length - 1 - n]])) n++;
  return a.slice(a.length - n);
};

/** RFC 4035 §5.4: does the NSEC set prove the situation? Returns a complaint or ''. */
function checkNsec(zn: Zone, recs: DenialRecord[], q: Labels, s: NonNullable<Situation>): string {
  const apex = zn.origin;
  const covers = (r: DenialRecord, n: Labels) => {
    const next = readName(r.rdata[0], 0).labels;
    const wraps = labelsEqual(next, apex);
    return canonicalCompare(r.owner, n) < 0 && (wraps || canonicalCompare(n, next) < 0);
  };
  const coverOf = (n: Labels) => recs.find((r) => covers(r, n));
  const owned = (n: Labels) => recs.find((r) => labelsEqual(r.owner, n));
  /** The closest encloser a validator derives from the NSEC covering the name. */
  const derivedCe = (r: DenialRecord, n: Labels) => {
    const a = longestCommonSuffix(n, r.owner);
    const b = longestCommonSuffix(n, readName(r.rdata[0], 0).labels);
    return a.length > b.length ? a : b;
  };
  switch (s.kind) {
    case 'nxdomain': {
      const c = coverOf(q);
      if (!c) return 'no NSEC covers the name';
      const ce = derivedCe(c, q);
      if (!coverOf([Buffer.from('*'), ...ce])) return `no NSEC covers *.${nameKey(ce)}`;
      return '';
    }
    case 'nodata': {
      const own = owned(q);
      if (own) return typesAfterName(own.rdata[0]).some((t) => t === Type.A || t === Type.CNAME) ? 'bitmap has A or CNAME' : '';
      const ent = recs.find((r) => covers(r, q) && isSubdomain(readName(r.rdata[0], 0).labels, q));
      return ent ? '' : 'no NSEC at or proving the empty non-terminal';
    }
    case 'wildcard-answer':
    case 'wildcard-nodata': {
      const c = coverOf(q);
      if (!c) return 'no NSEC covers the name';
      if (!labelsEqual(derivedCe(c, q), s.ce!)) return 'the covering NSEC allows a closer match';
      if (s.kind === 'wildcard-answer') return '';
      const wildcard = [Buffer.from('*'), ...s.ce!];
      const w = owned(wildcard);
      if (w) return typesAfterName(w.rdata[0]).includes(Type.A) ? 'the wildcard has A' : '';
      const ent = recs.find((r) => covers(r, wildcard) && isSubdomain(readName(r.rdata[0], 0).labels, wildcard));
      return ent ? '' : 'no NSEC at or proving the empty wildcard';
    }
    case 'referral': {
      const own = owned(s.cut!);
      if (!own) return 'no NSEC at the cut';
      const t = typesAfterName(own.rdata[0]);
      return t.includes(Type.NS) && !t.includes(Type.DS) && !t.includes(Type.SOA) ? '' : `bad bitmap at the cut: ${t}`;
    }
    default:
      return 'unexpected case';
  }
}

/** RFC 5155 §8: does the NSEC3 set prove the situation? */
function checkNsec3(zn: Zone, c: Nsec3Chain, recs: DenialRecord[], q: Labels, s: NonNullable<Situation>): string {
  const H = (n: Labels) => nsec3HashBytes(n, c.params.salt, c.params.iterations);
  const ownerHash = (r: DenialRecord) => fromBase32hex(r.owner[0].toString())!;
  const nextHash = (r: DenialRecord) => {
    const rd = r.rdata[0];
    const o = 5 + rd[4];
    return rd.subarray(o + 1, o + 1 + rd[o]);
  };
  const matchOf = (n: Labels) => recs.find((r) => ownerHash(r).equals(H(n)));
  const coverOf = (n: Labels) => {
    const h = H(n);
    return recs.find((r) => {
      const o = ownerHash(r);
      const x = nextHash(r);
      return Buffer.compare(o, x) < 0 ? Buffer.compare(o, h) < 0 && Buffer.compare(h, x) < 0 : Buffer.compare(o, h) < 0 || Buffer.compare(h, x) < 0;
    });
  };
  /** §8.3: the closest provable encloser and the cover of the next closer name. */
  const cep = (n: Labels): { ce: Labels; optOut: boolean } | string => {
    for (let i = 1; i <= n.length - zn.origin.length; i++) {
      const ce = n.slice(i);
      if (!matchOf(ce)) continue;
      const cover = coverOf(n.slice(i - 1));
      return cover ? { ce, optOut: (cover.rdata[0][1] & 1) === 1 } : 'no cover for the next closer name';
    }
    return 'no closest encloser';
  };
  switch (s.kind) {
    case 'nxdomain': {
      const p = cep(q);
      if (typeof p === 'string') return p;
      return coverOf([Buffer.from('*'), ...p.ce]) ? '' : 'no cover for the wildcard';
    }
    case 'nodata': {
      const m = matchOf(q);
      return m && !typesNsec3(m.rdata[0]).some((t) => t === Type.A || t === Type.CNAME) ? '' : 'no matching NSEC3 without A';
    }
    case 'wildcard-answer':
      return coverOf(q.slice(q.length - s.ce!.length - 1)) ? '' : 'no cover for the next closer name';
    case 'wildcard-nodata': {
      if (!matchOf(s.ce!)) return 'no match for the closest encloser';
      if (!coverOf(q.slice(q.length - s.ce!.length - 1))) return 'no cover for the next closer name';
      const w = matchOf([Buffer.from('*'), ...s.ce!]);
      return w && !typesNsec3(w.rdata[0]).includes(Type.A) ? '' : 'no match for the wildcard without A';
    }
    case 'referral': {
      const m = matchOf(s.cut!);
      if (m) {
        const t = typesNsec3(m.rdata[0]);
        return t.includes(Type.NS) && !t.includes(Type.DS) && !t.includes(Type.SOA) ? '' : 'bad bitmap at the cut';
      }
      const p = cep(s.cut!);
      if (typeof p === 'string') return p;
      return p.optOut ? '' : 'next closer cover without opt-out';
    }
    default:
      return 'unexpected case';
  }
}

describe('proofs on random zones satisfy a validator', () => {
  for (let seed = 1; seed <= 12; seed++) {
    it(`zone ${seed}`, () => {
      const zn = randomZone(seed);
      const chains: DenialChain[] = [
        buildNsecChain(zn, { ttl: 300 }),
        buildNsec3Chain(zn, { ttl: 300 }),
        buildNsec3Chain(zn, { ttl: 300, optOut: true, salt: Buffer.from('ab', 'hex'), iterations: 1 }),
      ];
      const seen = new Map<DenialCase, number>();
      const qnames: Labels[] = [];
      for (const x of [...LABELS, 'zz', '*']) for (const y of LABELS) for (const w of ['', 'B.', 'a.c.']) qnames.push(parseName(`${x}.${w}${y}.example.`));
      for (const x of LABELS) qnames.push(parseName(`${x}.example.`));
      let checked = 0;
      for (const q of qnames) {
        const s = classify(zn, q);
        if (!s) continue;
        seen.set(s.kind, (seen.get(s.kind) ?? 0) + 1);
        for (const c of chains) {
          const recs = denialProof(zn, c, q, s.kind);
          expect(new Set(recs).size).toBe(recs.length);
          expect(recs.length).toBeLessThanOrEqual(3);
          const why = c.kind === 'nsec' ? checkNsec(zn, recs, q, s) : checkNsec3(zn, c, recs, q, s);
          expect(why, `${c.kind}${c.kind === 'nsec3' && c.params.optOut ? ' opt-out' : ''} ${s.kind} ${nameToText(q)}`).toBe('');
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(100);
      expect(seen.get('nxdomain')).toBeGreaterThan(0);
    });
  }

  it('the random zones reach every case', () => {
    const all = new Set<DenialCase>();
    for (let seed = 1; seed <= 12; seed++) {
      const zn = randomZone(seed);
      for (const x of [...LABELS, 'zz']) for (const y of LABELS) for (const w of ['', 'B.', 'a.c.']) {
        const q = parseName(`${x}.${w}${y}.example.`);
        const s = classify(zn, q);
        if (s) all.add(s.kind);
        if (s?.kind === 'wildcard-nodata' && zn.node('*.' + nameKey(s.ce!))!.rrsets.size === 0) all.add('wildcard ENT' as DenialCase);
      }
    }
    expect([...all].sort()).toEqual(['nodata', 'nxdomain', 'referral', 'wildcard ENT', 'wildcard-answer', 'wildcard-nodata']);
  });
});

// Keep the type of the chains in use visible to the type checker.
void (nsec as NsecChain);
