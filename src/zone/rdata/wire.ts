// Building rdata and reading it back for presentation. Reader throws RdataError on
// truncated or trailing data, so rdataToText doubles as a validity check.

import { nameToText, nameToWire, readName, type Labels } from '../../wire/name.js';
import { RdataError } from './fields.js';

export class Writer {
  private parts: Buffer[] = [];

  u8(n: number): this {
    this.parts.push(Buffer.from([n & 0xff]));
    return this;
  }
  u16(n: number): this {
    const b = Buffer.allocUnsafe(2);
    b.writeUInt16BE(n);
    this.parts.push(b);
    return this;
  }
  u32(n: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32BE(n >>> 0);
    this.parts.push(b);
    return this;
  }
  bytes(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  /** A character-string: length octet then the octets. */
  string(b: Buffer): this {
    return this.u8(b.length).bytes(b);
  }
  name(n: Labels): this {
    return this.bytes(nameToWire(n));
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new RdataError('rdata is truncated');
  }
  left(): number {
    return this.buf.length - this.pos;
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  rest(): Buffer {
    return this.bytes(this.left());
  }
  string(): Buffer {
    return this.bytes(this.u8());
  }
  name(): Labels {
    // rdata in a zone is never compressed; a pointer here would point outside the rdata.
    let r;
    try {
      r = readName(this.buf, this.pos);
    } catch (e) {
      throw new RdataError(`bad name in rdata: ${(e as Error).message}`);
    }
    for (let p = this.pos; p < r.end; p += this.buf[p] + 1) {
      if (this.buf[p] & 0xc0) throw new RdataError('compressed name in rdata');
      if (this.buf[p] === 0) break;
    }
    this.pos = r.end;
    return r.labels;
  }
  nameText(): string {
    return nameToText(this.name());
  }
  end(): void {
    if (this.pos !== this.buf.length) throw new RdataError(`${this.buf.length - this.pos} octets of trailing rdata`);
  }
}

/** Presentation of a character-string: quoted, with `"` and `\` escaped and non-printables as \DDD. */
export function quoteString(b: Buffer): string {
  let s = '"';
  for (const c of b) {
    if (c === 0x22 || c === 0x5c) s += '\\' + String.fromCharCode(c);
    else if (c < 0x20 || c >= 0x7f) s += '\\' + String(c).padStart(3, '0');
    else s += String.fromCharCode(c);
  }
  return s + '"';
}

export function hexText(b: Buffer): string {
  return b.toString('hex').toUpperCase();
}
