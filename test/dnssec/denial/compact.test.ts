// Compact denial of existence (RFC 9824): one per-query NSEC per denial, NXDOMAIN as NOERROR
// unless the query sets CO, wildcard answers signed as if the name existed.
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import packet from 'dns-packet';
import { DNSSEC_DEFAULTS } from '../../../src/config/types.js';
import { loadSignedZone } from '../../../src/dnssec/load-signed.js';
import { SignatureCache } from '../../../src/dnssec/signature-cache.js';
import { compactNsec, successor, COMPACT_NOT_TRANSFERABLE } from '../../../src/dnssec/denial/compact.js';
import { decodeTypeBitmap } from '../../../src/wire/type-bitmap.js';
import { canonicalName, canonicalRRset } from '../../../src/dnssec/canonical.js';
import { verify } from '../../../src/dnssec/crypto/index.js';
import { signedZoneLines, zoneContent } from '../../../src/dnssec/signed-zone-text.js';
import { nameToText, parseName, readName, wireLength } from '../../../src/wire/name.js';
import { Type, typeToText } from '../../../src/wire/constants.js';
import { loadZoneFile } from '../../../src/zone/load.js';
import { silentLogger } from '../../../src/log.js';
import { parseConfig } from '../../../src/config/index.js';
import { signCommand } from '../../../src/cli/sign.js';
import { rcodeOf, responder } from '../../helpers/ask.js';

const ZONE = new URL('../../interop/fixtures/diff.test.zone', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'inkan-compact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const loaded = loadSignedZone(ZONE, 'diff.test', { ...DNSSEC_DEFAULTS, denial: 'compact' }, { keysDir: dir, cache: new SignatureCache(64e6), logger: silentLogger });
const { zone, signing } = loaded;
const r = responder([zone]);
const NEG_TTL = 300;
const CO = 0x4000;

type RR = { name: string; type: string; ttl?: number; data?: unknown; flags?: number };

function ask(name: string, type: string, o: { do?: boolean; co?: boolean; edns?: boolean } = {}) {
  const flags = (o.do === false ? 0 : packet.DNSSEC_OK) | (o.co ? CO : 0);
  const additionals = o.edns === false ? [] : [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags, options: [] } as unknown as packet.Answer];
  const q = packet.encode({ type: 'query', id: 7, flags: packet.RECURSION_DESIRED, questions: [{ name, type: type as packet.RecordType, class: 'IN' }], additionals });
  const raw = r.respond(q, false)!;
  const p = packet.decode(raw);
  return { raw, rcode: rcodeOf(p), answers: (p.answers ?? []) as RR[], authority: (p.authorities ?? []) as RR[], opt: (p.additionals ?? []).find((x) => x.type === 'OPT') as RR | undefined };
}

const list = (rrs: RR[]) => [...new Set(rrs.map((x) => `${x.name} ${x.type}${x.type === 'RRSIG' ? ' ' + (x.data as { typeCovered: string }).typeCovered : ''}`.toLowerCase().replace(/ [a-z]+/g, (t) => t.toUpperCase())))];

/** The NSEC of a response, read from its raw rdata: next name and the bitmap's types. */
function nsecOf(rrs: RR[]): { owner: string; next: string; types: string[]; ttl: number } {
  const n = rrs.filter((x) => x.type === 'NSEC');
  expect(n).toHaveLength(1);
  const d = n[0].data as { nextDomain: string; rrtypes: string[] };
  // Names as the wire spells them (the owner may be compressed onto the question); \000 as text.
  return { owner: n[0].name.toLowerCase(), next: d.nextDomain.replace(/\0/g, '\\000'), types: [...d.rrtypes].sort(), ttl: n[0].ttl! };
}

/** Checks the RRSIG covering `type` in `rrs` over the given RRset content with the zone's key. */
function verifies(rrs: RR[], owner: string, type: number, ttl: number, rdata: Buffer[]): { ok: boolean; labels: number } {
  const sig = rrs.find((x) => x.type === 'RRSIG' && (x.data as { typeCovered: string }).typeCovered === typeToText(type))!.data as {
    algorithm: number; labels: number; originalTTL: number; expiration: number; inception: number; keyTag: number; signersName: string; signature: Buffer;
  };
  const head = Buffer.alloc(18);
  head.writeUInt16BE(type, 0);
  head[2] = sig.algorithm;
  head[3] = sig.labels;
  head.writeUInt32BE(sig.originalTTL, 4);
  head.writeUInt32BE(sig.expiration, 8);
  head.writeUInt32BE(sig.inception, 12);
  head.writeUInt16BE(sig.keyTag, 16);
  const data = Buffer.concat([head, canonicalName(parseName(sig.signersName + '.')), canonicalRRset(parseName(owner + '.'), type, ttl, rdata)]);
  const key = signing.keys.zsks[0];
  return { ok: verify(key.algorithm, key.signer.publicKey, data, sig.signature), labels: sig.labels };
}

describe('the per-query NSEC', () => {
  it('names the immediate successor \\000.name and lists RRSIG NSEC NXNAME for a missing name', () => {
    const n = compactNsec(parseName('a.example.'), [Type.NXNAME], 3600);
    expect(nameToText(n.next)).toBe('\\000.a.example.');
    const rd = n.rdata[0];
    const next = readName(rd, 0);
    expect(nameToText(next.labels)).toBe('\\000.a.example.');
    expect(decodeTypeBitmap(rd, next.end)).toEqual([Type.RRSIG, Type.NSEC, Type.NXNAME]);
    // Window 0, 17 octets: NXNAME (128) is bit 0 of octet 16.
    expect(rd[next.end + 1]).toBe(17);
    expect(rd[next.end + 2 + 16]).toBe(0x80);
  });

  it('at the length limit, where a name can have no children, grows or increments the first label', () => {
    const long = (first: string) => parseName(`${first}.${Array.from({ length: 3 }, () => 'b'.repeat(63)).join('.')}.${'c'.repeat(59 - first.length)}.`);
    const n254 = long('ab');
    expect(wireLength(n254)).toBe(254);
    const s1 = successor(n254);
    expect(s1[0].toString('latin1')).toBe('ab\0');
    expect(wireLength(s1)).toBe(255);
    const n255 = parseName(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(61)}.`);
    expect(wireLength(n255)).toBe(255);
    expect(successor(n255)[0].toString('latin1')).toBe('a'.repeat(62) + 'b');
    const at = parseName(`${'a'.repeat(62)}@.${'b'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(61)}.`);
    expect(successor(at)[0].toString('latin1')).toBe('a'.repeat(62) + '[');
    expect(successor(parseName('x.example.'))[0]).toEqual(Buffer.from([0]));
  });
});

describe('compact answers', () => {
  it('answers a missing name NOERROR with one NSEC (RRSIG NSEC NXNAME) owned by the name, signed', () => {
    const a = ask('Nope.diff.test', 'A');
    expect(a.rcode).toBe('NOERROR');
    expect(a.answers).toEqual([]);
    expect(list(a.authority)).toEqual(['diff.test SOA', 'diff.test RRSIG SOA', 'nope.diff.test NSEC', 'nope.diff.test RRSIG NSEC']);
    const n = nsecOf(a.authority);
    expect(n).toEqual({ owner: 'nope.diff.test', next: '\\000.nope.diff.test', types: ['NSEC', 'RRSIG', 'UNKNOWN_128'], ttl: NEG_TTL });
    const rd = compactNsec(parseName('nope.diff.test.'), [Type.NXNAME], NEG_TTL).rdata[0];
    expect(verifies(a.authority, 'nope.diff.test', Type.NSEC, NEG_TTL, [rd])).toEqual({ ok: true, labels: 3 });
    // No CO: the response does not claim it either.
    expect((a.opt!.flags ?? 0) & CO).toBe(0);
  });

  it('answers NXDOMAIN (same NSEC) and echoes CO when the query sets CO', () => {
    const a = ask('nope.diff.test', 'A', { co: true });
    expect(a.rcode).toBe('NXDOMAIN');
    expect(list(a.authority)).toEqual(['diff.test SOA', 'diff.test RRSIG SOA', 'nope.diff.test NSEC', 'nope.diff.test RRSIG NSEC']);
    expect(nsecOf(a.authority).types).toContain('UNKNOWN_128');
    expect((a.opt!.flags ?? 0) & CO).toBe(CO);
    // The response cache keys on CO: alternating questions keep their own answers.
    for (let i = 0; i < 3; i++) {
      expect(ask('nope.diff.test', 'A').rcode).toBe('NOERROR');
      expect(ask('nope.diff.test', 'A', { co: true }).rcode).toBe('NXDOMAIN');
    }
  });

  it('leaves DO=0 answers as the unsigned core gives them (NXDOMAIN, nothing DNSSEC)', () => {
    const plain = responder([loadZoneFile(ZONE, 'diff.test.')]);
    for (const [name, type] of [['nope.diff.test', 'A'], ['www.diff.test', 'MX'], ['x.wild.diff.test', 'A']]) {
      const q = packet.encode({ type: 'query', id: 1, questions: [{ name, type: type as packet.RecordType, class: 'IN' }], additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: CO, options: [] } as unknown as packet.Answer] });
      expect(r.respond(q, false)!.equals(plain.respond(q, false)!), `${name} ${type}`).toBe(true);
    }
    expect(ask('nope.diff.test', 'A', { do: false }).rcode).toBe('NXDOMAIN');
  });

  it('proves NODATA with the NSEC at the name listing its types, without NXNAME', () => {
    const a = ask('www.diff.test', 'MX');
    expect(a.rcode).toBe('NOERROR');
    expect(nsecOf(a.authority)).toEqual({ owner: 'www.diff.test', next: '\\000.www.diff.test', types: ['A', 'AAAA', 'NSEC', 'RRSIG', 'TXT'], ttl: NEG_TTL });
    const apex = nsecOf(ask('diff.test', 'AAAA').authority);
    expect(apex.types).toEqual(expect.arrayContaining(['SOA', 'NS', 'MX', 'TXT', 'CAA', 'DNSKEY', 'RRSIG', 'NSEC']));
    expect(apex.types).not.toContain('UNKNOWN_128');
  });

  it('proves NODATA at an empty non-terminal with an NSEC matching it: RRSIG NSEC only', () => {
    const a = ask('x2.x3.ent.diff.test', 'A');
    expect(a.rcode).toBe('NOERROR');
    expect(nsecOf(a.authority)).toMatchObject({ owner: 'x2.x3.ent.diff.test', next: '\\000.x2.x3.ent.diff.test', types: ['NSEC', 'RRSIG'] });
  });

  it('signs a wildcard answer as if the name existed: labels of the query name, no denial', () => {
    const a = ask('anything.wild.diff.test', 'A');
    expect(list(a.answers)).toEqual(['anything.wild.diff.test A', 'anything.wild.diff.test RRSIG A']);
    expect(a.authority.filter((x) => x.type === 'NSEC' || x.type === 'NSEC3')).toEqual([]);
    const wild = zone.node('*.wild.diff.test.')!.rrsets.get(Type.A)!;
    expect(verifies(a.answers, 'anything.wild.diff.test', Type.A, wild.ttl, [...wild.rdata])).toEqual({ ok: true, labels: 4 });
    // Deeper names too; and the wildcard asked for literally keeps its own signature.
    expect(verifies(ask('a.b.wild.diff.test', 'A').answers, 'a.b.wild.diff.test', Type.A, wild.ttl, [...wild.rdata])).toEqual({ ok: true, labels: 5 });
    expect(verifies(ask('*.wild.diff.test', 'A').answers, '*.wild.diff.test', Type.A, wild.ttl, [...wild.rdata])).toEqual({ ok: true, labels: 3 });
  });

  it('answers a wildcard NODATA with the NSEC at the query name and the wildcard types', () => {
    const a = ask('anything.wild.diff.test', 'AAAA');
    expect(a.rcode).toBe('NOERROR');
    expect(a.answers).toEqual([]);
    expect(nsecOf(a.authority)).toMatchObject({ owner: 'anything.wild.diff.test', next: '\\000.anything.wild.diff.test', types: ['A', 'MX', 'NSEC', 'RRSIG', 'TXT'] });
  });

  it('proves an insecure referral with the cut NSEC (NS RRSIG NSEC), and a signed one with its DS', () => {
    const u = ask('x.ext.diff.test', 'A');
    expect(list(u.authority)).toEqual(['ext.diff.test NS', 'ext.diff.test NSEC', 'ext.diff.test RRSIG NSEC']);
    expect(nsecOf(u.authority)).toMatchObject({ owner: 'ext.diff.test', next: '\\000.ext.diff.test', types: ['NS', 'NSEC', 'RRSIG'] });
    const s = ask('x.sub.diff.test', 'A');
    expect(list(s.authority)).toEqual(['sub.diff.test NS', 'sub.diff.test DS', 'sub.diff.test RRSIG DS']);
  });

  it('denies DS at an unsigned cut with the cut NSEC; the rule at a signed cut lists NS DS RRSIG NSEC', () => {
    const a = ask('ext.diff.test', 'DS');
    expect(a.rcode).toBe('NOERROR');
    expect(nsecOf(a.authority)).toMatchObject({ owner: 'ext.diff.test', types: ['NS', 'NSEC', 'RRSIG'] });
    expect(list(ask('sub.diff.test', 'DS').answers)).toEqual(['sub.diff.test DS', 'sub.diff.test RRSIG DS']);
    if (signing.chain.kind !== 'compact') throw new Error('not compact');
    const atCut = signing.chain.proof({ kind: 'ds-nodata', qname: parseName('sub.diff.test.') });
    expect(atCut.map((x) => x.types.map(typeToText))).toEqual([['NS', 'DS', 'RRSIG', 'NSEC']]);
    expect(signing.chain.proof({ kind: 'insecure-referral', qname: parseName('sub.diff.test.') })).toEqual([]);
  });

  it('follows a CNAME to a missing name: NOERROR, the NXNAME NSEC at the target', () => {
    const a = ask('cnx1.diff.test', 'A');
    expect(a.rcode).toBe('NOERROR');
    expect(list(a.answers)).toEqual(['cnx1.diff.test CNAME', 'cnx1.diff.test RRSIG CNAME', 'cnx2.diff.test CNAME', 'cnx2.diff.test RRSIG CNAME']);
    expect(nsecOf(a.authority)).toMatchObject({ owner: 'nothere.diff.test', types: ['NSEC', 'RRSIG', 'UNKNOWN_128'] });
    expect(ask('cnx1.diff.test', 'A', { co: true }).rcode).toBe('NXDOMAIN');
  });

  it('answers a question for NSEC with the per-query NSEC itself, signed', () => {
    const e = ask('www.diff.test', 'NSEC');
    expect(e.rcode).toBe('NOERROR');
    expect(list(e.answers)).toEqual(['www.diff.test NSEC', 'www.diff.test RRSIG NSEC']);
    expect(e.authority).toEqual([]);
    const m = ask('nope.diff.test', 'NSEC', { co: true });
    expect(m.rcode).toBe('NOERROR');
    expect(nsecOf(m.answers).types).toContain('UNKNOWN_128');
  });

  it('refuses an explicit NXNAME question with FORMERR (RFC 9824 §3.5)', () => {
    const q = packet.encode({ type: 'query', id: 1, questions: [{ name: 'nope.diff.test', type: 'UNKNOWN_128' as packet.RecordType, class: 'IN' }] });
    expect(rcodeOf(packet.decode(r.respond(q, false)!))).toBe('FORMERR');
  });

  it('has no chain: nothing to write out or transfer', () => {
    expect(loaded.compact).toBe(true);
    expect([...signing.chain]).toEqual([]);
    expect(() => [...zoneContent(zone)]).toThrow(COMPACT_NOT_TRANSFERABLE);
    expect(() => [...signedZoneLines(signing)]).toThrow(COMPACT_NOT_TRANSFERABLE);
  });

  it('makes `inkan sign` refuse the zone with a clear message, writing nothing', async () => {
    const d = mkdtempSync(join(dir, 'cli-'));
    copyFileSync(ZONE, join(d, 'diff.test.zone'));
    writeFileSync(join(d, 'inkan.yaml'), 'keys-dir: keys\nzones:\n  - name: diff.test\n    file: diff.test.zone\n    dnssec: { denial: compact }\nlog:\n  level: silent\n');
    const err: string[] = [];
    const out = join(d, 'signed.zone');
    const code = await signCommand('diff.test', join(d, 'inkan.yaml'), out, { out: () => {}, err: (l) => err.push(l) });
    expect(code).toBe(1);
    expect(err.join('\n')).toBe('inkan sign: zone diff.test.: compact denial zones cannot be written out / transferred: their proofs are made per query');
    expect(existsSync(out)).toBe(false);
  });
});

describe('configuration', () => {
  it('reads denial: compact, and names it among the choices when a value is wrong', () => {
    const zoneWith = (dnssec: string) => `zones:\n  - name: example.com\n    file: z.zone\n    dnssec: ${dnssec}\n`;
    expect(parseConfig(zoneWith('{ denial: compact }'), 'x.yaml').zones[0].dnssec?.denial).toBe('compact');
    expect(() => parseConfig(zoneWith('{ denial: black-lies }'), 'x.yaml')).toThrow(/must be "nsec", "nsec3" or "compact"/);
    const served = `zones:\n  - name: example.com\n    file: z.zone\n    dnssec: { denial: compact }\n    allow-transfer: [ 127.0.0.1 ]\n`;
    expect(() => parseConfig(served, 'x.yaml')).toThrow(/x\.yaml:4: zones\[0\]\.dnssec: denial: compact zones cannot be transferred/);
  });
});
