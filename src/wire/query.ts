// Reads what answering needs from a query: header, the one question, and the OPT record.
// Anything else in the message is skipped, not decoded.
import { NameError, readName, type Labels } from './name.js';
import { Type } from './constants.js';

export interface Edns {
  udpSize: number;
  version: number;
  dnssecOk: boolean;
  /** The "Compact Answers OK" flag (RFC 9824 §4.1), beside DO. */
  compactOk: boolean;
  nsid: boolean;
}

export interface Query {
  id: number;
  /** Second 16 bits of the header: QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE. */
  flags: number;
  opcode: number;
  qname: Labels;
  qtype: number;
  qclass: number;
  /** Offset just past the question (the question is msg[12, questionEnd)). */
  questionEnd: number;
  edns: Edns | undefined;
  /** A TSIG record is present (RFC 8945): the answer must be verified and signed. */
  tsig: boolean;
}

/** Why a message is answered with FORMERR; `question` when it was read before the fault. */
export class FormatError extends Error {
  constructor(
    message: string,
    readonly questionEnd = 0,
  ) {
    super(message);
  }
}

export const OPT_NSID = 3;

/** Parses a query whose header is at least 12 bytes long and has QR=0. Throws FormatError. */
export function parseQuery(msg: Buffer): Query {
  const id = msg.readUInt16BE(0);
  const flags = msg.readUInt16BE(2);
  const qdcount = msg.readUInt16BE(4);
  const ancount = msg.readUInt16BE(6);
  const nscount = msg.readUInt16BE(8);
  const arcount = msg.readUInt16BE(10);
  if (qdcount !== 1) throw new FormatError(`qdcount ${qdcount}, expected 1`);
  let name;
  try {
    name = readName(msg, 12);
  } catch (e) {
    throw new FormatError(e instanceof NameError ? e.message : 'bad question name');
  }
  if (name.end + 4 > msg.length) throw new FormatError('question runs past the end of the message');
  const qtype = msg.readUInt16BE(name.end);
  const qclass = msg.readUInt16BE(name.end + 2);
  const questionEnd = name.end + 4;

  let edns: Edns | undefined;
  let tsig = false;
  let pos = questionEnd;
  const total = ancount + nscount + arcount;
  for (let i = 0; i < total; i++) {
    let rr;
    try {
      rr = readName(msg, pos);
    } catch {
      throw new FormatError('bad record name', questionEnd);
    }
    const p = rr.end;
    if (p + 10 > msg.length) throw new FormatError('record runs past the end of the message', questionEnd);
    const type = msg.readUInt16BE(p);
    const rdlen = msg.readUInt16BE(p + 8);
    const rdEnd = p + 10 + rdlen;
    if (rdEnd > msg.length) throw new FormatError('rdata runs past the end of the message', questionEnd);
    if (type === Type.TSIG) tsig = true;
    if (type === Type.OPT) {
      if (i < ancount + nscount) throw new FormatError('OPT outside the additional section', questionEnd);
      if (edns) throw new FormatError('more than one OPT record (RFC 6891 §6.1.1)', questionEnd);
      if (rr.labels.length !== 0) throw new FormatError('OPT owner is not the root', questionEnd);
      edns = {
        udpSize: Math.max(512, msg.readUInt16BE(p + 2)),
        version: msg[p + 5],
        dnssecOk: (msg[p + 6] & 0x80) !== 0,
        compactOk: (msg[p + 6] & 0x40) !== 0,
        nsid: false,
      };
      for (let o = p + 10; o + 4 <= rdEnd; ) {
        const code = msg.readUInt16BE(o);
        const len = msg.readUInt16BE(o + 2);
        if (o + 4 + len > rdEnd) throw new FormatError('EDNS option runs past the OPT record', questionEnd);
        if (code === OPT_NSID) edns.nsid = true;
        o += 4 + len;
      }
    }
    pos = rdEnd;
  }
  return { id, flags, opcode: (flags >> 11) & 0xf, qname: name.labels, qtype, qclass, questionEnd, edns, tsig };
}
