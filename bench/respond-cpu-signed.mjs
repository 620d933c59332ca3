#!/usr/bin/env node
// respond-cpu.mjs for DO=1 answers: a signed served version, warm signature cache, no
// response cache, CPU microseconds per query.
//   npm run build && node bench/respond-cpu-signed.mjs ZONEFILE QUERYFILE
import { loadSignedZone } from '../dist/dnssec/load-signed.js';
import { SignatureCache } from '../dist/dnssec/signature-cache.js';
import { ZoneStore } from '../dist/zone/store.js';
import { Responder } from '../dist/answer/responder.js';
import { DEFAULT_ANSWER_OPTIONS } from '../dist/answer/options.js';
import { DNSSEC_DEFAULTS } from '../dist/config/types.js';
import { silentLogger } from '../dist/log.js';
import { readFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
const packet = createRequire(import.meta.url)('dns-packet');
const { signing } = loadSignedZone(process.argv[2], 'bench.test', { ...DNSSEC_DEFAULTS }, { keysDir: mkdtempSync('/tmp/k-'), cache: new SignatureCache(1e9), logger: silentLogger });
const served = signing.at(signing.zone.serial, Math.floor(Date.now() / 1000)).zone;
const r = new Responder(new ZoneStore([served]), { ...DEFAULT_ANSWER_OPTIONS, responseCacheEntries: 0 });
const lines = readFileSync(process.argv[3], 'utf8').split('\n').filter(Boolean).slice(0, 100000);
const qs = lines.map((l, i) => { const [name, type] = l.split(/\s+/); return packet.encode({ type: 'query', id: i & 0xffff, questions: [{ name, type }], additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: packet.DNSSEC_OK }] }); });
for (const q of qs) r.respond(q, false);
const c0 = process.cpuUsage();
let n = 0;
for (let k = 0; k < 3; k++) for (const q of qs) { r.respond(q, false); n++; }
const c = process.cpuUsage(c0);
console.log(((c.user + c.system) / n).toFixed(2), 'us CPU/query DO=1');
