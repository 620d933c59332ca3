// Builds zones for tests without the master-file parser, so lookup tests stand alone.
import packet from 'dns-packet';
import { parseName } from '../../src/wire/name.js';
import { Class, typeFromText } from '../../src/wire/constants.js';
import type { ZoneRecord } from '../../src/zone/record.js';
import { buildZone } from '../../src/zone/build.js';
import type { Zone } from '../../src/zone/zone.js';

export type Rec = [owner: string, ttl: number, type: string, data: unknown];

export function records(origin: string, recs: Rec[]): ZoneRecord[] {
  const o = parseName(origin);
  return recs.map(([owner, ttl, type, data], i) => {
    const enc = (packet as unknown as { record(t: string): { encode(d: unknown): Buffer } }).record(type);
    return {
      owner: parseName(owner, o),
      type: typeFromText(type)!,
      class: Class.IN,
      ttl,
      rdata: Buffer.from(enc.encode(data).subarray(2)),
      file: 'test.zone',
      line: i + 1,
    };
  });
}

export function zone(origin: string, recs: Rec[]): Zone {
  const built = buildZone(records(origin, recs), parseName(origin), 'test.zone');
  if (!built.zone) throw new Error(built.errors.map((e) => e.message).join('\n'));
  return built.zone;
}

export const SOA = (ttl = 3600, minimum = 300): Rec => [
  '@', ttl, 'SOA',
  { mname: 'ns1.example.com.', rname: 'hostmaster.example.com.', serial: 2026112601, refresh: 7200, retry: 900, expire: 1209600, minimum },
];
