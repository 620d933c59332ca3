// The NSEC chain of a zone version (RFC 4034 §4, RFC 4035 §2.3): one record per
// authoritative name in canonical order, each naming the next and listing its types.
import { canonicalSortKey, isSubdomain, wireLength, type Labels } from '../../wire/name.js';
import { Type } from '../../wire/constants.js';
import type { RRset, Zone, ZoneNode } from '../../zone/zone.js';
import { dataTypes, delegationTypes, nodeRole, TypeSetCache, type TypeSet } from './node-types.js';

/** One NSEC record, shaped as an RRset of one record so it is signed and written like any other. */
export interface NsecRecord extends RRset {
  readonly type: typeof Type.NSEC;
  /** Exactly one rdata: the next owner name (uncompressed, as spelled in the zone) and the type bitmap. */
  readonly rdata: readonly [Buffer];
  readonly next: Labels;
  /** The types in the bitmap, increasing. */
  readonly types: readonly number[];
}

export interface NsecOptions {
  /** RFC 9077: min(SOA TTL, SOA MINIMUM), i.e. `zone.negativeTtl`. */
  ttl: number;
  /** Types the signer publishes at the apex beyond the zone's data: DNSKEY, CDS, CDNSKEY. */
  apexTypes?: readonly number[];
}

export class NsecChain implements Iterable<NsecRecord> {
  readonly kind = 'nsec' as const;
  private readonly byKey: Map<string, number>;

  /** `records` in canonical order of owner; `keys[i]` is the name key of `records[i]`. */
  constructor(
    readonly origin: Labels,
    readonly records: readonly NsecRecord[],
    keys: readonly string[],
  ) {
    this.byKey = new Map();
    for (let i = 0; i < keys.length; i++) this.byKey.set(keys[i], i);
  }

  get size(): number {
    return this.records.length;
  }

  [Symbol.iterator](): Iterator<NsecRecord> {
    return this.records[Symbol.iterator]();
  }

  /** The NSEC owned by the name with this key (`nameKey`), if the name has one. */
  nsecAt(ownerKey: string): NsecRecord | undefined {
    const i = this.byKey.get(ownerKey);
    return i === undefined ? undefined : this.records[i];
  }

  /**
   * The NSEC whose owner sorts before `labels` and whose next name sorts after it (the last
   * NSEC, whose next name is the apex, covers every name after its owner). Undefined when
   * `labels` owns an NSEC itself or lies outside the zone. An empty non-terminal is covered
   * by the NSEC before it, whose next name is below it: that is its NODATA proof.
   */
  covering(labels: Labels): NsecRecord | undefined {
    if (!isSubdomain(labels, this.origin)) return undefined;
    const recs = this.records;
    const sortKeys = (this.sortKeys ??= recs.map((r) => canonicalSortKey(r.owner)));
    const key = canonicalSortKey(labels);
    // Last owner at or before the name; the apex (index 0) sorts before every name in the zone.
    let lo = 0;
    let hi = recs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (sortKeys[mid] <= key) lo = mid;
      else hi = mid - 1;
    }
    return sortKeys[lo] === key ? undefined : recs[lo];
  }

  /** canonicalSortKey() of every owner, made when the chain is first asked to cover a name. */
  private sortKeys: string[] | undefined;
}

/** Builds the NSEC chain of a zone version. */
export function buildNsecChain(zone: Zone, opts: NsecOptions): NsecChain {
  const sets = new TypeSetCache();
  const nodes: ZoneNode[] = [];
  const typeSets: TypeSet[] = [];
  for (const node of zone.ordered) {
    const role = nodeRole(node);
    if (role === 'occluded' || role === 'empty') continue; // RFC 4035 §2.3: no NSEC at ENTs or glue.
    let types: number[];
    if (role === 'delegation') {
      // The NSEC at a cut is the parent's and is signed, so RRSIG is set even without DS
      // (RFC 4035 §2.3 and its Appendix A: "b.example. NSEC ns1.example. NS RRSIG NSEC").
      types = delegationTypes(node);
    } else {
      types = dataTypes(node);
      if (node === zone.apex && opts.apexTypes) types.push(...opts.apexTypes);
    }
    types.push(Type.RRSIG, Type.NSEC);
    nodes.push(node);
    typeSets.push(sets.get(types));
  }
  // Every rdata in one allocation: a hundred thousand small buffers cost more than the bytes.
  const n = nodes.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += wireLength(nodes[(i + 1) % n].labels) + typeSets[i].bitmap.length;
  const slab = Buffer.allocUnsafeSlow(total);
  const records: NsecRecord[] = new Array(n);
  const keys: string[] = new Array(n);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const next = nodes[(i + 1) % n].labels;
    const start = o;
    for (const l of next) {
      // Labels are short: a loop beats Buffer.copy's call overhead.
      slab[o++] = l.length;
      for (let k = 0; k < l.length; k++) slab[o++] = l[k];
    }
    slab[o++] = 0;
    o += typeSets[i].bitmap.copy(slab, o);
    records[i] = { owner: nodes[i].labels, type: Type.NSEC, ttl: opts.ttl, rdata: [slab.subarray(start, o)], next, types: typeSets[i].types };
    keys[i] = nodes[i].key;
  }
  return new NsecChain(zone.origin, records, keys);
}
