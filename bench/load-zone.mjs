#!/usr/bin/env node
// Load one zone file with inkan's loader (dist/zone/load.js, so `npm run build` first) and
// print how long it took and how much memory the process holds, as one JSON line:
//   node bench/load-zone.mjs FILE [ORIGIN]   (ORIGIN defaults to bench.test.)
// {"file":..,"ms":..,"rssMiB":..,"maxRssMiB":..,"heapUsedMiB":..,"names":..}
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [file, origin = 'bench.test.'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/load-zone.mjs FILE [ORIGIN]');
  process.exit(2);
}
const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const { loadZoneFile } = await import(pathToFileURL(resolve(root, 'dist/zone/load.js')).href);

const MiB = 1024 * 1024;
const t0 = process.hrtime.bigint();
const zone = loadZoneFile(resolve(file), origin.endsWith('.') ? origin : `${origin}.`);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const mem = process.memoryUsage();
console.log(JSON.stringify({
  file, ms: Math.round(ms),
  rssMiB: Math.round(mem.rss / MiB),
  maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  heapUsedMiB: Math.round(mem.heapUsed / MiB),
  names: zone?.size,
}));
