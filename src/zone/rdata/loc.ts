// LOC (RFC 1876): degrees/minutes/seconds, altitude, and three sizes as 4-bit
// mantissa/exponent pairs in centimetres. Text form matches BIND's output.

import type { RdataCodec } from './codec.js';
import { type Fields, RdataError } from './fields.js';
import { Writer } from './wire.js';

const EQUATOR = 2 ** 31;
const ALT_BASE = 10000000; // 100 000 m below the WGS 84 spheroid, in cm

/** "12.345" with at most `decimals` fraction digits → integer count of 1/10^decimals. */
function fixed(text: string, decimals: number, what: string, signed = false): number {
  const re = signed ? /^(-?)(\d+)(?:\.(\d*))?$/ : /^()(\d+)(?:\.(\d*))?$/;
  const m = re.exec(text);
  if (!m || (m[3] ?? '').length > decimals) throw new RdataError(`bad ${what} "${text}"`);
  const v = Number(m[2]) * 10 ** decimals + Number((m[3] ?? '').padEnd(decimals, '0') || '0');
  return m[1] ? -v : v;
}

function coordinate(f: Fields, what: string, maxDeg: number, pos: string, neg: string): number {
  const parts: string[] = [];
  let hemi = '';
  while (parts.length < 4) {
    const t = f.word(`${what} hemisphere (${pos} or ${neg})`);
    if (t.toUpperCase() === pos || t.toUpperCase() === neg) {
      hemi = t.toUpperCase();
      break;
    }
    parts.push(t);
  }
  if (!hemi || parts.length === 0 || parts.length > 3) throw new RdataError(`bad ${what}: expected degrees [minutes [seconds]] ${pos}|${neg}`);
  const deg = fixed(parts[0], 0, `${what} degrees`);
  const min = parts[1] === undefined ? 0 : fixed(parts[1], 0, `${what} minutes`);
  const ms = parts[2] === undefined ? 0 : fixed(parts[2], 3, `${what} seconds`);
  if (deg > maxDeg || min > 59 || ms > 59999) throw new RdataError(`${what} out of range`);
  const v = ((deg * 60 + min) * 60) * 1000 + ms;
  if (v > maxDeg * 3600000) throw new RdataError(`${what} out of range`);
  return hemi === pos ? EQUATOR + v : EQUATOR - v;
}

const meters = (t: string) => t.replace(/m$/i, '');

/** Centimetres → the precision byte, truncating like BIND's precsize_aton. */
function precision(cm: number): number {
  let e = 0;
  while (e < 9 && cm >= 10 ** (e + 1)) e++;
  return (Math.min(9, Math.floor(cm / 10 ** e)) << 4) | e;
}

export const LOC: RdataCodec = {
  fromText(f) {
    const lat = coordinate(f, 'latitude', 90, 'N', 'S');
    const lon = coordinate(f, 'longitude', 180, 'E', 'W');
    const alt = fixed(meters(f.word('altitude')), 2, 'altitude', true) + ALT_BASE;
    if (alt < 0 || alt > 0xffffffff) throw new RdataError('altitude out of range');
    const sizes = [100, 1000000, 1000]; // defaults: 1 m, 10 km, 10 m
    for (let i = 0; i < 3 && f.more(); i++) {
      const what = ['size', 'horizontal precision', 'vertical precision'][i];
      const cm = fixed(meters(f.word(what)), 2, what);
      if (cm > 9000000000) throw new RdataError(`${what} out of range`);
      sizes[i] = cm;
    }
    f.end();
    const w = new Writer().u8(0);
    for (const s of sizes) w.u8(precision(s));
    return w.u32(lat).u32(lon).u32(alt).done();
  },
  toText(r) {
    if (r.u8() !== 0) throw new RdataError('LOC version is not 0');
    const sizes = [r.u8(), r.u8(), r.u8()].map((p) => {
      if (p >> 4 > 9 || (p & 15) > 9) throw new RdataError('bad LOC precision');
      const [m, e] = [p >> 4, p & 15];
      // As BIND prints it: whole metres from 1 m up, otherwise 0.xx m.
      return e >= 2 ? `${m * 10 ** (e - 2)}m` : `0.${String(m * 10 ** e).padStart(2, '0')}m`;
    });
    const lat = coordText(r.u32(), 'N', 'S');
    const lon = coordText(r.u32(), 'E', 'W');
    const alt = cmText(r.u32() - ALT_BASE);
    return `${lat} ${lon} ${alt} ${sizes.join(' ')}`;
  },
};

function cmText(cm: number): string {
  const sign = cm < 0 ? '-' : '';
  const a = Math.abs(cm);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}m`;
}

function coordText(v: number, pos: string, neg: string): string {
  let x = v - EQUATOR;
  const hemi = x >= 0 ? pos : neg;
  x = Math.abs(x);
  const ms = x % 60000;
  const min = Math.floor(x / 60000) % 60;
  const deg = Math.floor(x / 3600000);
  return `${deg} ${min} ${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')} ${hemi}`;
}
