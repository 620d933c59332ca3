// The IXFR journal on disk (src/transfer/journal.ts and its files): changes written and read
// back after a "restart" (a new Journal on the same directory), the byte bound, a torn last
// append, and journals that do not end at what is served, each discarded with a log line
// naming the file while nothing else is lost.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { DNSSEC_DEFAULTS, type ZoneConfig } from '../../src/config/types.js';
import { loadSignedZone } from '../../src/dnssec/load-signed.js';
import { SignatureCache } from '../../src/dnssec/signature-cache.js';
import { ServedZones, epochLength } from '../../src/server/served.js';
import { Journal, type Difference } from '../../src/transfer/journal.js';
import { contentOf, recordAt } from '../../src/transfer/zone-content.js';
import { recordLength, writeRecord } from '../../src/transfer/record-codec.js';
import { loadZoneFile } from '../../src/zone/load.js';
import type { Zone } from '../../src/zone/zone.js';
import type { WireRRset } from '../../src/wire/writer.js';

const root = mkdtempSync(join(tmpdir(), 'inkan-journal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `t${++n}`);

/** A zone j.test. with this serial and these extra lines. */
function zone(dir: string, serial: number, extra: string[] = []): Zone {
  const file = join(dir, `j.test.${serial}.zone`);
  const lines = ['$ORIGIN j.test.', '$TTL 300', `@ SOA ns1 hostmaster ${serial} 3600 900 604800 300`, '@ NS ns1', 'ns1 A 127.0.0.1', ...extra];
  writeFileSync(file, lines.join('\n') + '\n');
  return loadZoneFile(file, 'j.test.');
}

function logged(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

const records = async (z: Zone): Promise<Set<string>> => {
  const c = await contentOf(z);
  const out = new Set<string>();
  for (let i = 1; i < c.offsets.length - 1; i++) out.add(recordAt(c, i).toString('hex'));
  return out;
};
const hex = (s: WireRRset): string => {
  const b = Buffer.alloc(recordLength(s, s.rdata[0]));
  writeRecord(b, 0, s, s.rdata[0]);
  return b.toString('hex');
};

/** `old`'s records with the difference applied must be exactly `now`'s. */
async function expectApplies(old: Zone, d: Difference, now: Zone): Promise<void> {
  const have = await records(old);
  for (const r of d.deleted) expect(have.delete(hex(r)), 'a deleted record was held').toBe(true);
  for (const r of d.added) {
    expect(have.has(hex(r)), 'an added record was not held yet').toBe(false);
    have.add(hex(r));
  }
  expect([...have].sort()).toEqual([...(await records(now))].sort());
}

describe('journal file', () => {
  it('writes each change and, after a restart, answers from any serial of the chain', async () => {
    const dir = fresh();
    const j1 = new Journal({ dir });
    const v1 = zone(root, 1, ['www A 127.0.0.2']);
    const v2 = zone(root, 2, ['www A 127.0.0.3', 'mail A 127.0.0.4']);
    const v3 = zone(root, 3, ['www A 127.0.0.3', 'mail 600 A 127.0.0.4']);
    for (const v of [v1, v2, v3]) await j1.record(v);
    expect(j1.serials('j.test.')).toEqual([1, 2]);
    expect(statSync(join(dir, 'j.test.journal')).size).toBeGreaterThan(0);

    const { logger, lines } = logged();
    const j2 = new Journal({ dir, logger });
    const again = zone(root, 3, ['www A 127.0.0.3', 'mail 600 A 127.0.0.4']); // the same content, loaded anew
    expect(j2.since(again, 1)).toBeUndefined(); // nothing is served before the served version is checked
    await j2.record(again);
    expect(lines.find((l) => l.msg === 'journal loaded')).toMatchObject({ entries: 2, serial: 3 });
    expect(j2.serials('j.test.')).toEqual([1, 2]);
    const d = (await j2.since(again, 1))!;
    expect(d.from.rdata[0].readUInt32BE(d.from.rdata[0].length - 20)).toBe(1);
    await expectApplies(v1, d, again);
    // condensed: mail's TTL change in 3 is folded into its addition in 2
    expect([...d.added].map((r) => r.ttl).sort()).toEqual([300, 600]);
    await expectApplies(v2, (await j2.since(again, 2))!, again);
    expect(j2.since(again, 3)).toBeUndefined();
  });

  it('measures the first version after a restart from the last one it recorded (the file changed while down)', async () => {
    const dir = fresh();
    const v1 = zone(root, 11, ['www A 127.0.0.2']);
    await new Journal({ dir }).record(v1);
    const v2 = zone(root, 12, ['www A 127.0.0.9']);
    const j = new Journal({ dir });
    await j.record(v2);
    expect(j.serials('j.test.')).toEqual([11]);
    await expectApplies(v1, (await j.since(v2, 11))!, v2);
  });

  it('keeps at most journal-max-bytes per zone, dropping the oldest changes, also on disk', async () => {
    const dir = fresh();
    const big = (i: number) => Array.from({ length: 20 }, (_, k) => `n${k} TXT "${i} ${'x'.repeat(100)}"`);
    const one = new Journal({ dir });
    await one.record(zone(root, 20, big(0)));
    await one.record(zone(root, 21, big(1)));
    const entryBytes = statSync(join(dir, 'j.test.journal')).size;
    const bound = Math.floor(entryBytes * 2.5);
    const bounded = fresh();
    const j = new Journal({ dir: bounded, maxBytes: bound });
    for (let i = 0; i < 6; i++) await j.record(zone(root, 30 + i, big(i)));
    expect(j.serials('j.test.')).toEqual([33, 34]);
    const after = new Journal({ dir: bounded, maxBytes: bound });
    await after.record(zone(root, 35, big(5)));
    expect(after.serials('j.test.')).toEqual([33, 34]);
    expect(statSync(join(bounded, 'j.test.journal')).size).toBeLessThanOrEqual(bound);
    // A change larger than the bound is not kept: older serials get the whole zone.
    const tiny = new Journal({ dir: fresh(), maxBytes: 10 });
    await tiny.record(zone(root, 40, big(0)));
    await tiny.record(zone(root, 41, big(1)));
    expect(tiny.serials('j.test.')).toEqual([]);
  });

  it("removes the temporary files an interrupted write left (another process's), and keeps the rest", async () => {
    const dir = fresh();
    const j1 = new Journal({ dir });
    await j1.record(zone(root, 60, ['a A 127.0.0.1']));
    await j1.record(zone(root, 61, ['a A 127.0.0.2']));
    const left = ['j.test.journal.tmp-999999', 'j.test.snapshot.tmp-999998'];
    for (const n of left) writeFileSync(join(dir, n), 'half a file');
    writeFileSync(join(dir, 'other.test.journal.tmp-999999'), 'not this zone');
    const { logger, lines } = logged();
    const j2 = new Journal({ dir, logger });
    await j2.record(zone(root, 61, ['a A 127.0.0.2']));
    expect(lines.find((l) => l.msg === 'journal: removed what an interrupted write left')).toMatchObject({ zone: 'j.test.' });
    for (const n of left) expect(existsSync(join(dir, n)), n).toBe(false);
    expect(existsSync(join(dir, 'other.test.journal.tmp-999999'))).toBe(true);
    expect(j2.serials('j.test.')).toEqual([60]);
  });

  it('ignores a torn last append, says so naming the file, and drops it from the file', async () => {
    const dir = fresh();
    const j1 = new Journal({ dir });
    const v = [zone(root, 50, ['a A 127.0.0.1']), zone(root, 51, ['a A 127.0.0.2']), zone(root, 52, ['a A 127.0.0.3'])];
    for (const z of v) await j1.record(z);
    const file = join(dir, 'j.test.journal');
    const good = readFileSync(file);
    // The first part of another entry, as a crash in the middle of an append leaves it.
    appendFileSync(file, good.subarray(good.length - 40));
    const { logger, lines } = logged();
    const j2 = new Journal({ dir, logger });
    await j2.record(zone(root, 52, ['a A 127.0.0.3']));
    expect(lines.find((l) => l.msg === 'journal: torn last entry ignored (an append cut short)')).toMatchObject({ file, bytes: 40 });
    expect(j2.serials('j.test.')).toEqual([50, 51]);
    expect(readFileSync(file).equals(good)).toBe(true);
    // A last entry of the right length whose checksum fails is torn too; without it the
    // chain ends at 51 while the snapshot holds 52, so none of it is used.
    const bad = Buffer.from(good);
    bad[bad.length - 6] ^= 0xff;
    writeFileSync(file, bad);
    const { logger: l3, lines: lines3 } = logged();
    const j3 = new Journal({ dir, logger: l3 });
    const v52 = zone(root, 52, ['a A 127.0.0.3']);
    await j3.record(v52);
    expect(lines3.filter((l) => l.level === 40).map((l) => [l.msg, l.file, l.reason])).toEqual([
      ['journal: torn last entry ignored (an append cut short)', file, undefined],
      ['journal discarded; secondaries of older serials get the whole zone once', file, 'it ends at serial 51, its snapshot holds serial 52'],
    ]);
    expect(j3.serials('j.test.')).toEqual([]);
    expect(j3.since(v52, 50)).toBeUndefined();
  });

  it('discards a journal that is damaged or does not end at what is served, and keeps the rest', async () => {
    const dir = fresh();
    const j1 = new Journal({ dir });
    for (const z of [zone(root, 60, ['a A 127.0.0.1']), zone(root, 61, ['a A 127.0.0.2']), zone(root, 62, ['a A 127.0.0.3'])]) await j1.record(z);
    const file = join(dir, 'j.test.journal');

    // A damaged entry before the last one: the journal goes; the snapshot, which is fine,
    // stays the base the next change is measured from.
    const damaged = readFileSync(file);
    const header = 8 + 1 + 8; // magic, length, j.test. in wire form
    damaged[header + 4 + 20] ^= 0x55;
    writeFileSync(file, damaged);
    const { logger, lines } = logged();
    const j2 = new Journal({ dir, logger });
    await j2.record(zone(root, 63, ['a A 127.0.0.4']));
    expect(lines.filter((l) => l.level === 40)).toMatchObject([{ file, reason: `entry at byte ${header} fails its checksum` }]);
    expect(j2.serials('j.test.')).toEqual([62]);

    // Other content under the same serial (an edit without a serial change, other keys).
    const { logger: l3, lines: lines3 } = logged();
    const j3 = new Journal({ dir, logger: l3 });
    const other = zone(root, 63, ['a A 127.0.0.99']);
    await j3.record(other);
    const warn = lines3.filter((l) => l.level === 40);
    expect(warn).toMatchObject([{ file, serial: 63 }]);
    expect(String(warn[0].msg)).toMatch(/journal discarded: the served version has other content under the same serial/);
    expect(j3.serials('j.test.')).toEqual([]);
    expect(j3.since(other, 62)).toBeUndefined();

    // Not a journal at all.
    writeFileSync(file, 'not a journal');
    const { logger: l4, lines: lines4 } = logged();
    const j4 = new Journal({ dir, logger: l4 });
    await j4.record(zone(root, 64, ['a A 127.0.0.5']));
    expect(lines4.filter((l) => l.level === 40)).toMatchObject([{ file, reason: 'not an inkan journal (bad magic)' }]);
    expect(j4.serials('j.test.')).toEqual([63]);
  });

  it('a damaged snapshot discards the journal with a log naming the snapshot', async () => {
    const dir = fresh();
    const j1 = new Journal({ dir });
    for (const z of [zone(root, 70, ['a A 127.0.0.1']), zone(root, 71, ['a A 127.0.0.2'])]) await j1.record(z);
    const snap = join(dir, 'j.test.snapshot');
    const b = readFileSync(snap);
    b[b.length - 1] ^= 1;
    writeFileSync(snap, b);
    const { logger, lines } = logged();
    const j2 = new Journal({ dir, logger });
    const v = zone(root, 72, ['a A 127.0.0.3']);
    await j2.record(v);
    expect(lines.find((l) => l.level === 40)).toMatchObject({ file: snap, reason: 'snapshot unreadable: records do not match their checksum' });
    expect(j2.serials('j.test.')).toEqual([]);
    expect(readFileSync(snap).equals(b)).toBe(false); // rewritten for the version now served
  });
});

describe('journal of a signed zone', () => {
  const FILE = new URL('../../zones/example.com.zone', import.meta.url).pathname;
  const dnssec = { ...DNSSEC_DEFAULTS, validity: 400, refresh: 200 };
  const cfg: ZoneConfig = { name: 'example.com', file: FILE, allowTransfer: [], notify: [], serial: 'increment', dnssec };
  const keysDir = join(root, 'keys');
  const load = () => loadSignedZone(FILE, 'example.com.', dnssec, { keysDir, cache: new SignatureCache(64e6), logger: createLogger('silent') }).zone;

  it('a restart in the same epoch serves the same signed content; one in a later epoch is one more change, RRSIGs included', async () => {
    const state = fresh();
    let now = 1_800_000_000;
    const s1 = new ServedZones(state, createLogger('silent'), () => undefined, () => now);
    const j1 = new Journal({ dir: state });
    const [v1] = s1.update([cfg], new Map([['example.com.', load()]]));
    await j1.record(v1);
    s1.close();

    // Same file, same epoch, fresh signature cache: deterministic signatures, same content.
    const { logger, lines } = logged();
    const s2 = new ServedZones(state, createLogger('silent'), () => undefined, () => now);
    const j2 = new Journal({ dir: state, logger });
    const [v1again] = s2.update([cfg], new Map([['example.com.', load()]]));
    expect(v1again.serial).toBe(v1.serial);
    await j2.record(v1again);
    expect(lines.filter((l) => l.level === 40)).toEqual([]);
    s2.close();

    // Down for a whole refresh: every signature is new.
    now += dnssec.refresh + epochLength(dnssec.refresh);
    const s3 = new ServedZones(state, createLogger('silent'), () => undefined, () => now);
    const j3 = new Journal({ dir: state });
    const [v2] = s3.update([cfg], new Map([['example.com.', load()]]));
    expect(v2.serial).toBe(v1.serial + 1);
    await j3.record(v2);
    const d = (await j3.since(v2, v1.serial))!;
    expect(d.added.length).toBeGreaterThan(0);
    expect([...d.added].every((r) => r.type === 46)).toBe(true);
    expect(d.deleted.length).toBe(d.added.length);
    await expectApplies(v1, d, v2);
    s3.close();
  });
});
