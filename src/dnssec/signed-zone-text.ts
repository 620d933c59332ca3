// The signed zone as a master file: what `inkan sign` writes and what verifiers read. It
// holds exactly what online answers and transfers would: the same RRSIGs, the same chain.
import { nameToText } from '../wire/name.js';
import { typeToText, Type } from '../wire/constants.js';
import { rdataToText } from '../zone/rdata/index.js';
import type { ZoneSigning } from './zone-signing.js';
import type { SignableRRset } from './rrsig.js';

function lines(set: SignableRRset, rdata: readonly Buffer[] = set.rdata, type = set.type): string[] {
  const owner = nameToText(set.owner);
  return rdata.map((rd) => `${owner}\t${set.ttl}\tIN\t${typeToText(type)}\t${rdataToText(type, rd)}`);
}

/** Every record of the zone version with its signatures, in canonical order, as text lines. */
export function* signedZoneLines(s: ZoneSigning): Generator<string> {
  const signed = new Set<unknown>(s.signed());
  for (const node of s.zone.ordered) {
    for (const t of node.rrsets.keys().sort((a, b) => a - b)) {
      const set = node.rrsets.get(t)!;
      yield* lines(set);
      if (signed.has(set)) yield* lines(set, s.maker.sign(set, s.keysFor(set.type)), Type.RRSIG);
    }
    const nsec = s.chain.kind === 'nsec' ? s.chain.nsecAt(node.key) : undefined;
    if (nsec) {
      yield* lines(nsec);
      yield* lines(nsec, s.maker.sign(nsec, s.keys.zsks), Type.RRSIG);
    }
  }
  if (s.chain.kind === 'nsec3') {
    for (const r of s.chain) {
      yield* lines(r);
      yield* lines(r, s.maker.sign(r, s.keys.zsks), Type.RRSIG);
    }
  }
}
