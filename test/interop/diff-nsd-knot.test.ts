// Validates the differential harness itself: NSD against Knot on the same zone. Two mature
// servers agree on nearly everything, so every difference here is either a rule (documented
// below) or a bug in the harness. Kept as a test so a change to the comparison logic that
// hides or invents differences shows up here first.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digBatch, type Response } from './helpers/dig.js';
import { differences, normalize } from './helpers/compare.js';
import { MODE_OPTIONS } from './helpers/queries.js';
import type { Server } from './helpers/servers.js';
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

// The other half of validating the harness: it must notice when the servers do differ. Knot
// gets a zone with three small edits; the queries touching them must show differences and
// the ones that do not must still compare equal.
describeWithTools(tools, 'differential harness notices real differences', () => {
  let nsd: Server | undefined;
  let knot: Server | undefined;
  let dir = '';
  const queries: { name: string; type: string; differs: boolean }[] = [
    { name: 'www.diff.test.', type: 'A', differs: true }, // one TTL changed
    { name: 'c1.diff.test.', type: 'A', differs: true }, // end of the chain readdressed
    { name: 'z.y.x.diff.test.', type: 'A', differs: true }, // y.x removed: *.x now matches
    { name: 'nope.diff.test.', type: 'A', differs: true }, // SOA MINIMUM changed
    { name: 'sub.diff.test.', type: 'NS', differs: true }, // glue readdressed
    { name: 'mail.diff.test.', type: 'AAAA', differs: false },
    { name: 'foo.wild.diff.test.', type: 'TXT', differs: false },
    { name: 'www.dn.diff.test.', type: 'A', differs: false },
  ];
  let results: [Response, Response][] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inkan-mutated-'));
    const mutated = readFileSync(DIFF_ZONE, 'utf8')
      .replace(/^www(\s+)300(\s+)A(\s+)127\.0\.0\.81$/m, 'www$1301$2A$3127.0.0.81')
      .replace(/^c3(\s+)A(\s+)127\.0\.0\.33$/m, 'c3$1A$2127.0.0.34')
      .replace(/^y\.x\s.*$/m, '')
      .replace('300 )      ; minimum', '301 )      ; minimum')
      .replace(/^ns2\.sub(\s+)A(\s+)127\.0\.0\.11$/m, 'ns2.sub$1A$2127.0.0.111');
    const file = join(dir, 'diff.test.zone');
    writeFileSync(file, mutated);
    [nsd, knot] = await Promise.all([startNsd(tools.paths.nsd!, DIFF_ZONE, 'diff.test'), startKnot(tools.paths.knotd!, file, 'diff.test')]);
    const qs = queries.map((q) => ({ name: q.name, type: q.type, options: MODE_OPTIONS.udp }));
    const [a, b] = await Promise.all([digBatch(tools.paths.dig!, nsd.port, qs), digBatch(tools.paths.dig!, knot.port, qs)]);
    results = a.map((r, i) => [r, b[i]!]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([nsd?.stop(), knot?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  queries.forEach((q, i) => {
    it(`${q.name} ${q.type} ${q.differs ? 'differs' : 'still agrees'}`, () => {
      const [a, b] = results[i]!;
      const diff = differences(normalize(a, ORIGIN), normalize(b, ORIGIN), 'nsd', 'knot (edited zone)');
      if (q.differs) expect(diff.length, `${a.raw}\n${b.raw}`).toBeGreaterThan(0);
      else expect(diff).toEqual([]);
    });
  });
});
