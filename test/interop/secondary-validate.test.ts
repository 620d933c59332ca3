// The secondaries' copies validate (issue 5, "Proof": "queried by a validating unbound with the
// trust anchor, return AD=1 answers and denials"). One inkan, a hidden primary, signs sv3.test
// online (algorithm 13, NSEC3; fixtures/xfr.test.zone plus 100 generated names: a wildcard,
// empty non-terminals, a CNAME, a DNAME, a delegation without DS) and BIND named and NSD pull
// it with AXFR and TSIG. The zone's DS is taken from the line inkan logs when it makes the key
// (and checked against `inkan ds`). Then inkan is stopped: from here on only the secondaries
// hold the zone. Per secondary, a validating unbound on a run-time port has that DS as its
// only trust anchor and one stub-zone, at that secondary alone (127.0.0.1@port; the helper
// forbids every upstream address outside 127/8, so nothing leaves the loopback, and no
// referral is followed: port 53 is never needed).
//
// Every answer through unbound must be NOERROR or NXDOMAIN as the zone says, with AD=1 and
// never SERVFAIL: positive answers with their RRSIGs, NXDOMAIN and NODATA with NSEC3 proofs,
// wildcard answers and a wildcard NODATA, the no-DS proof of an unsigned delegation, and a
// spread of NXDOMAINs and wildcard answers over the whole NSEC3 chain. A negative control
// shows AD is earned: an unbound whose DS digest is off by one digit answers SERVFAIL.
//
// Under CI=true a missing named, nsd, unbound or dig fails the suite (helpers/tools.ts).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig, digBatch, type Response } from './helpers/dig.js';
import { expectAnswerSigned, type ExpectedAnswer } from './helpers/expected.js';
import { startHiddenPrimary, type HiddenPrimary } from './helpers/hidden-primary.js';
import { servedSerial, startNamedSecondary, startNsdSecondary, waitForLog, waitForSerial, type Running, type XfrKey } from './helpers/secondaries.js';
import { ensureInkanBuilt, type Server } from './helpers/servers.js';
import { checkTools, describeWithTools } from './helpers/tools.js';
import { startUnbound, withValidationLog } from './helpers/unbound.js';
import { writeXfrZone } from './helpers/xfr-zone.js';

const tools = checkTools(['named', 'nsd', 'unbound', 'dig']);
const KEY: XfrKey = { name: 'xfr-key', algorithm: 'hmac-sha256', secret: randomBytes(32).toString('base64') };
const ZONE = 'sv3.test';
const Z = `${ZONE}.`;
const BULK = 100;
const SECONDARIES = ['named', 'nsd'] as const;
type Which = (typeof SECONDARIES)[number];

type Case = ExpectedAnswer;

const c = (what: string, name: string, type: string, rcode: Case['rcode'], answer: string[] = []): Case => ({
  what,
  name: name === '@' ? Z : `${name}.${Z}`,
  type,
  rcode,
  answer: answer.map((a) => a.replaceAll('@', Z).toLowerCase()),
});

const CASES: Case[] = [
  c('apex SOA', '@', 'SOA', 'NOERROR', ['@ SOA']),
  c('apex A', '@', 'A', 'NOERROR', ['@ A 127.0.0.10']),
  c('apex DNSKEY', '@', 'DNSKEY', 'NOERROR', ['@ DNSKEY']),
  c('A', 'www', 'A', 'NOERROR', ['www.@ A 127.0.0.12']),
  c('AAAA', 'www', 'AAAA', 'NOERROR', ['www.@ AAAA ::ffff:127.0.0.12']),
  c('A RRset of three records', 'multi', 'A', 'NOERROR', ['multi.@ A 127.0.0.1', 'multi.@ A 127.0.0.2', 'multi.@ A 127.0.0.3']),
  c('CAA (type bitmap window 1)', 'caa', 'CAA', 'NOERROR', ['caa.@ CAA 0 issue "ca.example"']),
  c('a generated name', 'bulk-42', 'TXT', 'NOERROR', ['bulk-42.@ TXT "generated name 42"']),
  c('CNAME', 'cname', 'A', 'NOERROR', ['cname.@ CNAME www.@', 'www.@ A 127.0.0.12']),
  c('DNAME', 'host.dname', 'A', 'NOERROR', ['dname.@ DNAME target.@', 'host.dname.@ CNAME host.target.@', 'host.target.@ A 127.0.0.30']),
  c('wildcard answer', 'foo.wild', 'A', 'NOERROR', ['foo.wild.@ A 127.0.0.20']),
  c('wildcard answer two labels deep', 'a.b.wild', 'TXT', 'NOERROR', ['a.b.wild.@ TXT "from the wildcard"']),
  c('an existing name beside the wildcard', 'exact.wild', 'A', 'NOERROR', ['exact.wild.@ A 127.0.0.21']),
  c('NXDOMAIN', 'nothere', 'A', 'NXDOMAIN'),
  c('NXDOMAIN two labels below a missing name', 'a.nothere', 'TXT', 'NXDOMAIN'),
  c('NXDOMAIN below an empty non-terminal', 'x.ent', 'A', 'NXDOMAIN'),
  c('NODATA', 'www', 'MX', 'NOERROR'),
  c('NODATA at the apex', '@', 'AAAA', 'NOERROR'),
  c('NODATA at an empty non-terminal', 'b.ent', 'A', 'NOERROR'),
  c('NODATA for an unknown type', 'www', 'TYPE65000', 'NOERROR'),
  c('wildcard NODATA', 'foo.wild', 'MX', 'NOERROR'),
  c('no DS at the unsigned delegation', 'insecure', 'DS', 'NOERROR'),
];

/** Names spread over the NSEC3 chain (deterministic: a failure repeats). */
function spread(): Case[] {
  let x = 4242;
  const label = () => (x = (x * 1103515245 + 12345) % 2 ** 31).toString(36);
  const out: Case[] = [];
  for (let i = 0; i < 40; i++) out.push(c('spread', label(), 'A', 'NXDOMAIN'));
  for (let i = 0; i < 10; i++) {
    const n = `${label()}.wild`;
    out.push(c('spread', n, 'A', 'NOERROR', [`${n}.@ A 127.0.0.20`]));
  }
  return out;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Changes the last hex digit of a DS digest: a DS that matches no key. */
const breakDs = (ds: string) => ds.slice(0, -1) + (ds.endsWith('0') ? '1' : '0');

/** rcode, answer, AD=1, RRSIGs on the answer, NSEC3 proofs (and no NSEC) for denials and wildcards. */
function checkCase(k: Case, r: Response): void {
  const ctx = `${r.cmd}\n${r.raw}`;
  expect(r.error, ctx).toBeUndefined();
  expect(r.rcode, ctx).not.toBe('SERVFAIL');
  expect(r.rcode, ctx).toBe(k.rcode);
  expect(r.flags.has('ad'), `AD=1 expected: ${ctx}`).toBe(true);
  const answer = r.answer.filter((rr) => rr.type !== 'RRSIG');
  const shown = answer.map((rr) => {
    const s = `${rr.owner} ${rr.type}`.toLowerCase();
    // SOA (serial) and DNSKEY (key) are compared by owner and type only
    return rr.type === 'SOA' || rr.type === 'DNSKEY' ? s : `${s} ${rr.rdata}`.toLowerCase();
  });
  if (k.type === 'DNSKEY') expect([...new Set(shown)], ctx).toEqual(k.answer);
  else expect(shown.sort(), ctx).toEqual([...k.answer].sort());
  expectAnswerSigned(r, ctx);
  const wildcard = answer.length > 0 && k.name.endsWith(`.wild.${Z}`) && !k.name.startsWith('exact.');
  if (answer.length === 0 || wildcard) {
    const nsec3 = r.authority.filter((rr) => rr.type === 'NSEC3');
    expect(nsec3.length, `NSEC3 proof expected: ${ctx}`).toBeGreaterThan(0);
    expect(r.authority.filter((rr) => rr.type === 'RRSIG' && rr.rdata.startsWith('NSEC3 ')).length, ctx).toBe(nsec3.length);
    expect(r.authority.some((rr) => rr.type === 'NSEC'), ctx).toBe(false);
  }
}

describeWithTools(tools, 'unbound validates named\'s and NSD\'s copies of an inkan-signed zone (inkan stopped)', () => {
  let dir: string;
  let primary: HiddenPrimary | undefined;
  let loggedDs = '';
  let inkanDs = '';
  let inkanSerial = 0;
  const secondaries = new Map<Which, Running>();
  const resolvers = new Map<Which, Server>();
  let wrongAnchor: Server | undefined;
  const digPath = () => tools.paths.dig!;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inkan-interop-secval-'));
    const file = join(dir, `${ZONE}.zone`);
    writeXfrZone(file, BULK);
    primary = await startHiddenPrimary([KEY], [{ name: ZONE, file, dnssec: '{ algorithm: 13, denial: nsec3 }', allowTransfer: [`127.0.0.1 key ${KEY.name}`] }]);
    const created = await waitForLog(primary, 'created DNSSEC keys; submit the DS records to the parent', (j) => j.zone === Z);
    const ds = (created.ds as string[] | undefined) ?? [];
    if (ds.length !== 1) throw new Error(`expected one DS for ${Z}: ${JSON.stringify(created)}`);
    loggedDs = ds[0]!;
    inkanDs = (await run(process.execPath, [ensureInkanBuilt(), 'ds', ZONE, '--keys-dir', join(primary.dir, 'keys')])).trim();
    inkanSerial = (await servedSerial(digPath(), primary.port, ZONE))!;

    const opts = { zones: [ZONE], primaryPort: primary.port, key: KEY };
    const started = await Promise.allSettled([startNamedSecondary(tools.paths.named!, opts), startNsdSecondary(tools.paths.nsd!, opts)]);
    started.forEach((s, i) => {
      if (s.status === 'fulfilled') secondaries.set(SECONDARIES[i]!, s.value);
    });
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const why = (s: Running) => () => {
      let nsdLog = '';
      try {
        nsdLog = s.name === 'nsd' ? readFileSync(join(s.dir, 'nsd.log'), 'utf8') : '';
      } catch {
        // none yet
      }
      return `${s.output().slice(-4000)}${nsdLog.slice(-3000)}\n--- inkan ---\n${primary!.output().slice(-3000)}`;
    };
    await Promise.all([...secondaries.values()].map((s) => waitForSerial(digPath(), s, ZONE, inkanSerial, 30_000, why(s))));

    // From here on only the secondaries hold the zone.
    await primary.stop();

    const unboundAt = (port: number, anchor: string) => startUnbound(tools.paths.unbound!, { stubs: [{ zone: Z, port }], trustAnchors: [anchor] });
    const [named, nsd, wrong] = await Promise.all([
      unboundAt(secondaries.get('named')!.port, loggedDs),
      unboundAt(secondaries.get('nsd')!.port, loggedDs),
      unboundAt(secondaries.get('nsd')!.port, breakDs(loggedDs)),
    ]);
    resolvers.set('named', named);
    resolvers.set('nsd', nsd);
    wrongAnchor = wrong;
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...resolvers.values(), wrongAnchor].map((s) => s?.stop()));
    await Promise.all([primary?.stop(), ...[...secondaries.values()].map((s) => s.stop())]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the DS inkan logged at key creation is what `inkan ds` prints; inkan is stopped before any resolver starts', () => {
    expect(loggedDs).toMatch(new RegExp(`^${Z.replaceAll('.', '\\.')}\\s+(\\d+\\s+)?IN\\s+DS\\s+\\d+ 13 2 [0-9A-Fa-f]{64}$`));
    expect(inkanDs.split('\n')).toEqual([loggedDs]);
    expect(primary!.proc.exitCode !== null || primary!.proc.signalCode !== null, 'inkan still running').toBe(true);
  });

  for (const which of SECONDARIES) {
    describe(`through ${which}`, () => {
      let batch: Promise<Response[]> | undefined;
      const all = [...CASES, ...spread()];
      const answers = () =>
        (batch ??= digBatch(digPath(), resolvers.get(which)!.port, all.map((k) => ({ name: k.name, type: k.type, options: ['+dnssec', '+nosplit', '+time=5'] })), 60));
      const check = async (i: number) => {
        const k = all[i]!;
        const r = (await answers())[i]!;
        withValidationLog(resolvers.get(which)!, () => checkCase(k, r));
      };

      it(`serves inkan's serial, and its unbound's only stub is ${which}'s port`, async () => {
        const s = secondaries.get(which)!;
        expect(await servedSerial(digPath(), s.port, ZONE)).toBe(inkanSerial);
        const conf = readFileSync(join(resolvers.get(which)!.dir, 'unbound.conf'), 'utf8');
        const addrs = [...conf.matchAll(/^\s*(?:stub|forward)-(?:addr|host):\s*(\S+)$/gm)].map((m) => m[1]);
        expect(new Set(addrs)).toEqual(new Set([`127.0.0.1@${s.port}`]));
      });

      CASES.forEach((k, i) => {
        it(`${k.what}: ${k.name} ${k.type} -> AD=1 ${k.rcode}${k.answer.length === 0 ? ' (denial)' : ''}`, () => check(i));
      });

      it('50 NXDOMAINs and wildcard answers spread over the NSEC3 chain: all AD=1', async () => {
        for (let i = CASES.length; i < all.length; i++) await check(i);
      });
    });
  }

  it('negative control: with a DS that matches no key, unbound answers SERVFAIL (no AD) through nsd', async () => {
    const r = await dig(digPath(), wrongAnchor!.port, ['+dnssec', '+time=5', `www.${Z}`, 'A']);
    expect(r.error, r.raw).toBeUndefined();
    expect(r.rcode, r.raw).toBe('SERVFAIL');
    expect(r.flags.has('ad'), r.raw).toBe(false);
  });
});
