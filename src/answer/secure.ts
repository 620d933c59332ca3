// Turns a lookup result into the records to send: with DO=1 on a signed zone, each RRset
// is followed by its RRSIGs and the authority section gains the denial proofs.
import type { WireRRset } from '../wire/writer.js';
import { Type } from '../wire/constants.js';
import type { Labels } from '../wire/name.js';
import type { Denial, Entry, LookupResult } from './lookup.js';

/** What a signed zone version offers the answer path. */
export interface ZoneSecurity {
  /** The RRSIG RRset to send after `entry.set`, signed over `entry.sign`. */
  rrsigs(entry: Entry): WireRRset;
  /** NSEC/NSEC3 records, each followed by its RRSIGs, proving `d`. */
  proof(d: Denial): WireRRset[];
  /**
   * Compact denial (RFC 9824) answers differently from the lookup: NXDOMAIN as NOERROR unless
   * the query set CO, which the response then echoes.
   */
  readonly compactDenial?: boolean;
  /** Adjusts a DO=1 result before `sections` (compact denial; others leave it alone). */
  rewrite?(res: LookupResult, qname: Labels, qtype: number, compactOk: boolean): void;
}

export interface Sections {
  answer: WireRRset[];
  authority: WireRRset[];
}

export function sections(res: LookupResult, security: ZoneSecurity | undefined): Sections {
  if (!security) {
    const plain = (entries: Entry[]) => entries.filter((e) => !e.dnssecOnly).map((e) => e.set);
    return { answer: plain(res.answer), authority: plain(res.authority) };
  }
  const withSigs = (entries: Entry[]): WireRRset[] => {
    const out: WireRRset[] = [];
    for (const e of entries) {
      out.push(e.set);
      if (e.sign) out.push(security.rrsigs(e));
    }
    return out;
  };
  const authority = withSigs(res.authority);
  // One proof record can serve two facts (e.g. NXDOMAIN and its wildcard): send it once,
  // with its signatures. Chain records are the same objects each time they are proven.
  const seen = new Set<WireRRset>();
  let skipping = false;
  for (const d of res.denials) {
    for (const set of security.proof(d)) {
      if (set.type !== Type.RRSIG) {
        skipping = seen.has(set);
        seen.add(set);
      }
      if (!skipping) authority.push(set);
    }
  }
  return { answer: withSigs(res.answer), authority };
}
