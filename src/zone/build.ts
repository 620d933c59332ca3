// Turns parsed records into an immutable Zone: groups them into RRsets, adds empty
// non-terminals, marks cuts and occluded names, then runs the zone checks.
import { isSubdomain, nameKey, type Labels } from '../wire/name.js';
import { Class, Type } from '../wire/constants.js';
import { ZoneError, type ZoneRecord } from './record.js';
import { Zone, type RRset, type ZoneNode } from './zone.js';
import { checkZone } from './checks.js';

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
  rrsets: Map<number, MutableRRset>;
  cut: boolean;
  occluded: boolean;
}

export interface BuildResult {
  zone?: Zone;
  errors: ZoneError[];
}

export function buildZone(records: readonly ZoneRecord[], origin: Labels, file: string): BuildResult {
  const errors: ZoneError[] = [];
  const originKey = nameKey(origin);
  const nodes = new Map<string, BuildNode>();
  const apex: BuildNode = { labels: origin, key: originKey, parent: undefined, rrsets: new Map(), cut: false, occluded: false };
  nodes.set(originKey, apex);

  const nodeFor = (labels: Labels, key: string): BuildNode => {
    let node = nodes.get(key);
    if (node) return node;
    // Create the name and every missing ancestor up to the apex (empty non-terminals).
    const parentLabels = labels.slice(1);
    const parent = nodeFor(parentLabels, nameKey(parentLabels));
    node = { labels, key, parent, rrsets: new Map(), cut: false, occluded: false };
    nodes.set(key, node);
    return node;
  };

  for (const r of records) {
    if (r.class !== Class.IN) {
      errors.push(new ZoneError(r.file, r.line, `class ${r.class} is not IN; only IN zones are served`));
      continue;
    }
    if (!isSubdomain(r.owner, origin)) {
      errors.push(new ZoneError(r.file, r.line, `out-of-zone record: ${nameKey(r.owner)} is not in ${originKey}`));
      continue;
    }
    const key = nameKey(r.owner);
    const node = nodeFor(r.owner, key);
    let set = node.rrsets.get(r.type);
    if (!set) {
      set = { owner: r.owner, type: r.type, ttl: r.ttl, rdata: [], file: r.file, line: r.line };
      node.rrsets.set(r.type, set);
    } else if (set.rdata.some((d) => d.equals(r.rdata))) {
      continue; // RFC 2181 §5: an RRset holds no duplicate records.
    }
    // RFC 2181 §5.2: one TTL per RRset; like BIND, the first record's TTL wins.
    set.rdata.push(r.rdata);
  }

  markCutsAndOcclusion(nodes, apex);
  errors.push(...checkZone(nodes, apex, file));
  if (errors.length) return { errors };

  const frozen = new Map<string, ZoneNode>();
  for (const [k, n] of nodes) {
    const rrsets = new Map<number, RRset>();
    for (const [t, s] of n.rrsets) rrsets.set(t, { owner: s.owner, type: s.type, ttl: s.ttl, rdata: s.rdata });
    frozen.set(k, { labels: n.labels, key: n.key, rrsets, cut: n.cut, occluded: n.occluded });
  }
  return { zone: new Zone(origin, originKey, frozen, file), errors };
}

function markCutsAndOcclusion(nodes: Map<string, BuildNode>, apex: BuildNode): void {
  const resolved = new Set<BuildNode>([apex]);
  const resolve = (n: BuildNode): void => {
    if (resolved.has(n)) return;
    const p = n.parent!;
    resolve(p);
    n.occluded = p.occluded || p.cut || (p !== apex && p.rrsets.has(Type.DNAME)) || (p === apex && apex.rrsets.has(Type.DNAME));
    resolved.add(n);
  };
  for (const n of nodes.values()) {
    n.cut = n !== apex && n.rrsets.has(Type.NS);
  }
  for (const n of nodes.values()) resolve(n);
}
