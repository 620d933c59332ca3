#!/usr/bin/env node
// Time for inkan to sign a whole zone, as `inkan serve` does in the background when a zone
// version loads: load the zone with its denial chain (loadSignedZone), then make every
// signature of the current window on a SigningPool (presign, ahead: false). Prints one
// JSON line: load ms, sign ms, signatures, threads.
//
//   npm run build && node bench/sign-zone.mjs --zone bench/data/100k/bench.test.zone \
//       [--algorithm 13|15] [--denial nsec|nsec3] [--threads 2] [--keys-dir DIR] [--no-early]
//
// Keys are created in --keys-dir (a fresh temp dir by default, removed at exit).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSignedZone } from '../dist/dnssec/load-signed.js';
import { SignatureCache } from '../dist/dnssec/signature-cache.js';
import { SigningPool } from '../dist/dnssec/signing-pool.js';
import { DNSSEC_DEFAULTS } from '../dist/config/types.js';
import { silentLogger } from '../dist/log.js';

const STARTUP_TIDS = (() => { try { return new Set(readdirSync('/proc/self/task')); } catch { return new Set(); } })();

// CPU ms of this process's main thread and of all its other threads (signing threads, and
// V8's and libuv's helpers), from /proc (Linux): on a shared machine, CPU time tells work
// from waiting. Empty elsewhere.
function threadCpu() {
  try {
    const tick = 10; // ms per clock tick (USER_HZ = 100 on Linux)
    let main = 0, others = 0;
    const byName = {};
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ms = (Number(f[11]) + Number(f[12])) * tick;
      if (Number(tid) === process.pid) main = ms; else others += ms;
      // Node 20 names no thread: the signing threads are those started after this script.
      const kind = Number(tid) === process.pid ? 'main' : STARTUP_TIDS.has(tid) ? 'v8AndLibuv' : 'signing';
      byName[kind] = (byName[kind] ?? 0) + ms;
    }
    return { main, others, byName };
  } catch {
    return { main: NaN, others: NaN, byName: {} };
  }
}

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const zoneFile = resolve(opt('--zone', 'bench/data/100k/bench.test.zone'));
const origin = opt('--origin', 'bench.test.');
const algorithm = Number(opt('--algorithm', 13));
const denial = opt('--denial', 'nsec');
const threads = Number(opt('--threads', 2));
const ownKeys = !args.includes('--keys-dir');
// As `inkan serve` loads a zone the first time: signing on the threads while the file is read.
const early = !args.includes('--no-early');
const keysDir = ownKeys ? mkdtempSync(join(tmpdir(), 'inkan-signzone-')) : resolve(opt('--keys-dir'));

try {
  const cfg = { ...DNSSEC_DEFAULTS, nsec3: { ...DNSSEC_DEFAULTS.nsec3 }, algorithm, denial };
  // Big enough that nothing is evicted while the zone is signed (the server's default is 256 MiB).
  const cache = new SignatureCache(1024 * 1024 * 1024);
  const pool = new SigningPool(threads);
  const c0 = threadCpu();
  const t0 = performance.now();
  const at = Math.floor(Date.now() / 1000);
  const { signing } = loadSignedZone(zoneFile, origin, cfg, {
    keysDir, cache, logger: silentLogger, now: () => at, ...(early ? { early: { pool: () => pool, at: () => at } } : {}),
  });
  const t1 = performance.now();
  const c1 = threadCpu();
  // Only the current validity window: what a new zone version needs before it is complete.
  const signatures = await signing.presign(pool, { ahead: false });
  const t2 = performance.now();
  const c2 = threadCpu();
  await pool.close();
  console.log(JSON.stringify({
    zone: zoneFile, algorithm, denial, threads, early,
    loadMs: Math.round(t1 - t0), signMs: Math.round(t2 - t1), totalMs: Math.round(t2 - t0),
    signatures, perSecond: Math.round(signatures / ((t2 - t1) / 1000)),
    cpuMs: { loadMain: c1.main - c0.main, loadOthers: c1.others - c0.others, signMain: c2.main - c1.main, signOthers: c2.others - c1.others },
    // CPU ms per kind of thread over the whole run: the main thread, the signing threads, and
    // the threads node starts with (V8's platform workers, i.e. GC helpers, and libuv's).
    threadCpuMs: Object.fromEntries(Object.entries(c2.byName).map(([k, v]) => [k, v - (c0.byName[k] ?? 0)])),
  }));
} finally {
  if (ownKeys) rmSync(keysDir, { recursive: true, force: true });
}
