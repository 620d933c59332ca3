// The query set of the differential test: every name of diff.test.zone with each of its types,
// missing types (NODATA), NXDOMAIN names, names below cuts and under wildcards, CNAME and DNAME
// chains, mixed-case names, ANY, with and without EDNS, over UDP and TCP.
import { readFileSync } from 'node:fs';
import type { DigQuery } from './dig.js';

/**
 * How a query is sent. UDP modes use +ignore so a TC answer is seen as it is, and +notcp
 * because dig sends ANY over TCP unless told otherwise.
 */
export type Mode = 'udp' | 'udp-noedns' | 'udp-512' | 'udp-norec' | 'udp-do' | 'tcp';

export const MODE_OPTIONS: Record<Mode, string[]> = {
  udp: ['+notcp', '+ignore'], // dig's default EDNS (payload 1232)
  'udp-noedns': ['+notcp', '+noedns', '+ignore'], // plain RFC 1035 client: 512 octets
  'udp-512': ['+notcp', '+bufsize=512', '+ignore'], // EDNS with a 512-octet payload
  'udp-norec': ['+notcp', '+norec', '+ignore'], // RD clear, as a resolver sends
  'udp-do': ['+notcp', '+dnssec', '+ignore'], // DO set (RFC 3225): the zone is unsigned, DO is echoed
  tcp: ['+tcp'],
};

export interface Case {
  name: string;
  type: string;
  mode: Mode;
  /** Why this query is in the set (shown in test names). */
  why: string;
}

export function caseLabel(c: Case): string {
  return `${c.name} ${c.type} ${c.mode} (${c.why})`;
}

export function toDigQuery(c: Case): DigQuery {
  return { name: c.name, type: c.type, options: MODE_OPTIONS[c.mode] };
}

/** (owner, type) pairs of a master file written like diff.test.zone (owner on every RR line). */
export function zoneOwnersAndTypes(file: string, origin: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  let cur = origin;
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.replace(/;.*$/, '');
    if (/^\s/.test(line) || line.startsWith('$') || line.trim() === '') continue;
    const toks = line.trim().split(/\s+/);
    let owner = toks.shift()!;
    while (toks.length && (/^\d+$/.test(toks[0]!) || /^(IN|CH|HS)$/i.test(toks[0]!))) toks.shift();
    const type = toks[0]!.toUpperCase();
    if (owner === '@') owner = origin;
    else if (!owner.endsWith('.')) owner = `${owner}.${origin}`;
    cur = owner;
    let set = out.get(cur);
    if (!set) out.set(cur, (set = new Set()));
    set.add(type);
  }
  return out;
}

const PROBE_TYPES = ['A', 'AAAA', 'TXT', 'MX'];

export function generateCases(zoneFile: string, origin = 'diff.test.'): Case[] {
  const cases: Case[] = [];
  const add = (name: string, type: string, modes: Mode[], why: string) => {
    for (const mode of modes) cases.push({ name, type, mode, why });
  };
  const z = (rel: string) => (rel === '@' ? origin : `${rel}.${origin}`);

  // 1. every name with each of its types (UDP and TCP), and missing types (NODATA).
  for (const [owner, types] of zoneOwnersAndTypes(zoneFile, origin)) {
    for (const t of types) add(owner, t, ['udp', 'tcp'], 'name x its type');
    const missing = PROBE_TYPES.filter((t) => !types.has(t)).slice(0, 2);
    for (const t of missing) add(owner, t, ['udp'], 'missing type');
    add(owner, 'SOA', ['udp'], 'SOA probe');
  }

  // 2. NXDOMAIN and empty non-terminals.
  for (const n of ['nope', 'a.nope', 'zz.c', 'zz.b.c', 'b.a.b.c', 'nothere', 'x3.ent.nope', 'ww', 'wwww']) add(z(n), 'A', ['udp', 'tcp'], 'NXDOMAIN');
  for (const n of ['c', 'b.c', 'ent', 'x3.ent', 'x2.x3.ent', 'x1.x2.x3.ent', '_tcp', 'dtarget', '_tcp.tlsa']) {
    add(z(n), 'A', ['udp', 'tcp'], 'empty non-terminal');
    add(z(n), 'TXT', ['udp'], 'empty non-terminal');
  }

  // 3. names at and below zone cuts (referrals, occluded data, DS at the parent).
  for (const d of ['sub', 'ext', 'sib', 'own', 'big-referral']) {
    add(z(d), 'NS', ['udp', 'tcp', 'udp-noedns'], 'delegation');
    add(z(d), 'A', ['udp'], 'at a cut');
    add(z(d), 'DS', ['udp', 'tcp'], 'DS at a cut (parent side)');
    add(z(d), 'SOA', ['udp'], 'SOA at a cut');
    add(z(`www.${d}`), 'A', ['udp', 'tcp'], 'below a cut');
  }
  for (const n of ['ns1.sub', 'ns2.sub', 'occluded.sub', 'foo.sub', 'deep.foo.sub', '*.sub', 'ns.sib']) {
    add(z(n), 'A', ['udp', 'udp-norec'], 'below a cut (occluded)');
    add(z(n), 'TXT', ['udp'], 'below a cut (occluded)');
  }
  add(z('ns2.sub'), 'AAAA', ['tcp'], 'glue below a cut');
  add(z('sub'), 'DNSKEY', ['udp'], 'at a cut');
  add(z('sub'), 'DS', ['udp-norec', 'udp-noedns'], 'DS at a cut (parent side)');
  add(z('ns1-with-a-rather-long-label.big-referral'), 'A', ['udp', 'udp-noedns', 'udp-512', 'tcp'], 'big referral');
  add(z('x.big-referral'), 'AAAA', ['udp-noedns', 'udp-512'], 'big referral');

  // 4. wildcards (RFC 4592).
  for (const n of ['foo.wild', 'a.b.wild', '*.wild', 'WiLdCaRd.wild']) {
    for (const t of ['A', 'TXT', 'MX', 'AAAA', 'CNAME', 'NS']) add(z(n), t, ['udp'], 'under a wildcard');
    add(z(n), 'A', ['tcp', 'udp-noedns'], 'under a wildcard');
  }
  add(z('host.wild'), 'TXT', ['udp'], 'existing name beside a wildcard');
  add(z('sub.host.wild'), 'A', ['udp', 'tcp'], 'below an existing name beside a wildcard');
  for (const n of ['q.blk', 'deep.q.blk', 'y.blk', 'z.y.blk', 'x.y.blk', 'a.x.y.blk']) add(z(n), 'A', ['udp', 'tcp'], 'wildcard blocked by an ENT');
  for (const n of ['q.x', 'y.x', 'z.y.x', 'a.b.x']) add(z(n), 'A', ['udp', 'tcp'], 'wildcard *.x beside y.x');
  add(z('y.x'), 'TXT', ['udp'], 'wildcard *.x beside y.x');
  for (const t of ['A', 'AAAA', 'TXT', 'CNAME', 'MX']) add(z('foo.wc'), t, ['udp'], 'wildcard CNAME');
  add(z('a.b.wc'), 'A', ['udp', 'tcp'], 'wildcard CNAME');
  add(z('foo.wcout'), 'A', ['udp', 'tcp'], 'wildcard CNAME out of zone');
  add(z('foo.wcout'), 'CNAME', ['udp'], 'wildcard CNAME out of zone');

  for (const n of ['foo.wcent', 'a.foo.wcent', 'wcent']) add(z(n), 'A', ['udp', 'tcp'], 'wildcard that is an empty non-terminal');
  add(z('foo.wcent'), 'TXT', ['udp'], 'wildcard that is an empty non-terminal');

  // 5. CNAME chains.
  for (const n of ['c1', 'c2', 'cnx1', 'cnx2', 'cout', 'loop1', 'cwild', 'cent', 'cdeleg', 'cdname', 'cmixed']) {
    add(z(n), 'A', ['udp', 'tcp'], 'CNAME chain');
    add(z(n), 'TXT', ['udp'], 'CNAME chain');
    add(z(n), 'CNAME', ['udp'], 'CNAME chain');
  }
  add(z('c1'), 'A', ['udp-noedns', 'udp-norec'], 'CNAME chain');

  // 6. DNAME (RFC 6672).
  for (const n of ['www.dn', 'foo.dn', 'a.b.dn', 'mail.dn', 'WWW.Dn', 'www.dnout', 'a.b.dnout']) {
    add(z(n), 'A', ['udp', 'tcp'], 'below a DNAME');
    add(z(n), 'TXT', ['udp'], 'below a DNAME');
  }
  add(z('www.dn'), 'A', ['udp-noedns'], 'below a DNAME');
  add(z('www.dn'), 'CNAME', ['udp'], 'below a DNAME');
  add(z('www.dn'), 'DNAME', ['udp'], 'below a DNAME');
  for (const t of ['DNAME', 'A', 'TXT', 'CNAME']) add(z('dn'), t, ['udp'], 'DNAME owner');
  const l63 = 'c'.repeat(63);
  add(`${l63}.${l63}.${'d'.repeat(50)}.dlong.${origin}`, 'A', ['udp', 'tcp'], 'DNAME substitution overflows 255 octets');
  add(z('short.dlong'), 'A', ['udp'], 'below a DNAME with a long target');
  for (const n of ['host.dsub', 'ns1.dsub']) add(z(n), 'A', ['udp', 'tcp', 'udp-norec'], 'DNAME into a delegation');

  // 6b. types asked where they cannot be: DS off a cut and at the apex, DNSSEC types unsigned.
  for (const [n, t] of [['@', 'DS'], ['www', 'DS'], ['nope', 'DS'], ['ns1.sub', 'DS'], ['foo.wild', 'DS'], ['@', 'RRSIG'], ['www', 'NSEC'], ['@', 'DNSKEY'], ['@', 'NSEC3PARAM']] as const) {
    add(z(n), t, ['udp'], 'type off its place');
  }
  add('esc\\.aped.diff.test.', 'TXT', ['udp', 'tcp'], 'dot inside a label');
  add('esc.aped.diff.test.', 'TXT', ['udp'], 'dot inside a label (other name)');

  // 7. mixed case in query names.
  for (const n of ['WWW.Diff.TEST.', 'mixed.diff.test.', 'MIXED.DIFF.TEST.', 'upper.case.diff.test.', 'Foo.WILD.diff.test.', 'C1.diff.test.', 'NoPe.Diff.Test.', 'B.c.DIFF.test.', 'Ns1.SUB.diff.test.', 'www.DN.diff.test.']) {
    add(n, 'A', ['udp', 'tcp'], 'mixed-case query');
  }
  add('SUB.Diff.Test.', 'NS', ['udp'], 'mixed-case query');
  add('Diff.Test.', 'SOA', ['udp'], 'mixed-case query');

  // 8. ANY (RFC 8482 over UDP; compared over TCP).
  for (const n of ['@', 'www', 'multi', 'foo.wild', 'c1', 'sub', 'nope', 'b.c', 'www.dn', 'ns2', 'mail']) {
    add(z(n), 'ANY', ['udp', 'tcp'], 'ANY');
  }

  // 9. large answers: truncation without EDNS, the whole RRset over TCP.
  for (const [n, t] of [['biga', 'A'], ['bigtxt', 'TXT']] as const) add(z(n), t, ['udp', 'udp-noedns', 'udp-512', 'tcp'], 'large RRset');
  add(z('@'), 'MX', ['udp-noedns', 'tcp'], 'apex');
  add(z('@'), 'NS', ['udp-noedns', 'udp-norec'], 'apex');
  add(z('@'), 'SOA', ['udp-noedns', 'tcp', 'udp-512'], 'apex');
  add(z('_sip._tcp'), 'SRV', ['udp-noedns'], 'SRV');
  add(z('multi'), 'TYPE65280', ['udp'], 'unknown type (RFC 3597)');
  add(z('multi'), 'TYPE65281', ['udp'], 'unknown type (RFC 3597) missing');

  // DO bit on an unsigned zone: same answers, DO copied into the response's OPT (RFC 3225 §3).
  for (const [n, t] of [['www', 'A'], ['nope', 'A'], ['b.c', 'TXT'], ['foo.wild', 'A'], ['c1', 'A'], ['www.dn', 'A'], ['host.sub', 'A'], ['sub', 'DS']] as const) {
    add(z(n), t, ['udp-do'], 'DO bit, unsigned zone');
  }

  // 10. outside the zone: REFUSED from an authoritative-only server.
  for (const n of ['www.example.com.', 'test.', '.', 'xdiff.test.', 'diff.test.example.']) add(n, 'A', ['udp', 'tcp'], 'not our zone');
  return cases;
}
