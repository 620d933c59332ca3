// DO=1 answers from a signed zone version: RRSIGs beside each RRset, denial proofs, and
// DO=0 answers exactly as the unsigned core gives them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import packet from 'dns-packet';
import { DNSSEC_DEFAULTS } from '../../src/config/types.js';
import { loadSignedZone } from '../../src/dnssec/load-signed.js';
import { SignatureCache } from '../../src/dnssec/signature-cache.js';
import { loadZoneFile } from '../../src/zone/load.js';
import { silentLogger } from '../../src/log.js';
import { AA, TC, ask, flag, query, rcodeOf, responder } from '../helpers/ask.js';

const ZONE = new URL('../interop/fixtures/diff.test.zone', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'inkan-signed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cache = new SignatureCache(64e6);
const nsec = loadSignedZone(ZONE, 'diff.test', { ...DNSSEC_DEFAULTS }, { keysDir: join(dir, 'a'), cache, logger: silentLogger }).zone;
const nsec3 = loadSignedZone(ZONE, 'diff.test', { ...DNSSEC_DEFAULTS, denial: 'nsec3' }, { keysDir: join(dir, 'b'), cache, logger: silentLogger }).zone;
const r = responder([nsec]);
const r3 = responder([nsec3]);
const plain = responder([loadZoneFile(ZONE, 'diff.test.')]);

type RR = { name: string; type: string; data?: unknown };
const list = (rrs: RR[] | undefined) => [...new Set((rrs ?? []).map((x) => `${x.name} ${x.type}${x.type === 'RRSIG' ? ' ' + (x.data as { typeCovered: string }).typeCovered : ''}`))];
const sig = (rrs: RR[] | undefined, covered: string) => (rrs ?? []).find((x) => x.type === 'RRSIG' && (x.data as { typeCovered: string }).typeCovered === covered)?.data as { labels: number; keyTag: number } | undefined;

describe('signed answers', () => {
  it('sends nothing DNSSEC to DO=0 queries: the bytes of the unsigned core', () => {
    for (const [name, type] of [['www.diff.test', 'A'], ['nope.diff.test', 'A'], ['x.sub.diff.test', 'A'], ['a.wild.diff.test', 'A']]) {
      const a = r.respond(query(name, type, { edns: 1232 }), false)!;
      const b = plain.respond(query(name, type, { edns: 1232 }), false)!;
      expect(a.equals(b), `${name} ${type}`).toBe(true);
    }
  });

  it('adds the RRSIG after a positive RRset', () => {
    const p = ask(r, 'www.diff.test', 'A', { edns: 1232, do: true });
    expect(flag(p, AA)).toBe(true);
    expect(list(p.answers as RR[])).toEqual(['www.diff.test A', 'www.diff.test RRSIG A']);
  });

  it('signs the DNSKEY RRset at the apex', () => {
    const p = ask(r, 'diff.test', 'DNSKEY', { edns: 1232, do: true });
    expect(list(p.answers as RR[])).toEqual(['diff.test DNSKEY', 'diff.test RRSIG DNSKEY']);
  });

  it('proves NXDOMAIN with the SOA, NSECs for the name and the wildcard, and their RRSIGs', () => {
    const p = ask(r, 'nope.diff.test', 'A', { edns: 1232, do: true });
    expect(rcodeOf(p)).toBe('NXDOMAIN');
    const auth = list(p.authorities as RR[]);
    expect(auth.slice(0, 2)).toEqual(['diff.test SOA', 'diff.test RRSIG SOA']);
    const nsecs = (p.authorities ?? []).filter((x) => x.type === 'NSEC');
    const sigs = (p.authorities ?? []).filter((x) => x.type === 'RRSIG' && (x.data as { typeCovered: string }).typeCovered === 'NSEC');
    expect(nsecs.length).toBeGreaterThanOrEqual(1);
    expect(sigs.map((x) => x.name).sort()).toEqual(nsecs.map((x) => x.name).sort());
  });

  it('proves NODATA with the NSEC of the name itself', () => {
    const p = ask(r, 'www.diff.test', 'MX', { edns: 1232, do: true });
    expect(list(p.authorities as RR[])).toContain('www.diff.test NSEC');
  });

  it('signs a wildcard answer with the wildcard label count and proves the name does not exist', () => {
    const p = ask(r, 'anything.wild.diff.test', 'A', { edns: 1232, do: true });
    expect(list(p.answers as RR[])).toEqual(['anything.wild.diff.test A', 'anything.wild.diff.test RRSIG A']);
    expect(sig(p.answers as RR[], 'A')!.labels).toBe(3);
    expect((p.authorities ?? []).some((x) => x.type === 'NSEC')).toBe(true);
  });

  it('adds DS and its RRSIG to a referral to a signed child, and NSEC proof for an unsigned one', () => {
    const s = ask(r, 'x.sub.diff.test', 'A', { edns: 1232, do: true });
    expect(flag(s, AA)).toBe(false);
    expect(list(s.authorities as RR[])).toEqual(['sub.diff.test NS', 'sub.diff.test DS', 'sub.diff.test RRSIG DS']);
    const u = ask(r, 'x.ext.diff.test', 'A', { edns: 1232, do: true });
    expect(list(u.authorities as RR[])).toEqual(['ext.diff.test NS', 'ext.diff.test NSEC', 'ext.diff.test RRSIG NSEC']);
  });

  it('uses NSEC3 records when the zone is signed with NSEC3, and publishes NSEC3PARAM', () => {
    const p = ask(r3, 'nope.diff.test', 'A', { edns: 1232, do: true });
    expect(rcodeOf(p)).toBe('NXDOMAIN');
    const types = (p.authorities ?? []).map((x) => x.type);
    expect(types.filter((t) => t === 'NSEC3').length).toBeGreaterThanOrEqual(2);
    expect(types).not.toContain('NSEC');
    expect(ask(r3, 'diff.test', 'NSEC3PARAM', { edns: 1232, do: true }).answers?.[0].type).toBe('NSEC3PARAM');
  });

  it('still truncates whole RRsets when signatures make an answer too big', () => {
    const unsigned = ask(r, 'biga.diff.test', 'A', { edns: 1232 }).raw.length;
    const size = unsigned + 20;
    expect(flag(ask(r, 'biga.diff.test', 'A', { edns: size }), TC)).toBe(false);
    const p = ask(r, 'biga.diff.test', 'A', { edns: size, do: true });
    expect(p.raw.length).toBeLessThanOrEqual(size);
    expect(flag(p, TC)).toBe(true);
    const full = ask(r, 'biga.diff.test', 'A', { tcp: true, edns: 1232, do: true });
    expect(flag(full, TC)).toBe(false);
    expect(list(full.answers as RR[])).toEqual(['biga.diff.test A', 'biga.diff.test RRSIG A']);
  });

  it('answers the same bytes from the response cache as freshly made', () => {
    const fresh = responder([nsec], { responseCacheEntries: 0 });
    const q = query('www.diff.test', 'AAAA', { edns: 1232, do: true });
    r.respond(q, false);
    expect(r.respond(q, false)!.equals(fresh.respond(q, false)!)).toBe(true);
    void packet;
  });
});
