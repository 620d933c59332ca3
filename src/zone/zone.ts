// One immutable zone version: every name (including empty non-terminals) in a map for the
// lookup, and the same nodes in canonical order for denial proofs and transfers.
import { canonicalCompare, sortCanonical, type Labels } from '../wire/name.js';
import { Type } from '../wire/constants.js';
import { TypeMap } from './type-map.js';
import type { ZoneSecurity } from '../answer/secure.js';

export interface RRset {
  /** Owner with the case of its first record in the file. */
  readonly owner: Labels;
  readonly type: number;
  readonly ttl: number;
  /** Uncompressed wire-form rdata, in file order, duplicates removed. */
  readonly rdata: readonly Buffer[];
}

export interface ZoneNode {
  readonly labels: Labels;
  readonly key: string;
  /** Empty for an empty non-terminal. */
  readonly rrsets: Pick<TypeMap<RRset>, 'get' | 'has' | 'size' | 'keys' | 'values'>;
  /** NS here and not the apex: a delegation point. */
  readonly cut: boolean;
  /** Below a delegation point or below a DNAME: never answered authoritatively. */
  readonly occluded: boolean;
}

export class Zone {
  /** Nodes in RFC 4034 §6.1 canonical order; index 0 is the apex. */
  readonly ordered: readonly ZoneNode[];
  readonly apex: ZoneNode;
  readonly soa: RRset;
  /** Signatures and denial proofs, when this version is signed; set once before it is served. */
  security: ZoneSecurity | undefined;

  constructor(
    readonly origin: Labels,
    readonly originKey: string,
    private readonly nodes: ReadonlyMap<string, ZoneNode>,
    readonly file: string,
  ) {
    this.ordered = sortCanonical([...nodes.values()]);
    this.apex = nodes.get(originKey)!;
    this.soa = this.apex.rrsets.get(Type.SOA)!;
  }

  get serial(): number {
    return this.soa.rdata[0].readUInt32BE(this.soa.rdata[0].length - 20);
  }

  /** RFC 2308 §5: the negative TTL is the smaller of the SOA's TTL and its MINIMUM field. */
  get negativeTtl(): number {
    const rd = this.soa.rdata[0];
    return Math.min(this.soa.ttl, rd.readUInt32BE(rd.length - 4));
  }

  node(key: string): ZoneNode | undefined {
    // A version derived with withSerial() has its own apex; the shared map holds the original.
    return key === this.originKey ? this.apex : this.nodes.get(key);
  }

  /**
   * The same version under another SOA serial: the served serial follows the serial policy
   * and signature refreshes, not only the file. Shares every node but the apex.
   */
  withSerial(serial: number): Zone {
    const rd = Buffer.from(this.soa.rdata[0]);
    rd.writeUInt32BE(serial >>> 0, rd.length - 20);
    const soa: RRset = { owner: this.soa.owner, type: this.soa.type, ttl: this.soa.ttl, rdata: [rd] };
    const rrsets = new TypeMap<RRset>();
    for (const set of this.apex.rrsets.values()) rrsets.set(set.type === Type.SOA ? soa : set);
    const apex: ZoneNode = { ...this.apex, rrsets };
    const ordered = this.ordered.slice();
    ordered[0] = apex;
    const z = Object.create(Zone.prototype) as Zone;
    Object.assign(z, { origin: this.origin, originKey: this.originKey, nodes: this.nodes, file: this.file, ordered, apex, soa, security: undefined });
    return z;
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Index of the last node that sorts at or before `labels` (the NSEC owner covering it). */
  predecessorIndex(labels: Labels): number {
    let lo = 0;
    let hi = this.ordered.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (canonicalCompare(this.ordered[mid].labels, labels) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Every RRset in canonical order of owner, then type. */
  *rrsets(): Generator<RRset> {
    for (const n of this.ordered) {
      const types = [...n.rrsets.keys()].sort((a, b) => a - b);
      for (const t of types) yield n.rrsets.get(t)!;
    }
  }
}
