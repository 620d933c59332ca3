// Signature refresh picked up by IXFR (issue 5): epoch.test is signed with a short validity
// (2 minutes) and refresh (20 s), so a signing epoch (a quarter of the refresh: 5 s) begins
// every few seconds; each one is a new serial whose difference is the RRSIGs whose windows
// moved, and a NOTIFY. A BIND named secondary must follow those epochs by IXFR (never a whole
// zone), end up with inkan's refreshed RRSIGs (not only the SOA's: other RRsets' signatures
// are newer than they were two epochs before), and its copy must still validate.
//
// The test's own transfers from inkan use another key (dump-key), so inkan's log tells named's
// transfers (xfr-key) from the test's. Under CI=true a missing tool fails the suite.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHiddenPrimary, type HiddenPrimary, type NotifyingZone } from './helpers/hidden-primary.js';
import { logLines, servedSerial, startNamedSecondary, waitForSerial, type Running, type XfrKey } from './helpers/secondaries.js';
import { checkTools, describeWithTools } from './helpers/tools.js';
import { writeXfrZone } from './helpers/xfr-zone.js';
import { rrsigs, verifyCopy, zoneCopy, type ZoneCopy } from './helpers/zone-copy.js';

const tools = checkTools(['named', 'dig', 'dnssec-verify', 'ldns-verify-zone']);
const KEY: XfrKey = { name: 'xfr-key', algorithm: 'hmac-sha256', secret: randomBytes(32).toString('base64') };
const DUMP: XfrKey = { name: 'dump-key', algorithm: 'hmac-sha256', secret: randomBytes(32).toString('base64') };
const ZONE = 'epoch.test';
const EPOCH_S = 5;

/** RRSIG lines keyed by owner and covered type: `owner type` -> inception (RFC 4034 §3.2 field order). */
function inceptions(c: ZoneCopy): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of rrsigs(c)) {
    const f = l.split(' ');
    m.set(`${f[0]} ${f[4]}`, Number(f[9]));
  }
  return m;
}

describeWithTools(tools, 'a named secondary follows signing epochs by IXFR', () => {
  let dir: string;
  let primary: HiddenPrimary;
  let named: Running;
  const dig = () => tools.paths.dig!;
  const why = () => `${named.output().slice(-4000)}\n--- inkan ---\n${primary.output().slice(-3000)}`;

  /** named's copy and inkan's at one serial (an epoch may begin between the two: then again). */
  async function copiesInStep(): Promise<{ ours: ZoneCopy; theirs: ZoneCopy }> {
    for (let attempt = 0; ; attempt++) {
      const serial = (await servedSerial(dig(), primary.port, ZONE))!;
      await waitForSerial(dig(), named, ZONE, serial, 10_000, why);
      const [ours, theirs] = await Promise.all([zoneCopy(dig(), primary.port, ZONE, DUMP), zoneCopy(dig(), named.port, ZONE)]);
      if (ours.serial === theirs.serial || attempt === 3) return { ours, theirs };
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inkan-interop-epoch-'));
    const file = join(dir, `${ZONE}.zone`);
    writeXfrZone(file, 100);
    const zone = (notify: string[]): NotifyingZone => ({
      name: ZONE,
      file,
      dnssec: '{ algorithm: 13, denial: nsec, validity: 2m, refresh: 20s }',
      allowTransfer: [`127.0.0.1 key ${KEY.name}`, `127.0.0.1 key ${DUMP.name}`],
      notify,
    });
    primary = await startHiddenPrimary([KEY, DUMP], [zone([])]);
    named = await startNamedSecondary(tools.paths.named!, { zones: [ZONE], primaryPort: primary.port, key: KEY });
    await waitForSerial(dig(), named, ZONE, (await servedSerial(dig(), primary.port, ZONE))!, 30_000, why);
    // named is known only now: from here on every epoch NOTIFYs it
    await primary.reload([zone([`127.0.0.1:${named.port} key ${KEY.name}`])]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([primary?.stop(), named?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gets each epoch by IXFR and ends with the refreshed RRSIGs; its copy validates', async () => {
    const first = await copiesInStep();
    expect(first.theirs.lines).toEqual(first.ours.lines);
    const before = logLines(primary).length;
    const epochs = () => logLines(primary).slice(before).filter((j) => j.msg === 'signing epoch began; new serial' && j.zone === `${ZONE}.`);
    const deadline = Date.now() + 4 * EPOCH_S * 1000;
    while (epochs().length < 2) {
      if (Date.now() > deadline) throw new Error(`fewer than 2 signing epochs in ${4 * EPOCH_S} s:\n${primary.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const { ours, theirs } = await copiesInStep();
    expect(theirs.serial, 'named and inkan at one serial').toBe(ours.serial);
    expect(theirs.serial).not.toBe(first.theirs.serial);

    // named's transfers since: incremental only, each carrying changed records
    const mine = logLines(primary).slice(before).filter((j) => j.zone === `${ZONE}.` && j.key === 'xfr-key.');
    const incremental = mine.filter((j) => j.msg === 'transfer started (incremental)');
    expect(incremental.length, JSON.stringify(mine)).toBeGreaterThanOrEqual(2);
    for (const j of incremental) expect(Number(j.added)).toBeGreaterThan(0);
    expect(mine.filter((j) => j.msg === 'transfer started'), 'no whole-zone transfer to named').toEqual([]);

    // the same records as inkan, every RRSIG included, and not only the SOA's signature is newer
    expect(theirs.lines).toEqual(ours.lines);
    expect(rrsigs(theirs)).toEqual(rrsigs(ours));
    const was = inceptions(first.theirs);
    const refreshed = [...inceptions(theirs)].filter(([k, t]) => !k.endsWith(' SOA') && was.has(k) && t > was.get(k)!);
    expect(refreshed.length, 'RRsets re-signed in the new epochs').toBeGreaterThan(0);
    expect(await verifyCopy(ZONE, theirs)).toEqual([]);
  }, 50_000);
});
