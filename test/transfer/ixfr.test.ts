// IXFR (RFC 1995) from the journal of served versions: only what changed between the
// client's version and ours, in the RFC's layout. The journal file itself: journal.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import packet from 'dns-packet';
import { DNSSEC_DEFAULTS, type ZoneConfig } from '../../src/config/types.js';
import { loadSignedZone } from '../../src/dnssec/load-signed.js';
import { SignatureCache } from '../../src/dnssec/signature-cache.js';
import { zoneContent } from '../../src/dnssec/signed-zone-text.js';
import { ServedZones, epochLength } from '../../src/server/served.js';
import { Journal } from '../../src/transfer/journal.js';
import { Transfers } from '../../src/transfer/transfers.js';
import { parseAclEntry } from '../../src/transfer/acl.js';
import { parseQuery } from '../../src/wire/query.js';
import { nameKey } from '../../src/wire/name.js';
import { silentLogger } from '../../src/log.js';
import type { Zone } from '../../src/zone/zone.js';

const FILE = new URL('../../zones/example.com.zone', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'inkan-ixfr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dnssec = { ...DNSSEC_DEFAULTS, validity: 400, refresh: 200 };
const cfg: ZoneConfig = { name: 'example.com', file: FILE, allowTransfer: [], notify: [], serial: 'increment', dnssec };
const load = () => loadSignedZone(FILE, 'example.com.', dnssec, { keysDir: join(dir, 'keys'), cache: new SignatureCache(64e6), logger: silentLogger }).zone;

type Rec = { name: string; type: string; ttl?: number; data: unknown };
const key = (r: Rec) => `${r.name.toLowerCase()}|${r.type}|${r.ttl}|${JSON.stringify(r.data, (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('hex') : v))}`;
const contentKeys = (z: Zone) => {
  const out = new Set<string>();
  for (const set of zoneContent(z)) {
    if (set === z.soa) continue;
    for (const rd of set.rdata) out.add(`${nameKey(set.owner)}|${set.type}|${set.ttl}|${rd.toString('hex')}`);
  }
  return out;
};

/** Every message of a transfer answer, synchronous or not. */
async function collect(it: Iterator<Buffer> | AsyncIterator<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let r = await it.next(); !r.done; r = await it.next()) out.push(r.value);
  return out;
}

function ixfr(serial: number): Buffer {
  return packet.encode({
    type: 'query', id: 7, questions: [{ name: 'example.com', type: 'IXFR', class: 'IN' }],
    authorities: [{ name: 'example.com', type: 'SOA', ttl: 0, data: { mname: 'a.', rname: 'b.', serial, refresh: 0, retry: 0, expire: 0, minimum: 0 } }],
  } as packet.Packet);
}

/** Every record of every message: a comparable key, its type, and the serial of SOAs. */
function records(msgs: Buffer[]): { k: string; type: string; serial?: number }[] {
  const out: { k: string; type: string; serial?: number }[] = [];
  for (const m of msgs) {
    const p = packet.decode(m);
    for (const a of (p.answers ?? []) as unknown as Rec[]) {
      out.push({ k: key(a), type: a.type, serial: a.type === 'SOA' ? (a.data as { serial: number }).serial : undefined });
    }
  }
  return out;
}

describe('IXFR from the journal', () => {
  it('sends only the difference, in RFC 1995 layout, and applying it gives our version', async () => {
    let now = 1_800_000_000;
    const journal = new Journal({ dir: join(dir, 'state') });
    const changed: Zone[][] = [];
    const served = new ServedZones(join(dir, 'state'), silentLogger, (c) => changed.push(c), () => now);
    const [v1] = served.update([cfg], new Map([['example.com.', load()]]));
    await journal.record(v1);
    now += epochLength(dnssec.refresh);
    served.tick();
    const v2 = changed[0][0];
    expect(v2.serial).toBe(v1.serial + 1);
    void journal.record(v2);

    const t = new Transfers({ allow: new Map([['example.com.', [parseAclEntry('127.0.0.1')]]]), keys: () => undefined }, silentLogger);
    t.journal = journal;
    const msg = ixfr(v1.serial);
    // Asked while the change is still being recorded: the answer waits for it.
    expect(journal.pending(v2)).toBeDefined();
    const out = await collect(t.answer(msg, parseQuery(msg), v2, { address: '127.0.0.1', port: 1 }, true));
    const recs = records(out);
    const soas = recs.map((r, i) => [r, i] as const).filter(([r]) => r.type === 'SOA');
    expect(soas.map(([r]) => r.serial)).toEqual([v2.serial, v1.serial, v2.serial, v2.serial]);
    const deleted = recs.slice(soas[1][1] + 1, soas[2][1]);
    const added = recs.slice(soas[2][1] + 1, soas[3][1]);
    expect(deleted.length).toBeGreaterThan(0); // at least the old SOA's RRSIG
    expect(added.length).toBe(deleted.length);
    expect(deleted.every((r) => r.type === 'RRSIG')).toBe(true);
    const whole = contentKeys(v2).size;
    expect(deleted.length + added.length).toBeLessThan(whole); // far less than the zone

    // Apply to the old content in wire terms and compare with the new content.
    const before = contentKeys(v1);
    const after = contentKeys(v2);
    const removedOld = [...before].filter((k) => !after.has(k)).length;
    const addedNew = [...after].filter((k) => !before.has(k)).length;
    expect(deleted.length).toBe(removedOld);
    expect(added.length).toBe(addedNew);
    served.close();
  });

  it('falls back to the whole zone for a serial the journal does not hold', async () => {
    const journal = new Journal({ dir: join(dir, 'state-whole') });
    const zone = load();
    await journal.record(zone);
    const t = new Transfers({ allow: new Map([['example.com.', [parseAclEntry('127.0.0.1')]]]), keys: () => undefined }, silentLogger);
    t.journal = journal;
    const msg = ixfr((zone.serial - 5) >>> 0);
    const out = await collect(t.answer(msg, parseQuery(msg), zone, { address: '127.0.0.1', port: 1 }, true));
    const recs = records(out);
    expect(recs[0].type).toBe('SOA');
    expect(recs[1].type).not.toBe('SOA');
    expect(recs.filter((r) => r.type === 'SOA')).toHaveLength(2);
  });
});
