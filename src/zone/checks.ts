// The checks named-checkzone makes before a zone may be served. Each error points at the
// record (file and line) that causes it.
import { isSubdomain, nameKey, readName } from '../wire/name.js';
import { Type, typeToText } from '../wire/constants.js';
import { ZoneError } from './record.js';
import type { BuildNode } from './build.js';

// Types that may sit beside a CNAME (RFC 2181 §10.1, RFC 4035 §2.5).
const BESIDE_CNAME = new Set<number>([Type.CNAME, Type.RRSIG, Type.NSEC, Type.NSEC3]);

export function checkZone(nodes: ReadonlyMap<string, BuildNode>, apex: BuildNode, file: string): ZoneError[] {
  const errors: ZoneError[] = [];
  const soa = apex.rrsets.get(Type.SOA);
  if (!soa) {
    errors.push(new ZoneError(file, 0, `no SOA record at the zone apex ${apex.key}`));
  } else if (soa.rdata.length > 1) {
    errors.push(new ZoneError(soa.file, soa.line, `${soa.rdata.length} SOA records at the apex; exactly one is allowed`));
  }
  const apexNs = apex.rrsets.get(Type.NS);
  if (!apexNs) errors.push(new ZoneError(soa?.file ?? file, soa?.line ?? 0, `no NS records at the zone apex ${apex.key}`));

  for (const node of nodes.values()) {
    for (const set of node.rrsets.values()) {
      if (set.type === Type.SOA && node !== apex) {
        errors.push(new ZoneError(set.file, set.line, `SOA record at ${node.key}, which is not the zone apex`));
      }
      if ((set.type === Type.CNAME || set.type === Type.DNAME) && set.rdata.length > 1) {
        errors.push(new ZoneError(set.file, set.line, `${node.key} has ${set.rdata.length} ${typeToText(set.type)} records; only one is allowed`));
      }
    }
    const cname = node.rrsets.get(Type.CNAME);
    if (cname) {
      if (node === apex) errors.push(new ZoneError(cname.file, cname.line, `CNAME at the zone apex ${node.key}`));
      for (const other of node.rrsets.values()) {
        if (!BESIDE_CNAME.has(other.type)) {
          errors.push(new ZoneError(other.file, other.line, `CNAME and other data at ${node.key} (${typeToText(other.type)} beside CNAME)`));
        }
      }
    }
    if (node.occluded) continue;
    const ns = node.rrsets.get(Type.NS);
    if (ns) {
      const dname = node.rrsets.get(Type.DNAME);
      if (dname && node !== apex) errors.push(new ZoneError(dname.file, dname.line, `DNAME and NS at ${node.key}, a delegation point`));
      for (const rd of ns.rdata) {
        const target = readName(rd, 0).labels;
        if (!isSubdomain(target, apex.labels)) continue;
        const t = nodes.get(nameKey(target));
        const has = t && (t.rrsets.has(Type.A) || t.rrsets.has(Type.AAAA));
        if (t?.rrsets.has(Type.CNAME)) {
          errors.push(new ZoneError(ns.file, ns.line, `NS target ${nameKey(target)} of ${node.key} is a CNAME (RFC 2181 §10.3)`));
        } else if (!has) {
          const why = isSubdomain(target, node.labels) && node !== apex ? 'missing glue' : 'no address records';
          errors.push(new ZoneError(ns.file, ns.line, `NS target ${nameKey(target)} of ${node.key} has no A or AAAA record (${why})`));
        }
      }
    }
  }
  return errors;
}
