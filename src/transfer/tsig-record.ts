// The TSIG resource record on the wire (RFC 8945 §4.2): finding it in a message (it must be
// the one and only TSIG, last in the additional section), reading and writing it, and the
// MAC input pieces of §4.3.
import { readName, type Labels } from '../wire/name.js';
import { Class, Type } from '../wire/constants.js';
import { canonicalNameWire } from './tsig-key.js';

export interface TsigRecord {
  /** Owner name: the key name. */
  name: Labels;
  /** Algorithm name as sent. */
  algorithm: Labels;
  /** Seconds since the epoch (48 bits). */
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  /** TSIG error (extended RCODE): 0, BADSIG 16, BADKEY 17, BADTIME 18, BADTRUNC 22. */
  error: number;
  otherData: Buffer;
}

export type TsigLocation =
  | { kind: 'none' }
  | { kind: 'malformed'; reason: string }
  | { kind: 'found'; record: TsigRecord; /** Where the TSIG RR starts; the MAC covers msg[0, offset). */ offset: number };

function skipName(msg: Buffer, pos: number): number {
  for (let n = 0; n < 128; n++) {
    if (pos >= msg.length) return -1;
    const len = msg[pos];
    if (len === 0) return pos + 1;
    if ((len & 0xc0) === 0xc0) return pos + 2 <= msg.length ? pos + 2 : -1;
    if ((len & 0xc0) !== 0) return -1;
    pos += len + 1;
  }
  return -1;
}

/** Reads the rdata of a TSIG RR at [start, end). */
function readRdata(msg: Buffer, start: number, end: number, owner: Labels): TsigRecord | string {
  let alg;
  try {
    alg = readName(msg, start);
  } catch {
    return 'bad TSIG algorithm name';
  }
  let p = alg.end;
  if (p + 10 > end) return 'TSIG rdata too short';
  const timeSigned = msg.readUInt16BE(p) * 0x1_0000_0000 + msg.readUInt32BE(p + 2);
  const fudge = msg.readUInt16BE(p + 6);
  const macSize = msg.readUInt16BE(p + 8);
  p += 10;
  if (p + macSize + 6 > end) return 'TSIG MAC runs past the record';
  const mac = msg.subarray(p, p + macSize);
  p += macSize;
  const originalId = msg.readUInt16BE(p);
  const error = msg.readUInt16BE(p + 2);
  const otherLen = msg.readUInt16BE(p + 4);
  p += 6;
  if (p + otherLen !== end) return 'TSIG other data does not end the record';
  return { name: owner, algorithm: alg.labels, timeSigned, fudge, mac, originalId, error, otherData: msg.subarray(p, end) };
}

/**
 * Finds the TSIG RR of a message. `malformed` when there is more than one, when it is not the
 * last record of the additional section, or when it (or the message before it) cannot be read.
 */
export function locateTsig(msg: Buffer): TsigLocation {
  if (msg.length < 12) return { kind: 'malformed', reason: 'message shorter than a header' };
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  const ns = msg.readUInt16BE(8);
  const ar = msg.readUInt16BE(10);
  if (ar === 0) {
    // Fast path for the usual query; a TSIG elsewhere is still an error.
    if (an + ns === 0) return { kind: 'none' };
  }
  let pos = 12;
  for (let i = 0; i < qd; i++) {
    pos = skipName(msg, pos);
    if (pos < 0 || pos + 4 > msg.length) return { kind: 'malformed', reason: 'question runs past the end of the message' };
    pos += 4;
  }
  const total = an + ns + ar;
  let found: TsigLocation | undefined;
  for (let i = 0; i < total; i++) {
    const start = pos;
    const nameEnd = skipName(msg, pos);
    if (nameEnd < 0 || nameEnd + 10 > msg.length) return { kind: 'malformed', reason: 'record runs past the end of the message' };
    const type = msg.readUInt16BE(nameEnd);
    const rdlen = msg.readUInt16BE(nameEnd + 8);
    const end = nameEnd + 10 + rdlen;
    if (end > msg.length) return { kind: 'malformed', reason: 'rdata runs past the end of the message' };
    if (type === Type.TSIG) {
      if (found) return { kind: 'malformed', reason: 'more than one TSIG record' };
      if (i !== total - 1 || ar === 0) return { kind: 'malformed', reason: 'TSIG is not the last record of the additional section' };
      let owner: Labels;
      try {
        owner = readName(msg, start).labels;
      } catch {
        return { kind: 'malformed', reason: 'bad TSIG owner name' };
      }
      if (msg.readUInt16BE(nameEnd + 2) !== Class.ANY) return { kind: 'malformed', reason: 'TSIG class is not ANY' };
      const rec = readRdata(msg, nameEnd + 10, end, owner);
      if (typeof rec === 'string') return { kind: 'malformed', reason: rec };
      if (end !== msg.length) return { kind: 'malformed', reason: 'data after the TSIG record' };
      found = { kind: 'found', record: rec, offset: start };
    }
    pos = end;
  }
  return found ?? { kind: 'none' };
}

function u48(out: Buffer, off: number, v: number): void {
  out.writeUInt16BE(Math.floor(v / 0x1_0000_0000) & 0xffff, off);
  out.writeUInt32BE(v % 0x1_0000_0000, off + 2);
}

/** 48-bit time as 6 octets (Other Data of a BADTIME answer). */
export function time48(t: number): Buffer {
  const b = Buffer.alloc(6);
  u48(b, 0, t);
  return b;
}

export function readTime48(b: Buffer): number | undefined {
  return b.length === 6 ? b.readUInt16BE(0) * 0x1_0000_0000 + b.readUInt32BE(2) : undefined;
}

/** The TSIG RR in wire form; owner and algorithm name are written uncompressed and lower-cased. */
export function encodeTsig(r: TsigRecord): Buffer {
  const owner = canonicalNameWire(r.name);
  const alg = canonicalNameWire(r.algorithm);
  const rdlen = alg.length + 16 + r.mac.length + r.otherData.length;
  const out = Buffer.alloc(owner.length + 10 + rdlen);
  let o = owner.copy(out, 0);
  out.writeUInt16BE(Type.TSIG, o);
  out.writeUInt16BE(Class.ANY, o + 2);
  out.writeUInt32BE(0, o + 4);
  out.writeUInt16BE(rdlen, o + 8);
  o += 10;
  o += alg.copy(out, o);
  u48(out, o, r.timeSigned);
  out.writeUInt16BE(r.fudge, o + 6);
  out.writeUInt16BE(r.mac.length, o + 8);
  o += 10;
  o += r.mac.copy(out, o);
  out.writeUInt16BE(r.originalId, o);
  out.writeUInt16BE(r.error, o + 2);
  out.writeUInt16BE(r.otherData.length, o + 4);
  o += 6;
  r.otherData.copy(out, o);
  return out;
}

/** §4.3.3 TSIG variables: name, class ANY, TTL 0, algorithm, time signed, fudge, error, other. */
export function tsigVariables(r: Omit<TsigRecord, 'mac' | 'originalId'>): Buffer {
  const name = canonicalNameWire(r.name);
  const alg = canonicalNameWire(r.algorithm);
  const out = Buffer.alloc(name.length + 6 + alg.length + 12 + r.otherData.length);
  let o = name.copy(out, 0);
  out.writeUInt16BE(Class.ANY, o);
  out.writeUInt32BE(0, o + 2);
  o += 6;
  o += alg.copy(out, o);
  u48(out, o, r.timeSigned);
  out.writeUInt16BE(r.fudge, o + 6);
  out.writeUInt16BE(r.error, o + 8);
  out.writeUInt16BE(r.otherData.length, o + 10);
  o += 12;
  r.otherData.copy(out, o);
  return out;
}

/** §4.3.1 timers of subsequent messages: time signed and fudge. */
export function tsigTimers(timeSigned: number, fudge: number): Buffer {
  const out = Buffer.alloc(8);
  u48(out, 0, timeSigned);
  out.writeUInt16BE(fudge, 6);
  return out;
}

/** A MAC with its 2-octet length in front, as a request MAC or prior MAC enters the digest. */
export function macWithLength(mac: Buffer): Buffer {
  const out = Buffer.alloc(2 + mac.length);
  out.writeUInt16BE(mac.length, 0);
  mac.copy(out, 2);
  return out;
}

/** The header of the message as the MAC sees it: the given ID, and ARCOUNT less `removed`. */
export function digestHeader(msg: Buffer, id: number, removed: number): Buffer {
  const h = Buffer.from(msg.subarray(0, 12));
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(h.readUInt16BE(10) - removed, 10);
  return h;
}
