import { describe, expect, it } from 'vitest';
import { exampleZone } from '../helpers/fixture-zone.js';
import { zone } from '../helpers/records.js';
import { AA, ask, flag, rcodeOf, responder } from '../helpers/ask.js';

const r = responder([exampleZone()]);
const names = (rrs: { name: string; type: string }[] | undefined) => (rrs ?? []).map((x) => `${x.name} ${x.type}`);

describe('authoritative lookup (RFC 1034 §4.3.2)', () => {
  it('answers an existing name and type with AA and no authority (minimal responses)', () => {
    const p = ask(r, 'www.example.com', 'A');
    expect(rcodeOf(p)).toBe('NOERROR');
    expect(flag(p, AA)).toBe(true);
    expect(p.answers).toMatchObject([{ name: 'www.example.com', type: 'A', ttl: 300, data: '127.0.0.10' }]);
    expect(p.authorities).toHaveLength(0);
    expect(p.additionals).toHaveLength(0);
  });

  it('answers NODATA with the SOA and the RFC 2308 negative TTL min(SOA TTL, MINIMUM)', () => {
    const p = ask(r, 'www.example.com', 'MX');
    expect(rcodeOf(p)).toBe('NOERROR');
    expect(p.answers).toHaveLength(0);
    expect(p.authorities).toMatchObject([{ name: 'example.com', type: 'SOA', ttl: 300 }]);
  });

  it('answers NXDOMAIN with the SOA in authority', () => {
    const p = ask(r, 'nope.example.com', 'A');
    expect(rcodeOf(p)).toBe('NXDOMAIN');
    expect(flag(p, AA)).toBe(true);
    expect(names(p.authorities)).toEqual(['example.com SOA']);
  });

  it('answers an empty non-terminal with NODATA, not NXDOMAIN', () => {
    const p = ask(r, 'b.c.example.com', 'A');
    expect(rcodeOf(p)).toBe('NOERROR');
    expect(p.answers).toHaveLength(0);
    expect(names(p.authorities)).toEqual(['example.com SOA']);
  });

  it('refuses names in no zone, without AA', () => {
    const p = ask(r, 'www.example.org', 'A');
    expect(rcodeOf(p)).toBe('REFUSED');
    expect(flag(p, AA)).toBe(false);
  });

  it('echoes the question with the client letter case, answered case-insensitively', () => {
    const p = ask(r, 'WwW.ExAmPlE.CoM', 'A');
    expect(p.questions?.[0].name).toBe('WwW.ExAmPlE.CoM');
    expect(p.answers?.[0].data).toBe('127.0.0.10');
    const q = ask(r, 'mixed.case.example.com', 'A');
    expect(q.answers?.[0].data).toBe('127.0.0.11');
  });

  it('follows a CNAME chain inside the zone', () => {
    const p = ask(r, 'alias2.example.com', 'A');
    expect(names(p.answers)).toEqual(['alias2.example.com CNAME', 'alias.example.com CNAME', 'www.example.com A']);
    expect(flag(p, AA)).toBe(true);
  });

  it('answers a CNAME query with the CNAME itself, not its target', () => {
    const p = ask(r, 'alias.example.com', 'CNAME');
    expect(names(p.answers)).toEqual(['alias.example.com CNAME']);
  });

  it('gives NXDOMAIN when the chain ends at a missing name (RFC 6604)', () => {
    const p = ask(r, 'dangling.example.com', 'A');
    expect(rcodeOf(p)).toBe('NXDOMAIN');
    expect(names(p.answers)).toEqual(['dangling.example.com CNAME']);
    expect(names(p.authorities)).toEqual(['example.com SOA']);
  });

  it('stops at a CNAME that leaves the zone', () => {
    const p = ask(r, 'outside.example.com', 'A');
    expect(rcodeOf(p)).toBe('NOERROR');
    expect(names(p.answers)).toEqual(['outside.example.com CNAME']);
    expect(p.authorities).toHaveLength(0);
  });

  it('survives a CNAME loop, returning each link once', () => {
    const p = ask(r, 'loop1.example.com', 'A');
    expect(rcodeOf(p)).toBe('NOERROR');
    expect(names(p.answers)).toEqual(['loop1.example.com CNAME', 'loop2.example.com CNAME']);
  });

  it('synthesizes from a wildcard with the query name as owner (RFC 4592)', () => {
    const p = ask(r, 'anything.wild.example.com', 'A');
    expect(p.answers).toMatchObject([{ name: 'anything.wild.example.com', type: 'A', data: '127.0.0.42' }]);
    expect(flag(p, AA)).toBe(true);
    const deeper = ask(r, 'a.b.wild.example.com', 'TXT');
    expect(names(deeper.answers)).toEqual(['a.b.wild.example.com TXT']);
  });

  it('gives wildcard NODATA for a type the wildcard lacks', () => {
    const p = ask(r, 'anything.wild.example.com', 'MX');
    expect(rcodeOf(p)).toBe('NOERROR');
    expect(p.answers).toHaveLength(0);
    expect(names(p.authorities)).toEqual(['example.com SOA']);
  });

  it('does not apply a wildcard to an existing name or below it', () => {
    expect(names(ask(r, 'sub.wild.example.com', 'A').answers)).toEqual([]);
    const p = ask(r, 'z.sub.wild.example.com', 'A');
    expect(rcodeOf(p)).toBe('NXDOMAIN');
  });

  it('lets an empty non-terminal block the wildcard', () => {
    const p = ask(r, 'ent.wild.example.com', 'A');
    expect(rcodeOf(p)).toBe('NOERROR');
    expect(p.answers).toHaveLength(0);
  });

  it('synthesizes a wildcard CNAME and follows it', () => {
    const p = ask(r, 'foo.cwild.example.com', 'A');
    expect(names(p.answers)).toEqual(['foo.cwild.example.com CNAME', 'www.example.com A']);
  });

  it('answers below a DNAME with the DNAME and a synthesized CNAME (RFC 6672)', () => {
    const p = ask(r, 'host.dn.example.com', 'A');
    expect(rcodeOf(p)).toBe('NOERROR');
    expect(p.answers).toMatchObject([
      { name: 'dn.example.com', type: 'DNAME', data: 'example.net' },
      { name: 'host.dn.example.com', type: 'CNAME', data: 'host.example.net', ttl: 300 },
    ]);
    const owner = ask(r, 'dn.example.com', 'DNAME');
    expect(names(owner.answers)).toEqual(['dn.example.com DNAME']);
  });

  it('answers YXDOMAIN when the DNAME substitution exceeds 255 octets', () => {
    const long = exampleZone([['long', 300, 'DNAME', `${'x'.repeat(60)}.${'y'.repeat(60)}.${'z'.repeat(60)}.${'w'.repeat(50)}.`]]);
    const label = 'a'.repeat(40);
    const p = ask(responder([long]), `${label}.long.example.com`, 'A');
    expect(rcodeOf(p)).toBe('YXDOMAIN');
    expect(names(p.answers)).toEqual(['long.example.com DNAME']);
  });

  it('answers below a cut with a referral: AA=0, NS in authority, glue in additional', () => {
    const p = ask(r, 'www.child.example.com', 'A');
    expect(rcodeOf(p)).toBe('NOERROR');
    expect(flag(p, AA)).toBe(false);
    expect(p.answers).toHaveLength(0);
    expect(names(p.authorities)).toEqual(['child.example.com NS', 'child.example.com NS']);
    expect(p.additionals).toMatchObject([{ name: 'ns.child.example.com', type: 'A', data: '127.0.0.53' }]);
  });

  it('answers a query for the cut itself as a referral, even for NS', () => {
    const p = ask(r, 'child.example.com', 'NS');
    expect(flag(p, AA)).toBe(false);
    expect(p.answers).toHaveLength(0);
    expect(names(p.authorities)).toContain('child.example.com NS');
  });

  it('answers DS at a cut from the parent side, authoritatively', () => {
    const p = ask(r, 'child.example.com', 'DS');
    expect(flag(p, AA)).toBe(true);
    expect(names(p.answers)).toEqual(['child.example.com DS']);
    const none = ask(r, 'sibling.example.com', 'DS');
    expect(flag(none, AA)).toBe(true);
    expect(names(none.authorities)).toEqual(['example.com SOA']);
  });

  it('never answers occluded names below a cut authoritatively', () => {
    const p = ask(r, 'deep.ns.child.example.com', 'TXT');
    expect(flag(p, AA)).toBe(false);
    expect(p.answers).toHaveLength(0);
    expect(names(p.authorities)).toContain('child.example.com NS');
  });

  it('adds sibling glue for in-zone name servers and none for out-of-zone ones', () => {
    const s = ask(r, 'sibling.example.com', 'A');
    expect(names(s.additionals)).toEqual(['ns1.example.com A']);
    const n = ask(r, 'x.nogl.example.com', 'A');
    expect(names(n.authorities)).toEqual(['nogl.example.com NS']);
    expect(n.additionals).toHaveLength(0);
  });

  it('adds MX target addresses only when configured', () => {
    expect(ask(r, 'example.com', 'MX').additionals).toHaveLength(0);
    const withTargets = responder([exampleZone()], { additionalMxSrv: true });
    expect(names(ask(withTargets, 'example.com', 'MX').additionals)).toEqual(['mail.example.com A']);
  });

  it('answers ANY over UDP with one RRset (RFC 8482) and everything over TCP', () => {
    const udp = ask(r, 'www.example.com', 'ANY');
    expect(udp.answers).toHaveLength(1);
    const tcp = ask(r, 'www.example.com', 'ANY', { tcp: true });
    expect(names(tcp.answers).sort()).toEqual(['www.example.com A', 'www.example.com AAAA']);
  });

  it('picks the deepest zone and answers DS at a child apex from the parent', () => {
    const parent = exampleZone();
    const child = zone('child.example.com.', [
      ['@', 3600, 'SOA', { mname: 'ns.child.example.com.', rname: 'h.child.example.com.', serial: 7, refresh: 1, retry: 1, expire: 1, minimum: 60 }],
      ['@', 3600, 'NS', 'ns.child.example.com.'],
      ['ns', 3600, 'A', '127.0.0.53'],
      ['www', 60, 'A', '127.0.0.80'],
    ]);
    const both = responder([parent, child]);
    const www = ask(both, 'www.child.example.com', 'A');
    expect(flag(www, AA)).toBe(true);
    expect(www.answers?.[0].data).toBe('127.0.0.80');
    const ds = ask(both, 'child.example.com', 'DS');
    expect(flag(ds, AA)).toBe(true);
    expect(names(ds.answers)).toEqual(['child.example.com DS']);
    const soa = ask(both, 'child.example.com', 'SOA');
    expect(names(soa.answers)).toEqual(['child.example.com SOA']);
  });
});

describe('corner cases found by the NSD differential', () => {
  it('answers ANY at a CNAME with the CNAME alone, not the chain (RFC 1034 §4.3.2 step 3a)', () => {
    expect(names(ask(r, 'alias2.example.com', 'ANY').answers)).toEqual(['alias2.example.com CNAME']);
    expect(names(ask(r, 'alias2.example.com', 'ANY', { tcp: true }).answers)).toEqual(['alias2.example.com CNAME']);
  });

  it('answers a CNAME question below a DNAME with the synthesized CNAME and no SOA', () => {
    const p = ask(r, 'www.dn.example.com', 'CNAME');
    expect(names(p.answers)).toEqual(['dn.example.com DNAME', 'www.dn.example.com CNAME']);
    expect(p.authorities).toHaveLength(0);
  });

  it('spells a DNAME-synthesized target as each client asked, cache or not', () => {
    const c = responder([exampleZone()]);
    expect(ask(c, 'MaIl.dn.example.com', 'A').answers?.[1].data).toBe('MaIl.example.net');
    expect(ask(c, 'mail.dn.example.com', 'A').answers?.[1].data).toBe('mail.example.net');
  });
});
