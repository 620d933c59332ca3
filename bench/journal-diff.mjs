#!/usr/bin/env node
// The IXFR journal's cost for a large signed zone: recording the change of a signing epoch
// (a whole refresh later: every RRSIG new; a quarter refresh later: the usual epoch) and
// folding it for an IXFR, with the longest time the event loop was held.
//   npm run build && node bench/gen-zone.mjs --names 100000 --out /tmp/z --no-queries
//   node bench/journal-diff.mjs /tmp/z/bench.test.zone
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSignedZone } from '../dist/dnssec/load-signed.js';
import { SignatureCache } from '../dist/dnssec/signature-cache.js';
import { SigningPool } from '../dist/dnssec/signing-pool.js';
import { DNSSEC_DEFAULTS } from '../dist/config/types.js';
import { Journal } from '../dist/transfer/journal.js';
import { epochLength } from '../dist/server/served.js';
import { createLogger } from '../dist/log.js';
import { zoneContent } from '../dist/dnssec/signed-zone-text.js';

const file = process.argv[2] ?? '/tmp/z/bench.test.zone';
const tmp = mkdtempSync(join(tmpdir(), 'inkan-journal-bench-'));
const cfg = { ...DNSSEC_DEFAULTS };
const { signing } = loadSignedZone(file, 'bench.test.', cfg, { keysDir: join(tmp, 'keys'), cache: new SignatureCache(2e9), logger: createLogger('silent') });
const pool = new SigningPool();

/**
 * The longest gap between timer ticks while `fn` runs: how long the event loop was held.
 * On a busy machine a gap also counts time the process waited for a core, so the CPU time
 * spent in the longest gap (process.cpuUsage, this thread and GC helpers) is given too.
 */
async function stalls(fn) {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let worst = 0;
  let worstCpu = 0;
  const t = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    worst = Math.max(worst, now - last);
    worstCpu = Math.max(worstCpu, cpuMs);
    last = now;
    lastCpu = process.cpuUsage();
  }, 1);
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  clearInterval(t);
  return { result, ms: Math.round(ms), stallMs: `${Math.round(worst)} ms wall (${Math.round(worstCpu)} ms CPU)` };
}

const lines = [];
const logger = createLogger('info', { write: (s) => void lines.push(JSON.parse(s)) });
const journal = new Journal({ dir: join(tmp, 'state'), maxBytes: 2 ** 31, logger });
const t1 = 1_800_000_000;
const versions = [
  ['first version (content + snapshot)', signing.at(signing.zone.serial, t1).zone],
  ['a whole refresh later (every RRSIG new)', signing.at(signing.zone.serial + 1, t1 + cfg.refresh).zone],
  ['one epoch later (a quarter refresh)', signing.at(signing.zone.serial + 2, t1 + cfg.refresh + epochLength(cfg.refresh)).zone],
];
for (const [what, zone] of versions) {
  const s0 = performance.now();
  await zone.security.presign(pool, { ahead: false });
  const signMs = Math.round(performance.now() - s0);
  lines.length = 0;
  const r = await stalls(() => journal.record(zone));
  const rec = lines.find((l) => l.msg === 'journal: change recorded');
  console.log(`${what}: signed in ${signMs} ms (not counted); recorded in ${r.ms} ms, event loop held at most ${r.stallMs}`
    + (rec ? `; diff ${rec.ms} ms, write ${rec.writeMs} ms, ${rec.deleted} deleted + ${rec.added} added, entry ${(rec.bytes / 1e6).toFixed(1)} MB` : ''));
}
// What no slicing here can split: zoneContent (src/dnssec) builds its set of signed RRsets at
// its first step, and AXFR starts the same way.
const t0 = performance.now();
zoneContent(versions[2][1]).next();
console.log(`zoneContent's first step (one synchronous piece of every content walk and every AXFR): ${Math.round(performance.now() - t0)} ms`);
const serial = signing.zone.serial;
const fold = await stalls(() => journal.since(versions[2][1], serial));
console.log(`IXFR from the first serial (two entries folded, decoded): ${fold.ms} ms, event loop held at most ${fold.stallMs}, ${fold.result.deleted.length} deleted + ${fold.result.added.length} added`);
console.log(`journal ${(statSync(join(tmp, 'state', 'bench.test.journal')).size / 1e6).toFixed(1)} MB, snapshot ${(statSync(join(tmp, 'state', 'bench.test.snapshot')).size / 1e6).toFixed(1)} MB; rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
const reload = new Journal({ dir: join(tmp, 'state'), maxBytes: 2 ** 31, logger });
const again = await stalls(() => reload.record(versions[2][1]));
console.log(`restart: journal and snapshot read and checked against the served version in ${again.ms} ms, event loop held at most ${again.stallMs}`);
await pool.close();
rmSync(tmp, { recursive: true, force: true });
