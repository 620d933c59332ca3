// AXFR out, in process (RFC 5936, RFC 8945, RFC 1995 §2/§4): axfrMessages and
// Transfers.answer on a signed zone (NSEC and NSEC3, fixtures/secure.test.zone) and on an
// unsigned zone of 3000 names (many 16 KiB messages). Messages are read back with a small
// reader in this file (names decompressed, rdata of the RFC 1035 types expanded), and the
// unsigned zone also with dns-packet, and compared record by record with the zone: every
// record exactly once, SOA first and last and identical, signatures and a closed NSEC/NSEC3
// chain for signed zones. Then TSIG (a verified stream, BADSIG, BADTIME, BADKEY), the
// access list, UDP, and names that are not a zone apex.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import packet from 'dns-packet';
import { afterAll, describe, expect, it } from 'vitest';
import { DNSSEC_DEFAULTS } from '../../src/config/types.js';
import { loadSignedZone } from '../../src/dnssec/load-signed.js';
import { SignatureCache } from '../../src/dnssec/signature-cache.js';
import { zoneContent } from '../../src/dnssec/signed-zone-text.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { parseAclEntry } from '../../src/transfer/acl.js';
import { axfrMessages } from '../../src/transfer/axfr.js';
import { Transfers, type TransferPolicy } from '../../src/transfer/transfers.js';
import {
  TsigError,
  TsigStreamVerifier,
  keyring,
  locateTsig,
  signRequest,
  type TsigKey,
} from '../../src/transfer/tsig.js';
import { Rcode, Type } from '../../src/wire/constants.js';
import { nameKey, nameToWire, parseName, readName, type Labels } from '../../src/wire/name.js';
import { parseQuery } from '../../src/wire/query.js';
import { loadZoneFile } from '../../src/zone/load.js';
import type { Zone } from '../../src/zone/zone.js';

const FIXTURE = new URL('../interop/fixtures/secure.test.zone', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'inkan-axfr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOW = 1_790_000_000;
const cache = new SignatureCache(64e6);
const signedNsec = loadSignedZone(FIXTURE, 'secure.test', { ...DNSSEC_DEFAULTS }, { keysDir: join(dir, 'k1'), cache, logger: silentLogger }).zone;
const signedNsec3 = loadSignedZone(FIXTURE, 'secure.test', { ...DNSSEC_DEFAULTS, denial: 'nsec3' }, { keysDir: join(dir, 'k3'), cache, logger: silentLogger }).zone;
const plainSecure = loadZoneFile(FIXTURE, 'secure.test.');

// ---- an unsigned zone well over 64 KiB (one message of the largest size) ----

const BIG_NAMES = 3000;
const BIG_SERIAL = 2026112601;
interface BigRecord { name: string; type: string; ttl: number; value: string }
const bigRecords: BigRecord[] = [
  { name: 'big.test', type: 'SOA', ttl: 3600, value: `ns1.big.test hostmaster.big.test ${BIG_SERIAL} 3600 900 604800 300` },
  { name: 'big.test', type: 'NS', ttl: 3600, value: 'ns1.big.test' },
  { name: 'ns1.big.test', type: 'A', ttl: 3600, value: '127.0.0.1' },
];
for (let i = 0; i < BIG_NAMES; i++) {
  bigRecords.push({ name: `h${i}.big.test`, type: 'A', ttl: 300, value: `127.0.${i >> 8}.${i & 255}` });
  bigRecords.push({ name: `h${i}.big.test`, type: 'TXT', ttl: 300, value: `host ${i} of the big zone, padded so that the transfer needs several messages` });
}
const bigFile = join(dir, 'big.test.zone');
writeFileSync(
  bigFile,
  '$ORIGIN big.test.\n' +
    bigRecords.map((r) => `${r.name}. ${r.ttl} IN ${r.type} ${r.type === 'TXT' ? `"${r.value}"` : r.type === 'A' ? r.value : r.value.replace(/(\.test)\b/g, '$1.')}`).join('\n') +
    '\n',
);
const big = loadZoneFile(bigFile, 'big.test.');

// ---- a message reader independent of the writer ----

interface Rec {
  owner: Labels;
  type: number;
  cls: number;
  ttl: number;
  /** Rdata with names decompressed (RFC 1035 types), else as sent. */
  rdata: Buffer;
}
interface Msg {
  raw: Buffer;
  id: number;
  flags: number;
  rcode: number;
  questions: { name: Labels; type: number; cls: number; wire: Buffer }[];
  answers: Rec[];
  authority: Rec[];
  additional: Rec[];
}

function expandRdata(m: Buffer, type: number, start: number, len: number): Buffer {
  const name = (off: number) => {
    const n = readName(m, off);
    return { wire: nameToWire(n.labels), end: n.end };
  };
  switch (type) {
    case 2: // NS
    case 3: // MD
    case 4: // MF
    case 5: // CNAME
    case 7: // MB
    case 8: // MG
    case 9: // MR
    case 12: // PTR
      return name(start).wire;
    case 6: { // SOA
      const a = name(start);
      const b = name(a.end);
      return Buffer.concat([a.wire, b.wire, m.subarray(b.end, b.end + 20)]);
    }
    case 14: { // MINFO
      const a = name(start);
      return Buffer.concat([a.wire, name(a.end).wire]);
    }
    case 15: // MX
      return Buffer.concat([m.subarray(start, start + 2), name(start + 2).wire]);
    default:
      return Buffer.from(m.subarray(start, start + len));
  }
}

function readMessage(m: Buffer): Msg {
  const counts = [4, 6, 8, 10].map((o) => m.readUInt16BE(o));
  let off = 12;
  const questions: Msg['questions'] = [];
  for (let i = 0; i < counts[0]; i++) {
    const n = readName(m, off);
    questions.push({ name: n.labels, type: m.readUInt16BE(n.end), cls: m.readUInt16BE(n.end + 2), wire: Buffer.from(m.subarray(off, n.end + 4)) });
    off = n.end + 4;
  }
  const section = (count: number): Rec[] => {
    const out: Rec[] = [];
    for (let i = 0; i < count; i++) {
      const n = readName(m, off);
      const type = m.readUInt16BE(n.end);
      const rdlen = m.readUInt16BE(n.end + 8);
      const start = n.end + 10;
      if (start + rdlen > m.length) throw new Error('record runs past the end of the message');
      out.push({ owner: n.labels, type, cls: m.readUInt16BE(n.end + 2), ttl: m.readUInt32BE(n.end + 4), rdata: expandRdata(m, type, start, rdlen) });
      off = start + rdlen;
    }
    return out;
  };
  const answers = section(counts[1]);
  const authority = section(counts[2]);
  const additional = section(counts[3]);
  expect(off, 'no bytes after the last record').toBe(m.length);
  const flags = m.readUInt16BE(2);
  return { raw: m, id: m.readUInt16BE(0), flags, rcode: flags & 0xf, questions, answers, authority, additional };
}

const recKey = (owner: Labels, type: number, cls: number, ttl: number, rdata: Buffer) =>
  `${nameToWire(owner).toString('hex')}/${type}/${cls}/${ttl}/${rdata.toString('hex')}`;
const keyOf = (r: Rec) => recKey(r.owner, r.type, r.cls, r.ttl, r.rdata);

/** Rdata with the names of the compressible types (NS, CNAME, PTR, MX, SOA) in lower case. */
function foldRdata(type: number, rd: Buffer): Buffer {
  const out = Buffer.from(rd);
  const lower = (off: number): number => {
    while (out[off] !== 0) {
      for (let i = off + 1; i <= off + out[off]; i++) if (out[i] >= 0x41 && out[i] <= 0x5a) out[i] |= 0x20;
      off += out[off] + 1;
    }
    return off + 1;
  };
  if (type === 2 || type === 5 || type === 12) lower(0);
  else if (type === 15) lower(2);
  else if (type === 6) lower(lower(0));
  return out;
}
/** recKey with the case of names in compressible rdata ignored (see the case test below). */
const foldedKey = (owner: Labels, type: number, cls: number, ttl: number, rdata: Buffer) => recKey(owner, type, cls, ttl, foldRdata(type, rdata));

/** What the zone version holds (data, signatures, chain), one key per record, in order. */
function expectedContent(zone: Zone): string[] {
  const out: string[] = [];
  for (const set of zoneContent(zone)) for (const rd of set.rdata) out.push(foldedKey(set.owner, set.type, 1, set.ttl, rd));
  return out;
}

const sorted = (a: string[]) => [...a].sort();

// ---- requests ----

const KEY: TsigKey = { name: parseName('xfr-key.'), algorithm: 'hmac-sha256', secret: randomBytes(32) };
const OTHER: TsigKey = { name: parseName('other-key.'), algorithm: 'hmac-sha256', secret: randomBytes(32) };

function request(name: string, type: 'AXFR' | 'IXFR', id = 0x2a2a, ixfrSerial = 1, edns = false): Buffer {
  return packet.encode({
    additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0 } as unknown as packet.Answer] : [],
    type: 'query',
    id,
    flags: 0,
    questions: [{ name, type, class: 'IN' }],
    authorities:
      type === 'IXFR'
        ? [{ name, type: 'SOA', ttl: 0, class: 'IN', data: { mname: 'ns1.' + name, rname: 'h.' + name, serial: ixfrSerial, refresh: 1, retry: 1, expire: 1, minimum: 1 } }]
        : [],
  } as packet.Packet);
}

function capture(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const dest = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: createLogger('info', dest as unknown as Parameters<typeof createLogger>[1]), lines };
}

function transfers(acl: string[], zones: Zone[], logger = silentLogger, keys: TsigKey[] = [KEY]): Transfers {
  const policy: TransferPolicy = {
    allow: new Map(zones.map((z) => [z.originKey, acl.map(parseAclEntry)])),
    keys: keyring(keys),
  };
  return new Transfers(policy, logger, () => NOW);
}

const LOCAL = { address: '127.0.0.1', port: 5353 };

function run(t: Transfers, wire: Buffer, zone: Zone | undefined, client = LOCAL, tcp = true): Buffer[] {
  const it = t.answer(wire, parseQuery(wire), zone, client, tcp);
  const out: Buffer[] = [];
  for (let r = it.next(); !r.done; r = it.next()) out.push(r.value);
  return out;
}

/** The checks every successful AXFR must pass; returns the records without the final SOA. */
function checkAxfr(msgs: Buffer[], zone: Zone, req: Buffer, opts: { tsig?: boolean } = {}): Rec[] {
  expect(msgs.length).toBeGreaterThan(0);
  const q = parseQuery(req);
  const all: Rec[] = [];
  msgs.forEach((raw, i) => {
    expect(raw.length, `message ${i} size`).toBeLessThanOrEqual(65535);
    const m = readMessage(raw);
    expect(m.id, 'ID echoed').toBe(q.id);
    expect(m.flags & 0x8000, 'QR').toBe(0x8000);
    expect((m.flags >> 11) & 0xf, 'opcode').toBe(0);
    expect(m.flags & 0x0400, 'AA').toBe(0x0400);
    expect(m.flags & 0x0200, 'TC').toBe(0);
    expect(m.rcode, `rcode of message ${i}`).toBe(0);
    // RFC 5936 §2.2: the first message copies the question; inkan leaves it out of the rest.
    if (i === 0) {
      expect(m.questions.length).toBe(1);
      expect(m.questions[0].wire.equals(Buffer.from(req.subarray(12, q.questionEnd))), 'question copied byte for byte').toBe(true);
    } else {
      expect(m.questions.length, `qdcount of message ${i}`).toBe(0);
    }
    expect(m.authority.length).toBe(0);
    if (opts.tsig) {
      expect(m.additional.map((r) => r.type)).toEqual([Type.TSIG]);
    } else {
      expect(m.additional.length).toBe(0);
    }
    all.push(...m.answers);
  });
  const first = all[0];
  const last = all[all.length - 1];
  expect(first.type).toBe(Type.SOA);
  expect(last.type).toBe(Type.SOA);
  expect(keyOf(first), 'first and last SOA identical').toBe(keyOf(last));
  expect(nameKey(first.owner)).toBe(zone.originKey);
  expect(first.rdata.readUInt32BE(first.rdata.length - 20)).toBe(zone.serial);
  const body = all.slice(0, -1);
  expect(body.filter((r) => r.type === Type.SOA).length, 'one SOA besides the last').toBe(1);
  // every record exactly once, nothing else
  const got = body.map((r) => foldedKey(r.owner, r.type, r.cls, r.ttl, r.rdata));
  expect(new Set(got).size, 'no record twice').toBe(got.length);
  const want = expectedContent(zone);
  const wantSet = new Set(want);
  const gotSet = new Set(got);
  expect({ missing: want.filter((k) => !gotSet.has(k)), extra: got.filter((k) => !wantSet.has(k)) }).toEqual({ missing: [], extra: [] });
  expect(got.length).toBe(want.length);
  return body;
}

const DNSSEC_TYPES = new Set<number>([Type.RRSIG, Type.NSEC, Type.NSEC3, Type.DNSKEY, Type.NSEC3PARAM, Type.CDS, Type.CDNSKEY]);

function base32hex(b: Buffer): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of b) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** Data as in the unsigned file, an RRSIG over every authoritative RRset, a closed chain. */
function checkSigned(body: Rec[], zone: Zone, denial: 'nsec' | 'nsec3'): void {
  const data = body.filter((r) => !DNSSEC_TYPES.has(r.type)).map((r) => foldedKey(r.owner, r.type, r.cls, r.ttl, r.rdata));
  const fileRecords: string[] = [];
  for (const set of plainSecure.rrsets()) for (const rd of set.rdata) fileRecords.push(foldedKey(set.owner, set.type, 1, set.ttl, rd));
  expect(sorted(data), 'the zone file\'s records, unchanged').toEqual(sorted(fileRecords));

  const covered = new Set(body.filter((r) => r.type === Type.RRSIG).map((r) => `${nameKey(r.owner)}/${r.rdata.readUInt16BE(0)}`));
  const sets = new Set(body.filter((r) => r.type !== Type.RRSIG).map((r) => `${nameKey(r.owner)}/${r.type}`));
  for (const s of sets) {
    const [owner, type] = s.split('/');
    const node = zone.node(owner);
    const authoritative = node ? !node.occluded && !(node.cut && Number(type) !== Type.DS && Number(type) !== Type.NSEC) : true;
    if (authoritative) expect(covered.has(s), `RRSIG over ${s}`).toBe(true);
    else expect(covered.has(s), `no RRSIG over non-authoritative ${s}`).toBe(false);
  }
  for (const c of covered) expect(sets.has(c), `RRSIG ${c} covers an RRset that was sent`).toBe(true);
  expect(body.some((r) => r.type === Type.DNSKEY && nameKey(r.owner) === zone.originKey)).toBe(true);

  if (denial === 'nsec') {
    const nsecs = new Map(body.filter((r) => r.type === Type.NSEC).map((r) => [nameKey(r.owner), nameKey(readName(r.rdata, 0).labels)]));
    // every authoritative name and every cut has one, and following "next" visits all of them once
    for (const n of zone.ordered) {
      if (n.occluded || n.rrsets.size === 0) continue;
      expect(nsecs.has(n.key), `NSEC at ${n.key}`).toBe(true);
    }
    let at = zone.originKey;
    const seen = new Set<string>();
    do {
      expect(seen.has(at), `NSEC chain loops early at ${at}`).toBe(false);
      seen.add(at);
      const next = nsecs.get(at);
      expect(next, `NSEC at ${at}`).toBeDefined();
      at = next!;
    } while (at !== zone.originKey);
    expect(seen.size).toBe(nsecs.size);
    expect(body.some((r) => r.type === Type.NSEC3)).toBe(false);
  } else {
    const n3 = body.filter((r) => r.type === Type.NSEC3);
    expect(n3.length).toBeGreaterThan(10);
    expect(body.some((r) => r.type === Type.NSEC)).toBe(false);
    expect(body.some((r) => r.type === Type.NSEC3PARAM && nameKey(r.owner) === zone.originKey)).toBe(true);
    const next = new Map<string, string>();
    for (const r of n3) {
      const saltLen = r.rdata[4];
      const hashLen = r.rdata[5 + saltLen];
      const hash = r.rdata.subarray(6 + saltLen, 6 + saltLen + hashLen);
      expect(nameKey(r.owner.slice(1)), 'NSEC3 owners are one label below the apex').toBe(zone.originKey);
      next.set(r.owner[0].toString('latin1').toLowerCase(), base32hex(hash));
    }
    const owners = [...next.keys()].sort();
    owners.forEach((o, i) => expect(next.get(o), `NSEC3 ${o} points at the next hash`).toBe(owners[(i + 1) % owners.length]));
  }
}

// ---- the tests ----

describe('axfrMessages', () => {
  it('splits a zone of 3000 names into messages of at most 16 KiB (every name within reach of a compression pointer), SOA first and last, every record once', () => {
    const req = request('big.test', 'AXFR');
    const msgs = [...axfrMessages(big, parseQuery(req))];
    expect(msgs.length).toBeGreaterThanOrEqual(16);
    // filled messages: all but the last near the limit (the writer does not give up early)
    for (const m of msgs.slice(0, -1)) {
      expect(m.length).toBeGreaterThan(15_500);
      expect(m.length).toBeLessThanOrEqual(16_384);
    }
    checkAxfr(msgs, big, req);
  });

  it('gives the same messages to transfers that run side by side (they share one scratch buffer)', () => {
    const req = request('big.test', 'AXFR');
    const alone = [...axfrMessages(big, parseQuery(req))].map((m) => m.toString('hex'));
    const a = axfrMessages(big, parseQuery(req));
    const b = axfrMessages(big, parseQuery(req));
    const got: [string[], string[]] = [[], []];
    for (;;) {
      const x = a.next();
      const y = b.next();
      if (!x.done) got[0].push(x.value.toString('hex'));
      if (!y.done) got[1].push(y.value.toString('hex'));
      if (x.done && y.done) break;
    }
    expect(got[0]).toEqual(alone);
    expect(got[1]).toEqual(alone);
  });

  it('matches the generated zone when read back with dns-packet (independent decoder)', () => {
    const req = request('big.test', 'AXFR');
    const got: string[] = [];
    for (const m of axfrMessages(big, parseQuery(req))) {
      for (const a of (packet.decode(m).answers ?? []) as unknown as { name: string; type: string; ttl: number; data: unknown }[]) {
        const d = a.data;
        let value: string;
        if (a.type === 'TXT') value = (d as Buffer[]).map((b) => b.toString()).join('');
        else if (a.type === 'SOA') {
          const s = d as { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number };
          value = `${s.mname} ${s.rname} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
        } else value = String(d);
        got.push(`${a.name} ${a.type} ${a.ttl} ${value}`);
      }
    }
    const want = bigRecords.map((r) => `${r.name} ${r.type} ${r.ttl} ${r.value}`);
    expect(got[0]).toBe(want[0]);
    expect(got[got.length - 1]).toBe(want[0]);
    expect(sorted(got.slice(0, -1))).toEqual(sorted(want));
  });

  it('keeps the case of names in rdata as the zone file has it (RFC 4343 §4.1; what inkan answers, a secondary must serve)', () => {
    // fixtures: "UpCname CNAME WwW.SeCuRe.TeSt." and "mxupper MX 10 MaIl"
    const req = request('secure.test', 'AXFR');
    const recs = [...axfrMessages(signedNsec, parseQuery(req))].flatMap((m) => readMessage(m).answers);
    const text = (rd: Buffer, off: number) => readName(rd, off).labels.map((l) => l.toString('latin1')).join('.');
    const cname = recs.find((r) => r.type === Type.CNAME && nameKey(r.owner) === 'upcname.secure.test.');
    const mx = recs.find((r) => r.type === Type.MX && nameKey(r.owner) === 'mxupper.secure.test.');
    expect(cname && text(cname.rdata, 0)).toBe('WwW.SeCuRe.TeSt');
    expect(mx && text(mx.rdata, 2)).toBe('MaIl.secure.test');
  });

  it('keeps the zone\'s case in owner names whatever the case of the question (RFC 4343 §4.1)', () => {
    const req = request('Secure.TEST', 'AXFR');
    const msgs = [...axfrMessages(signedNsec, parseQuery(req))];
    const first = readMessage(msgs[0]);
    expect(first.questions[0].wire.equals(Buffer.from(req.subarray(12, parseQuery(req).questionEnd))), 'the question is copied as asked').toBe(true);
    const owners = new Set(msgs.flatMap((m) => readMessage(m).answers).map((r) => r.owner.map((l) => l.toString('latin1')).join('.')));
    expect(owners.has('secure.test')).toBe(true);
    expect(owners.has('www.secure.test')).toBe(true);
    expect([...owners].filter((o) => /Secure\.TEST$/.test(o))).toEqual([]);
  });

  it('reserves room for a TSIG in every message', () => {
    const req = request('big.test', 'AXFR');
    for (const m of axfrMessages(big, parseQuery(req), 200)) expect(m.length).toBeLessThanOrEqual(16384 - 200);
  });

  it.each([
    ['NSEC', signedNsec, 'nsec'],
    ['NSEC3', signedNsec3, 'nsec3'],
  ] as const)('carries every RRSIG and the complete %s chain of a signed zone', (_t, zone, denial) => {
    const req = request('secure.test', 'AXFR');
    const body = checkAxfr([...axfrMessages(zone, parseQuery(req))], zone, req);
    checkSigned(body, zone, denial);
  });
});

describe('Transfers.answer', () => {
  it('streams an unsigned request from an allowed address and logs start and end', () => {
    const { logger, lines } = capture();
    const t = transfers(['127.0.0.1'], [big], logger);
    const req = request('big.test', 'AXFR');
    const msgs = run(t, req, big);
    checkAxfr(msgs, big, req);
    const done = lines.find((l) => l.msg === 'transfer done');
    expect(done).toMatchObject({ client: '127.0.0.1', zone: 'big.test.', qtype: 'AXFR', serial: BIG_SERIAL, messages: msgs.length });
    expect(done!.bytes).toBe(msgs.reduce((n, m) => n + m.length, 0));
  });

  it.each(['hmac-sha256', 'hmac-sha512', 'hmac-sha1'] as const)('signs every message of a stream (%s) so that the client verifies each (RFC 8945 §5.3.1)', (algorithm) => {
    const key: TsigKey = { ...KEY, algorithm, secret: randomBytes(algorithm === 'hmac-sha512' ? 64 : 32) };
    const t = transfers(['127.0.0.0/8 key xfr-key'], [big, signedNsec], silentLogger, [key]);
    for (const zone of [big, signedNsec]) {
      const { wire, mac } = signRequest(request(zone.originKey, 'AXFR', 7), key, NOW);
      const msgs = run(t, wire, zone, { address: '127.0.0.2', port: 1 });
      const v = new TsigStreamVerifier(key, mac, 0); // 0: inkan signs every message
      for (const m of msgs) {
        const check = v.verify(m, NOW + 1);
        expect(check.signed).toBe(true);
        expect(check.error).toBe(0);
      }
      v.finish();
      // the records, with the TSIG stripped: same checks as unsigned
      const stripped = msgs.map((m) => {
        const loc = locateTsig(m);
        if (loc.kind !== 'found') throw new Error('no TSIG');
        const out = Buffer.from(m.subarray(0, loc.offset));
        out.writeUInt16BE(m.readUInt16BE(10) - 1, 10);
        return out;
      });
      for (const m of msgs) expect(m.length).toBeLessThanOrEqual(65535);
      checkAxfr(stripped, zone, wire.subarray(0, wire.length), {});
      if (zone === big) expect(msgs.length).toBeGreaterThanOrEqual(4);
    }
  });

  it('answers a request signed with the wrong secret NOTAUTH/BADSIG, unsigned, with no zone data', () => {
    const { logger, lines } = capture();
    const t = transfers(['key xfr-key'], [signedNsec], logger);
    const wrong: TsigKey = { ...KEY, secret: randomBytes(32) };
    const { wire, mac } = signRequest(request('secure.test', 'AXFR'), wrong, NOW);
    const msgs = run(t, wire, signedNsec);
    expect(msgs.length).toBe(1);
    const m = readMessage(msgs[0]);
    expect(m.rcode).toBe(Rcode.NOTAUTH);
    expect(m.answers.length + m.authority.length).toBe(0);
    const loc = locateTsig(msgs[0]);
    expect(loc.kind).toBe('found');
    if (loc.kind === 'found') {
      expect(loc.record.error).toBe(TsigError.BADSIG);
      expect(loc.record.mac.length, 'RFC 8945 §5.3.2: no MAC with BADSIG').toBe(0);
    }
    expect(new TsigStreamVerifier(KEY, mac).verify(msgs[0], NOW)).toMatchObject({ signed: false, error: TsigError.BADSIG });
    expect(lines.find((l) => l.msg === 'transfer refused: TSIG')).toMatchObject({ client: '127.0.0.1', zone: 'secure.test.', reason: expect.stringMatching(/bad MAC/) });
    expect(lines.some((l) => l.msg === 'transfer started')).toBe(false);
  });

  it('answers an unknown key NOTAUTH/BADKEY', () => {
    const t = transfers(['key xfr-key'], [signedNsec]);
    const { wire } = signRequest(request('secure.test', 'AXFR'), OTHER, NOW);
    const [out, ...rest] = run(t, wire, signedNsec);
    expect(rest.length).toBe(0);
    expect(readMessage(out).rcode).toBe(Rcode.NOTAUTH);
    const loc = locateTsig(out);
    expect(loc.kind === 'found' && loc.record.error).toBe(TsigError.BADKEY);
    expect(readMessage(out).answers.length).toBe(0);
  });

  it('answers a request signed 1000 s ago NOTAUTH/BADTIME, signed, echoing its time and giving ours', () => {
    const { logger, lines } = capture();
    const t = transfers(['key xfr-key'], [signedNsec], logger);
    const { wire, mac } = signRequest(request('secure.test', 'AXFR'), KEY, NOW - 1000);
    const msgs = run(t, wire, signedNsec);
    expect(msgs.length).toBe(1);
    const m = readMessage(msgs[0]);
    expect(m.rcode).toBe(Rcode.NOTAUTH);
    expect(m.answers.length).toBe(0);
    // the client checks it against its own (skewed) clock
    const check = new TsigStreamVerifier(KEY, mac).verify(msgs[0], NOW - 1000);
    expect(check).toMatchObject({ signed: true, error: TsigError.BADTIME, serverTime: NOW });
    expect(check.record!.timeSigned).toBe(NOW - 1000);
    expect(lines.find((l) => l.msg === 'transfer refused: TSIG')?.reason).toMatch(/time signed/);
  });

  it('refuses a client outside the access list, and logs it', () => {
    const { logger, lines } = capture();
    const t = transfers(['127.0.0.1', '::1'], [signedNsec], logger);
    const msgs = run(t, request('secure.test', 'AXFR'), signedNsec, { address: '10.1.2.3', port: 5 });
    expect(msgs.length).toBe(1);
    const m = readMessage(msgs[0]);
    expect(m.rcode).toBe(Rcode.REFUSED);
    expect(m.answers.length).toBe(0);
    expect(lines.find((l) => l.msg === 'transfer refused')).toMatchObject({ client: '10.1.2.3', zone: 'secure.test.', reason: 'not in allow-transfer' });
    // v4-mapped v6 and v6 loopback
    expect(readMessage(run(t, request('secure.test', 'AXFR'), signedNsec, { address: '::1', port: 5 }).at(-1)!).rcode).toBe(0);
    expect(readMessage(run(t, request('secure.test', 'AXFR'), signedNsec, { address: '::ffff:127.0.0.1', port: 5 }).at(-1)!).rcode).toBe(0);
  });

  it('refuses an unsigned request where the entry needs a key; signs the refusal of a signed one', () => {
    for (const acl of [['key xfr-key'], ['127.0.0.0/8 key xfr-key']]) {
      const t = transfers(acl, [signedNsec]);
      const unsigned = run(t, request('secure.test', 'AXFR'), signedNsec);
      expect(unsigned.length).toBe(1);
      expect(readMessage(unsigned[0]).rcode, acl[0]).toBe(Rcode.REFUSED);
      expect(readMessage(unsigned[0]).answers.length).toBe(0);
    }
    const t = transfers(['127.0.0.0/8 key xfr-key'], [signedNsec]);
    const { wire, mac } = signRequest(request('secure.test', 'AXFR'), KEY, NOW);
    const out = run(t, wire, signedNsec, { address: '192.0.2.9', port: 5 });
    expect(out.length).toBe(1);
    expect(readMessage(out[0]).rcode).toBe(Rcode.REFUSED);
    expect(new TsigStreamVerifier(KEY, mac).verify(out[0], NOW)).toMatchObject({ signed: true, error: 0 });
    // a key the ACL does not name
    const t2 = transfers(['key xfr-key'], [signedNsec], silentLogger, [KEY, OTHER]);
    const other = signRequest(request('secure.test', 'AXFR'), OTHER, NOW);
    expect(readMessage(run(t2, other.wire, signedNsec)[0]).rcode).toBe(Rcode.REFUSED);
  });

  it('puts an OPT in the first message when the request has one (RFC 6891 §7, RFC 5936 §2.2.5), before the TSIG', () => {
    const t = transfers(['127.0.0.1 key xfr-key'], [big]);
    const { wire, mac } = signRequest(request('big.test', 'AXFR', 12, 1, true), KEY, NOW);
    const msgs = run(t, wire, big);
    const v = new TsigStreamVerifier(KEY, mac, 0);
    for (const m of msgs) v.verify(m, NOW);
    v.finish();
    const first = readMessage(msgs[0]);
    expect(first.additional.map((r) => r.type)).toEqual([Type.OPT, Type.TSIG]);
    expect(nameKey(first.additional[0].owner)).toBe('.');
  });

  it('answers IXFR over UDP with one message holding our SOA (RFC 1995 §2)', () => {
    const t = transfers(['127.0.0.1'], [signedNsec]);
    const req = request('secure.test', 'IXFR', 9, 0);
    const msgs = run(t, req, signedNsec, LOCAL, false);
    expect(msgs.length).toBe(1);
    const m = readMessage(msgs[0]);
    expect(m.rcode).toBe(0);
    expect(m.flags & 0x0400).toBe(0x0400);
    expect(m.questions.length).toBe(1);
    expect(m.answers.map((r) => r.type)).toEqual([Type.SOA]);
    expect(keyOf(m.answers[0])).toBe(recKey(signedNsec.soa.owner, Type.SOA, 1, signedNsec.soa.ttl, signedNsec.soa.rdata[0]));
  });

  it('answers IXFR over TCP AXFR-style until the journal exists (RFC 1995 §4)', () => {
    const t = transfers(['127.0.0.1'], [signedNsec]);
    const req = request('secure.test', 'IXFR', 10, 0);
    const body = checkAxfr(run(t, req, signedNsec), signedNsec, req);
    expect(body[1].type, 'AXFR-style: the second record is not a SOA').not.toBe(Type.SOA);
  });

  it('answers an IXFR from a client as new as us with our SOA alone, over TCP and UDP (RFC 1995 §2)', () => {
    const t = transfers(['127.0.0.1'], [signedNsec]);
    const serial = signedNsec.serial;
    for (const [clientSerial, tcp] of [
      [serial, true],
      [(serial + 1) >>> 0, true],
      [serial, false],
    ] as const) {
      const msgs = run(t, request('secure.test', 'IXFR', 11, clientSerial), signedNsec, LOCAL, tcp);
      expect(msgs.length, `serial ${clientSerial} over ${tcp ? 'TCP' : 'UDP'}`).toBe(1);
      const m = readMessage(msgs[0]);
      expect(m.rcode).toBe(0);
      expect(m.answers.map((r) => r.type), `serial ${clientSerial} over ${tcp ? 'TCP' : 'UDP'}`).toEqual([Type.SOA]);
      expect(m.answers[0].rdata.readUInt32BE(m.answers[0].rdata.length - 20)).toBe(serial);
    }
  });

  it('answers AXFR over UDP with FORMERR and no data', () => {
    const t = transfers(['127.0.0.1'], [signedNsec]);
    const msgs = run(t, request('secure.test', 'AXFR'), signedNsec, LOCAL, false);
    expect(msgs.length).toBe(1);
    const m = readMessage(msgs[0]);
    expect(m.rcode).toBe(Rcode.FORMERR);
    expect(m.answers.length).toBe(0);
  });

  it('answers NOTAUTH for a name that is not a zone apex, or a zone not served (RFC 5936 §2.2.1)', () => {
    const { logger, lines } = capture();
    const t = transfers(['127.0.0.1'], [signedNsec], logger);
    for (const [name, zone] of [
      ['www.secure.test', signedNsec],
      ['other.test', undefined],
    ] as const) {
      const msgs = run(t, request(name, 'AXFR'), zone);
      expect(msgs.length).toBe(1);
      const m = readMessage(msgs[0]);
      expect(m.rcode, name).toBe(Rcode.NOTAUTH);
      expect(m.answers.length).toBe(0);
    }
    expect(lines.filter((l) => l.msg === 'transfer refused' && l.reason === 'not a zone we serve').length).toBe(2);
  });
});
