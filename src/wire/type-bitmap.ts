// The type bitmap of NSEC and NSEC3 records (RFC 4034 §4.1.2, RFC 5155 §3.2.1): one block
// per window of 256 types that has any type set, each block only as long as its last
// non-zero octet, windows in increasing order.

/** Encodes a set of types (any order, duplicates ignored). An empty set gives an empty bitmap. */
export function encodeTypeBitmap(types: Iterable<number>): Buffer {
  const sorted = [...new Set(types)].sort((a, b) => a - b);
  for (const t of sorted) {
    if (!Number.isInteger(t) || t < 0 || t > 0xffff) throw new RangeError(`type ${t} out of range`);
  }
  // First pass: the size, so the bitmap is one allocation.
  let size = 0;
  for (let i = 0; i < sorted.length; ) {
    const win = sorted[i] >> 8;
    let last = 0;
    for (; i < sorted.length && sorted[i] >> 8 === win; i++) last = sorted[i] & 0xff;
    size += 2 + (last >> 3) + 1;
  }
  const out = Buffer.alloc(size);
  let o = 0;
  for (let i = 0; i < sorted.length; ) {
    const win = sorted[i] >> 8;
    const start = o + 2;
    let len = 0;
    for (; i < sorted.length && sorted[i] >> 8 === win; i++) {
      const low = sorted[i] & 0xff;
      out[start + (low >> 3)] |= 0x80 >> (low & 7);
      len = (low >> 3) + 1;
    }
    out[o] = win;
    out[o + 1] = len;
    o = start + len;
  }
  return out;
}

/**
 * Decodes the bitmap in buf[offset, end) into types in increasing order. Throws a RangeError
 * for a block that runs past the end, a block length of 0 or over 32, or windows out of order.
 */
export function decodeTypeBitmap(buf: Buffer, offset = 0, end = buf.length): number[] {
  const types: number[] = [];
  let lastWindow = -1;
  let o = offset;
  while (o < end) {
    if (o + 2 > end) throw new RangeError('type bitmap: truncated window header');
    const win = buf[o];
    const len = buf[o + 1];
    if (win <= lastWindow) throw new RangeError('type bitmap: windows out of order');
    if (len === 0 || len > 32) throw new RangeError(`type bitmap: bad block length ${len}`);
    if (o + 2 + len > end) throw new RangeError('type bitmap: block runs past the end');
    lastWindow = win;
    for (let i = 0; i < len; i++) {
      const byte = buf[o + 2 + i];
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) types.push((win << 8) | (i << 3) | bit);
    }
    o += 2 + len;
  }
  return types;
}

/** True when `type` is set in the bitmap in buf[offset, end). Does not validate the bitmap. */
export function bitmapHas(buf: Buffer, type: number, offset = 0, end = buf.length): boolean {
  const win = type >> 8;
  const octet = (type & 0xff) >> 3;
  let o = offset;
  while (o + 2 <= end) {
    const w = buf[o];
    const len = buf[o + 1];
    if (w === win) return octet < len && o + 2 + octet < end && (buf[o + 2 + octet] & (0x80 >> (type & 7))) !== 0;
    if (w > win) return false;
    o += 2 + len;
  }
  return false;
}
