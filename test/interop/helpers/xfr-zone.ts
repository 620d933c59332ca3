// Zone files for the secondary tests: fixtures/xfr.test.zone (no $ORIGIN: the origin comes
// from inkan's config) plus generated names, so a transfer spans several messages, and an
// `edit` step that changes one record and adds a name, as an operator's edit would.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './servers.js';

/** Writes the zone file: the fixture, `bulk` generated names, and after `edits` edits of it. */
export function writeXfrZone(file: string, bulk: number, edits = 0): void {
  let text = readFileSync(join(FIXTURES, 'xfr.test.zone'), 'utf8');
  // edit n: www moves to 127.0.1.n and the name edit-n appears (every earlier one stays)
  if (edits > 0) text = text.replace(/^www(\s+)A(\s+)127\.0\.0\.12$/m, `www$1A$2127.0.1.${edits}`);
  for (let i = 1; i <= edits; i++) text += `edit-${i} TXT "edit ${i}"\n`;
  for (let i = 0; i < bulk; i++) text += `bulk-${i} A 127.0.${i >> 8}.${i & 255}\nbulk-${i} TXT "generated name ${i}"\n`;
  writeFileSync(file, text);
}
