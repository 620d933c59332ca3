// Writes a response with name compression. Records go in whole RRsets; an RRset that
// does not fit is taken back entirely (compression entries included), so the caller can
// decide between setting TC and dropping the set.
import { suffixKeys, type Labels } from './name.js';
import { Type } from './constants.js';

/** Where names sit inside rdata of the types RFC 3597 §4 allows us to compress. */
const AT_START: readonly number[] = [0];
const AFTER_PREFERENCE: readonly number[] = [2];

function compressibleNames(type: number): ((rd: Buffer) => readonly number[]) | undefined {
  switch (type) {
    case Type.NS:
    case Type.CNAME:
    case Type.PTR:
      return () => AT_START;
    case Type.MX:
      return () => AFTER_PREFERENCE;
    case Type.SOA:
      return (rd) => [0, skipName(rd, 0)];
    default:
      return undefined;
  }
}

function skipName(buf: Buffer, off: number): number {
  while (buf[off] !== 0) off += buf[off] + 1;
  return off + 1;
}

// Names inside zone rdata are the same Buffers answer after answer: read each once.
const rdataNames = new WeakMap<Buffer, Map<number, { labels: Labels; end: number }>>();

function labelsAt(buf: Buffer, off: number): { labels: Labels; end: number } {
  let byOffset = rdataNames.get(buf);
  if (!byOffset) rdataNames.set(buf, (byOffset = new Map()));
  let hit = byOffset.get(off);
  if (!hit) byOffset.set(off, (hit = readLabels(buf, off)));
  return hit;
}

function readLabels(buf: Buffer, off: number): { labels: Labels; end: number } {
  const labels: Labels = [];
  while (buf[off] !== 0) {
    labels.push(buf.subarray(off + 1, off + 1 + buf[off]));
    off += buf[off] + 1;
  }
  return { labels, end: off + 1 };
}

// Zone owners are the same Labels arrays answer after answer: their suffix keys are made once.
const keysCache = [new WeakMap<Labels, readonly string[]>(), new WeakMap<Labels, readonly string[]>()];

/**
 * keys[i]: the compression key of the name without its first i labels. Case-insensitive keys
 * are the lookup keys (suffixKeys), so the question's keys, made once for the lookup, serve
 * here too; exact-case keys (zone transfers) are length-prefixed labels as written.
 */
function suffixKeysOf(labels: Labels, exactCase: boolean, remember: boolean): readonly string[] {
  const cache = keysCache[exactCase ? 1 : 0];
  let keys = remember ? cache.get(labels) : undefined;
  if (keys) return keys;
  if (exactCase) {
    const k = new Array<string>(labels.length);
    let suffix = '';
    for (let i = labels.length - 1; i >= 0; i--) {
      // Length-prefixed, so labels holding any byte cannot run into each other.
      suffix = String.fromCharCode(labels[i].length) + labels[i].toString('latin1') + suffix;
      k[i] = suffix;
    }
    keys = k;
  } else {
    keys = suffixKeys(labels);
  }
  if (remember) cache.set(labels, keys);
  return keys;
}

export interface WireRRset {
  owner: Labels;
  type: number;
  ttl: number;
  rdata: readonly Buffer[];
  /** Class, IN unless said otherwise. */
  class?: number;
}

export class MessageWriter {
  readonly buf: Buffer;
  offset = 12;
  private readonly names = new Map<string, number>();
  private added: string[] = [];
  readonly counts = [0, 0, 0, 0];

  /**
   * `limit` is the largest message this writer may produce. With `exactCase`, a name is only
   * compressed against one spelled the same way: a zone transfer must keep every name's case
   * (RFC 4343), where an answer may take the question's. `scratch`: see below.
   */
  constructor(
    private readonly limit: number,
    private readonly exactCase = false,
    scratch?: Buffer,
  ) {
    const size = Math.min(limit, 65535);
    // A caller that finishes one message before starting the next can lend one buffer for
    // all of them: finish() copies the message out.
    this.buf = scratch && scratch.length >= size ? scratch.subarray(0, size) : Buffer.allocUnsafe(size);
  }

  /** Writes a name, compressing against earlier names; false when it does not fit. */
  private name(labels: Labels, compress: boolean, remember = true, given?: readonly string[]): boolean {
    // The question's name is new with every query: remembering its keys would only cost.
    const keys = given && !this.exactCase ? given : suffixKeysOf(labels, this.exactCase, remember);
    for (let i = 0; i < labels.length; i++) {
      const at = compress ? this.names.get(keys[i]) : undefined;
      if (at !== undefined) {
        if (this.offset + 2 > this.buf.length) return false;
        this.buf.writeUInt16BE(0xc000 | at, this.offset);
        this.offset += 2;
        return true;
      }
      const l = labels[i];
      if (this.offset + 1 + l.length > this.buf.length) return false;
      // Offsets past 0x3fff cannot be pointed at. (A compressed name missed the map already.)
      if (this.offset < 0x4000 && (compress || !this.names.has(keys[i]))) {
        this.names.set(keys[i], this.offset);
        this.added.push(keys[i]);
      }
      this.buf[this.offset++] = l.length;
      // TypedArray set(), not Buffer copy(): no argument checks and no view made per label.
      this.buf.set(l, this.offset);
      this.offset += l.length;
    }
    if (this.offset + 1 > this.buf.length) return false;
    this.buf[this.offset++] = 0;
    return true;
  }

  /** `keys`: the name's suffixKeys(), when the caller has them already. */
  question(qname: Labels, qtype: number, qclass: number, keys?: readonly string[]): boolean {
    if (!this.name(qname, true, false, keys) || this.offset + 4 > this.buf.length) return false;
    this.buf.writeUInt16BE(qtype, this.offset);
    this.buf.writeUInt16BE(qclass, this.offset + 2);
    this.offset += 4;
    this.counts[0]++;
    return true;
  }

  /**
   * Appends a whole RRset to `section` (1 answer, 2 authority, 3 additional), keeping `reserve`
   * bytes free. On overflow everything it wrote is undone and it returns false.
   */
  rrset(section: 1 | 2 | 3, set: WireRRset, reserve = 0): boolean {
    const start = this.offset;
    const mark = this.added.length;
    const end = this.buf.length - reserve;
    const names = compressibleNames(set.type);
    let ok = true;
    for (const rd of set.rdata) {
      if (!this.name(set.owner, true) || this.offset + 10 > end) { ok = false; break; }
      this.buf.writeUInt16BE(set.type, this.offset);
      this.buf.writeUInt16BE(set.class ?? 1, this.offset + 2);
      this.buf.writeUInt32BE(set.ttl, this.offset + 4);
      const lenAt = this.offset + 8;
      this.offset += 10;
      if (names) {
        let from = 0;
        for (const at of names(rd)) {
          if (at > from) ok = this.raw(rd, from, at, end);
          if (!ok) break;
          const n = labelsAt(rd, at);
          ok = this.name(n.labels, true);
          if (!ok) break;
          from = n.end;
        }
        if (ok && from < rd.length) ok = this.raw(rd, from, rd.length, end);
      } else {
        ok = this.raw(rd, 0, rd.length, end);
      }
      if (!ok || this.offset > end) { ok = false; break; }
      this.buf.writeUInt16BE(this.offset - lenAt - 2, lenAt);
    }
    if (!ok) {
      this.offset = start;
      for (let i = mark; i < this.added.length; i++) this.names.delete(this.added[i]);
      this.added.length = mark;
      return false;
    }
    this.counts[section] += set.rdata.length;
    return true;
  }

  /** Appends b[from, to). */
  private raw(b: Buffer, from: number, to: number, end: number): boolean {
    const n = to - from;
    if (this.offset + n > end) return false;
    if (from === 0 && to === b.length) this.buf.set(b, this.offset);
    else for (let i = 0; i < n; i++) this.buf[this.offset + i] = b[from + i];
    this.offset += n;
    return true;
  }

  /** Appends an OPT record (RFC 6891) counted in the additional section. */
  opt(udpSize: number, extRcode: number, dnssecOk: boolean, options: readonly { code: number; data: Buffer }[], compactOk = false): void {
    const b = this.buf;
    let o = this.offset;
    b[o++] = 0;
    b.writeUInt16BE(Type.OPT, o);
    b.writeUInt16BE(udpSize, o + 2);
    b[o + 4] = extRcode;
    b[o + 5] = 0;
    b.writeUInt16BE((dnssecOk ? 0x8000 : 0) | (compactOk ? 0x4000 : 0), o + 6);
    let len = 0;
    for (const op of options) len += 4 + op.data.length;
    b.writeUInt16BE(len, o + 8);
    o += 10;
    for (const op of options) {
      b.writeUInt16BE(op.code, o);
      b.writeUInt16BE(op.data.length, o + 2);
      op.data.copy(b, o + 4);
      o += 4 + op.data.length;
    }
    this.offset = o;
    this.counts[3]++;
  }

  /** Fills in the header and returns a copy of the finished message. */
  finish(id: number, flags: number): Buffer {
    const b = this.buf;
    b.writeUInt16BE(id, 0);
    b.writeUInt16BE(flags, 2);
    for (let i = 0; i < 4; i++) b.writeUInt16BE(this.counts[i], 4 + 2 * i);
    return Buffer.from(b.subarray(0, this.offset));
  }
}

export function optLength(options: readonly { data: Buffer }[]): number {
  let n = 11;
  for (const o of options) n += 4 + o.data.length;
  return n;
}
