// A and AAAA, and the address helpers SVCB hints reuse.

import { isIPv4, isIPv6 } from 'node:net';
import type { RdataCodec } from './codec.js';
import { RdataError } from './fields.js';
import { Writer } from './wire.js';

export function ipv4ToBytes(text: string): Buffer {
  // isIPv4 rejects leading zeros and short forms ("10.1") that inet_aton would take.
  if (!isIPv4(text)) throw new RdataError(`bad IPv4 address "${text}"`);
  return Buffer.from(text.split('.').map(Number));
}

export function ipv4Text(b: Buffer): string {
  return Array.from(b).join('.');
}

export function ipv6ToBytes(text: string): Buffer {
  if (!isIPv6(text) || text.includes('%')) throw new RdataError(`bad IPv6 address "${text}"`);
  // A trailing dotted quad stands for the last two groups.
  const s = text.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a, b, c, d) =>
    ((Number(a) << 8) | Number(b)).toString(16) + ':' + ((Number(c) << 8) | Number(d)).toString(16),
  );
  const [head, rest] = s.includes('::') ? s.split('::') : [s, undefined];
  const parse = (p: string) => (p === '' ? [] : p.split(':').map((h) => parseInt(h, 16)));
  const hi = parse(head);
  const lo = rest === undefined ? [] : parse(rest);
  const fill = 8 - hi.length - lo.length;
  const groups = rest === undefined ? hi : [...hi, ...new Array(fill).fill(0), ...lo];
  if (groups.length !== 8) throw new RdataError(`bad IPv6 address "${text}"`);
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
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
