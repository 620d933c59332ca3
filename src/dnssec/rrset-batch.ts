// RRsets packed into one ArrayBuffer, to hand a batch to a signing thread as one transfer
// (no structured cloning of thousands of Buffers, no copy on the way). Names and rdata go
// as the zone holds them; the thread makes the canonical form.
//
// Per RRset: label count (u8), each label as length (u8) + bytes; type (u16); TTL (u32);
// record count (u16), each rdata as length (u16) + bytes. Big-endian.
import type { SignableRRset } from './rrsig.js';

export function encodeRRsets(sets: readonly SignableRRset[]): ArrayBuffer {
  let size = 0;
  for (const s of sets) {
    if (s.rdata.length > 0xffff) throw new Error(`RRset of ${s.rdata.length} records cannot be signed`);
    size += 1 + 2 + 4 + 2;
    for (const l of s.owner) size += 1 + l.length;
    for (const rd of s.rdata) size += 2 + rd.length;
  }
  const ab = new ArrayBuffer(size);
  const b = Buffer.from(ab);
  let o = 0;
  // TypedArray set, not Buffer copy: these are a few bytes each, and copy() costs twice as much.
  for (const s of sets) {
    b[o++] = s.owner.length;
    for (const l of s.owner) {
      b[o++] = l.length;
      b.set(l, o);
      o += l.length;
    }
    b.writeUInt16BE(s.type, o);
    b.writeUInt32BE(s.ttl >>> 0, o + 2);
    b.writeUInt16BE(s.rdata.length, o + 6);
    o += 8;
    for (const rd of s.rdata) {
      b.writeUInt16BE(rd.length, o);
      b.set(rd, o + 2);
      o += 2 + rd.length;
    }
  }
  return ab;
}

/** The RRsets of a batch; labels and rdata are views into `ab`. */
export function decodeRRsets(ab: ArrayBuffer): SignableRRset[] {
  const b = Buffer.from(ab);
  const out: SignableRRset[] = [];
  let o = 0;
  while (o < b.length) {
    const owner: Buffer[] = new Array<Buffer>(b[o++]);
    for (let i = 0; i < owner.length; i++) {
      const len = b[o++];
      owner[i] = b.subarray(o, o + len);
      o += len;
    }
    const type = b.readUInt16BE(o);
    const ttl = b.readUInt32BE(o + 2);
    const rdata: Buffer[] = new Array<Buffer>(b.readUInt16BE(o + 6));
    o += 8;
    for (let i = 0; i < rdata.length; i++) {
      const len = b.readUInt16BE(o);
      rdata[i] = b.subarray(o + 2, o + 2 + len);
      o += 2 + len;
    }
    out.push({ owner, type, ttl, rdata });
  }
  return out;
}
