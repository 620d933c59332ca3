#!/usr/bin/env node
// In-process cost of answering, without sockets: microseconds per query through Responder.respond()
// for a query file (dnsperf format). Repeatable on a busy machine, unlike qps over loopback.
//   npm run build && node bench/respond-cpu.mjs ZONEFILE QUERYFILE [RESPONSE_CACHE_ENTRIES]
import { loadZoneFile } from '../dist/zone/load.js';
import { ZoneStore } from '../dist/zone/store.js';
import { Responder } from '../dist/answer/responder.js';
import { DEFAULT_ANSWER_OPTIONS } from '../dist/answer/options.js';
import packet from 'dns-packet';
import { readFileSync } from 'node:fs';
const z = loadZoneFile(process.argv[2], 'bench.test.');
const r = new Responder(new ZoneStore([z]), { ...DEFAULT_ANSWER_OPTIONS, responseCacheEntries: Number(process.argv[4] ?? 0) });
const lines = readFileSync(process.argv[3], 'utf8').split('\n').filter(Boolean).slice(0, 200000);
const qs = lines.map((l, i) => { const [name, type] = l.split(/\s+/); return packet.encode({ type: 'query', id: i & 0xffff, questions: [{ name, type }], additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232 }] }); });
// One whole pass first: with a response cache, the figure is then the steady state (hits),
// not the first answer to each distinct question.
for (let k = 0; k < 2; k++) for (const q of qs) r.respond(q, false); // twice: a question is cached when repeated
// CPU time of this process, so other work on a shared machine does not count against it.
const cpu0 = process.cpuUsage();
let n = 0;
for (let k = 0; k < 3; k++) for (const q of qs) { r.respond(q, false, undefined, true); n++; } // shared, as the UDP path asks
const c = process.cpuUsage(cpu0);
const us = c.user + c.system;
console.log(`${(us / n).toFixed(2)} us CPU/query, ${Math.round(n / (us / 1e6))} queries per CPU-second (${n} queries)`);
