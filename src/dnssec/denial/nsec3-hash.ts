// RFC 5155 §5: the hashed owner name. IH(salt, x, 0) = H(x || salt) and
// IH(salt, x, k) = H(IH(salt, x, k-1) || salt), with x the canonical (lower-case,
// uncompressed) wire form of the name and H = SHA-1 (hash algorithm 1, the only one).
import * as crypto from 'node:crypto';
import { lowerByte, wireLength, type Labels } from '../../wire/name.js';

export const NSEC3_SHA1 = 1;
export const NSEC3_HASH_LENGTH = 20;

/** SHA-1 in one call: crypto.hash (Node 20.12 and later) is a third faster than createHash. */
const sha1: (data: Buffer) => Buffer =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha1', data, 'buffer')
    : (data) => crypto.createHash('sha1').update(data).digest();

/** The raw 20-byte hash of `name`. */
export function nsec3HashBytes(name: Labels, salt: Buffer, iterations: number): Buffer {
  const x = Buffer.allocUnsafe(wireLength(name) + salt.length);
  let o = 0;
  for (const l of name) {
    x[o++] = l.length;
    for (let i = 0; i < l.length; i++) x[o++] = lowerByte(l[i]);
  }
  x[o++] = 0;
  salt.copy(x, o);
  let h = sha1(x);
  if (iterations > 0) {
    const y = Buffer.allocUnsafe(NSEC3_HASH_LENGTH + salt.length);
    salt.copy(y, NSEC3_HASH_LENGTH);
    for (let k = 0; k < iterations; k++) {
      h.copy(y, 0);
      h = sha1(y);
    }
  }
  return h;
}

const B32HEX = '0123456789abcdefghijklmnopqrstuv';
const B32HEX_CODES = Buffer.from(B32HEX, 'latin1');

/** The length of the base32hex form (no padding) of `n` bytes. */
export function base32hexLength(n: number): number {
  return Math.ceil((n * 8) / 5);
}

/** Writes the base32hex of `b` (lower case, no padding) into `out` at `offset`; returns the end. */
export function base32hexInto(b: Buffer, out: Buffer, offset: number): number {
  let o = offset;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < b.length; i++) {
    acc = ((acc << 8) | b[i]) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out[o++] = B32HEX_CODES[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out[o++] = B32HEX_CODES[(acc << (5 - bits)) & 31];
  return o;
}

/** RFC 4648 §7 base32hex, lower case, without padding (the form of a hashed owner label). */
export function base32hex(b: Buffer): string {
  const out = Buffer.allocUnsafe(base32hexLength(b.length));
  base32hexInto(b, out, 0);
  return out.toString('latin1');
}

/** Decodes base32hex (either case, no padding); undefined for anything that is not. */
export function fromBase32hex(s: string): Buffer | undefined {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of s.toLowerCase()) {
    const v = B32HEX.indexOf(ch);
    if (v < 0) return undefined;
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** The hashed owner label of `name`: base32hex of its NSEC3 hash, lower case, no padding. */
export function nsec3Hash(name: Labels, salt: Buffer, iterations: number): string {
  return base32hex(nsec3HashBytes(name, salt, iterations));
}
