#!/usr/bin/env node
// Build times of the denial chains for a zone of 100k names, and the cost of a proof.
//   npm run build && node bench/denial-chains.mjs
import { buildNsecChain } from '../dist/dnssec/denial/nsec.js';
import { buildNsec3Chain } from '../dist/dnssec/denial/nsec3.js';
import { denialProof } from '../dist/dnssec/denial/proofs.js';
import { Class, Type } from '../dist/wire/constants.js';
import { parseName } from '../dist/wire/name.js';
import { buildZone } from '../dist/zone/build.js';

const N = 100_000;

/** 100k names: hosts, hosts two labels deep (empty non-terminals), delegations with and without DS and glue. */
function bigZone() {
  const origin = parseName('example.com.');
  const recs = [];
  const add = (owner, type, rdata) => recs.push({ owner, type, class: Class.IN, ttl: 3600, rdata, file: 'big.zone', line: recs.length + 1 });
  const soa = Buffer.concat([parseNameWire('ns1.example.com.'), parseNameWire('hostmaster.example.com.'), Buffer.from('0000000100001c20000003840012750000000e10', 'hex')]);
  add(origin, Type.SOA, soa);
  add(origin, Type.NS, parseNameWire('ns1.example.com.'));
  add(parseName('ns1.example.com.'), Type.A, Buffer.from([192, 0, 2, 1]));
  const a = Buffer.from([192, 0, 2, 10]);
  // One authoritative name per step: 60% hosts, 20% hosts under an empty non-terminal,
  // 10% delegations with glue (a third of them with DS), 10% names with MX and TXT.
  for (let i = 0; i < N; i++) {
    const k = i % 10;
    if (k < 6) {
      add(parseName(`host${i}.example.com.`), Type.A, a);
    } else if (k < 8) {
      add(parseName(`www.site${i}.example.com.`), Type.A, a); // site<i> is an empty non-terminal
    } else if (k === 8) {
      const child = `child${i}.example.com.`;
      add(parseName(child), Type.NS, parseNameWire(`ns.${child}`));
      add(parseName(`ns.${child}`), Type.A, a);
      if (i % 30 === 8) add(parseName(child), Type.DS, Buffer.from('3039' + '0d02' + '01'.repeat(32), 'hex'));
    } else {
      add(parseName(`mail${i}.example.com.`), Type.MX, Buffer.concat([Buffer.from([0, 10]), parseNameWire('ns1.example.com.')]));
      add(parseName(`mail${i}.example.com.`), Type.TXT, Buffer.from('\x05hello'));
    }
  }
  const built = buildZone(recs, origin, 'big.zone');
  if (!built.zone) throw new Error(built.errors.slice(0, 3).map((e) => e.message).join('\n'));
  return built.zone;
}

function parseNameWire(text) {
  const labels = parseName(text);
  return Buffer.concat([...labels.flatMap((l) => [Buffer.from([l.length]), l]), Buffer.from([0])]);
}

function time(f) {
  const t = performance.now();
  const r = f();
  return [r, performance.now() - t];
}

const zone = bigZone();
const qnames = Array.from({ length: 20_000 }, (_, i) => parseName(`nx${i * 7919}.example.com.`));
buildNsecChain(zone, { ttl: 3600 }); // warm-up
const [nsec, ms] = time(() => buildNsecChain(zone, { ttl: 3600 }));
const [, pms] = time(() => { for (const q of qnames) denialProof(zone, nsec, q, 'nxdomain'); });
console.log(`zone of ${zone.size} nodes: NSEC chain of ${nsec.size} records in ${ms.toFixed(0)} ms; NXDOMAIN proof ${((pms * 1000) / qnames.length).toFixed(2)} µs`);
const [nsec3, ms3] = time(() => buildNsec3Chain(zone, { ttl: 3600 }));
const [opt, oms] = time(() => buildNsec3Chain(zone, { ttl: 3600, optOut: true }));
const [, pms3] = time(() => { for (const q of qnames) denialProof(zone, nsec3, q, 'nxdomain'); });
console.log(`NSEC3 chain of ${nsec3.size} records in ${ms3.toFixed(0)} ms (opt-out: ${opt.size} records in ${oms.toFixed(0)} ms); NXDOMAIN proof ${((pms3 * 1000) / qnames.length).toFixed(2)} µs`);
