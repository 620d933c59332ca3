// The signed zone as a master file: what `inkan sign` writes and what verifiers read. It
// holds exactly what online answers and transfers would: the same RRSIGs, the same chain.
import { nameToText } from '../wire/name.js';
import { typeToText } from '../wire/constants.js';
import type { WireRRset } from '../wire/writer.js';
import { rdataToText } from '../zone/rdata/index.js';
import type { Zone } from '../zone/zone.js';
import { carriesSignatures, ZoneSigning } from './zone-signing.js';
import { COMPACT_NOT_TRANSFERABLE } from './denial/compact.js';

/**
 * Every RRset of the zone version in canonical order, each signed one followed by its
 * RRSIGs, NSEC records after their owner's data and NSEC3 records at the end. Unsigned
 * zones give their RRsets alone. The apex SOA comes first, as transfers want it.
 */
export function* zoneContent(zone: Zone): Generator<WireRRset> {
  const s = zone.security instanceof ZoneSigning ? zone.security : undefined;
  // Without a chain a secondary could not prove anything: refuse rather than send half a zone.
  if (s?.compactDenial) throw new Error(`zone ${zone.originKey}: ${COMPACT_NOT_TRANSFERABLE}`);
  for (const node of zone.ordered) {
    for (const set of node.rrsets.values()) {
      yield set;
      if (s && carriesSignatures(node, set.type)) yield s.maker.rrsigSet(set, s.keysFor(set.type));
    }
    const nsec = s?.chain.kind === 'nsec' ? s.chain.nsecAt(node.key) : undefined;
    if (nsec) {
      yield nsec;
      yield s!.maker.rrsigSet(nsec, s!.keys.zsks);
    }
  }
  if (s?.chain.kind === 'nsec3') {
    for (const r of s.chain) {
      yield r;
      yield s.maker.rrsigSet(r, s.keys.zsks);
    }
  }
}

/** Every record of the zone version with its signatures, as master-file lines. */
export function* signedZoneLines(s: ZoneSigning): Generator<string> {
  for (const set of zoneContent(s.zone)) {
    const owner = nameToText(set.owner);
    for (const rd of set.rdata) yield `${owner}\t${set.ttl}\tIN\t${typeToText(set.type)}\t${rdataToText(set.type, rd)}`;
  }
}
