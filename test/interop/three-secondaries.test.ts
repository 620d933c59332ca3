// Three secondaries of one inkan at once (issue 5: "three secondaries converge"): BIND named,
// NSD and knotd pull trio.test (algorithm 13, NSEC, online-signed, ~1500 generated names)
// with TSIG. inkan is then given all three as NOTIFY targets and the zone file is edited and
// reloaded (SIGHUP): each is notified, catches up by IXFR, and all three end on inkan's serial
// with the same records: their AXFR copies, normalized, are identical to each other and to
// inkan's, every RRSIG included. Then two edits in quick succession: they converge again.
//
// Under CI=true a missing named, nsd, knotd, dig or validator fails the suite.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHiddenPrimary, type HiddenPrimary, type NotifyingZone } from './helpers/hidden-primary.js';
import { startKnotSecondary } from './helpers/knot-secondary.js';
import {
  logLines,
  servedSerial,
  startNamedSecondary,
  startNsdSecondary,
  waitForSerial,
  type Running,
  type XfrKey,
} from './helpers/secondaries.js';
import { checkTools, describeWithTools } from './helpers/tools.js';
import { writeXfrZone } from './helpers/xfr-zone.js';
import { missingFrom, rrsigs, verifyCopy, zoneCopy, type ZoneCopy } from './helpers/zone-copy.js';

const tools = checkTools(['named', 'nsd', 'knotd', 'dig', 'dnssec-verify', 'ldns-verify-zone']);
const KEY: XfrKey = { name: 'xfr-key', algorithm: 'hmac-sha256', secret: randomBytes(32).toString('base64') };
/** The test's own transfers from inkan: inkan's log then tells the secondaries' (xfr-key) apart. */
const DUMP: XfrKey = { name: 'dump-key', algorithm: 'hmac-sha256', secret: randomBytes(32).toString('base64') };
const ZONE = 'trio.test';
const BULK = 1500;

describeWithTools(tools, 'named, NSD and knotd as secondaries of one inkan converge', () => {
  let dir: string;
  let file: string;
  let primary: HiddenPrimary;
  const secs: Running[] = [];
  const dig = () => tools.paths.dig!;
  const zoneConf = (notify: string[]): NotifyingZone => ({ name: ZONE, file, dnssec: '{ algorithm: 13, denial: nsec }', allowTransfer: [`127.0.0.1 key ${KEY.name}`, `127.0.0.1 key ${DUMP.name}`], notify });
  const notifyAll = () => secs.map((s) => `127.0.0.1:${s.port} key ${KEY.name}`);
  const why = (s: Running) => () => {
    let nsdLog = '';
    try {
      nsdLog = s.name === 'nsd' ? readFileSync(join(s.dir, 'nsd.log'), 'utf8') : '';
    } catch {
      // none yet
    }
    return `${s.output().slice(-4000)}${nsdLog.slice(-3000)}\n--- inkan ---\n${primary.output().slice(-3000)}`;
  };
  const allAt = (serial: number, ms: number) => Promise.all(secs.map((s) => waitForSerial(dig(), s, ZONE, serial, ms, why(s))));

  /** inkan's copy and each secondary's, all at `serial`; lines every copy must hold alike. */
  async function expectConverged(serial: number): Promise<ZoneCopy> {
    const [ours, ...theirs] = await Promise.all([zoneCopy(dig(), primary.port, ZONE, DUMP), ...secs.map((s) => zoneCopy(dig(), s.port, ZONE))]);
    expect(ours.serial).toBe(serial);
    expect(ours.lines.length).toBeGreaterThan(BULK * 4);
    theirs.forEach((c, i) => {
      const who = secs[i]!.name;
      expect(c.serial, who).toBe(serial);
      expect({ who, only: missingFrom(c.lines, ours.lines), missing: missingFrom(ours.lines, c.lines) }).toEqual({ who, only: [], missing: [] });
      expect(c.lines, who).toEqual(ours.lines);
      expect(rrsigs(c), `${who}: every RRSIG inkan's`).toEqual(rrsigs(ours));
    });
    return ours;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inkan-interop-trio-'));
    file = join(dir, `${ZONE}.zone`);
    writeXfrZone(file, BULK);
    primary = await startHiddenPrimary([KEY, DUMP], [zoneConf([])]);
    const opts = { zones: [ZONE], primaryPort: primary.port, key: KEY };
    const started = await Promise.allSettled([
      startNamedSecondary(tools.paths.named!, opts),
      startNsdSecondary(tools.paths.nsd!, opts),
      startKnotSecondary(tools.paths.knotd!, opts),
    ]);
    for (const s of started) if (s.status === 'fulfilled') secs.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    await allAt((await servedSerial(dig(), primary.port, ZONE))!, 30_000);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([primary?.stop(), ...secs.map((s) => s.stop())]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('all three hold the zone inkan transfers, and it verifies', async () => {
    const ours = await expectConverged((await servedSerial(dig(), primary.port, ZONE))!);
    expect(await verifyCopy(ZONE, ours)).toEqual([]);
  }, 30_000);

  it('after an edit and a reload, all three are notified, catch up by IXFR and hold identical copies', async () => {
    const from = (await servedSerial(dig(), primary.port, ZONE))!;
    const before = logLines(primary).length;
    writeXfrZone(file, BULK, 1);
    await primary.reload([zoneConf(notifyAll())]);
    const serial = (await servedSerial(dig(), primary.port, ZONE))!;
    expect(serial).not.toBe(from);
    await allAt(serial, 15_000);
    const after = logLines(primary).slice(before);
    const acked = after.filter((j) => j.msg === 'notify acknowledged' && j.serial === serial).map((j) => j.target).sort();
    expect(acked).toEqual(secs.map((s) => `127.0.0.1#${s.port}`).sort());
    // all three reached the serial, none by a whole-zone transfer: each by IXFR
    const theirs = after.filter((j) => j.zone === `${ZONE}.` && j.key === 'xfr-key.');
    expect(theirs.filter((j) => j.msg === 'transfer started'), 'no whole-zone transfer to a secondary').toEqual([]);
    const incremental = theirs.filter((j) => j.msg === 'transfer started (incremental)');
    expect(incremental.length, JSON.stringify(after)).toBeGreaterThanOrEqual(3);
    for (const j of incremental) expect(j).toMatchObject({ qtype: 'IXFR', from, serial });
    const ours = await expectConverged(serial);
    expect(ours.lines).toContain(`www.${ZONE}. 300 IN A 127.0.1.1`);
    expect(await verifyCopy(ZONE, ours)).toEqual([]);
  }, 40_000);

  it('after two edits in quick succession, all three converge on the last serial', async () => {
    writeXfrZone(file, BULK, 2);
    await primary.reload([zoneConf(notifyAll())]);
    writeXfrZone(file, BULK, 3);
    await primary.reload([zoneConf(notifyAll())]);
    const serial = (await servedSerial(dig(), primary.port, ZONE))!;
    await allAt(serial, 20_000);
    const ours = await expectConverged(serial);
    expect(ours.lines).toContain(`www.${ZONE}. 300 IN A 127.0.1.3`);
    expect(ours.lines.filter((l) => / TXT "edit \d"$/.test(l)).length).toBe(3);
  }, 40_000);
});
