// Authenticated denial records: NSEC, NSEC3, NSEC3PARAM, and the type bitmap they share.
// Parsing them lets a signed zone be read back; formatting them is what `inkan sign` prints.

import { typeFromText, typeToText } from '../../wire/constants.js';
import type { RdataCodec } from './codec.js';
import { base32hexToBytes, bytesToBase32hex, type Fields, hexToBytes, RdataError } from './fields.js';
import { hexText, type Reader, Writer } from './wire.js';
import { decodeTypeBitmap as decodeBitmap, encodeTypeBitmap } from '../../wire/type-bitmap.js';

export { encodeTypeBitmap };

/** The rest of the rdata as a type bitmap (RFC 4034 §4.1.2). */
export function decodeTypeBitmap(r: Reader): number[] {
  try {
    return decodeBitmap(r.bytes(r.left()));
  } catch (err) {
    throw new RdataError(`malformed type bitmap: ${(err as Error).message}`);
  }
}

export function readTypes(f: Fields): number[] {
  return f.rest().map((t) => {
    const v = typeFromText(t.text);
    if (v === undefined) throw new RdataError(`unknown type "${t.text}" in type bitmap`);
    return v;
  });
}

export const typesText = (types: number[]) => types.map(typeToText).join(' ');

function salt(f: Fields): Buffer {
  const t = f.word('salt');
  const b = t === '-' ? Buffer.alloc(0) : hexToBytes(t, 'salt');
  if (b.length > 255) throw new RdataError('salt longer than 255 octets');
  return b;
}

const saltText = (b: Buffer) => (b.length === 0 ? '-' : hexText(b));

export const NSEC: RdataCodec = {
  fromText(f) {
    return new Writer().name(f.name('next domain name')).bytes(encodeTypeBitmap(readTypes(f))).done();
  },
  toText(r) {
    const next = r.nameText();
    const types = decodeTypeBitmap(r);
    return types.length ? `${next} ${typesText(types)}` : next;
  },
};

export const NSEC3PARAM: RdataCodec = {
  fromText(f) {
    const w = new Writer().u8(f.int('hash algorithm', 255)).u8(f.int('flags', 255)).u16(f.int('iterations', 0xffff));
    const s = salt(f);
    f.end();
    return w.string(s).done();
  },
  toText(r) {
    return `${r.u8()} ${r.u8()} ${r.u16()} ${saltText(r.string())}`;
  },
};

export const NSEC3: RdataCodec = {
  fromText(f) {
    const w = new Writer().u8(f.int('hash algorithm', 255)).u8(f.int('flags', 255)).u16(f.int('iterations', 0xffff));
    w.string(salt(f));
    const next = base32hexToBytes(f.word('next hashed owner'), 'next hashed owner');
    if (next.length === 0) throw new RdataError('next hashed owner is empty');
    return w.string(next).bytes(encodeTypeBitmap(readTypes(f))).done();
  },
  toText(r) {
    const head = `${r.u8()} ${r.u8()} ${r.u16()} ${saltText(r.string())} ${bytesToBase32hex(r.string())}`;
    const types = decodeTypeBitmap(r);
    return types.length ? `${head} ${typesText(types)}` : head;
  },
};
