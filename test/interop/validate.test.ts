// A real validating resolver accepts inkan's online-signed answers (issue 4, "Proof").
//
// Per signing variant (algorithms 13 and 15; NSEC, NSEC3, NSEC3 opt-out, NSEC3 with salt and
// iterations; CSK and KSK+ZSK): one inkan serves secure.test signed (fixtures/
// secure.test.zone); a second inkan serves its signed child signed.secure.test
// (secure.signed.zone) and its unsigned child insecure.secure.test (secure.insecure.zone).
// The parent's key is made by `inkan serve` on first start and its DS read from the log
// line an operator reads; the child's key is made beforehand with `inkan keygen`, whose DS
// goes into the parent's zone file. Two unbounds per variant, each with the parent's DS as
// its only trust anchor: one reaches all three zones through stub-zones, the other only the
// parent, so it must follow inkan's referrals to the children (at port 53 of random 127/8
// addresses, where the inkans also listen), validating NS+DS and the no-DS proofs.
//
// Every answer is checked for rcode, records and AD (RFC 4035 §3.2.3: AD only when all of it
// validated; never SERVFAIL), plus RRSIGs on validated data. delv (BIND's validator) checks
// a sample, asking inkan directly and through unbound. Negative controls show the test can
// fail: a wrong trust anchor, and a parent whose DS for the child matches no key. On a
// failure the message carries unbound's reason (val-log-level 2).
//
// Opt-out (RFC 5155 §6, §9.2): a denial or wildcard answer whose next closer name is covered
// by an opt-out NSEC3 proves only that no *signed* name exists there, so unbound answers it
// without AD ("nc has optout" -> insecure). For the opt-out variant such cases assert "not
// bogus" and AD exactly when no NSEC3 of the answer has the opt-out flag.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, waitUntilAnswering, type Daemon } from './helpers/daemon.js';
import { delv, writeDelvAnchors } from './helpers/delv.js';
import { dig, digBatch, type Response, type RR } from './helpers/dig.js';
import { expectAnswerSigned, type ExpectedAnswer } from './helpers/expected.js';
import { freePort } from './helpers/ports.js';
import { ensureInkanBuilt, FIXTURES } from './helpers/servers.js';
import { checkTools, describeWithTools, IN_CI } from './helpers/tools.js';
import { startUnbound, withValidationLog } from './helpers/unbound.js';
import type { Server } from './helpers/servers.js';

const tools = checkTools(['unbound', 'delv', 'dig']);

const PARENT = 'secure.test.';
const CHILD = 'signed.secure.test.';
const INSECURE = 'insecure.secure.test.';

interface Variant {
  title: string;
  algorithm: 8 | 13 | 15;
  /** The zone's `dnssec:` value in inkan's YAML. */
  dnssec: string;
  optOut?: boolean;
  /** Separate KSK and ZSK instead of one CSK (the child's made with keygen --role ksk/zsk). */
  split?: boolean;
  /** More unbound `server:` options. */
  unboundExtra?: string;
}

const VARIANTS: Variant[] = [
  { title: 'algorithm 13, NSEC', algorithm: 13, dnssec: '{ algorithm: 13, denial: nsec }' },
  { title: 'algorithm 13, NSEC3', algorithm: 13, dnssec: '{ algorithm: 13, denial: nsec3 }' },
  {
    title: 'algorithm 15, NSEC, resolver randomizing the query case (0x20)',
    algorithm: 15,
    dnssec: '{ algorithm: 15, denial: nsec }',
    unboundExtra: '  use-caps-for-id: yes\n',
  },
  { title: 'algorithm 13, NSEC3 opt-out', algorithm: 13, dnssec: '{ algorithm: 13, denial: nsec3, nsec3-opt-out: true }', optOut: true },
  { title: 'algorithm 8 (RSASHA256), NSEC', algorithm: 8, dnssec: '{ algorithm: 8, denial: nsec }' },
  {
    // RFC 9276 advises against both, but they are allowed and exercise the hash (RFC 5155 §5)
    title: 'algorithm 13, NSEC3 with a salt and 5 extra iterations',
    algorithm: 13,
    dnssec: '{ algorithm: 13, denial: nsec3, nsec3-salt: a1b2c3d4, nsec3-iterations: 5 }',
  },
  { title: 'algorithm 15, NSEC3, KSK+ZSK', algorithm: 15, dnssec: '{ algorithm: 15, denial: nsec3, keys: ksk+zsk }', split: true },
  {
    // Signed denials are over 512 octets: inkan must set TC and unbound must get them over TCP.
    title: 'algorithm 13, NSEC3, resolver with a 512-byte EDNS buffer (TC, then TCP)',
    algorithm: 13,
    dnssec: '{ algorithm: 13, denial: nsec3 }',
    unboundExtra: '  edns-buffer-size: 512\n',
  },
];

// ---- inkan, signed, from a temp directory ----

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** `inkan keygen ZONE`: the DS line it prints for the CSK (or, split, the KSK; a ZSK is made too). */
async function keygenDs(cli: string, keysDir: string, zone: string, algorithm: number, split: boolean): Promise<string> {
  const keygen = (role: string) =>
    run(process.execPath, [cli, 'keygen', zone, '--keys-dir', keysDir, '--algorithm', String(algorithm), '--role', role]);
  const out = await keygen(split ? 'ksk' : 'csk');
  if (split) await keygen('zsk');
  const ds = out.split('\n').find((l) => /\sIN\s+DS\s/.test(l));
  if (!ds) throw new Error(`inkan keygen printed no DS:\n${out}`);
  return ds.trim();
}

/** Changes the last hex digit of a DS digest: a DS that matches no key. */
function breakDs(ds: string): string {
  const last = ds.at(-1)!;
  return ds.slice(0, -1) + (last === '0' ? '1' : '0');
}

interface SignedInkan {
  /** inkan serving secure.test. */
  parent: Daemon;
  /** A second inkan serving the children signed.secure.test (signed) and insecure.secure.test. */
  children: Daemon;
  dir: string;
  keysDir: string;
  /** DS of secure.test from inkan's "created DNSSEC keys" log line. */
  parentDs: string;
  /** DS of signed.secure.test from `inkan keygen` (what the parent's zone file holds). */
  childDs: string;
  /** The port-53 addresses, when the inkans listen there. */
  addrs?: { parent: string; children: string };
  stop(): Promise<void>;
}

async function waitForLog(
  d: Daemon,
  msg: string,
  timeoutMs = 10_000,
  match: (j: Record<string, unknown>) => boolean = () => true,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of d.output().split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const j = JSON.parse(line) as Record<string, unknown>;
        if (j.msg === msg && match(j)) return j;
      } catch {
        // a partial line
      }
    }
    if (Date.now() > deadline) throw new Error(`inkan never logged "${msg}":\n${d.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A random address in 127.0.0.0/8 on which port 53 is free for UDP and TCP, or undefined
 * when none is (binding port 53 needs root or CAP_NET_BIND_SERVICE). A resolver follows a
 * referral to the NS addresses at port 53 only, so that is where inkan must listen for it.
 */
async function referralAddress(): Promise<string | undefined> {
  const tryBind = (addr: string) =>
    new Promise<boolean>((resolve) => {
      const u = createSocket('udp4');
      u.once('error', () => {
        u.close();
        resolve(false);
      });
      u.bind(53, addr, () => {
        const t = createServer();
        t.once('error', () => u.close(() => resolve(false)));
        t.listen({ port: 53, host: addr, exclusive: true }, () => t.close(() => u.close(() => resolve(true))));
      });
    });
  for (let i = 0; i < 10; i++) {
    const addr = `127.${2 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 254)}.${1 + Math.floor(Math.random() * 254)}`;
    if (await tryBind(addr)) return addr;
  }
  return undefined;
}

interface InkanOpts {
  brokenChildDs?: boolean;
  /** Addresses (port 53) for the parent's and the children's server, for referrals. */
  addrs?: { parent: string; children: string };
}

async function startSignedInkan(v: Variant, opts: InkanOpts = {}): Promise<SignedInkan> {
  const cli = ensureInkanBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'inkan-interop-validate-'));
  const keysDir = join(dir, 'keys');
  mkdirSync(keysDir);
  const daemons: Daemon[] = [];
  const stop = async () => {
    await Promise.all(daemons.map((d) => d.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const childDs = await keygenDs(cli, keysDir, CHILD, v.algorithm, v.split === true);
    // Copies of the fixtures with the name servers' placeholder addresses made real.
    const copy = (fixture: string, extra = '') => {
      const file = join(dir, fixture);
      let text = readFileSync(join(FIXTURES, fixture), 'utf8');
      if (opts.addrs) text = text.replaceAll('127.0.0.53', opts.addrs.children).replaceAll('127.0.0.54', opts.addrs.parent);
      writeFileSync(file, text + extra);
      return file;
    };
    const ds = opts.brokenChildDs ? breakDs(childDs) : childDs;
    const dsRdata = ds.replace(/^.*\sIN\s+DS\s+/, '');
    const start = async (name: string, addr: string | undefined, zones: string) => {
      const port = await freePort();
      const yaml = `listen:
  - 127.0.0.1:${port}
${addr ? `  - ${addr}:53\n` : ''}keys-dir: ${keysDir}
zones:
${zones}log:
  level: info
`;
      writeFileSync(join(dir, `${name}.yaml`), yaml);
      const d = startDaemon(`inkan (${name})`, process.execPath, [cli, 'serve', '--config', join(dir, `${name}.yaml`)], port, dir);
      daemons.push(d);
      return d;
    };
    const parent = await start(
      'parent',
      opts.addrs?.parent,
      `  - name: ${PARENT}
    file: ${copy('secure.test.zone', `\n${CHILD} 300 IN DS ${dsRdata}\n`)}
    dnssec: ${v.dnssec}
`,
    );
    const children = await start(
      'children',
      opts.addrs?.children,
      `  - name: ${CHILD}
    file: ${copy('secure.signed.zone')}
    dnssec: ${v.dnssec}
  - name: ${INSECURE}
    file: ${copy('secure.insecure.zone')}
`,
    );
    await Promise.all([waitUntilAnswering(parent, PARENT), waitUntilAnswering(children, CHILD)]);
    const created = await waitForLog(parent, 'created DNSSEC keys; submit the DS records to the parent');
    const logged = (created.ds as string[] | undefined) ?? [];
    if (created.zone !== PARENT || logged.length !== 1) {
      throw new Error(`expected one DS for ${PARENT} in ${JSON.stringify(created)}`);
    }
    return { parent, children, dir, keysDir, parentDs: logged[0]!, childDs, ...(opts.addrs ? { addrs: opts.addrs } : {}), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

// ---- the cases ----

/**
 * How a case is proven. 'data': signed data (and signatures of CNAME/DNAME steps). 'match': a
 * denial by an NSEC/NSEC3 matching the name (NODATA). 'cover': a denial or wildcard answer
 * resting on a covering NSEC3 for the next closer name, which opt-out makes insecure.
 * 'insecure': below the unsigned delegation, never AD.
 */
type Proof = 'data' | 'match' | 'cover' | 'insecure';

/** The answer is compared ignoring case; ['*']: any answer. */
interface Case extends ExpectedAnswer {
  proof: Proof;
}

const c = (what: string, name: string, type: string, rcode: Case['rcode'], answer: string[], proof: Proof): Case => ({
  what,
  name,
  type,
  rcode,
  answer,
  proof,
});

function cases(childDs: string): Case[] {
  const dsRdata = childDs.replace(/^.*\sIN\s+DS\s+/, '');
  return [
    c('apex SOA', 'secure.test.', 'SOA', 'NOERROR', ['secure.test. SOA ns1.secure.test. hostmaster.secure.test. 1 3600 900 604800 300'], 'data'),
    c('apex A', 'secure.test.', 'A', 'NOERROR', ['secure.test. A 127.0.0.10'], 'data'),
    c('apex MX', 'secure.test.', 'MX', 'NOERROR', ['secure.test. MX 10 mail.secure.test.'], 'data'),
    c('A', 'www.secure.test.', 'A', 'NOERROR', ['www.secure.test. A 127.0.0.12'], 'data'),
    c('AAAA', 'www.secure.test.', 'AAAA', 'NOERROR', ['www.secure.test. AAAA ::ffff:127.0.0.12'], 'data'),
    c('TXT', 'www.secure.test.', 'TXT', 'NOERROR', ['www.secure.test. TXT "www text"'], 'data'),
    c('TXT of two strings', 'txt.secure.test.', 'TXT', 'NOERROR', ['txt.secure.test. TXT "v=spf1 -all" "second string"'], 'data'),
    c('NXDOMAIN', 'nothere.secure.test.', 'A', 'NXDOMAIN', [], 'cover'),
    c('NXDOMAIN two labels below a missing name', 'a.nothere.secure.test.', 'TXT', 'NXDOMAIN', [], 'cover'),
    c('NODATA', 'www.secure.test.', 'MX', 'NOERROR', [], 'match'),
    c('NODATA at the apex', 'secure.test.', 'AAAA', 'NOERROR', [], 'match'),
    c('NODATA at an empty non-terminal', 'ent.secure.test.', 'A', 'NOERROR', [], 'match'),
    c('NODATA at a deeper empty non-terminal', 'b.ent.secure.test.', 'TXT', 'NOERROR', [], 'match'),
    c('NXDOMAIN below an empty non-terminal', 'x.ent.secure.test.', 'A', 'NXDOMAIN', [], 'cover'),
    c('data below empty non-terminals', 'a.b.ent.secure.test.', 'A', 'NOERROR', ['a.b.ent.secure.test. A 127.0.0.22'], 'data'),
    c('wildcard answer', 'foo.wild.secure.test.', 'A', 'NOERROR', ['foo.wild.secure.test. A 127.0.0.20'], 'cover'),
    c('wildcard answer two labels deep', 'a.b.wild.secure.test.', 'TXT', 'NOERROR', ['a.b.wild.secure.test. TXT "from the wildcard"'], 'cover'),
    c('wildcard NODATA', 'foo.wild.secure.test.', 'MX', 'NOERROR', [], 'cover'),
    c('an existing name beside a wildcard', 'exact.wild.secure.test.', 'A', 'NOERROR', ['exact.wild.secure.test. A 127.0.0.21'], 'data'),
    c('NODATA at an existing name beside a wildcard', 'exact.wild.secure.test.', 'TXT', 'NOERROR', [], 'match'),
    c('NODATA at the wildcard\'s parent (an empty non-terminal)', 'wild.secure.test.', 'A', 'NOERROR', [], 'match'),
    c('CNAME chain', 'cname1.secure.test.', 'A', 'NOERROR', [
      'cname1.secure.test. CNAME cname2.secure.test.',
      'cname2.secure.test. CNAME www.secure.test.',
      'www.secure.test. A 127.0.0.12',
    ], 'data'),
    c('CNAME chain to NODATA', 'cname1.secure.test.', 'MX', 'NOERROR', [
      'cname1.secure.test. CNAME cname2.secure.test.',
      'cname2.secure.test. CNAME www.secure.test.',
    ], 'match'),
    c('CNAME queried itself', 'cname2.secure.test.', 'CNAME', 'NOERROR', ['cname2.secure.test. CNAME www.secure.test.'], 'data'),
    c('CNAME into the wildcard', 'cwild.secure.test.', 'A', 'NOERROR', [
      'cwild.secure.test. CNAME via-cname.wild.secure.test.',
      'via-cname.wild.secure.test. A 127.0.0.20',
    ], 'cover'),
    c('CNAME to a missing name', 'dangling.secure.test.', 'A', 'NXDOMAIN', ['dangling.secure.test. CNAME nothere.secure.test.'], 'cover'),
    c('DNAME', 'host.dname.secure.test.', 'A', 'NOERROR', [
      'dname.secure.test. DNAME target.secure.test.',
      'host.dname.secure.test. CNAME host.target.secure.test.',
      'host.target.secure.test. A 127.0.0.30',
    ], 'data'),
    c('DNAME to a missing name', 'nope.dname.secure.test.', 'A', 'NXDOMAIN', [
      'dname.secure.test. DNAME target.secure.test.',
      'nope.dname.secure.test. CNAME nope.target.secure.test.',
    ], 'cover'),
    c('DNAME queried itself', 'dname.secure.test.', 'DNAME', 'NOERROR', ['dname.secure.test. DNAME target.secure.test.'], 'data'),
    c('wildcard CNAME', 'x.cw.secure.test.', 'A', 'NOERROR', ['x.cw.secure.test. CNAME www.secure.test.', 'www.secure.test. A 127.0.0.12'], 'cover'),
    c('CNAME into the signed child', 'tochild.secure.test.', 'A', 'NOERROR', [
      'tochild.secure.test. CNAME www.signed.secure.test.',
      'www.signed.secure.test. A 127.0.0.40',
    ], 'data'),
    c('CNAME into the unsigned child', 'toinsecure.secure.test.', 'A', 'NOERROR', [
      'toinsecure.secure.test. CNAME www.insecure.secure.test.',
      'www.insecure.secure.test. A 127.0.0.50',
    ], 'insecure'),
    c('DNAME onto the signed child', 'www.dchild.secure.test.', 'A', 'NOERROR', [
      'dchild.secure.test. DNAME signed.secure.test.',
      'www.dchild.secure.test. CNAME www.signed.secure.test.',
      'www.signed.secure.test. A 127.0.0.40',
    ], 'data'),
    c('mixed-case owner', 'mixed.secure.test.', 'TXT', 'NOERROR', ['mixed.secure.test. TXT "mixed-case owner"'], 'data'),
    c('CNAME with a mixed-case target', 'upcname.secure.test.', 'A', 'NOERROR', [
      'upcname.secure.test. CNAME www.secure.test.',
      'www.secure.test. A 127.0.0.12',
    ], 'data'),
    c('MX with a mixed-case exchange', 'mxupper.secure.test.', 'MX', 'NOERROR', ['mxupper.secure.test. MX 10 mail.secure.test.'], 'data'),
    c('canonical order: z', 'z.secure.test.', 'A', 'NOERROR', ['z.secure.test. A 127.0.0.23'], 'data'),
    c('canonical order: zz', 'zz.secure.test.', 'A', 'NOERROR', ['zz.secure.test. A 127.0.0.24'], 'data'),
    c('canonical order: z~', 'z~.secure.test.', 'A', 'NOERROR', ['z~.secure.test. A 127.0.0.25'], 'data'),
    c('canonical order: a-b', 'a-b.secure.test.', 'A', 'NOERROR', ['a-b.secure.test. A 127.0.0.26'], 'data'),
    c('canonical order: a label of one zero octet', '\\000.secure.test.', 'TXT', 'NOERROR', ['\\000.secure.test. TXT "a label of one zero octet"'], 'data'),
    c('NXDOMAIN between z and zz', 'za.secure.test.', 'A', 'NXDOMAIN', [], 'cover'),
    c('NXDOMAIN between zz and z~', 'zzz.secure.test.', 'A', 'NXDOMAIN', [], 'cover'),
    c('NXDOMAIN after every name', '~~.secure.test.', 'A', 'NXDOMAIN', [], 'cover'),
    c('NXDOMAIN asked in upper case', 'ZA.SECURE.TEST.', 'A', 'NXDOMAIN', [], 'cover'),
    c('NXDOMAIN right after the zero-octet label', '\\001.secure.test.', 'A', 'NXDOMAIN', [], 'cover'),
    c('NODATA for DS where there is no delegation', 'www.secure.test.', 'DS', 'NOERROR', [], 'match'),
    c('A RRset of three records', 'multi.secure.test.', 'A', 'NOERROR', [
      'multi.secure.test. A 127.0.0.1',
      'multi.secure.test. A 127.0.0.2',
      'multi.secure.test. A 127.0.0.3',
    ], 'data'),
    c('TXT RRset whose wire order differs from its text order', 'multi.secure.test.', 'TXT', 'NOERROR', [
      'multi.secure.test. TXT "aa"',
      'multi.secure.test. TXT "b"',
      'multi.secure.test. TXT "ccc" "d"',
    ], 'data'),
    c('MX RRset of two records', 'multi.secure.test.', 'MX', 'NOERROR', ['multi.secure.test. MX 10 www.secure.test.', 'multi.secure.test. MX 20 mail.secure.test.'], 'data'),
    c('a duplicate record counts once', 'dup.secure.test.', 'A', 'NOERROR', ['dup.secure.test. A 127.0.0.5'], 'data'),
    c('an RRset whose TTLs differ in the zone file', 'ttlmix.secure.test.', 'A', 'NOERROR', ['ttlmix.secure.test. A 127.0.0.6', 'ttlmix.secure.test. A 127.0.0.7'], 'data'),
    c('CAA (type bitmap window 1)', 'caa.secure.test.', 'CAA', 'NOERROR', ['caa.secure.test. CAA 0 issue "ca.example"'], 'data'),
    c('an unknown type (window 253)', 'unk.secure.test.', 'TYPE65000', 'NOERROR', ['unk.secure.test. TYPE65000 \\# 3 010203'], 'data'),
    c('NODATA at a name with types in three windows', 'unk.secure.test.', 'MX', 'NOERROR', [], 'match'),
    c('NODATA for an unknown type', 'www.secure.test.', 'TYPE65000', 'NOERROR', [], 'match'),
    c('NODATA for CAA', 'caa.secure.test.', 'A', 'NOERROR', [], 'match'),
    c('DNSKEY', 'secure.test.', 'DNSKEY', 'NOERROR', ['*'], 'data'),
    c('ANY (RFC 8482: some RRset of the name, signed)', 'www.secure.test.', 'ANY', 'NOERROR', ['*'], 'data'),
    c('DS of the signed child', 'signed.secure.test.', 'DS', 'NOERROR', [`signed.secure.test. DS ${dsRdata}`], 'data'),
    c('DNSKEY of the signed child', 'signed.secure.test.', 'DNSKEY', 'NOERROR', ['*'], 'data'),
    c('NS of the signed child (from the child)', 'signed.secure.test.', 'NS', 'NOERROR', ['signed.secure.test. NS ns1.signed.secure.test.'], 'data'),
    c('the signed child\'s name server (glue in the parent, data in the child)', 'ns1.signed.secure.test.', 'TXT', 'NOERROR', [], 'match'),
    c('A in the signed child', 'www.signed.secure.test.', 'A', 'NOERROR', ['www.signed.secure.test. A 127.0.0.40'], 'data'),
    c('NODATA in the signed child', 'www.signed.secure.test.', 'MX', 'NOERROR', [], 'match'),
    c('NXDOMAIN in the signed child', 'nope.signed.secure.test.', 'A', 'NXDOMAIN', [], 'cover'),
    c('wildcard in the signed child', 'x.wc.signed.secure.test.', 'A', 'NOERROR', ['x.wc.signed.secure.test. A 127.0.0.41'], 'cover'),
    // The parent proves there is no DS: an NSEC/NSEC3 matching the cut (NS, no DS), or with
    // opt-out the covering opt-out NSEC3 (then insecure: RFC 5155 §9.2).
    c('no DS for the unsigned child', 'insecure.secure.test.', 'DS', 'NOERROR', [], 'cover'),
    c('A in the unsigned child', 'www.insecure.secure.test.', 'A', 'NOERROR', ['www.insecure.secure.test. A 127.0.0.50'], 'insecure'),
    c('NXDOMAIN in the unsigned child', 'nope.insecure.secure.test.', 'A', 'NXDOMAIN', [], 'insecure'),
    c('NS of the unsigned child', 'insecure.secure.test.', 'NS', 'NOERROR', ['insecure.secure.test. NS ns1.insecure.secure.test.'], 'insecure'),
  ];
}

/** An RR compared case-blind (RFC 4343): names in rdata keep the zone file's spelling. */
function show(rr: RR): string {
  return `${rr.owner} ${rr.type} ${rr.rdata}`.toLowerCase();
}

/** Whether an NSEC3 with the opt-out flag is among the proofs of the answer. */
function nsec3OptOutInAuthority(r: Response): boolean {
  // NSEC3 rdata: alg flags iterations salt next types...; flag bit 0 is opt-out.
  return r.authority.some((rr) => rr.type === 'NSEC3' && (Number(rr.rdata.split(' ')[1]) & 1) === 1);
}

/** Whether a validating resolver must set AD on its answer to the case. */
function expectedAd(v: Variant, k: Case, r: Response): boolean {
  if (k.proof === 'insecure') return false;
  if (k.proof === 'cover' && v.optOut) return !nsec3OptOutInAuthority(r);
  return true;
}

function describeResponse(r: Response): string {
  return `${r.cmd}\n${r.raw}`;
}

function checkCase(v: Variant, k: Case, r: Response): void {
  const ctx = describeResponse(r);
  expect(r.error, ctx).toBeUndefined();
  expect(r.rcode, ctx).not.toBe('SERVFAIL');
  expect(r.rcode, ctx).toBe(k.rcode);
  const answer = r.answer.filter((rr) => rr.type !== 'RRSIG');
  if (k.answer[0] === '*') expect(answer.length, ctx).toBeGreaterThan(0);
  else {
    expect(answer.map(show).sort(), ctx).toEqual(k.answer.map((a) => a.toLowerCase()).sort());
  }
  const ad = expectedAd(v, k, r);
  expect(r.flags.has('ad'), `AD should be ${ad ? 'set' : 'clear'}: ${ctx}`).toBe(ad);
  if (ad) {
    // A validated answer carries its signatures (we asked with +dnssec).
    expectAnswerSigned(r, ctx);
  }
}

// ---- the suites ----

describeWithTools(tools, 'interop: unbound validates inkan\'s online-signed answers', () => {
  const signers = new Map<Variant, SignedInkan>();
  const resolvers = new Map<Variant, Server>();
  // Negative controls
  let brokenChild: SignedInkan | undefined;
  let wrongAnchor: Server | undefined;
  let brokenChildResolver: Server | undefined;

  let keyFileAnchor: Server | undefined;
  let keyFile = '';

  // Resolvers that reach the children only by following inkan's referrals (port 53 of a
  // random 127/8 address): the referral itself (NS + DS + RRSIG, or NS + the no-DS proof)
  // is then validated, not just the DS query. Missing when port 53 cannot be bound.
  const referrers = new Map<Variant, Server>();
  let referralSkip = '';

  interface ResolverOpts {
    anchor?: string;
    anchorFile?: string;
    extra?: string | undefined;
    /** stub-zones for the children too (else unbound follows the referrals). */
    childStubs?: boolean;
    /** More stub-zones (to the children's inkan). */
    moreChildren?: string[];
  }
  const unboundFor = (inkan: SignedInkan, o: ResolverOpts) =>
    startUnbound(tools.paths.unbound!, {
      ...(o.extra !== undefined ? { extra: o.extra } : {}),
      ...(o.anchorFile !== undefined ? { trustAnchorFiles: [o.anchorFile] } : {}),
      stubs: [
        { zone: PARENT, port: inkan.parent.port },
        ...(o.childStubs === false
          ? []
          : [
              { zone: CHILD, port: inkan.children.port },
              { zone: INSECURE, port: inkan.children.port },
              ...(o.moreChildren ?? []).map((zone) => ({ zone, port: inkan.children.port })),
            ]),
      ],
      trustAnchors: o.anchor !== undefined ? [o.anchor] : [],
    });

  beforeAll(async () => {
    // Two port-53 addresses per variant (parent's server, children's server), all different.
    const addrs: string[] = [];
    for (let i = 0; i < 2 * VARIANTS.length && !referralSkip; i++) {
      const a = await referralAddress();
      if (a === undefined) referralSkip = 'cannot bind port 53 on a 127/8 address (needs root or CAP_NET_BIND_SERVICE)';
      else if (addrs.includes(a)) i--;
      else addrs.push(a);
    }
    // Started two at a time: all at once only fights over the CPU (a small CI machine has two).
    const jobs: (() => Promise<void>)[] = [
      ...VARIANTS.map((v, i) => async () => {
        const pair = referralSkip ? undefined : { parent: addrs[2 * i]!, children: addrs[2 * i + 1]! };
        const inkan = await startSignedInkan(v, pair ? { addrs: pair } : {});
        signers.set(v, inkan);
        const [r, ref] = await Promise.all([
          unboundFor(inkan, { anchor: inkan.parentDs, extra: v.unboundExtra }),
          pair ? unboundFor(inkan, { anchor: inkan.parentDs, extra: v.unboundExtra, childStubs: false }) : undefined,
        ]);
        resolvers.set(v, r);
        if (ref) referrers.set(v, ref);
      }),
      async () => {
        brokenChild = await startSignedInkan(VARIANTS[0]!, { brokenChildDs: true });
        brokenChildResolver = await unboundFor(brokenChild, { anchor: brokenChild.parentDs });
      },
    ];
    const started: PromiseSettledResult<void>[] = [];
    const worker = async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) started.push(...(await Promise.allSettled([job()])));
    };
    await Promise.all([worker(), worker()]);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const first = signers.get(VARIANTS[0]!)!;
    wrongAnchor = await unboundFor(first, { anchor: breakDs(first.parentDs) });
    // The parent's key file, as `inkan serve` wrote it: a DNSKEY trust anchor as it stands.
    const files = readdirSync(first.keysDir).filter((f) => f.startsWith('Ksecure.test.+') && f.endsWith('.key'));
    if (files.length !== 1) throw new Error(`expected one key file for secure.test in ${first.keysDir}: ${files.join(', ')}`);
    keyFile = join(first.keysDir, files[0]!);
    keyFileAnchor = await unboundFor(first, { anchorFile: keyFile });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...resolvers.values(), ...referrers.values(), wrongAnchor, brokenChildResolver, keyFileAnchor].map((s) => s?.stop()));
    await Promise.all([...signers.values(), brokenChild].map((s) => s?.stop()));
  });

  const query = (r: Server | undefined, name: string, type: string, ...opts: string[]) =>
    dig(tools.paths.dig!, r!.port, ['+dnssec', '+nosplit', '+time=5', name, type, ...opts]);

  for (const v of VARIANTS) {
    describe.concurrent(v.title, () => {
      // The child's DS is made at run time: the titles come from a list with a dummy DS.
      // All cases go to a resolver in one `dig -f` batch (a dig process per query costs more
      // than the query), made on first use; each test checks its own answer.
      const batches = new Map<Server, Promise<Response[]>>();
      const answerOf = (resolver: Server, i: number): Promise<Response> => {
        let b = batches.get(resolver);
        if (!b) {
          const list = cases(signers.get(v)!.childDs);
          b = digBatch(tools.paths.dig!, resolver.port, list.map((k) => ({ name: k.name, type: k.type, options: ['+dnssec', '+nosplit'] })), 30);
          batches.set(resolver, b);
        }
        return b.then((rs) => rs[i]!);
      };
      const runCase = async (resolver: Server, i: number) => {
        const k = cases(signers.get(v)!.childDs)[i]!;
        const r = await answerOf(resolver, i);
        withValidationLog(resolver, () => checkCase(v, k, r));
      };
      const title = (k: Case) => `${k.what}: ${k.name} ${k.type} -> ${k.rcode}${k.proof === 'insecure' ? ' (insecure)' : ''}`;
      // The child's DS is made at run time: the titles come from a list with a dummy DS.
      const titles = cases('signed.secure.test. IN DS 0 0 0 00');
      titles.forEach((k, i) => {
        it(title(k), () => runCase(resolvers.get(v)!, i));
      });

      describe('following the referrals to the children (no stub-zones for them)', () => {
        titles.forEach((k, i) => {
          // the cases that reach a child: asked there, or led there by a CNAME/DNAME
          const reaches = (text: string) => [CHILD, INSECURE].some((z) => ` ${text.toLowerCase()}`.match(new RegExp(`[ .]${z.replaceAll('.', '\\.')}`)));
          if (!reaches(k.name) && !k.answer.some(reaches)) return;
          it(title(k), (ctx) => {
            if (referralSkip) {
              if (IN_CI) throw new Error(`${referralSkip}; CI=true makes this a failure`);
              ctx.skip();
            }
            return runCase(referrers.get(v)!, i);
          });
        });
      });

      it('inkan\'s referrals carry the DS proof: DS + RRSIG for the signed child, the no-DS proof for the unsigned one', async () => {
        const port = signers.get(v)!.parent.port;
        const ask = (name: string) => dig(tools.paths.dig!, port, ['+dnssec', '+norec', '+nosplit', name, 'A']);
        const types = (r: Response) => r.authority.map((rr) => `${rr.owner.toLowerCase()} ${rr.type === 'RRSIG' ? `RRSIG ${rr.rdata.split(' ')[0]}` : rr.type}`);
        const signed = await ask('www.signed.secure.test.');
        expect(signed.flags.has('aa'), signed.raw).toBe(false);
        expect(signed.answer, signed.raw).toEqual([]);
        expect(types(signed).sort(), signed.raw).toEqual([
          'signed.secure.test. DS',
          'signed.secure.test. NS',
          'signed.secure.test. RRSIG DS',
        ]);
        const insecure = await ask('www.insecure.secure.test.');
        expect(insecure.flags.has('aa'), insecure.raw).toBe(false);
        expect(insecure.answer, insecure.raw).toEqual([]);
        const t = types(insecure);
        expect(t, insecure.raw).toContain('insecure.secure.test. NS');
        expect(t.some((x) => / DS$/.test(x)), insecure.raw).toBe(false);
        if (v.dnssec.includes('nsec3')) {
          // a matching NSEC3 (NS, no DS) or, with opt-out, the closest encloser and an opt-out cover
          const nsec3 = insecure.authority.filter((rr) => rr.type === 'NSEC3');
          expect(nsec3.length, insecure.raw).toBeGreaterThan(0);
          expect(insecure.authority.filter((rr) => rr.type === 'RRSIG' && rr.rdata.startsWith('NSEC3 ')).length, insecure.raw).toBe(nsec3.length);
          if (v.optOut) expect(nsec3.some((rr) => (Number(rr.rdata.split(' ')[1]) & 1) === 1), insecure.raw).toBe(true);
        } else {
          const nsec = insecure.authority.find((rr) => rr.type === 'NSEC');
          expect(nsec?.owner.toLowerCase(), insecure.raw).toBe(INSECURE);
          const bitmap = nsec!.rdata.split(' ').slice(1);
          expect(bitmap.sort(), insecure.raw).toEqual(['NS', 'NSEC', 'RRSIG']);
          expect(t, insecure.raw).toContain(`${INSECURE} RRSIG NSEC`);
        }
        // The glue sends a resolver to the children's server (port 53 of a 127/8 address).
        for (const r of [signed, insecure]) {
          expect(r.additional.filter((rr) => rr.type === 'A').length, r.raw).toBe(1);
          expect(r.additional.every((rr) => rr.type !== 'A' || rr.rdata.startsWith('127.')), r.raw).toBe(true);
        }
      });

      // Names spread over the whole NSEC/NSEC3 chain, the wrap-around from its last record to
      // its first included (the test checks that it was hit). Deterministic: a failure repeats.
      it('many NXDOMAINs and wildcard answers over the whole chain validate, the chain\'s wrap-around included', async () => {
        let x = 12345;
        const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
        const label = () => next().toString(36);
        const probes: Case[] = [];
        for (let i = 0; i < 48; i++) probes.push(c('spread', `${label()}.secure.test.`, 'A', 'NXDOMAIN', [], 'cover'));
        for (let i = 0; i < 8; i++) probes.push(c('spread', `${label()}.${label()}.secure.test.`, 'TXT', 'NXDOMAIN', [], 'cover'));
        // after the zone's last name in canonical order (z~): '~' sorts above every letter
        for (let i = 0; i < 3; i++) probes.push(c('spread', `~${label()}.secure.test.`, 'A', 'NXDOMAIN', [], 'cover'));
        for (let i = 0; i < 16; i++) {
          const n = `${label()}.wild.secure.test.`;
          probes.push(c('spread', n, 'A', 'NOERROR', [`${n} A 127.0.0.20`], 'cover'));
        }
        for (let i = 0; i < 8; i++) probes.push(c('spread', `${label()}.wild.secure.test.`, 'AAAA', 'NOERROR', [], 'cover'));
        const queries = probes.map((k) => ({ name: k.name, type: k.type, options: ['+dnssec', '+nosplit'] }));
        const viaUnbound = await digBatch(tools.paths.dig!, resolvers.get(v)!.port, queries, 20);
        probes.forEach((k, i) => checkCase(v, k, viaUnbound[i]!));
        // The same names asked of inkan: some denial must use the chain's last record, the one
        // whose next name (or hash) wraps around to the first.
        const direct = await digBatch(
          tools.paths.dig!,
          signers.get(v)!.parent.port,
          queries.map((q) => ({ ...q, options: [...q.options, '+norec'] })),
          20,
        );
        const wraps = (rr: RR) => {
          if (rr.type === 'NSEC') return rr.rdata.split(' ')[0]!.toLowerCase() === PARENT;
          if (rr.type === 'NSEC3') return rr.rdata.split(' ')[4]!.toLowerCase() < rr.owner.split('.')[0]!.toLowerCase();
          return false;
        };
        expect(direct.some((r) => r.authority.some(wraps)), 'no answer used the last record of the chain').toBe(true);
      });

      // delv validates by itself: asking inkan directly (the parent zone's names), and asking
      // unbound (which does the recursion; delv sets CD and checks every signature again).
      it('delv, validating from the same DS, fully validates a sample (from inkan and through unbound)', async () => {
        const inkan = signers.get(v)!;
        const anchors = join(inkan.dir, 'delv-anchors.conf');
        writeDelvAnchors(anchors, [inkan.parentDs]);
        // With opt-out, a denial resting on an opt-out NSEC3 is validated but not proven secure
        // by unbound (RFC 5155 §9.2; "nc has optout"), while BIND's validator calls the same
        // proofs fully validated: either verdict says "not bogus", and the unbound cases above
        // pin AD down.
        const cover = (secure: string, negative = false) =>
          v.optOut ? [secure, `${negative ? 'negative response, ' : ''}unsigned answer`] : [secure];
        const sample: [string, string, string[]][] = [
          ['www.secure.test.', 'A', ['fully validated']],
          ['cname1.secure.test.', 'A', ['fully validated']],
          ['host.dname.secure.test.', 'A', ['fully validated']],
          ['www.secure.test.', 'MX', ['negative response, fully validated']],
          ['ent.secure.test.', 'A', ['negative response, fully validated']],
          ['www.signed.secure.test.', 'A', ['fully validated']],
          ['nope.signed.secure.test.', 'A', cover('negative response, fully validated', true)],
          ['www.insecure.secure.test.', 'A', ['unsigned answer']],
          ['foo.wild.secure.test.', 'A', cover('fully validated')],
          ['nothere.secure.test.', 'A', cover('negative response, fully validated', true)],
        ];
        const runs = sample.flatMap(([name, type, verdicts]) =>
          (name.endsWith(CHILD) || name.endsWith(INSECURE) ? [resolvers.get(v)!] : [inkan.parent, resolvers.get(v)!]).map(async (server) => ({
            verdicts,
            d: await delv(tools.paths.delv!, server.port, anchors, 'secure.test', [name, type]),
          })),
        );
        for (const { verdicts, d } of await Promise.all(runs)) {
          // (delv also says "resolution failed: ncache nxrrset/nxdomain" after a validated denial)
          expect(verdicts, `${d.cmd}\n${d.text}`).toContain(d.verdict);
        }
      });
    });
  }

  describe('the DNSKEY in the key file inkan wrote, as the trust anchor', () => {
    it('unbound with trust-anchor-file: the K*.key file validates (AD) answers and denials', async () => {
      for (const [name, type, rcode] of [
        ['www.secure.test.', 'A', 'NOERROR'],
        ['nothere.secure.test.', 'A', 'NXDOMAIN'],
        ['www.signed.secure.test.', 'A', 'NOERROR'],
      ] as const) {
        const r = await query(keyFileAnchor, name, type);
        expect(r.rcode, describeResponse(r)).toBe(rcode);
        expect(r.flags.has('ad'), describeResponse(r)).toBe(true);
      }
    });

    it('delv with the key file\'s DNSKEY as a static-key fully validates', async () => {
      const inkan = signers.get(VARIANTS[0]!)!;
      const dnskey = readFileSync(keyFile, 'utf8')
        .split('\n')
        .find((l) => /\sDNSKEY\s/.test(l) && !l.startsWith(';'));
      expect(dnskey, keyFile).toBeDefined();
      const anchors = join(inkan.dir, 'delv-dnskey.conf');
      writeDelvAnchors(anchors, [dnskey!]);
      const d = await delv(tools.paths.delv!, resolvers.get(VARIANTS[0]!)!.port, anchors, 'secure.test', ['www.signed.secure.test.', 'A']);
      expect(d.verdict, `${d.cmd}\n${d.text}`).toBe('fully validated');
      expect(d.records.some((r) => /^www\.signed\.secure\.test\. \d+ IN A 127\.0\.0\.40$/.test(r)), d.text).toBe(true);
    });
  });

  describe('preconditions: the variants test what they say', () => {
    it('KSK+ZSK: the DNSKEY RRsets hold a KSK (257) and a ZSK (256), the DNSKEY RRset signed by the KSK only', async () => {
      const v = VARIANTS.find((x) => x.split)!;
      for (const zone of [PARENT, CHILD]) {
        const r = await query(resolvers.get(v), zone, 'DNSKEY');
        const flags = r.answer.filter((rr) => rr.type === 'DNSKEY').map((rr) => rr.rdata.split(' ')[0]).sort();
        expect(flags, describeResponse(r)).toEqual(['256', '257']);
        expect(r.flags.has('ad'), describeResponse(r)).toBe(true);
        // RRSIG rdata: type alg labels ttl expiration inception tag signer signature
        const keySigs = r.answer.filter((rr) => rr.type === 'RRSIG').map((rr) => rr.rdata.split(' ')[6]);
        expect(keySigs.length, describeResponse(r)).toBe(1);
        const soa = await query(resolvers.get(v), zone, 'SOA');
        const soaSigs = soa.answer.filter((rr) => rr.type === 'RRSIG').map((rr) => rr.rdata.split(' ')[6]);
        expect(soaSigs.length, describeResponse(soa)).toBe(1);
        expect(soaSigs[0], 'the SOA is signed by the ZSK, not the KSK').not.toBe(keySigs[0]);
      }
    });

    it('NSEC3 variants publish the configured NSEC3PARAM (validated), NSEC variants none', async () => {
      for (const v of VARIANTS) {
        const r = await query(resolvers.get(v), PARENT, 'NSEC3PARAM');
        expect(r.flags.has('ad'), describeResponse(r)).toBe(true);
        const got = r.answer.filter((rr) => rr.type === 'NSEC3PARAM').map((rr) => rr.rdata.toLowerCase());
        if (!v.dnssec.includes('nsec3')) expect(got, describeResponse(r)).toEqual([]);
        else if (v.dnssec.includes('nsec3-salt')) expect(got, describeResponse(r)).toEqual(['1 0 5 a1b2c3d4']);
        else expect(got, describeResponse(r)).toEqual(['1 0 0 -']);
      }
    });

    it('512-byte buffer: inkan truncates a signed NSEC3 denial at 512 octets (so unbound had to use TCP)', async () => {
      const v = VARIANTS.find((x) => x.unboundExtra?.includes('edns-buffer-size: 512'))!;
      const port = signers.get(v)!.parent.port;
      const r = await dig(tools.paths.dig!, port, ['+dnssec', '+norec', '+bufsize=512', '+ignore', 'nothere.secure.test.', 'A']);
      expect(r.flags.has('tc'), r.raw).toBe(true);
      const tcp = await dig(tools.paths.dig!, port, ['+dnssec', '+norec', '+tcp', 'nothere.secure.test.', 'A']);
      expect(tcp.rcode, tcp.raw).toBe('NXDOMAIN');
      expect(tcp.authority.filter((rr) => rr.type === 'NSEC3').length, tcp.raw).toBe(3);
    });
  });

  describe('negative controls (the resolver does reject what does not validate)', () => {
    const logged = async (d: Server, re: RegExp) => {
      const deadline = Date.now() + 3000;
      while (!re.test(d.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(d.output(), `unbound's log should match ${re}`).toMatch(re);
    };

    it('a wrong trust anchor for secure.test makes every signed answer SERVFAIL', async () => {
      for (const [name, type] of [['www.secure.test.', 'A'], ['www.signed.secure.test.', 'A'], ['nothere.secure.test.', 'A']] as const) {
        const r = await query(wrongAnchor, name, type);
        expect(r.rcode, describeResponse(r)).toBe('SERVFAIL');
        expect(r.flags.has('ad')).toBe(false);
      }
      // for the intended reason, not a timeout
      await logged(wrongAnchor!, /validation failure <www\.secure\.test\. A IN>: DS hash mismatches key .* for trust anchor secure\.test\./);
    });

    it('a parent DS that matches no key of the child makes the child SERVFAIL, the parent still AD', async () => {
      const ok = await query(brokenChildResolver, 'www.secure.test.', 'A');
      expect(ok.rcode, describeResponse(ok)).toBe('NOERROR');
      expect(ok.flags.has('ad'), describeResponse(ok)).toBe(true);
      const bad = await query(brokenChildResolver, 'www.signed.secure.test.', 'A');
      expect(bad.rcode, describeResponse(bad)).toBe('SERVFAIL');
      await logged(brokenChildResolver!, /validation failure <www\.signed\.secure\.test\. A IN>: DS hash mismatches key .* for key signed\.secure\.test\./);
    });

    it('delv with a wrong trust anchor does not validate', async () => {
      const inkan = signers.get(VARIANTS[0]!)!;
      const anchors = join(inkan.dir, 'delv-wrong.conf');
      writeDelvAnchors(anchors, [breakDs(inkan.parentDs)]);
      const d = await delv(tools.paths.delv!, inkan.parent.port, anchors, 'secure.test', ['www.secure.test.', 'A']);
      expect(d.verdict, d.text).toBe('');
      expect(d.failure, d.text).toBeDefined();
    });
  });
  // Last: it changes the first variant's parent zone. A reloaded zone is a new version whose
  // changed RRsets get new signatures and whose denial chain covers the new names.
  describe('after a SIGHUP reload of a changed zone', () => {
    it('new and changed names validate (fresh unbound and delv), and the old data is gone', async () => {
      const inkan = signers.get(VARIANTS[0]!)!;
      const file = join(inkan.dir, 'secure.test.zone');
      const text = readFileSync(file, 'utf8')
        .replace(' 1 3600 900 604800 300', ' 2 3600 900 604800 300')
        .replace(/^www         A     127\.0\.0\.12$/m, 'www         A     127.0.0.98');
      expect(text).toContain('127.0.0.98');
      writeFileSync(file, `${text}\nadded.secure.test. 300 IN A 127.0.0.99\n`);
      inkan.parent.proc.kill('SIGHUP');
      await waitForLog(inkan.parent, 'zone loaded', 10_000, (j) => j.serial === 2);
      const fresh = await unboundFor(inkan, { anchor: inkan.parentDs });
      try {
        const expectations: [string, string, string, string[]][] = [
          ['www.secure.test.', 'A', 'NOERROR', ['www.secure.test. A 127.0.0.98']],
          ['added.secure.test.', 'A', 'NOERROR', ['added.secure.test. A 127.0.0.99']],
          ['secure.test.', 'SOA', 'NOERROR', ['secure.test. SOA ns1.secure.test. hostmaster.secure.test. 2 3600 900 604800 300']],
          ['adde.secure.test.', 'A', 'NXDOMAIN', []],
          ['addedd.secure.test.', 'A', 'NXDOMAIN', []],
        ];
        for (const [name, type, rcode, answer] of expectations) {
          const r = await query(fresh, name, type);
          expect(r.rcode, describeResponse(r)).toBe(rcode);
          expect(r.flags.has('ad'), describeResponse(r)).toBe(true);
          expect(r.answer.filter((rr) => rr.type !== 'RRSIG').map(show), describeResponse(r)).toEqual(answer.map((a) => a.toLowerCase()));
        }
        const anchors = join(inkan.dir, 'delv-reload.conf');
        writeDelvAnchors(anchors, [inkan.parentDs]);
        for (const name of ['www.secure.test.', 'added.secure.test.']) {
          const d = await delv(tools.paths.delv!, inkan.parent.port, anchors, 'secure.test', [name, 'A']);
          expect(d.verdict, `${d.cmd}\n${d.text}`).toBe('fully validated');
        }
      } finally {
        await fresh.stop();
      }
    });
  });
  describe('a signed zone added by a SIGHUP, its key made and its DS logged, then delegated', () => {
    it('validates (AD) once the parent, reloaded too, holds the logged DS', async () => {
      const inkan = signers.get(VARIANTS[0]!)!;
      const v = VARIANTS[0]!;
      const late = 'late.secure.test.';
      const nsAddr = inkan.addrs?.children ?? '127.0.0.53';
      const zoneFile = join(inkan.dir, 'secure.late.zone');
      writeFileSync(zoneFile, readFileSync(join(FIXTURES, 'secure.late.zone'), 'utf8').replaceAll('127.0.0.53', nsAddr));
      const yamlFile = join(inkan.dir, 'children.yaml');
      const yaml = readFileSync(yamlFile, 'utf8');
      writeFileSync(yamlFile, yaml.replace('log:\n', `  - name: ${late}\n    file: ${zoneFile}\n    dnssec: ${v.dnssec}\nlog:\n`));
      inkan.children.proc.kill('SIGHUP');
      const created = await waitForLog(inkan.children, 'created DNSSEC keys; submit the DS records to the parent', 10_000, (j) => j.zone === late);
      const ds = ((created.ds as string[] | undefined) ?? [])[0];
      expect(ds, JSON.stringify(created)).toMatch(/^late\.secure\.test\. IN DS \d+ 13 2 [0-9A-F]+$/);
      await waitForLog(inkan.children, 'zone loaded', 10_000, (j) => j.zone === late);
      // The parent delegates it, with the DS, under a higher serial.
      const parentFile = join(inkan.dir, 'secure.test.zone');
      const parentText = readFileSync(parentFile, 'utf8').replace(/ (\d+) 3600 900 604800 300/, ' 10 3600 900 604800 300');
      writeFileSync(
        parentFile,
        `${parentText}\n${late} 300 IN NS ns1.${late}\nns1.${late} 300 IN A ${nsAddr}\n${late} 300 IN DS ${ds!.replace(/^.*\sIN\s+DS\s+/, '')}\n`,
      );
      inkan.parent.proc.kill('SIGHUP');
      await waitForLog(inkan.parent, 'zone loaded', 10_000, (j) => j.serial === 10);
      const fresh = await unboundFor(inkan, { anchor: inkan.parentDs, moreChildren: [late] });
      try {
        for (const [name, type, rcode, answer] of [
          [`www.${late}`, 'A', 'NOERROR', [`www.${late} A 127.0.0.60`]],
          [late, 'DS', 'NOERROR', [`${late} DS ${ds!.replace(/^.*\sIN\s+DS\s+/, '')}`]],
          [`nope.${late}`, 'A', 'NXDOMAIN', []],
        ] as const) {
          const r = await query(fresh, name, type);
          expect(r.rcode, describeResponse(r)).toBe(rcode);
          expect(r.flags.has('ad'), describeResponse(r)).toBe(true);
          expect(r.answer.filter((rr) => rr.type !== 'RRSIG').map(show), describeResponse(r)).toEqual(answer.map((a) => a.toLowerCase()));
        }
      } finally {
        await fresh.stop();
      }
    });
  });
});
