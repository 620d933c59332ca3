// Turns parsed records into an immutable Zone: groups them into RRsets, adds empty
// non-terminals, marks cuts and occluded names, then runs the zone checks.
import { isSubdomain, nameKey, type Labels } from '../wire/name.js';
import { Class, Type } from '../wire/constants.js';
import { ZoneError, type ZoneRecord } from './record.js';
import { Zone, type ZoneNode } from './zone.js';
import { checkZone } from './checks.js';
import { TypeMap } from './type-map.js';

interface MutableRRset {
  owner: Labels;
  type: number;
  ttl: number;
  rdata: Buffer[];
  /** Where the set was first seen, for error messages. */
  file: string;
  line: number;
}

export interface BuildNode {
  labels: Labels;
  key: string;
  parent: BuildNode | undefined;
  rrsets: TypeMap<MutableRRset>;
  cut: boolean;
  occluded: boolean;
}

export interface BuildResult {
  zone?: Zone;
  errors: ZoneError[];
}

/** Builds a zone from records added one at a time, as the parser reads them. */
export class ZoneBuilder {
  private readonly errors: ZoneError[] = [];
  private readonly originKey: string;
  private readonly nodes = new Map<string, BuildNode>();
  private readonly apex: BuildNode;

  constructor(
    private readonly origin: Labels,
    private readonly file: string,
  ) {
    this.originKey = nameKey(origin);
    this.apex = { labels: origin, key: this.originKey, parent: undefined, rrsets: new TypeMap(), cut: false, occluded: false };
    this.nodes.set(this.originKey, this.apex);
  }

  private nodeFor(labels: Labels, key: string): BuildNode {
    let node = this.nodes.get(key);
    if (node) return node;
    // Create the name and every missing ancestor up to the apex (empty non-terminals).
    const parentLabels = labels.slice(1);
    const parent = this.nodeFor(parentLabels, nameKey(parentLabels));
    node = { labels, key, parent, rrsets: new TypeMap(), cut: false, occluded: false };
    this.nodes.set(key, node);
    return node;
  }

  /** Adds a record; returns the node it went to (undefined for a record that is an error). */
  add(r: ZoneRecord): BuildNode | undefined {
    if (r.class !== Class.IN) {
      this.errors.push(new ZoneError(r.file, r.line, `class ${r.class} is not IN; only IN zones are served`));
      return undefined;
    }
    if (!isSubdomain(r.owner, this.origin)) {
      this.errors.push(new ZoneError(r.file, r.line, `out-of-zone record: ${nameKey(r.owner)} is not in ${this.originKey}`));
      return undefined;
    }
    const node = this.nodeFor(r.owner, nameKey(r.owner));
    const set = node.rrsets.get(r.type);
    if (!set) {
      // A literal array gets room for one element; push() on [] would reserve seventeen.
      node.rrsets.set({ owner: r.owner, type: r.type, ttl: r.ttl, rdata: [r.rdata], file: r.file, line: r.line });
      return node;
    }
    // RFC 2181 §5: no duplicate records in an RRset.
    // RFC 2181 §5.2: one TTL per RRset; like BIND, the first record's TTL wins.
    if (!set.rdata.some((d) => d.equals(r.rdata))) set.rdata.push(r.rdata);
    return node;
  }

  finish(): BuildResult {
    markCutsAndOcclusion(this.nodes, this.apex);
    const errors = [...this.errors, ...checkZone(this.nodes, this.apex, this.file)];
    if (errors.length) return { errors };
    // The build nodes become the zone's nodes as they are: copying a million of them would
    // double the peak memory of a large load for nothing.
    return { zone: new Zone(this.origin, this.originKey, this.nodes as ReadonlyMap<string, ZoneNode>, this.file), errors };
  }
}

export function buildZone(records: readonly ZoneRecord[], origin: Labels, file: string): BuildResult {
  const b = new ZoneBuilder(origin, file);
  for (const r of records) b.add(r);
  return b.finish();
}

/** NS below the apex: the name is a delegation point (the apex has no parent). */
export function makesCut(n: BuildNode): boolean {
  return n.parent !== undefined && n.rrsets.has(Type.NS);
}

/** What is below a cut or a DNAME is not this zone's data (occluded). */
export function hidesBelow(n: BuildNode): boolean {
  return makesCut(n) || n.rrsets.has(Type.DNAME);
}

function markCutsAndOcclusion(nodes: Map<string, BuildNode>, apex: BuildNode): void {
  const resolved = new Set<BuildNode>([apex]);
  const resolve = (n: BuildNode): void => {
    if (resolved.has(n)) return;
    const p = n.parent!;
    resolve(p);
    n.occluded = p.occluded || hidesBelow(p);
    resolved.add(n);
  };
  for (const n of nodes.values()) n.cut = makesCut(n);
  for (const n of nodes.values()) resolve(n);
}
