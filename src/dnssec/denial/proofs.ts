// The denial records an answer adds to its authority section, one function per case of
// RFC 4035 §3.1.3 (NSEC) and RFC 5155 §7.2 (NSEC3). Each returns the records in the order
// the RFC lists them, duplicates removed; each costs a few hash-map lookups per label of
// the query name and O(log n) searches of the chain (plus one or two SHA-1s with NSEC3).
//
// The functions trust the caller's reading of the zone (the lookup knows which case it met)
// and throw a DenialError when the zone does not fit the case: that is a bug in the caller.
import { isSubdomain, nameKey, suffixKeys, type Labels } from '../../wire/name.js';
import { Type } from '../../wire/constants.js';
import type { Zone, ZoneNode } from '../../zone/zone.js';
import type { NsecChain, NsecRecord } from './nsec.js';
import type { Nsec3Chain, Nsec3Record } from './nsec3.js';

export type DenialChain = NsecChain | Nsec3Chain;
export type DenialRecord = NsecRecord | Nsec3Record;

export type DenialCase =
  /** The name does not exist and no wildcard matches it (RFC 4035 §3.1.3.2, RFC 5155 §7.2.2). */
  | 'nxdomain'
  /** The name exists (or is an empty non-terminal) but has no RRset of the type (§3.1.3.1, §7.2.3). */
  | 'nodata'
  /** A wildcard answered: the name does not exist (§3.1.3.3, §7.2.6). */
  | 'wildcard-answer'
  /** A wildcard matched but has no RRset of the type (§3.1.3.4, §7.2.5). */
  | 'wildcard-nodata'
  /** A referral to a delegation without DS; `qname` is the cut or any name below it (RFC 4035 §3.1.4, RFC 5155 §7.2.7). */
  | 'referral'
  /** A DS question at a name without DS, such as an insecure delegation (§3.1.4.1, §7.2.4). */
  | 'ds-nodata';

export class DenialError extends Error {
  override name = 'DenialError';
}

/** The denial records for `qname` in the given case, for either kind of chain. */
export function denialProof(zone: Zone, chain: DenialChain, qname: Labels, kind: DenialCase): DenialRecord[] {
  switch (kind) {
    case 'nxdomain': return nxdomainProof(zone, chain, qname);
    case 'nodata': return nodataProof(zone, chain, qname);
    case 'wildcard-answer': return wildcardAnswerProof(zone, chain, qname);
    case 'wildcard-nodata': return wildcardNodataProof(zone, chain, qname);
    case 'referral': return insecureReferralProof(zone, chain, qname);
    case 'ds-nodata': return dsNodataProof(zone, chain, qname);
  }
}

/** NXDOMAIN: the record covering the name and the one covering the wildcard at its closest encloser. */
export function nxdomainProof(zone: Zone, chain: DenialChain, qname: Labels): DenialRecord[] {
  const ce = closestEncloser(zone, qname);
  if (ce.length === qname.length) throw new DenialError(`nxdomain proof for ${nameKey(qname)}, which exists`);
  if (chain.kind === 'nsec') {
    return unique(need(chain.covering(qname), 'NSEC covering', qname), need(chain.covering(wildcardAt(ce)), 'NSEC covering', wildcardAt(ce)));
  }
  const p = chain.closestEncloserProof(qname, { wildcard: true });
  need(p.nextCloserCover, 'NSEC3 covering the next closer name of', qname);
  need(p.wildcardCover, 'NSEC3 covering the wildcard for', qname);
  return [...p.records];
}

/**
 * NODATA at a name that exists: its own NSEC/NSEC3. At an empty non-terminal with NSEC, the
 * NSEC before it (whose next name is below it). At a delegation (a DS question) the proof
 * of `dsNodataProof`.
 */
export function nodataProof(zone: Zone, chain: DenialChain, qname: Labels): DenialRecord[] {
  const node = zone.node(nameKey(qname));
  if (!node || node.occluded) throw new DenialError(`nodata proof for ${nameKey(qname)}, which is not an authoritative name`);
  if (node.cut) return delegationDenial(chain, node);
  if (chain.kind === 'nsec') return [need(chain.nsecAt(node.key) ?? chain.covering(qname), 'NSEC for', qname)];
  return [need(chain.matchingKey(node.key), 'NSEC3 at', qname)];
}

/** A wildcard answer: the record proving the query name itself does not exist. */
export function wildcardAnswerProof(zone: Zone, chain: DenialChain, qname: Labels): DenialRecord[] {
  const ce = wildcardEncloser(zone, qname);
  if (chain.kind === 'nsec') return [need(chain.covering(qname), 'NSEC covering', qname)];
  // RFC 5155 §7.2.6: the NSEC3 covering the next closer name; the wildcard's RRSIG labels
  // field tells the validator the closest encloser.
  const nextCloser = qname.slice(qname.length - ce.length - 1);
  return [need(chain.covering(nextCloser), 'NSEC3 covering', nextCloser)];
}

/** A wildcard NODATA: the proof that the name does not exist and the wildcard's own record. */
export function wildcardNodataProof(zone: Zone, chain: DenialChain, qname: Labels): DenialRecord[] {
  const ce = wildcardEncloser(zone, qname);
  const wildcard = wildcardAt(ce);
  if (chain.kind === 'nsec') {
    // A wildcard that is itself an empty non-terminal has no NSEC: the one before it proves it empty.
    const atWildcard = chain.nsecAt(nameKey(wildcard)) ?? chain.covering(wildcard);
    return unique(need(chain.covering(qname), 'NSEC covering', qname), need(atWildcard, 'NSEC at', wildcard));
  }
  // RFC 5155 §7.2.5: closest encloser proof for the name, and the NSEC3 matching the wildcard.
  const nextCloser = qname.slice(qname.length - ce.length - 1);
  return unique(
    need(chain.matching(ce), 'NSEC3 at', ce),
    need(chain.covering(nextCloser), 'NSEC3 covering', nextCloser),
    need(chain.matching(wildcard), 'NSEC3 at', wildcard),
  );
}

/**
 * A referral to a delegation without DS: the cut's own record (its bitmap shows NS and no
 * DS). With NSEC3 opt-out the cut has none: the closest provable encloser proof of the cut,
 * whose next-closer cover carries the opt-out flag. A referral to a cut with DS needs no
 * denial (the DS RRset and its RRSIG go in the authority section): the result is empty.
 */
export function insecureReferralProof(zone: Zone, chain: DenialChain, qname: Labels): DenialRecord[] {
  const cut = cutAbove(zone, qname);
  if (!cut) throw new DenialError(`referral proof for ${nameKey(qname)}, which is not at or below a delegation`);
  if (cut.rrsets.has(Type.DS)) return [];
  return delegationDenial(chain, cut);
}

/** NODATA for a DS question: at a delegation without DS, its record (or opt-out proof); elsewhere as `nodataProof`. */
export function dsNodataProof(zone: Zone, chain: DenialChain, qname: Labels): DenialRecord[] {
  const node = zone.node(nameKey(qname));
  if (node?.rrsets.has(Type.DS)) throw new DenialError(`ds-nodata proof for ${nameKey(qname)}, which has DS`);
  return nodataProof(zone, chain, qname);
}

/** The denial of DS at a delegation point. */
function delegationDenial(chain: DenialChain, cut: ZoneNode): DenialRecord[] {
  if (chain.kind === 'nsec') return [need(chain.nsecAt(cut.key), 'NSEC at', cut.labels)];
  const match = chain.matchingKey(cut.key);
  if (match) return [match];
  if (!chain.params.optOut) throw new DenialError(`no NSEC3 at ${nameKey(cut.labels)} in a chain without opt-out`);
  const p = chain.closestEncloserProof(cut.labels);
  need(p.nextCloserCover, 'NSEC3 covering the next closer name of', cut.labels);
  return [...p.records];
}

/**
 * The closest encloser of `qname` among the zone's names: the longest ancestor (or the
 * name itself) that exists and is authoritative. Empty non-terminals exist; names below a
 * cut or a DNAME do not, for denial.
 */
export function closestEncloser(zone: Zone, qname: Labels): Labels {
  if (!isSubdomain(qname, zone.origin)) throw new DenialError(`${nameKey(qname)} is not in zone ${zone.originKey}`);
  const keys = suffixKeys(qname);
  const top = qname.length - zone.origin.length;
  for (let i = 0; i < top; i++) {
    const node = zone.node(keys[i]);
    if (node && !node.occluded) return qname.slice(i);
  }
  return qname.slice(top);
}

/** The highest delegation point at or above `qname`, as the lookup meets it walking down. */
function cutAbove(zone: Zone, qname: Labels): ZoneNode | undefined {
  if (!isSubdomain(qname, zone.origin)) return undefined;
  const keys = suffixKeys(qname);
  for (let i = qname.length - zone.origin.length - 1; i >= 0; i--) {
    const node = zone.node(keys[i]);
    if (!node) return undefined;
    if (node.cut) return node;
  }
  return undefined;
}

/** The closest encloser of a name a wildcard answered; throws unless the wildcard is there. */
function wildcardEncloser(zone: Zone, qname: Labels): Labels {
  const ce = closestEncloser(zone, qname);
  if (ce.length === qname.length) throw new DenialError(`wildcard proof for ${nameKey(qname)}, which exists`);
  const w = zone.node(nameKey(wildcardAt(ce)));
  if (!w || w.occluded) throw new DenialError(`wildcard proof for ${nameKey(qname)}, but ${nameKey(wildcardAt(ce))} does not exist`);
  return ce;
}

const STAR = Buffer.from('*');

function wildcardAt(ce: Labels): Labels {
  return [STAR, ...ce];
}

function need<T>(r: T | undefined, what: string, name: Labels): T {
  if (r === undefined) throw new DenialError(`no ${what} ${nameKey(name)}`);
  return r;
}

function unique(...recs: DenialRecord[]): DenialRecord[] {
  const out: DenialRecord[] = [];
  for (const r of recs) if (!out.includes(r)) out.push(r);
  return out;
}
