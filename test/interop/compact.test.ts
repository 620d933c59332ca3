// A real validating resolver accepts inkan's compact denial of existence (RFC 9824).
//
// One inkan serves secure.test (fixtures/secure.test.zone) with `denial: compact`; a second
// serves its children: signed.secure.test, compact too (its DS, from `inkan keygen`, is
// appended to the parent's zone), and the unsigned insecure.secure.test. A validating unbound
// reaches all three through stub-zones, with the parent's DS (from inkan's log) as its only
// trust anchor. Every case is checked for rcode, answer and AD, never SERVFAIL.
//
// What unbound 1.17 does with compact answers: it neither sends the CO flag nor knows NXNAME
// (type 128 shows as TYPE128), so a missing name reaches its clients as a validated NODATA,
// rcode NOERROR with AD (the NSEC matching the name denies the type). That is RFC 9824's
// design: the rcode is restored only for resolvers that ask with CO. The tests pin this down,
// and show inkan itself answers NXDOMAIN when asked with CO (dig +ednsflags=0x4000).
// delv (BIND's validator) checks a sample asking inkan directly.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packet from 'dns-packet';
import { startDaemon, waitUntilAnswering, type Daemon } from './helpers/daemon.js';
import { delv, writeDelvAnchors } from './helpers/delv.js';
import { dig, digBatch, type Response } from './helpers/dig.js';
import { type ExpectedAnswer } from './helpers/expected.js';
import { freePort } from './helpers/ports.js';
import { udpExchange } from './helpers/raw.js';
import { ensureInkanBuilt, FIXTURES, type Server } from './helpers/servers.js';
import { checkTools, describeWithTools } from './helpers/tools.js';
import { startUnbound } from './helpers/unbound.js';

const tools = checkTools(['unbound', 'delv', 'dig']);

const PARENT = 'secure.test.';
const CHILD = 'signed.secure.test.';
const INSECURE = 'insecure.secure.test.';
const DNSSEC = '{ algorithm: 13, denial: compact }';
/** The "Compact Answers OK" EDNS flag (RFC 9824 §4.1). */
const CO = 0x4000;

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

async function waitForDs(d: Daemon, zone: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of d.output().split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const j = JSON.parse(line) as { msg?: string; zone?: string; ds?: string[] };
        if (j.msg === 'created DNSSEC keys; submit the DS records to the parent' && j.zone === zone && j.ds?.length === 1) return j.ds[0]!;
      } catch {
        // a partial line
      }
    }
    if (Date.now() > deadline) throw new Error(`inkan never logged the DS of ${zone}:\n${d.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** answer ['*']: any answer. */
interface Case extends ExpectedAnswer {
  ad: boolean;
}

const c = (what: string, name: string, type: string, answer: string[], ad = true, rcode: Case['rcode'] = 'NOERROR'): Case => ({ what, name, type, rcode, answer, ad });

// A missing name is NOERROR through unbound (see the header): 'NOERROR' below is deliberate.
const CASES: Case[] = [
  c('apex SOA', 'secure.test.', 'SOA', ['secure.test. soa ns1.secure.test. hostmaster.secure.test. 1 3600 900 604800 300']),
  c('A', 'www.secure.test.', 'A', ['www.secure.test. a 127.0.0.12']),
  c('DNSKEY', 'secure.test.', 'DNSKEY', ['*']),
  c('missing name: NODATA with NXNAME, validated', 'nothere.secure.test.', 'A', []),
  c('missing name two labels below a missing name', 'a.nothere.secure.test.', 'TXT', []),
  c('missing name asked in upper case', 'ZA.SECURE.TEST.', 'A', []),
  c('missing name right after the zero-octet label', '\\001.secure.test.', 'A', []),
  c('missing name below an empty non-terminal', 'x.ent.secure.test.', 'A', []),
  c('NODATA', 'www.secure.test.', 'MX', []),
  c('NODATA at the apex (next name \\000.secure.test exists)', 'secure.test.', 'AAAA', []),
  c('NODATA at an empty non-terminal', 'ent.secure.test.', 'A', []),
  c('NODATA at a deeper empty non-terminal', 'b.ent.secure.test.', 'TXT', []),
  c('NODATA at a name with types in three windows', 'unk.secure.test.', 'MX', []),
  c('NODATA for DS where there is no delegation', 'www.secure.test.', 'DS', []),
  c('wildcard answer, signed as the name itself', 'foo.wild.secure.test.', 'A', ['foo.wild.secure.test. a 127.0.0.20']),
  c('wildcard answer two labels deep', 'a.b.wild.secure.test.', 'TXT', ['a.b.wild.secure.test. txt "from the wildcard"']),
  c('wildcard NODATA', 'foo.wild.secure.test.', 'MX', []),
  c('an existing name beside a wildcard', 'exact.wild.secure.test.', 'A', ['exact.wild.secure.test. a 127.0.0.21']),
  c('CNAME chain', 'cname1.secure.test.', 'A', ['cname1.secure.test. cname cname2.secure.test.', 'cname2.secure.test. cname www.secure.test.', 'www.secure.test. a 127.0.0.12']),
  c('CNAME into the wildcard', 'cwild.secure.test.', 'A', ['cwild.secure.test. cname via-cname.wild.secure.test.', 'via-cname.wild.secure.test. a 127.0.0.20']),
  c('wildcard CNAME', 'x.cw.secure.test.', 'A', ['x.cw.secure.test. cname www.secure.test.', 'www.secure.test. a 127.0.0.12']),
  c('CNAME to a missing name', 'dangling.secure.test.', 'A', ['dangling.secure.test. cname nothere.secure.test.']),
  c('DNAME', 'host.dname.secure.test.', 'A', ['dname.secure.test. dname target.secure.test.', 'host.dname.secure.test. cname host.target.secure.test.', 'host.target.secure.test. a 127.0.0.30']),
  c('DNAME to a missing name', 'nope.dname.secure.test.', 'A', ['dname.secure.test. dname target.secure.test.', 'nope.dname.secure.test. cname nope.target.secure.test.']),
  c('NSEC asked for: the per-query NSEC, signed', 'www.secure.test.', 'NSEC', ['*']),
  c('DS of the signed child', 'signed.secure.test.', 'DS', ['*']),
  c('no DS for the unsigned child (NSEC: NS RRSIG NSEC)', 'insecure.secure.test.', 'DS', []),
  c('A in the signed (compact) child', 'www.signed.secure.test.', 'A', ['www.signed.secure.test. a 127.0.0.40']),
  c('missing name in the signed child', 'nope.signed.secure.test.', 'A', []),
  c('wildcard in the signed child', 'x.wc.signed.secure.test.', 'A', ['x.wc.signed.secure.test. a 127.0.0.41']),
  c('A in the unsigned child', 'www.insecure.secure.test.', 'A', ['www.insecure.secure.test. a 127.0.0.50'], false),
  c('NXDOMAIN in the unsigned child', 'nope.insecure.secure.test.', 'A', [], false, 'NXDOMAIN'),
];

const show = (r: Response) => r.answer.filter((rr) => rr.type !== 'RRSIG').map((rr) => `${rr.owner} ${rr.type} ${rr.rdata}`.toLowerCase()).sort();

describeWithTools(tools, 'interop: unbound and delv validate compact denial (RFC 9824)', () => {
  let dir = '';
  const daemons: Daemon[] = [];
  let parent: Daemon;
  let parentDs = '';
  // A plain unbound, and one randomizing the query case (0x20): the per-query NSEC's owner
  // is written compressed onto the question, so it follows the question's case.
  const RESOLVERS = [
    { title: 'through unbound', extra: '' },
    { title: 'through unbound with use-caps-for-id (0x20)', extra: '  use-caps-for-id: yes\n' },
  ];
  const resolvers: Server[] = [];
  const answers: Promise<Response[]>[] = [];

  beforeAll(async () => {
    const cli = ensureInkanBuilt();
    dir = mkdtempSync(join(tmpdir(), 'inkan-interop-compact-'));
    const keysDir = join(dir, 'keys');
    mkdirSync(keysDir);
    const keygen = await run(process.execPath, [cli, 'keygen', CHILD, '--keys-dir', keysDir, '--algorithm', '13', '--role', 'csk']);
    const childDs = keygen.split('\n').find((l) => /\sIN\s+DS\s/.test(l))!.replace(/^.*\sIN\s+DS\s+/, '').trim();
    const copy = (fixture: string, extra = '') => {
      const file = join(dir, fixture);
      writeFileSync(file, readFileSync(join(FIXTURES, fixture), 'utf8') + extra);
      return file;
    };
    const start = async (name: string, zones: string) => {
      const port = await freePort();
      writeFileSync(join(dir, `${name}.yaml`), `listen:\n  - 127.0.0.1:${port}\nkeys-dir: ${keysDir}\nzones:\n${zones}log:\n  level: info\n`);
      const d = startDaemon(`inkan (${name})`, process.execPath, [cli, 'serve', '--config', join(dir, `${name}.yaml`)], port, dir);
      daemons.push(d);
      return d;
    };
    parent = await start('parent', `  - name: ${PARENT}\n    file: ${copy('secure.test.zone', `\n${CHILD} 300 IN DS ${childDs}\n`)}\n    dnssec: ${DNSSEC}\n`);
    const children = await start(
      'children',
      `  - name: ${CHILD}\n    file: ${copy('secure.signed.zone')}\n    dnssec: ${DNSSEC}\n  - name: ${INSECURE}\n    file: ${copy('secure.insecure.zone')}\n`,
    );
    await Promise.all([waitUntilAnswering(parent, PARENT), waitUntilAnswering(children, CHILD)]);
    parentDs = await waitForDs(parent, PARENT);
    for (const { extra } of RESOLVERS) {
      const resolver = await startUnbound(tools.paths.unbound!, {
        stubs: [
          { zone: PARENT, port: parent.port },
          { zone: CHILD, port: children.port },
          { zone: INSECURE, port: children.port },
        ],
        trustAnchors: [parentDs],
        extra,
      });
      resolvers.push(resolver);
      answers.push(digBatch(tools.paths.dig!, resolver.port, CASES.map((k) => ({ name: k.name, type: k.type, options: ['+dnssec', '+nosplit'] })), 40));
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(resolvers.map((r) => r.stop()));
    await Promise.all(daemons.map((d) => d.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  RESOLVERS.forEach(({ title }, ri) => describe.concurrent(title, () => {
    CASES.forEach((k, i) => {
      it(`${k.what}: ${k.name} ${k.type} -> ${k.rcode}, AD=${k.ad ? 1 : 0}`, async () => {
        const r = (await answers[ri]!)[i]!;
        const log = () => resolvers[ri]!.output().split('\n').filter((l) => /validat|bogus|servfail|fail/i.test(l)).slice(-10).join('\n');
        const ctx = `${r.cmd}\n${r.raw}\nunbound:\n${log()}`;
        expect(r.error, ctx).toBeUndefined();
        expect(r.rcode, ctx).toBe(k.rcode);
        if (k.answer[0] === '*') expect(show(r).length, ctx).toBeGreaterThan(0);
        else expect(show(r), ctx).toEqual([...k.answer].sort());
        expect(r.flags.has('ad'), ctx).toBe(k.ad);
        if (k.ad && k.answer.length) {
          // Validated data carries its RRSIGs; wildcard answers' RRSIGs claim the name itself.
          for (const s of r.answer.filter((rr) => rr.type === 'RRSIG' && rr.owner.includes('wild'))) {
            expect(Number(s.rdata.split(' ')[2]), ctx).toBe(s.owner.replace(/\.$/, '').split('.').length);
          }
        }
      });
    });
  }));

  describe('asking inkan directly', () => {
    const ask = (...args: string[]) => dig(tools.paths.dig!, parent.port, ['+dnssec', '+nosplit', '+norecurse', ...args]);

    it('a missing name: NOERROR, one NSEC owned by the name, next \\000.name, RRSIG NSEC NXNAME', async () => {
      const r = await ask('nothere.secure.test.', 'A');
      expect(r.rcode, r.raw).toBe('NOERROR');
      const nsec = r.authority.filter((rr) => rr.type === 'NSEC');
      expect(nsec.map((rr) => `${rr.owner} ${rr.rdata}`), r.raw).toEqual(['nothere.secure.test. \\000.nothere.secure.test. RRSIG NSEC TYPE128']);
      expect(r.authority.filter((rr) => rr.type === 'RRSIG').map((rr) => rr.rdata.split(' ')[0]).sort()).toEqual(['NSEC', 'SOA']);
      expect(r.edns.join(' '), r.raw).not.toMatch(/MBZ/); // no CO asked, none echoed
    });

    it('with the CO flag set: NXDOMAIN, the same NSEC, CO echoed', async () => {
      // dig 9.18 will not send CO (+ednsflags=0x4000 is dropped), so this query is built here.
      const q = packet.encode({
        type: 'query', id: 99, questions: [{ name: 'nothere.secure.test', type: 'A', class: 'IN' }],
        additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: packet.DNSSEC_OK | CO, options: [] } as unknown as packet.Answer],
      });
      const raw = await udpExchange(parent.port, q, 2000);
      expect(raw).not.toBeNull();
      const r = packet.decode(raw!);
      expect((r as unknown as { rcode: string }).rcode).toBe('NXDOMAIN');
      const nsec = (r.authorities ?? []).filter((rr) => rr.type === 'NSEC');
      expect(nsec.map((rr) => rr.name)).toEqual(['nothere.secure.test']);
      expect([...(nsec[0]!.data as { rrtypes: string[] }).rrtypes].sort()).toEqual(['NSEC', 'RRSIG', 'UNKNOWN_128']);
      const opt = (r.additionals ?? []).find((rr) => rr.type === 'OPT') as unknown as { flags: number };
      expect(opt.flags & CO).toBe(CO);
    });

    it('without DO: plain NXDOMAIN, no DNSSEC records', async () => {
      const r = await dig(tools.paths.dig!, parent.port, ['+norecurse', 'nothere.secure.test.', 'A']);
      expect(r.rcode).toBe('NXDOMAIN');
      expect(r.authority.map((rr) => rr.type)).toEqual(['SOA']);
    });

    it('delv validates a positive answer, a missing name, NODATA and a wildcard answer', async () => {
      const anchors = join(dir, 'delv-anchors.conf');
      writeDelvAnchors(anchors, [parentDs]);
      const v = (name: string, type: string) => delv(tools.paths.delv!, parent.port, anchors, PARENT, [name, type]);
      const pos = await v('www.secure.test.', 'A');
      expect(pos.verdict, pos.text).toBe('fully validated');
      expect(pos.records.join('\n')).toMatch(/www\.secure\.test\. \d+ IN A 127\.0\.0\.12/);
      const wild = await v('foo.wild.secure.test.', 'A');
      expect(wild.verdict, wild.text).toBe('fully validated');
      for (const [name, type] of [['nothere.secure.test.', 'A'], ['www.secure.test.', 'MX'], ['ent.secure.test.', 'A'], ['foo.wild.secure.test.', 'MX']] as const) {
        const r = await v(name, type);
        // delv reports a validated negative answer as "resolution failed: ncache nxrrset".
        expect(r.failure ?? '', r.text).toMatch(/^(ncache nxrrset)?$/);
        expect(r.text, r.text).toMatch(/IN\s+\\-/);
        expect(r.verdict, r.text).toBe('negative response, fully validated');
      }
    });
  });
});
