// Reading rdata fields from master-file tokens. Every failure throws RdataError with a
// reason the caller turns into "file:line: reason"; nothing here knows about files.

import { parseName, type Labels } from '../../wire/name.js';

export interface Token {
  text: string;
  /** Quoted tokens keep their escapes; the quotes themselves are gone. */
  quoted: boolean;
}

export class RdataError extends Error {}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
export const MAX_TTL = 0x7fffffff;

/** "3600", "1h30m", "2D", "1w" → seconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const re = /(\d+)([smhdw])/gy;
  const lower = text.toLowerCase();
  let total = 0;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(lower)) !== null) {
    total += Number(m[1]) * UNITS[m[2]];
    pos = re.lastIndex;
  }
  return pos === lower.length && pos > 0 ? total : undefined;
}

/** One character-string with escapes resolved. Characters above 0xff are written as UTF-8. */
export function decodeString(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) {
      if (i + 1 >= text.length) throw new RdataError(`trailing backslash in "${text}"`);
      const d = text.slice(i + 1, i + 4);
      if (/^\d/.test(d)) {
        if (!/^\d{3}$/.test(d) || Number(d) > 255) throw new RdataError(`bad escape "\\${d}" in "${text}"`);
        out.push(Number(d));
        i += 3;
      } else {
        out.push(text.charCodeAt(++i) & 0xff);
      }
    } else if (c > 0xff) {
      for (const b of Buffer.from(String.fromCodePoint(text.codePointAt(i)!), 'utf8')) out.push(b);
      if (c >= 0xd800 && c <= 0xdbff) i++;
    } else {
      out.push(c);
    }
  }
  return Buffer.from(out);
}

export function hexToBytes(text: string, what: string): Buffer {
  if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new RdataError(`bad ${what}: "${text}" is not an even number of hex digits`);
  return Buffer.from(text, 'hex');
}

export function base64ToBytes(text: string, what: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new RdataError(`bad ${what}: not valid base64`);
  }
  return Buffer.from(text, 'base64');
}

const B32HEX = '0123456789abcdefghijklmnopqrstuv';

export function base32hexToBytes(text: string, what: string): Buffer {
  const t = text.toLowerCase();
  if (!/^[0-9a-v]*$/.test(t)) throw new RdataError(`bad ${what}: not base32hex`);
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of t) {
    acc = (acc << 5) | B32HEX.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero padding, or the text did not come from whole octets.
  if (bits >= 5 || (acc & ((1 << bits) - 1)) !== 0) throw new RdataError(`bad ${what}: not base32hex`);
  return Buffer.from(out);
}

export function bytesToBase32hex(b: Buffer): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of b) {
    acc = ((acc & 0xff) << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += B32HEX[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += B32HEX[(acc << (5 - bits)) & 31];
  return out.toUpperCase();
}

/** The rdata tokens of one record, consumed left to right by the type's parser. */
export class Fields {
  private pos = 0;
  constructor(
    readonly tokens: Token[],
    readonly origin: Labels,
  ) {}

  more(): boolean {
    return this.pos < this.tokens.length;
  }

  next(what: string): Token {
    const t = this.tokens[this.pos];
    if (!t) throw new RdataError(`missing ${what}`);
    this.pos++;
    return t;
  }

  word(what: string): string {
    return this.next(what).text;
  }

  /** All remaining tokens; fails when there are none and `what` is given. */
  rest(what?: string): Token[] {
    if (what && !this.more()) throw new RdataError(`missing ${what}`);
    const r = this.tokens.slice(this.pos);
    this.pos = this.tokens.length;
    return r;
  }

  end(): void {
    if (this.more()) throw new RdataError(`unexpected extra field "${this.tokens[this.pos].text}"`);
  }

  name(what: string): Labels {
    const t = this.word(what);
    try {
      return parseName(t, this.origin);
    } catch (e) {
      throw new RdataError(`bad ${what}: ${(e as Error).message}`);
    }
  }

  int(what: string, max: number): number {
    const t = this.word(what);
    if (!/^\d+$/.test(t) || Number(t) > max) throw new RdataError(`bad ${what} "${t}": expected an integer 0..${max}`);
    return Number(t);
  }

  /** A 32-bit timer that may be written with TTL units (SOA fields). */
  duration(what: string): number {
    const t = this.word(what);
    const v = parseDuration(t);
    if (v === undefined || v > 0xffffffff) throw new RdataError(`bad ${what} "${t}": expected seconds or a duration like 1h30m`);
    return v;
  }

  /** One character-string (quoted or not), at most 255 octets. */
  string(what: string): Buffer {
    return checkString(decodeString(this.word(what)), what);
  }

  /** Remaining tokens joined, for base64 and hex fields that may contain spaces. */
  joined(what?: string): string {
    return this.rest(what)
      .map((t) => t.text)
      .join('');
  }
}

export function checkString(b: Buffer, what: string): Buffer {
  if (b.length > 255) throw new RdataError(`${what} is ${b.length} octets; a character-string holds at most 255`);
  return b;
}
