// Records as the journal and the snapshot keep them: each in uncompressed wire form (owner,
// type, class, TTL, rdata length, rdata), so two records are the same exactly when their
// bytes are, and a secondary's copy can be compared byte for byte with what we hold.
import { readName } from '../wire/name.js';
import type { WireRRset } from '../wire/writer.js';

/** Bytes of one record of `set` with this rdata. */
export function recordLength(set: WireRRset, rd: Buffer): number {
  let n = 1;
  for (const l of set.owner) n += l.length + 1;
  return n + 10 + rd.length;
}

/** Writes one record of `set` with this rdata at `pos`; returns the offset after it. */
export function writeRecord(out: Buffer, pos: number, set: WireRRset, rd: Buffer): number {
  for (const l of set.owner) {
    out[pos++] = l.length;
    pos += l.copy(out, pos);
  }
  out[pos++] = 0;
  out.writeUInt16BE(set.type, pos);
  out.writeUInt16BE(set.class ?? 1, pos + 2);
  out.writeUInt32BE(set.ttl >>> 0, pos + 4);
  out.writeUInt16BE(rd.length, pos + 8);
  return pos + 10 + rd.copy(out, pos + 10);
}

/** Offset just past the record starting at `pos`; throws RangeError when it runs past `end`. */
export function recordEnd(buf: Buffer, pos: number, end = buf.length): number {
  let p = pos;
  for (;;) {
    if (p >= end) throw new RangeError('record owner runs past the end');
    const len = buf[p];
    if (len === 0) break;
    if (len > 63) throw new RangeError('record owner has a compressed or bad label');
    p += len + 1;
  }
  p += 1;
  if (p + 10 > end) throw new RangeError('record header runs past the end');
  const next = p + 10 + buf.readUInt16BE(p + 8);
  if (next > end) throw new RangeError('record rdata runs past the end');
  return next;
}

/** Start offsets of `count` records from `pos`, plus the offset after the last. */
export function recordOffsets(buf: Buffer, pos: number, count: number, end = buf.length): number[] {
  const out = new Array<number>(count + 1);
  for (let i = 0; i < count; i++) {
    out[i] = pos;
    pos = recordEnd(buf, pos, end);
  }
  out[count] = pos;
  return out;
}

/** The record `rec` (exactly one record's bytes) as a one-rdata RRset for the message writer. */
export function decodeRecord(rec: Buffer): WireRRset {
  const { labels, end } = readName(rec, 0);
  const type = rec.readUInt16BE(end);
  const cls = rec.readUInt16BE(end + 2);
  const set: WireRRset = { owner: labels, type, ttl: rec.readUInt32BE(end + 4), rdata: [rec.subarray(end + 10)] };
  if (cls !== 1) set.class = cls;
  return set;
}
