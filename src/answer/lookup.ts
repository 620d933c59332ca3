// The authoritative lookup of RFC 1034 §4.3.2, with the corrections of RFC 2308 (negative
// answers), RFC 4592 (wildcards), RFC 6672 (DNAME) and RFC 6604 (rcode of CNAME chains).
// It returns sections; assembling the message (EDNS, truncation) is the responder's job.
import { isSubdomain, nameKey, nameToWire, readName, suffixKeys, wireLength, type Labels } from '../wire/name.js';
import { Rcode, Type } from '../wire/constants.js';
import type { WireRRset } from '../wire/writer.js';
import type { RRset, Zone, ZoneNode } from '../zone/zone.js';

export interface AdditionalSet {
  set: WireRRset;
  /** Glue for a name server inside the delegated zone: if it does not fit, set TC (RFC 9471). */
  required: boolean;
}

/** An RRset to send, and the zone RRset whose signatures go with it (none: unsigned data). */
export interface Entry {
  set: WireRRset;
  sign: RRset | undefined;
  /** Sent only to DO=1 clients of a signed zone (DS in a referral, RFC 4035 §3.1.4). */
  dnssecOnly?: boolean;
}

/** A fact the DNSSEC layer must prove with NSEC or NSEC3 records (RFC 4035 §3.1.3, RFC 5155 §7.2). */
export interface Denial {
  kind: 'nxdomain' | 'nodata' | 'ds-nodata' | 'wildcard' | 'wildcard-nodata' | 'insecure-referral';
  /** The name asked at this step of the answer (the cut, for a referral). */
  qname: Labels;
}

export interface LookupResult {
  rcode: number;
  aa: boolean;
  answer: Entry[];
  authority: Entry[];
  denials: Denial[];
  additional: AdditionalSet[];
  /** Holds names spelled as the client spelled them (DNAME synthesis), so not for the response cache. */
  clientSpelling: boolean;
}

export interface LookupOptions {
  /** ANY over UDP gets one RRset (RFC 8482); over TCP, all of them. */
  tcp: boolean;
  additionalMxSrv: boolean;
}

const MAX_CHAIN = 16;

/** `qkeys`: suffixKeys(qname), when the caller has them already. */
export function lookup(zone: Zone, qname: Labels, qtype: number, opts: LookupOptions, qkeys?: readonly string[]): LookupResult {
  const res: LookupResult = { rcode: Rcode.NOERROR, aa: true, answer: [], authority: [], denials: [], additional: [], clientSpelling: false };
  let seen: Set<string> | undefined;
  let name = qname;
  let keys = qkeys ?? suffixKeys(qname);
  for (let step = 0; step < MAX_CHAIN; step++) {
    const next = resolveOnce(zone, name, keys, qtype, opts, res, step === 0);
    if (!next) return res;
    // A chain that leaves the zone or loops ends here; the client's resolver takes over.
    if (!isSubdomain(next, zone.origin)) return res;
    seen ??= new Set<string>([keys[0]]);
    keys = suffixKeys(next);
    if (seen.has(keys[0])) return res;
    seen.add(keys[0]);
    name = next;
  }
  return res;
}

/** One step of the lookup. Returns the name to continue with when it met a CNAME or DNAME. */
function resolveOnce(zone: Zone, qname: Labels, keys: readonly string[], qtype: number, opts: LookupOptions, res: LookupResult, first: boolean): Labels | undefined {
  const n = qname.length;
  const z = zone.origin.length;
  let node: ZoneNode = zone.apex;
  for (let d = z; ; d++) {
    if (d > z && node.cut && !(d === n && qtype === Type.DS)) {
      referral(zone, node, res, first);
      return undefined;
    }
    if (d === n) break;
    const dname = node.rrsets.get(Type.DNAME);
    if (dname) {
      const next = synthesizeFromDname(qname, n - d, dname, res);
      // The synthesized CNAME is itself the answer to a CNAME question (RFC 6672 §3.2).
      return qtype === Type.CNAME ? undefined : next;
    }
    const child = zone.node(keys[n - d - 1]);
    if (!child) {
      const wildcard = zone.node('*.' + node.key);
      if (wildcard) return answerAt(zone, wildcard, qname, true, qtype, opts, res);
      res.rcode = Rcode.NXDOMAIN;
      negative(zone, res);
      res.denials.push({ kind: 'nxdomain', qname });
      return undefined;
    }
    node = child;
  }
  return answerAt(zone, node, qname, false, qtype, opts, res);
}

/** Answers from a node that matched; for a wildcard match the owner becomes the query name. */
function answerAt(zone: Zone, node: ZoneNode, qname: Labels, wildcard: boolean, qtype: number, opts: LookupOptions, res: LookupResult): Labels | undefined {
  const own = (s: RRset): Entry => ({ set: wildcard ? { owner: qname, type: s.type, ttl: s.ttl, rdata: s.rdata } : s, sign: s });
  // RFC 4035 §3.1.3.3: an answer made from a wildcard comes with proof that the name itself does not exist.
  if (wildcard) res.denials.push({ kind: 'wildcard', qname });
  const cname = node.rrsets.get(Type.CNAME);
  // ANY matches the CNAME itself (RFC 1034 §4.3.2 step 3a), so only other types chase it.
  if (cname && qtype !== Type.CNAME && qtype !== Type.ANY) {
    res.answer.push(own(cname));
    return readName(cname.rdata[0], 0).labels;
  }
  if (qtype === Type.ANY && node.rrsets.size > 0) {
    const types = node.rrsets.keys().sort((a, b) => a - b);
    // RFC 8482 §4.1: over UDP, one RRset is enough and keeps the answer small.
    for (const t of opts.tcp ? types : types.slice(0, 1)) res.answer.push(own(node.rrsets.get(t)!));
    return undefined;
  }
  const set = node.rrsets.get(qtype);
  if (!set) {
    negative(zone, res);
    if (wildcard) res.denials[res.denials.length - 1].kind = 'wildcard-nodata';
    else res.denials.push({ kind: node.cut ? 'ds-nodata' : 'nodata', qname });
    return undefined;
  }
  res.answer.push(own(set));
  if (opts.additionalMxSrv && (qtype === Type.MX || qtype === Type.SRV)) {
    const offset = qtype === Type.MX ? 2 : 6;
    for (const rd of set.rdata) addAddresses(zone, readName(rd, offset).labels, res, false, true);
  }
  return undefined;
}

/** NXDOMAIN or NODATA: the SOA in the authority section with the RFC 2308 negative TTL. */
function negative(zone: Zone, res: LookupResult): void {
  res.authority.push({ set: { owner: zone.soa.owner, type: Type.SOA, ttl: zone.negativeTtl, rdata: zone.soa.rdata }, sign: zone.soa });
}

function referral(zone: Zone, cut: ZoneNode, res: LookupResult, first: boolean): void {
  if (first) res.aa = false;
  const ns = cut.rrsets.get(Type.NS)!;
  // The delegation NS is the child's data: never signed here (RFC 4035 §2.2).
  res.authority.push({ set: ns, sign: undefined });
  const ds = cut.rrsets.get(Type.DS);
  if (ds) res.authority.push({ set: ds, sign: ds, dnssecOnly: true });
  else res.denials.push({ kind: 'insecure-referral', qname: cut.labels });
  const done = new Set<string>();
  for (const rd of ns.rdata) {
    const target = readName(rd, 0).labels;
    const key = nameKey(target);
    if (done.has(key)) continue;
    done.add(key);
    // Glue below the cut is required; sibling glue elsewhere in the zone is a courtesy.
    addAddresses(zone, target, res, isSubdomain(target, cut.labels), false);
  }
}

function addAddresses(zone: Zone, target: Labels, res: LookupResult, required: boolean, authoritativeOnly: boolean): void {
  if (!isSubdomain(target, zone.origin)) return;
  const node = zone.node(nameKey(target));
  if (!node || (authoritativeOnly && (node.occluded || node.cut))) return;
  for (const t of [Type.A, Type.AAAA]) {
    const set = node.rrsets.get(t);
    if (set) res.additional.push({ set, required });
  }
}

/** RFC 6672 §2.2: the DNAME itself, then a CNAME from the query name to its substitute. */
function synthesizeFromDname(qname: Labels, keep: number, dname: RRset, res: LookupResult): Labels | undefined {
  res.answer.push({ set: dname, sign: dname });
  const target = readName(dname.rdata[0], 0).labels;
  const next = qname.slice(0, keep).concat(target);
  if (wireLength(next) > 255) {
    res.rcode = Rcode.YXDOMAIN;
    return undefined;
  }
  // RFC 6672 §5.3: the synthesized CNAME is not signed; validators derive it from the DNAME.
  res.answer.push({ set: { owner: qname, type: Type.CNAME, ttl: dname.ttl, rdata: [nameToWire(next)] }, sign: undefined });
  res.clientSpelling = true;
  return next;
}
