// The differential test: a few hundred queries (helpers/queries.ts) sent with real dig to NSD
// and to inkan serving the same zone (fixtures/diff.test.zone), answers compared field by field
// (helpers/compare.ts: rcode, aa/tc/rd/ra, OPT version/payload/flags, answer and authority as
// sets of RRs with TTLs, glue of referrals). The same harness runs NSD against Knot in
// diff-nsd-knot.test.ts, which is how the comparison logic itself is checked.
//
// NSD runs with `minimal-responses: yes`. With NSD's default (no) it adds the apex NS RRset to
// the authority section of every positive answer, and their addresses to the additional
// section; RFC 1034 §4.3.2 permits but does not require that, and inkan always answers
// minimally (DESIGN.md, lesson 2), so the reference is configured the same way rather than
// the comparison being loosened. The additional section is compared only for the glue of
// referrals, since minimal responses carry nothing else there.
//
// Every other deliberate difference is a named rule below: it lists the queries it covers,
// gives the RFC reason, and asserts what inkan must do instead.
//
// DNAME (RFC 6672) answers are compared as they are, with no rule: NSD, Knot and BIND agree
// (DNAME, synthesized CNAME with the DNAME's TTL, then the target's data; YXDOMAIN when the
// substitution overflows 255 octets; a CNAME query stops at the synthesized CNAME), so inkan
// must too. Only the case of names in rdata is exempt (rdataCaseRule).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig } from './helpers/dig.js';
import { buildQuery, encodeName, parseHeader, udpExchange } from './helpers/raw.js';
import { checkTools, describeWithTools } from './helpers/tools.js';
import { generateCases, zoneOwnersAndTypes } from './helpers/queries.js';
import { DIFF_ZONE, startInkan, startNsd, type Server } from './helpers/servers.js';
import { defineDifferential, type Rule } from './helpers/differential.js';
import { anyRule, rdataCaseRule, rfc9471Rule } from './helpers/rules.js';

const tools = checkTools(['nsd', 'dig']);
const ORIGIN = 'diff.test.';

const rules: Rule[] = [
  // (a) ANY: NSD 4.6 already answers ANY with a single RRset over UDP *and* TCP (RFC 8482),
  // so there is no "full" ANY answer to compare against even over TCP. inkan must give one
  // RRset of the name over UDP (which one is its choice) and may give all of them over TCP
  // (RFC 8482 §4.4), each identical to NSD's answer for that type.
  anyRule('follows RFC 8482 (one RRset of the server\'s choice)', 'nsd', 'inkan', zoneOwnersAndTypes(DIFF_ZONE, ORIGIN)),
  // (c) a referral whose in-domain glue does not fit: NSD drops the AAAA glue silently,
  // RFC 9471 §3 requires TC=1.
  rfc9471Rule('follows RFC 9471 (NSD differs)', 'nsd', 'inkan'),
  // rdata name case: inkan preserves the zone file's spelling (`cmixed CNAME MiXeD`) and the
  // query's spelling in DNAME-synthesized CNAMEs, as BIND does; NSD folds to lower case.
  rdataCaseRule('preserves case per RFC 4343 (NSD folds it)', 'nsd', 'inkan'),
];

describeWithTools(tools, 'differential: NSD vs inkan', () => {
  describe('diff.test', () => {
    defineDifferential({
      refName: 'nsd',
      gotName: 'inkan',
      origin: ORIGIN,
      digPath: () => tools.paths.dig!,
      startRef: () => startNsd(tools.paths.nsd!, DIFF_ZONE, 'diff.test', { minimalResponses: true }),
      startGot: () => startInkan({ zones: [{ name: 'diff.test', file: DIFF_ZONE }] }),
      cases: generateCases(DIFF_ZONE, ORIGIN),
      rules,
    });
  });
});

function opt(payload: number, owner: Buffer = Buffer.from([0])): Buffer {
  const b = Buffer.alloc(10);
  b.writeUInt16BE(41, 0);
  b.writeUInt16BE(payload, 2);
  return Buffer.concat([owner, b]);
}

function withAdditional(arcount: number, extra: Buffer): Buffer {
  const q = buildQuery({ id: 0x5151, rd: true, questions: [{ name: 'www.diff.test', type: 1 }] });
  q.writeUInt16BE(arcount, 10);
  return Buffer.concat([q, extra]);
}

/** Queries dig cannot send; NSD and inkan must give the same rcode (RFC 6891 §6.1.1 for OPT). */
const MALFORMED: [string, Buffer][] = [
  ['two OPT records', withAdditional(2, Buffer.concat([opt(1232), opt(1232)]))],
  ['an OPT owned by a name other than the root', withAdditional(1, opt(1232, encodeName('x')))],
  ['ARCOUNT 1 with no record', withAdditional(1, Buffer.alloc(0))],
  ['an OPT cut short', withAdditional(1, opt(1232).subarray(0, 8))],
  ['trailing octets after the question', Buffer.concat([buildQuery({ id: 0x5152, questions: [{ name: 'www.diff.test', type: 1 }] }), Buffer.from([1, 2, 3])])],
  ['QCLASS NONE', buildQuery({ id: 0x5153, questions: [{ name: 'www.diff.test', type: 1, class: 254 }] })],
  ['QCLASS CH for a name of the zone', buildQuery({ id: 0x5154, questions: [{ name: 'www.diff.test', type: 16, class: 3 }] })],
  ['two questions', buildQuery({ id: 0x5155, questions: [{ name: 'www.diff.test', type: 1 }, { name: 'www.diff.test', type: 28 }] })],
  ['no question', buildQuery({ id: 0x5156, questions: [] })],
];

// (b) Checks the claim above that makes the reference minimal: NSD's default puts the apex NS
// RRset in the authority section of positive answers, inkan never does. The same two servers
// then get queries dig cannot send.
describeWithTools(tools, 'NSD (default configuration) vs inkan', () => {
  let nsd: Server | undefined;
  let inkan: Server | undefined;
  beforeAll(async () => {
    [nsd, inkan] = await Promise.all([
      startNsd(tools.paths.nsd!, DIFF_ZONE, 'diff.test', { minimalResponses: false }),
      startInkan({ zones: [{ name: 'diff.test', file: DIFF_ZONE }] }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([nsd?.stop(), inkan?.stop()]);
  });

  it('minimal by design (NSD default differs): no NS in the authority section of a positive answer', async () => {
    const n = await dig(tools.paths.dig!, nsd!.port, ['www.diff.test', 'A']);
    expect(n.authority.map((rr) => rr.type), n.raw).toEqual(['NS', 'NS']);
    const i = await dig(tools.paths.dig!, inkan!.port, ['www.diff.test', 'A']);
    expect(i.answer.map((rr) => rr.rdata).sort()).toEqual(n.answer.map((rr) => rr.rdata).sort());
    expect(i.authority, i.raw).toEqual([]);
    expect(i.additional, i.raw).toEqual([]);
  });

  for (const [what, msg] of MALFORMED) {
    it(`malformed query, same rcode as NSD: ${what}`, async () => {
      const [n, i] = await Promise.all([udpExchange(nsd!.port, msg, 500), udpExchange(inkan!.port, msg, 500)]);
      const summary = (r: Buffer | null) => {
        if (!r) return 'no answer';
        const h = parseHeader(r);
        return `qr ${h.qr} id ${h.id.toString(16)} rcode ${h.rcode} answers ${h.ancount}`;
      };
      expect(summary(i)).toBe(summary(n));
    });
  }
});
