import { describe, expect, it } from 'vitest';
import { bitmapHas, decodeTypeBitmap, encodeTypeBitmap } from '../../src/wire/type-bitmap.js';
import { Type } from '../../src/wire/constants.js';

describe('type bitmap', () => {
  it('encodes the RFC 4034 §4.3 example (A MX RRSIG NSEC TYPE1234)', () => {
    const bm = encodeTypeBitmap([Type.A, Type.MX, Type.RRSIG, Type.NSEC, 1234]);
    const expected = Buffer.concat([
      Buffer.from([0x00, 0x06, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03]),
      Buffer.from([0x04, 0x1b]), Buffer.alloc(26), Buffer.from([0x20]),
    ]);
    expect(bm.toString('hex')).toBe(expected.toString('hex'));
    expect(decodeTypeBitmap(bm)).toEqual([1, 15, 46, 47, 1234]);
  });

  it('ignores order and duplicates, and trims trailing zero octets', () => {
    expect(encodeTypeBitmap([Type.NSEC, Type.A, Type.A]).toString('hex')).toBe('0006' + '400000000001');
    // NS SOA RRSIG NSEC DNSKEY: window 0, 7 octets (an apex).
    expect(encodeTypeBitmap([48, 47, 46, 6, 2]).toString('hex')).toBe('0007' + '22000000000380');
    // Only A: one octet.
    expect(encodeTypeBitmap([Type.A]).toString('hex')).toBe('000140');
  });

  it('writes one block per window in increasing order', () => {
    const types = [Type.CAA, Type.A, 65535, Type.NSEC3PARAM, 32768];
    const bm = encodeTypeBitmap(types);
    expect(decodeTypeBitmap(bm)).toEqual([1, 51, 257, 32768, 65535]);
    // Window 0 (A .. NSEC3PARAM: 7 octets), window 1 (CAA: 1 octet), window 128, window 255 (32 octets).
    expect([...bm.subarray(0, 2)]).toEqual([0, 7]);
    expect([...bm.subarray(9, 12)]).toEqual([1, 1, 0x40]);
    expect([...bm.subarray(12, 15)]).toEqual([128, 1, 0x80]);
    expect([...bm.subarray(15, 17)]).toEqual([255, 32]);
    expect(bm[bm.length - 1]).toBe(0x01);
    expect(bm.length).toBe(9 + 3 + 3 + 34);
  });

  it('is empty for no types (an NSEC3 at an empty non-terminal)', () => {
    expect(encodeTypeBitmap([]).length).toBe(0);
    expect(decodeTypeBitmap(Buffer.alloc(0))).toEqual([]);
  });

  it('round-trips every type of window 0 and a spread of others', () => {
    const all = Array.from({ length: 256 }, (_, i) => i);
    expect(decodeTypeBitmap(encodeTypeBitmap(all))).toEqual(all);
    const spread = [0, 7, 8, 255, 256, 4095, 4096, 40000, 65280, 65535];
    expect(decodeTypeBitmap(encodeTypeBitmap(spread))).toEqual(spread);
  });

  it('answers membership without decoding', () => {
    const bm = encodeTypeBitmap([Type.NS, Type.DS, Type.RRSIG, Type.NSEC, 1234]);
    for (const t of [Type.NS, Type.DS, Type.RRSIG, Type.NSEC, 1234]) expect(bitmapHas(bm, t)).toBe(true);
    for (const t of [Type.A, Type.SOA, Type.CNAME, Type.DNSKEY, 1233, 1235, 2000, 260]) expect(bitmapHas(bm, t)).toBe(false);
    // Inside a longer rdata: an NSEC's next name, then the bitmap.
    const rdata = Buffer.concat([Buffer.from([1, 0x61, 0]), bm]);
    expect(bitmapHas(rdata, Type.DS, 3)).toBe(true);
    expect(decodeTypeBitmap(rdata, 3)).toEqual([2, 43, 46, 47, 1234]);
  });

  it('rejects malformed bitmaps', () => {
    expect(() => decodeTypeBitmap(Buffer.from([0, 0]))).toThrow(/block length/);
    expect(() => decodeTypeBitmap(Buffer.from([0, 33, ...Buffer.alloc(33)]))).toThrow(/block length/);
    expect(() => decodeTypeBitmap(Buffer.from([0, 2, 0x40]))).toThrow(/past the end/);
    expect(() => decodeTypeBitmap(Buffer.from([1, 1, 0x40, 0, 1, 0x40]))).toThrow(/order/);
    expect(() => decodeTypeBitmap(Buffer.from([1, 1, 0x40, 1, 1, 0x40]))).toThrow(/order/);
    expect(() => decodeTypeBitmap(Buffer.from([0]))).toThrow(/truncated/);
    expect(() => encodeTypeBitmap([65536])).toThrow(RangeError);
  });
});
