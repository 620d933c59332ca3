// The differential test: a few hundred queries (helpers/queries.ts) sent with real dig to NSD
// and to inkan serving the same zone (fixtures/diff.test.zone), answers compared field by field
// (helpers/compare.ts: rcode, aa/tc/rd/ra, OPT presence, answer and authority as sets of RRs
// with TTLs, glue of referrals).
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
import { describe } from 'vitest';
import { checkTools, describeWithTools } from './helpers/tools.js';
import { generateCases, zoneOwnersAndTypes } from './helpers/queries.js';
import { DIFF_ZONE, startInkan, startNsd } from './helpers/servers.js';
import { defineDifferential, type Rule } from './helpers/differential.js';
import { anyRule, rdataCaseRule, rfc9471Rule } from './helpers/rules.js';

const tools = checkTools(['nsd', 'dig']);
const ORIGIN = 'diff.test.';

const rules: Rule[] = [
  // (a) ANY: NSD 4.6 already answers ANY with a single RRset over UDP *and* TCP (RFC 8482),
  // so there is no "full" ANY answer to compare against even over TCP. inkan must give one
  // RRset of the name, identical to its own answer for that type; which one is its choice.
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
