// The IXFR journal survives a restart (issue 5): a real named secondary pulls a signed zone
// from inkan; inkan stops; the zone file is edited (one record changed, one name added, the
// serial in the file left alone, as the serial policy `increment` allows); inkan starts again
// with the same state-dir. It must serve a new serial, record the change from the version
// named holds to the new one in its journal, and when named refreshes, answer it with an
// incremental transfer from named's serial (not the whole zone); named's copy then equals
// inkan's, every RRSIG and NSEC included.
//
// Under CI=true a missing named, rndc or dig fails the suite (helpers/tools.ts); elsewhere it
// is skipped with a message.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { logLines, servedSerial, startNamedSecondary, waitForLog, waitForSerial, type NamedSecondary, type XfrKey } from './helpers/secondaries.js';
import { startRestartablePrimary, type RestartablePrimary } from './helpers/restartable-primary.js';
import { checkTools, describeWithTools } from './helpers/tools.js';
import { writeXfrZone } from './helpers/xfr-zone.js';
import { zoneCopy } from './helpers/zone-copy.js';

const tools = checkTools(['named', 'rndc', 'dig']);
const KEY: XfrKey = { name: 'restart-key', algorithm: 'hmac-sha256', secret: randomBytes(32).toString('base64') };
const ZONE = 'xfr.test';
const BULK = 1500;

describeWithTools(tools, 'IXFR journal across a restart of inkan, to a BIND named secondary', () => {
  let dir: string;
  let file: string;
  let primary: RestartablePrimary;
  let named: NamedSecondary;
  let held: number;
  const inkanLog = () => primary.daemon.output().slice(-5000);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inkan-interop-restart-zone-'));
    file = join(dir, `${ZONE}.zone`);
    writeXfrZone(file, BULK);
    primary = await startRestartablePrimary([KEY], [{ name: ZONE, file, dnssec: '{ algorithm: 13, denial: nsec }', allowTransfer: [`127.0.0.1 key ${KEY.name}`] }]);
    held = (await servedSerial(tools.paths.dig!, primary.port, ZONE))!;
    named = await startNamedSecondary(tools.paths.named!, { zones: [ZONE], primaryPort: primary.port, key: KEY, rndcPath: tools.paths.rndc });
    await waitForSerial(tools.paths.dig!, named, ZONE, held, 40_000, () => `${named.output()}\n--- inkan ---\n${inkanLog()}`);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([named?.stop(), primary?.remove()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts a journal in state-dir at the version named pulled', async () => {
    const started = await waitForLog(primary.daemon, 'journal: started at this version', (j) => j.zone === `${ZONE}.`, 30_000);
    expect(started.serial).toBe(held);
    expect(existsSync(join(primary.dir, 'state', `${ZONE}.journal`))).toBe(true);
    expect(existsSync(join(primary.dir, 'state', `${ZONE}.snapshot`))).toBe(true);
  }, 40_000);

  it('after a restart with an edited zone, named catches up by IXFR from its old serial and holds the new zone', async () => {
    await primary.stop();
    writeXfrZone(file, BULK, 1); // www moves, edit-1 appears; the file's serial stays
    await primary.start();
    const current = await servedSerial(tools.paths.dig!, primary.port, ZONE);
    expect(current, 'the edited zone is served under a new serial').not.toBe(held);
    const recorded = await waitForLog(primary.daemon, 'journal: change recorded', (j) => j.zone === `${ZONE}.`, 30_000);
    expect(recorded).toMatchObject({ from: held, to: current });
    expect(logLines(primary.daemon).find((j) => j.msg === 'journal loaded' && j.zone === `${ZONE}.`), inkanLog()).toMatchObject({ serial: held });
    expect(logLines(primary.daemon).filter((j) => j.level === 40), 'no journal warnings').toEqual([]);

    await named.rndc(['refresh', ZONE]);
    await waitForSerial(tools.paths.dig!, named, ZONE, current!, 30_000, () => `${named.output()}\n--- inkan ---\n${inkanLog()}`);
    const transfers = logLines(primary.daemon).filter((j) => typeof j.msg === 'string' && j.msg.startsWith('transfer started') && j.zone === `${ZONE}.`);
    expect(transfers.map((j) => [j.msg, j.from]), inkanLog()).toEqual([['transfer started (incremental)', held]]);
    const ixfr = transfers[0];
    // Only the change: the edited and added records with their RRSIGs and the NSEC records
    // around them, and the SOA's RRSIG; far less than the ~9000 records of the zone.
    expect(Number(ixfr.added)).toBeGreaterThan(0);
    expect(Number(ixfr.added) + Number(ixfr.deleted)).toBeLessThan(100);

    const [ours, theirs] = await Promise.all([zoneCopy(tools.paths.dig!, primary.port, ZONE, KEY), zoneCopy(tools.paths.dig!, named.port, ZONE)]);
    expect(theirs.serial).toBe(current);
    expect(theirs.lines.some((l) => l.startsWith(`edit-1.${ZONE}.`))).toBe(true);
    expect(theirs.lines).toEqual(ours.lines);
  }, 90_000);
});
