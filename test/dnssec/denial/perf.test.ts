// Build times of the chains for a zone of 100k names, and the cost of a proof. The bounds
// are loose (a slow CI machine must pass); the figures are printed for the record.
import { describe, expect, it } from 'vitest';
import { buildNsecChain } from '../../../src/dnssec/denial/nsec.js';
import { buildNsec3Chain } from '../../../src/dnssec/denial/nsec3.js';
import { denialProof } from '../../../src/dnssec/denial/proofs.js';
import { Class, Type } from '../../../src/wire/constants.js';
import { parseName, type Labels } from '../../../src/wire/name.js';
import { buildZone } from '../../../src/zone/build.js';
import type { ZoneRecord } from '../../../src/zone/record.js';
import type { Zone } from '../../../src/zone/zone.js';

const N = 100_000;

/** 100k names: hosts, hosts two labels deep (empty non-terminals), delegations with and without DS and glue. */
function bigZone(): Zone {
  const origin = parseName('example.com.');
  const recs: ZoneRecord[] = [];
  const add = (owner: Labels, type: number, rdata: Buffer) => recs.push({ owner, type, class: Class.IN, ttl: 3600, rdata, file: 'big.zone', line: recs.length + 1 });
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

function parseNameWire(text: string): Buffer {
  const labels = parseName(text);
  return Buffer.concat([...labels.flatMap((l) => [Buffer.from([l.length]), l]), Buffer.from([0])]);
}

function time<T>(f: () => T): [T, number] {
  const t = performance.now();
  const r = f();
  return [r, performance.now() - t];
}

describe('denial chains of a 100k-name zone', () => {
  const zone = bigZone();

  it('builds the NSEC chain well under a second and answers proofs in microseconds', () => {
    buildNsecChain(zone, { ttl: 3600 }); // warm-up
    const [chain, ms] = time(() => buildNsecChain(zone, { ttl: 3600 }));
    const qnames = Array.from({ length: 20_000 }, (_, i) => parseName(`nx${i * 7919}.example.com.`));
    const [, pms] = time(() => { for (const q of qnames) denialProof(zone, chain, q, 'nxdomain'); });
    console.log(`[denial perf] zone of ${zone.size} nodes: NSEC chain of ${chain.size} records in ${ms.toFixed(0)} ms; NXDOMAIN proof ${((pms * 1000) / qnames.length).toFixed(2)} µs`);
    expect(chain.size).toBe(N + 2); // the apex and ns1 too
    expect(ms).toBeLessThan(2000);
  });

  it('builds the NSEC3 chain in a few seconds and answers proofs in microseconds', () => {
    const [chain, ms] = time(() => buildNsec3Chain(zone, { ttl: 3600 }));
    const [opt, oms] = time(() => buildNsec3Chain(zone, { ttl: 3600, optOut: true }));
    const qnames = Array.from({ length: 20_000 }, (_, i) => parseName(`nx${i * 7919}.example.com.`));
    const [, pms] = time(() => { for (const q of qnames) denialProof(zone, chain, q, 'nxdomain'); });
    console.log(`[denial perf] NSEC3 chain of ${chain.size} records in ${ms.toFixed(0)} ms (opt-out: ${opt.size} records in ${oms.toFixed(0)} ms); NXDOMAIN proof ${((pms * 1000) / qnames.length).toFixed(2)} µs`);
    expect(ms).toBeLessThan(10_000);
  });
});
