// A and AAAA, and the address helpers SVCB hints reuse.

import { isIPv4, isIPv6 } from 'node:net';
import type { RdataCodec } from './codec.js';
import { RdataError } from './fields.js';
import { Writer } from './wire.js';

export function ipv4ToBytes(text: string): Buffer {
  // isIPv4 rejects leading zeros and short forms ("10.1") that inet_aton would take.
  if (!isIPv4(text)) throw new RdataError(`bad IPv4 address "${text}"`);
  const out = Buffer.allocUnsafe(4);
  let v = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      out[o++] = v;
      v = 0;
    } else {
      v = v * 10 + (c - 0x30);
    }
  }
  out[o] = v;
  return out;
}

export function ipv4Text(b: Buffer): string {
  return Array.from(b).join('.');
}

export function ipv6ToBytes(text: string): Buffer {
  if (!isIPv6(text) || text.includes('%')) throw new RdataError(`bad IPv6 address "${text}"`);
  // isIPv6 has checked the form; what is left is reading it, without strings or arrays
  // (split, map and a regular expression per address were a tenth of a zone load's garbage).
  const groups = new Uint16Array(8);
  let n = 0;
  let gap = -1; // where "::" stands, in groups
  let v = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a) {
      if (digits) groups[n++] = v;
      if (text.charCodeAt(i + 1) === 0x3a) {
        gap = n;
        i++;
      }
      v = 0;
      digits = 0;
    } else if (c === 0x2e) {
      // A trailing dotted quad stands for the last two groups.
      const q = ipv4ToBytes(text.slice(text.lastIndexOf(':') + 1));
      groups[n++] = (q[0] << 8) | q[1];
      groups[n++] = (q[2] << 8) | q[3];
      digits = 0;
      break;
    } else {
      v = (v << 4) | (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);
      digits++;
    }
  }
  if (digits) groups[n++] = v;
  const out = Buffer.alloc(16);
  const tail = gap < 0 ? 0 : n - gap;
  for (let g = 0; g < n; g++) {
    const at = gap >= 0 && g >= gap ? 8 - tail + (g - gap) : g;
    out[at * 2] = groups[g] >> 8;
    out[at * 2 + 1] = groups[g] & 0xff;
  }
  if (gap < 0 && n !== 8) throw new RdataError(`bad IPv6 address "${text}"`);
  return out;
}

/** RFC 5952 form: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
export function ipv6Text(b: Buffer): string {
  // RFC 5952 §5: IPv4-mapped addresses end in dotted-quad form.
  if (b.subarray(0, 10).every((x) => x === 0) && b.readUInt16BE(10) === 0xffff) return `::ffff:${ipv4Text(b.subarray(12))}`;
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push(b.readUInt16BE(i));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return hex(g.slice(0, best)) + '::' + hex(g.slice(best + bestLen));
}

export const A: RdataCodec = {
  fromText(f) {
    const b = ipv4ToBytes(f.word('IPv4 address'));
    f.end();
    return b;
  },
  toText(r) {
    return ipv4Text(r.bytes(4));
  },
};

export const AAAA: RdataCodec = {
  fromText(f) {
    const b = ipv6ToBytes(f.word('IPv6 address'));
    f.end();
    return b;
  },
  toText(r) {
    return ipv6Text(r.bytes(16));
  },
};

/** APL (RFC 3123): items "[!]afi:address/prefix", address octets on the wire without trailing zeros. */
export const APL: RdataCodec = {
  fromText(f) {
    const w = new Writer();
    for (const t of f.rest()) {
      const m = /^(!?)(\d+):([^/]+)\/(\d+)$/.exec(t.text);
      if (!m || (m[2] !== '1' && m[2] !== '2')) throw new RdataError(`bad APL item "${t.text}": expected [!]1:IPv4/prefix or [!]2:IPv6/prefix`);
      const v4 = m[2] === '1';
      const addr = v4 ? ipv4ToBytes(m[3]) : ipv6ToBytes(m[3]);
      const prefix = Number(m[4]);
      if (prefix > addr.length * 8) throw new RdataError(`bad APL item "${t.text}": prefix longer than the address`);
      let len = addr.length;
      while (len > 0 && addr[len - 1] === 0) len--;
      w.u16(v4 ? 1 : 2).u8(prefix).u8((m[1] ? 0x80 : 0) | len).bytes(addr.subarray(0, len));
    }
    return w.done();
  },
  toText(r) {
    const items: string[] = [];
    while (r.left() > 0) {
      const afi = r.u16();
      const prefix = r.u8();
      const nlen = r.u8();
      const size = afi === 1 ? 4 : afi === 2 ? 16 : 0;
      const len = nlen & 0x7f;
      if (!size || len > size || prefix > size * 8) throw new RdataError('bad APL item');
      const addr = Buffer.alloc(size);
      r.bytes(len).copy(addr);
      items.push(`${nlen & 0x80 ? '!' : ''}${afi}:${afi === 1 ? ipv4Text(addr) : ipv6Text(addr)}/${prefix}`);
    }
    return items.join(' ');
  },
};
