// Validates the differential harness itself: NSD against Knot on the same zone. Two mature
// servers agree on nearly everything, so every difference here is either a rule (documented
// below) or a bug in the harness. Kept as a test so a change to the comparison logic that
// hides or invents differences shows up here first.
import { describe } from 'vitest';
import { checkTools, describeWithTools } from './helpers/tools.js';
import { generateCases, zoneOwnersAndTypes } from './helpers/queries.js';
import { DIFF_ZONE, startKnot, startNsd } from './helpers/servers.js';
import { defineDifferential, type Rule } from './helpers/differential.js';
import { anyRule, rdataCaseRule, rfc9471Rule } from './helpers/rules.js';

const tools = checkTools(['nsd', 'knotd', 'dig']);
const ORIGIN = 'diff.test.';

// Where Knot and NSD legitimately differ on this zone (both are RFC-compliant choices):
const rules: Rule[] = [
  // Both answer ANY with one RRset (RFC 8482) over UDP and TCP, but pick different ones at the
  // apex (NSD: SOA, Knot: NS).
  anyRule('RFC 8482 (servers choose different RRsets)', 'nsd', 'knot', zoneOwnersAndTypes(DIFF_ZONE, ORIGIN)),
  // Knot sets TC when in-domain glue does not fit; NSD drops the AAAA glue instead.
  rfc9471Rule('follows RFC 9471 (NSD differs)', 'nsd', 'knot'),
];

describeWithTools(tools, 'differential: NSD vs Knot (harness validation)', () => {
  describe('diff.test', () => {
    defineDifferential({
      refName: 'nsd',
      gotName: 'knot',
      origin: ORIGIN,
      digPath: () => tools.paths.dig!,
      startRef: () => startNsd(tools.paths.nsd!, DIFF_ZONE, 'diff.test'),
      startGot: () => startKnot(tools.paths.knotd!, DIFF_ZONE, 'diff.test'),
      cases: generateCases(DIFF_ZONE, ORIGIN),
      rules,
    });
  });
});
