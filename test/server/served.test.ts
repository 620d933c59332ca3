// Served versions: serial policies, signing epochs, and serials kept across restarts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DNSSEC_DEFAULTS, type ZoneConfig } from '../../src/config/types.js';
import { loadSignedZone } from '../../src/dnssec/load-signed.js';
import { SignatureCache } from '../../src/dnssec/signature-cache.js';
import { ServedZones, epochLength } from '../../src/server/served.js';
import { loadZoneFile } from '../../src/zone/load.js';
import { nextSerial, serialGt } from '../../src/zone/serial.js';
import { zoneContent } from '../../src/dnssec/signed-zone-text.js';
import { silentLogger } from '../../src/log.js';
import type { Zone } from '../../src/zone/zone.js';

const FILE = new URL('../../zones/example.com.zone', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'inkan-served-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dnssec = { ...DNSSEC_DEFAULTS, validity: 400, refresh: 200 };
const cfg = (over: Partial<ZoneConfig> = {}): ZoneConfig => ({ name: 'example.com', file: FILE, allowTransfer: [], notify: [], serial: 'increment', dnssec, ...over });
const signed = () => loadSignedZone(FILE, 'example.com.', dnssec, { keysDir: join(dir, 'keys'), cache: new SignatureCache(64e6), logger: silentLogger }).zone;
const rrsigs = (z: Zone) => [...zoneContent(z)].filter((s) => s.type === 46).flatMap((s) => s.rdata.map((r) => r.toString('hex')));

describe('serial policies (RFC 1982 arithmetic)', () => {
  it('never go backwards and never below the file', () => {
    expect(nextSerial('keep', 5, 9, 0)).toBe(5);
    expect(nextSerial('increment', 5, undefined, 0)).toBe(5);
    expect(nextSerial('increment', 5, 9, 0)).toBe(10);
    expect(nextSerial('increment', 20, 9, 0)).toBe(20);
    expect(nextSerial('increment', 0xfffffff0, 0xffffffff, 0)).toBe(0); // wraps, still "after"
    expect(nextSerial('increment', 5, 0xffffffff, 0)).toBe(5);
    expect(nextSerial('unixtime', 5, undefined, 1_800_000_000)).toBe(1_800_000_000);
    expect(nextSerial('unixtime', 5, 1_800_000_000, 1_800_000_000)).toBe(1_800_000_001);
    expect(nextSerial('dateserial', 5, undefined, Date.UTC(2026, 10, 26) / 1000)).toBe(2026112600);
    expect(nextSerial('dateserial', 5, 2026112600, Date.UTC(2026, 10, 26) / 1000)).toBe(2026112601);
    expect(serialGt(0, 0xffffffff)).toBe(true);
  });
});

describe('served versions', () => {
  it('a new signing epoch serves a new serial with refreshed signatures', () => {
    let now = 1_800_000_000;
    const changed: Zone[][] = [];
    const s = new ServedZones(join(dir, 'state1'), silentLogger, (c) => changed.push(c), () => now);
    const base = signed();
    const [v1] = s.update([cfg()], new Map([['example.com.', base]]));
    expect(v1.serial).toBe(base.serial);
    const before = rrsigs(v1);
    s.tick();
    expect(changed).toHaveLength(0);
    now += epochLength(dnssec.refresh);
    s.tick();
    expect(changed).toHaveLength(1);
    const v2 = changed[0][0];
    expect(v2.serial).toBe(v1.serial + 1);
    expect(s.zones()[0]).toBe(v2);
    // The SOA changed, so its RRSIG did; RRsets still in their window keep theirs.
    const after = rrsigs(v2);
    expect(after).not.toEqual(before);
    expect(after.filter((x) => before.includes(x)).length).toBeGreaterThan(0);
    // A whole refresh later every signature is new.
    now += dnssec.refresh;
    s.tick();
    const v3 = changed[1][0];
    expect(rrsigs(v3).filter((x) => before.includes(x))).toEqual([]);
    s.close();
  });

  it('a restart with the same file in the same epoch serves the same serial; a changed file bumps it', () => {
    const now = () => 1_800_000_000;
    const state = join(dir, 'state2');
    const a = new ServedZones(state, silentLogger, () => undefined, now);
    const [first] = a.update([cfg()], new Map([['example.com.', signed()]]));
    // A reload of the same file: nothing new to serve, no new serial (and no NOTIFY).
    expect(a.update([cfg()], new Map([['example.com.', signed()]]))).toEqual([]);
    expect(a.zones()[0]).toBe(first);
    // Other signing settings are other content: a new version and serial.
    const [resigned] = a.update([cfg({ dnssec: { ...dnssec, denial: 'nsec3' } })], new Map([['example.com.', signed()]]));
    expect(resigned.serial).toBe(first.serial + 1);
    const afterReload = a.zones()[0].serial;
    a.close();
    const b = new ServedZones(state, silentLogger, () => undefined, now);
    const [again] = b.update([cfg({ dnssec: { ...dnssec, denial: 'nsec3' } })], new Map([['example.com.', signed()]]));
    expect(again.serial).toBe(afterReload);
    b.close();
  });

  it('a restart after the file was edited without a serial change serves a new serial', () => {
    const now = () => 1_800_000_000;
    const state = join(dir, 'state5');
    const edited = join(dir, 'edited.zone');
    writeFileSync(edited, readFileSync(FILE, 'utf8'));
    const a = new ServedZones(state, silentLogger, () => undefined, now);
    const [first] = a.update([cfg({ dnssec: undefined, file: edited })], new Map([['example.com.', loadZoneFile(edited, 'example.com.')]]));
    a.close();
    writeFileSync(edited, readFileSync(FILE, 'utf8') + 'added-while-down 300 IN A 192.0.2.99\n');
    const b = new ServedZones(state, silentLogger, () => undefined, now);
    const [again] = b.update([cfg({ dnssec: undefined, file: edited })], new Map([['example.com.', loadZoneFile(edited, 'example.com.')]]));
    expect(again.serial).toBe(first.serial + 1);
    b.close();
  });

  it('unsigned zones follow their policy too', () => {
    const s = new ServedZones(join(dir, 'state3'), silentLogger, () => undefined, () => 1_900_000_000);
    const base = loadZoneFile(FILE, 'example.com.');
    const [v] = s.update([cfg({ dnssec: undefined, serial: 'unixtime' })], new Map([['example.com.', base]]));
    expect(v.serial).toBe(2026112601); // the file's serial is later than the clock: never go back
    const [k] = new ServedZones(join(dir, 'state4'), silentLogger, () => undefined).update([cfg({ dnssec: undefined, serial: 'keep' })], new Map([['example.com.', base]]));
    expect(k).toBe(base);
  });
});
