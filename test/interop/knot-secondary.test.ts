// knotd (Knot DNS) as a secondary of inkan (issue 5): it pulls knot3.test (algorithm 13,
// NSEC3, online-signed by inkan, a few hundred generated names) by AXFR with TSIG; its DO=1
// answers to a sample are inkan's, RRSIGs and NSEC3 proofs included; its copy is the zone
// inkan transfers and passes dnssec-verify and ldns-verify-zone. Then the zone file is edited,
// inkan reloaded (SIGHUP, with knotd now a NOTIFY target): knotd is notified and picks up the
// new serial by IXFR (inkan's log and knotd's both say so), and its copy still verifies.
//
// Under CI=true a missing knotd, dig, kdig or validator fails the suite (helpers/tools.ts).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { kdig } from './helpers/dig.js';
import { startHiddenPrimary, type HiddenPrimary, type NotifyingZone } from './helpers/hidden-primary.js';
import { startKnotSecondary } from './helpers/knot-secondary.js';
import { logLines, servedSerial, waitForLog, waitForSerial, type Running, type XfrKey } from './helpers/secondaries.js';
import { checkTools, describeWithTools } from './helpers/tools.js';
import { writeXfrZone } from './helpers/xfr-zone.js';
import { missingFrom, rrLine, verifyCopy, zoneCopy } from './helpers/zone-copy.js';

const tools = checkTools(['knotd', 'dig', 'kdig', 'dnssec-verify', 'ldns-verify-zone']);
const KEY: XfrKey = { name: 'xfr-key', algorithm: 'hmac-sha256', secret: randomBytes(32).toString('base64') };
const ZONE = 'knot3.test';

describeWithTools(tools, 'knotd as a secondary of inkan: AXFR, then IXFR after NOTIFY, with TSIG (NSEC3)', () => {
  let dir: string;
  let file: string;
  let primary: HiddenPrimary;
  let knot: Running;
  let firstSerial: number;
  const dig = () => tools.paths.dig!;
  const knotLog = () => `${knot.output().slice(-4000)}\n--- inkan ---\n${primary.output().slice(-3000)}`;
  const zoneConf = (notify: string[] = []): NotifyingZone => ({ name: ZONE, file, dnssec: '{ algorithm: 13, denial: nsec3 }', allowTransfer: [`127.0.0.1 key ${KEY.name}`], notify });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inkan-interop-knot2nd-'));
    file = join(dir, `${ZONE}.zone`);
    writeXfrZone(file, 400);
    primary = await startHiddenPrimary([KEY], [zoneConf()]);
    firstSerial = (await servedSerial(dig(), primary.port, ZONE))!;
    knot = await startKnotSecondary(tools.paths.knotd!, { zones: [ZONE], primaryPort: primary.port, key: KEY });
    await waitForSerial(dig(), knot, ZONE, firstSerial, 30_000, knotLog);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([primary?.stop(), knot?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pulls the zone by AXFR with TSIG', async () => {
    const started = await waitForLog(primary, 'transfer started', (j) => j.zone === `${ZONE}.`);
    expect(started).toMatchObject({ client: '127.0.0.1', qtype: 'AXFR', key: 'xfr-key.', serial: firstSerial });
    expect(knot.output()).toMatch(/AXFR, incoming, remote 127\.0\.0\.1@\d+, finished/);
  });

  it("answers with inkan's records, RRSIGs and NSEC3 proofs (kdig +dnssec against both)", async () => {
    const cases: [string, string][] = [
      [ZONE, 'SOA'], [ZONE, 'DNSKEY'], [ZONE, 'NSEC3PARAM'], [`www.${ZONE}`, 'A'], [`multi.${ZONE}`, 'A'],
      [`bulk-123.${ZONE}`, 'TXT'], [`nope.${ZONE}`, 'A'], [`www.${ZONE}`, 'MX'], [`b.ent.${ZONE}`, 'A'],
      [`foo.wild.${ZONE}`, 'A'], [`x.signed.${ZONE}`, 'A'], [`x.insecure.${ZONE}`, 'A'],
    ];
    const ask = (port: number, n: string, t: string) => kdig(tools.paths.kdig!, port, [n, t, '+dnssec', '+norec', '+tcp']);
    const problems: string[] = [];
    for (const [n, t] of cases) {
      const [k, p] = await Promise.all([ask(knot.port, n, t), ask(primary.port, n, t)]);
      if (k.rcode !== p.rcode) problems.push(`${n} ${t}: knotd ${k.rcode}, inkan ${p.rcode}`);
      for (const s of ['answer', 'authority'] as const) {
        const a = k[s].map(rrLine).sort().join('\n');
        const b = p[s].map(rrLine).sort().join('\n');
        if (a !== b) problems.push(`${n} ${t} ${s}:\n knotd: ${a}\n inkan: ${b}`);
      }
      if (![...p.answer, ...p.authority].some((r) => r.type === 'RRSIG')) problems.push(`${n} ${t}: inkan sent no RRSIG`);
    }
    const nx = await ask(knot.port, `nope.${ZONE}`, 'A');
    expect(nx.rcode).toBe('NXDOMAIN');
    expect(nx.authority.filter((r) => r.type === 'NSEC3').length).toBeGreaterThanOrEqual(2);
    expect(problems).toEqual([]);
  });

  it('holds exactly the zone inkan transfers, and its copy passes dnssec-verify and ldns-verify-zone', async () => {
    const [ours, theirs] = await Promise.all([zoneCopy(dig(), primary.port, ZONE, KEY), zoneCopy(dig(), knot.port, ZONE)]);
    expect(theirs.serial).toBe(ours.serial);
    expect({ onlyAtKnot: missingFrom(theirs.lines, ours.lines), missingAtKnot: missingFrom(ours.lines, theirs.lines) }).toEqual({ onlyAtKnot: [], missingAtKnot: [] });
    expect(theirs.lines.length).toBe(ours.lines.length);
    expect(await verifyCopy(ZONE, theirs)).toEqual([]);
  });

  it('after an edit and a reload, is notified and picks up the new serial by IXFR; its copy still verifies', async () => {
    const before = logLines(primary).length;
    writeXfrZone(file, 400, 1);
    await primary.reload([zoneConf([`127.0.0.1:${knot.port} key ${KEY.name}`])]);
    const serial = (await servedSerial(dig(), primary.port, ZONE))!;
    expect(serial).not.toBe(firstSerial);
    await waitForSerial(dig(), knot, ZONE, serial, 15_000, knotLog);
    const after = () => logLines(primary).slice(before);
    expect(after().find((j) => j.msg === 'notify acknowledged'), JSON.stringify(after())).toBeDefined();
    const ixfr = after().find((j) => j.msg === 'transfer started (incremental)' && j.zone === `${ZONE}.`);
    expect(ixfr, JSON.stringify(after())).toMatchObject({ qtype: 'IXFR', key: 'xfr-key.', from: firstSerial, serial });
    expect(after().filter((j) => j.msg === 'transfer started' && j.zone === `${ZONE}.`), 'no whole-zone transfer').toEqual([]);
    expect(knot.output()).toMatch(/IXFR, incoming, remote 127\.0\.0\.1@\d+, finished/);
    expect(knot.output()).not.toMatch(/fallback to AXFR|failed to store/);

    const [ours, theirs] = await Promise.all([zoneCopy(dig(), primary.port, ZONE, KEY), zoneCopy(dig(), knot.port, ZONE)]);
    expect(theirs.serial).toBe(serial);
    expect({ onlyAtKnot: missingFrom(theirs.lines, ours.lines), missingAtKnot: missingFrom(ours.lines, theirs.lines) }).toEqual({ onlyAtKnot: [], missingAtKnot: [] });
    expect(theirs.lines.filter((l) => l.startsWith(`www.${ZONE}. `) && / A 127\./.test(l))).toEqual([`www.${ZONE}. 300 IN A 127.0.1.1`]);
    expect(theirs.lines.some((l) => l.startsWith(`edit-1.${ZONE}. `) && / RRSIG TXT /.test(l))).toBe(true);
    expect(await verifyCopy(ZONE, theirs)).toEqual([]);
  }, 40_000);
});
