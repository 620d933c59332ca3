// Compact denial of existence (RFC 9824): no chain at all. Every denial is one NSEC made for
// the question, owned by the name asked and naming its immediate successor as next name
// (RFC 4470 minimally covering), so it covers nothing and matches exactly one name:
//   NXDOMAIN  -> a NODATA: `qname NSEC \000.qname RRSIG NSEC NXNAME`, rcode NOERROR
//                (NXDOMAIN when the query set the CO flag, RFC 9824 §4.1)
//   NODATA    -> `name NSEC \000.name <its types> RRSIG NSEC` (an ENT lists RRSIG NSEC only)
//   wildcard  -> no proof: the answer is signed as if the query name existed (§3.3)
// The price: each distinct name asked costs one signature (a random-subdomain flood signs
// once per query), and there is nothing a secondary could serve, so such a zone is never
// written out or transferred.
import { isSubdomain, lowerLabels, nameKey, wireLength, type Labels } from '../../wire/name.js';
import { Rcode, Type } from '../../wire/constants.js';
import type { Denial, LookupResult } from '../../answer/lookup.js';
import type { Zone, ZoneNode } from '../../zone/zone.js';
import type { SignableRRset } from '../rrsig.js';
import { encodeTypeBitmap } from '../../wire/type-bitmap.js';
import { closestEncloser, DenialError } from './proofs.js';
import { dataTypes, delegationTypes } from './node-types.js';

export const COMPACT_NOT_TRANSFERABLE = 'compact denial zones cannot be written out / transferred: their proofs are made per query';

/** The NSEC of a compact answer, shaped like a one-record RRset so it is signed like any other. */
export interface CompactNsec extends SignableRRset {
  readonly type: typeof Type.NSEC;
  readonly rdata: readonly [Buffer];
  readonly next: Labels;
  /** The types in the bitmap, increasing. */
  readonly types: readonly number[];
}

const ZERO = Buffer.from([0]);

/**
 * The name right after `name` in canonical order (RFC 4471 §3.1): `\000.name` when that is a
 * legal name; at the length limit, where `name` can have no children, the first label grown
 * by a zero octet, or else with its last octet below 0xff incremented and the rest cut off.
 */
export function successor(name: Labels): Labels {
  const len = wireLength(name);
  if (len + 2 <= 255) return [ZERO, ...name];
  const first = lowerLabels(name.slice(0, 1))[0];
  if (first.length < 63 && len + 1 <= 255) return [Buffer.concat([first, ZERO]), ...name.slice(1)];
  for (let i = first.length - 1; i >= 0; i--) {
    if (first[i] === 0xff) continue;
    const label = Buffer.from(first.subarray(0, i + 1));
    // Upper-case letters sort as lower case: after '@' (0x40) comes '[' (0x5b).
    label[i] = first[i] === 0x40 ? 0x5b : first[i] + 1;
    return [label, ...name.slice(1)];
  }
  // A label of 0xff octets only: the successor is the parent's (nothing sorts between).
  return successor(name.slice(1));
}

/** The per-query NSEC owned by `owner` with these types (RRSIG and NSEC are added). */
export function compactNsec(owner: Labels, types: readonly number[], ttl: number): CompactNsec {
  const all = [...new Set([...types, Type.RRSIG, Type.NSEC])].sort((a, b) => a - b);
  const next = successor(owner);
  const wire: Buffer[] = [];
  for (const l of next) wire.push(Buffer.from([l.length]), l);
  wire.push(ZERO, encodeTypeBitmap(all));
  return { owner, type: Type.NSEC, ttl, rdata: [Buffer.concat(wire)], next, types: all };
}

export class CompactDenial implements Iterable<CompactNsec> {
  readonly kind = 'compact' as const;

  /** `ttl`: the negative TTL, RFC 9077 (min of SOA TTL and SOA MINIMUM). */
  constructor(
    readonly zone: Zone,
    readonly ttl: number,
  ) {}

  /** There is no chain to iterate: signing a zone ahead of time makes no denial records. */
  [Symbol.iterator](): Iterator<CompactNsec> {
    return [][Symbol.iterator]();
  }

  /** The one NSEC (or none) proving `d`. */
  proof(d: Denial): CompactNsec[] {
    const zone = this.zone;
    switch (d.kind) {
      case 'nxdomain':
        // Owned by the name asked, in lower case: the same answer (and signature) for every spelling.
        return [compactNsec(lowerLabels(d.qname), [Type.NXNAME], this.ttl)];
      case 'nodata':
      case 'ds-nodata':
        return [this.atNode(this.existing(d.qname))];
      case 'insecure-referral': {
        const cut = this.existing(d.qname);
        return cut.cut && !cut.rrsets.has(Type.DS) ? [this.atNode(cut)] : [];
      }
      case 'wildcard':
        // RFC 9824 §3.3: the answer's RRSIG claims the query name itself; nothing to deny.
        return [];
      case 'wildcard-nodata': {
        const ce = closestEncloser(zone, d.qname);
        const wildcard = zone.node('*.' + nameKey(ce));
        if (!wildcard || ce.length === d.qname.length) throw new DenialError(`wildcard-nodata for ${nameKey(d.qname)} without a wildcard`);
        return [compactNsec(lowerLabels(d.qname), dataTypes(wildcard), this.ttl)];
      }
    }
  }

  /**
   * DO=1 results of a compact zone: NXDOMAIN becomes NOERROR unless the client set CO; a
   * question for NSEC itself is answered with the NSEC (as a NODATA it would deny the very
   * type its bitmap lists, which validators reject).
   */
  rewrite(res: LookupResult, qname: Labels, qtype: number, compactOk: boolean): void {
    const d = res.denials[0];
    if (qtype === Type.NSEC && res.answer.length === 0 && d && d.kind !== 'insecure-referral' && nameKey(d.qname) === nameKey(qname)) {
      const nsec = this.proof(d)[0];
      if (nsec) {
        res.answer.push({ set: nsec, sign: nsec });
        res.authority.length = 0;
        res.denials.length = 0;
        res.rcode = Rcode.NOERROR;
        return;
      }
    }
    if (res.rcode === Rcode.NXDOMAIN && !compactOk) res.rcode = Rcode.NOERROR;
  }

  /** The NSEC at a name of the zone (its own types; at a cut, the delegation's). */
  private atNode(node: ZoneNode): CompactNsec {
    return compactNsec(node.labels, node.cut ? delegationTypes(node) : dataTypes(node), this.ttl);
  }

  private existing(qname: Labels): ZoneNode {
    const node = isSubdomain(qname, this.zone.origin) ? this.zone.node(nameKey(qname)) : undefined;
    if (!node || node.occluded) throw new DenialError(`compact proof for ${nameKey(qname)}, which is not an authoritative name`);
    return node;
  }
}
