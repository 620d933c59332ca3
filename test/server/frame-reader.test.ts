import { describe, expect, it } from 'vitest';
import { FrameReader } from '../../src/server/frame-reader.js';
import { frame } from './helpers.js';

function drain(r: FrameReader): string[] {
  const out: string[] = [];
  for (let f = r.next(); f !== undefined; f = r.next()) out.push(f.toString('latin1'));
  return out;
}

describe('FrameReader', () => {
  it('returns nothing until a frame is whole', () => {
    const r = new FrameReader();
    expect(r.next()).toBeUndefined();
    r.push(Buffer.from([0]));
    expect(r.next()).toBeUndefined();
    r.push(Buffer.from([3, 0x61]));
    expect(r.next()).toBeUndefined();
    r.push(Buffer.from('bc'));
    expect(drain(r)).toEqual(['abc']);
    expect(r.buffered).toBe(0);
  });

  it('splits several frames in one chunk, keeping the tail', () => {
    const r = new FrameReader();
    r.push(Buffer.concat([frame('one'), frame(''), frame('three'), frame('four').subarray(0, 3)]));
    expect(drain(r)).toEqual(['one', '', 'three']);
    expect(r.buffered).toBe(3);
    r.push(frame('four').subarray(3));
    expect(drain(r)).toEqual(['four']);
  });

  it('reassembles a frame fed one byte at a time, the length split too', () => {
    const r = new FrameReader();
    const payload = Buffer.alloc(0xffff);
    for (let i = 0; i < payload.length; i++) payload[i] = i & 0xff;
    const bytes = frame(payload);
    const got: Buffer[] = [];
    for (let i = 0; i < bytes.length; i++) {
      r.push(bytes.subarray(i, i + 1));
      const f = r.next();
      if (f) got.push(f);
    }
    expect(got).toHaveLength(1);
    expect(got[0].equals(payload)).toBe(true);
  });

  it('clear() forgets a partial frame', () => {
    const r = new FrameReader();
    r.push(Buffer.from([0, 10, 1]));
    r.clear();
    r.push(frame('x'));
    expect(drain(r)).toEqual(['x']);
  });
});
