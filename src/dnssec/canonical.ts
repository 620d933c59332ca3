// RFC 4034 §6: the canonical form and order of an RRset, which is what gets signed.
import { lowerByte, type Labels } from '../wire/name.js';
import { Type } from '../wire/constants.js';

// RFC 4034 §6.2 item 3 as corrected by RFC 6840 §5.1 (no HINFO, no NSEC): types whose
// rdata names are lower-cased. SIG/RRSIG/NSEC names we make ourselves are lower case already.
const NAMES_IN_RDATA: Record<number, (rd: Buffer) => number[]> = {
  [Type.NS]: () => [0], 3: () => [0], 4: () => [0], [Type.CNAME]: () => [0],
  7: () => [0], 8: () => [0], 9: () => [0], [Type.PTR]: () => [0],
  [Type.SOA]: (rd) => [0, skip(rd, 0)],
  14: (rd) => [0, skip(rd, 0)], // MINFO
  [Type.MX]: () => [2], [Type.RP]: (rd) => [0, skip(rd, 0)], [Type.AFSDB]: () => [2],
  21: () => [2], // RT
  26: (rd) => [2, skip(rd, 2)], // PX
  [Type.NAPTR]: (rd) => [naptrReplacement(rd)],
  [Type.KX]: () => [2], [Type.SRV]: () => [6], [Type.DNAME]: () => [0],
};

function skip(rd: Buffer, off: number): number {
  while (rd[off] !== 0) off += rd[off] + 1;
  return off + 1;
}

function naptrReplacement(rd: Buffer): number {
  let o = 4; // order, preference
  for (let i = 0; i < 3; i++) o += 1 + rd[o]; // flags, services, regexp
  return o;
}

/** Rdata with its embedded names lower-cased where RFC 4034 §6.2 asks for it. */
export function canonicalRdata(type: number, rd: Buffer): Buffer {
  const at = NAMES_IN_RDATA[type];
  if (!at) return rd;
  let out: Buffer | undefined;
  for (const start of at(rd)) {
    for (let o = start; o < rd.length && rd[o] !== 0; o += rd[o] + 1) {
      for (let i = o + 1; i <= o + rd[o]; i++) {
        const l = lowerByte(rd[i]);
        if (l !== rd[i]) {
          out ??= Buffer.from(rd);
          out[i] = l;
        }
      }
    }
  }
  return out ?? rd;
}

/** Lower-case uncompressed wire form of a name. */
export function canonicalName(labels: Labels): Buffer {
  let len = 1;
  for (const l of labels) len += l.length + 1;
  const out = Buffer.allocUnsafe(len);
  let o = 0;
  for (const l of labels) {
    out[o++] = l.length;
    for (let i = 0; i < l.length; i++) out[o++] = lowerByte(l[i]);
  }
  out[o] = 0;
  return out;
}

/** Number of labels for the RRSIG Labels field: the root and a leading "*" do not count. */
export function signatureLabels(owner: Labels): number {
  const n = owner.length;
  return n > 0 && owner[0].length === 1 && owner[0][0] === 0x2a ? n - 1 : n;
}

/**
 * The RRset part of the signed data (RFC 4034 §3.1.8.1): each record as
 * owner | type | class | original TTL | rdlength | rdata, in canonical rdata order, no duplicates.
 */
export function canonicalRRset(owner: Labels, type: number, ttl: number, rdata: readonly Buffer[]): Buffer {
  return canonicalRRsetNamed(canonicalName(owner), type, ttl, rdata);
}

/** The same, for an owner already in canonical wire form. */
export function canonicalRRsetNamed(name: Buffer, type: number, ttl: number, rdata: readonly Buffer[]): Buffer {
  // One allocation for the whole RRset (this runs once per RRset signed: 250k times for a
  // zone of 100k names); the usual single record needs no sort. Rdata is a few bytes: byte
  // loops and TypedArray set cost less than Buffer's native compare, equals and copy here.
  if (rdata.length === 1) return writeCanonical(name, type, ttl, [canonicalRdata(type, rdata[0])], 1);
  const rds = rdata.map((rd) => canonicalRdata(type, rd)).sort(compareBytes);
  // Duplicates (the same rdata twice in the file) count once: moved out of the way.
  let n = 1;
  for (let i = 1; i < rds.length; i++) if (compareBytes(rds[i], rds[n - 1]) !== 0) rds[n++] = rds[i];
  return writeCanonical(name, type, ttl, rds, n);
}

function writeCanonical(name: Buffer, type: number, ttl: number, rds: readonly Buffer[], n: number): Buffer {
  let size = 0;
  for (let i = 0; i < n; i++) size += name.length + 10 + rds[i].length;
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const rd = rds[i];
    out.set(name, o);
    o += name.length;
    out.writeUInt16BE(type, o);
    out.writeUInt16BE(1, o + 2);
    out.writeUInt32BE(ttl, o + 4);
    out.writeUInt16BE(rd.length, o + 8);
    out.set(rd, o + 10);
    o += 10 + rd.length;
  }
  return out;
}

/** Buffer.compare's order (bytes, then length), in JavaScript. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
