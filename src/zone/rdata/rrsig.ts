// RRSIG (RFC 4034 §3.2): times as YYYYMMDDHHmmSS in UTC, or as plain seconds.

import { typeFromText, typeToText } from '../../wire/constants.js';
import { algorithm } from './keys.js';
import type { RdataCodec } from './codec.js';
import { base64ToBytes, type Fields, RdataError } from './fields.js';
import { Writer } from './wire.js';

function sigTime(f: Fields, what: string): number {
  const t = f.word(what);
  if (/^\d{14}$/.test(t)) {
    const ms = Date.UTC(+t.slice(0, 4), +t.slice(4, 6) - 1, +t.slice(6, 8), +t.slice(8, 10), +t.slice(10, 12), +t.slice(12, 14));
    // Serial-number arithmetic (RFC 1982): only the low 32 bits go on the wire.
    return Math.floor(ms / 1000) >>> 0;
  }
  if (/^\d{1,10}$/.test(t) && Number(t) <= 0xffffffff) return Number(t);
  throw new RdataError(`bad ${what} "${t}": expected YYYYMMDDHHmmSS or seconds`);
}

export function sigTimeText(v: number): string {
  return new Date(v * 1000).toISOString().replace(/[-T:]/g, '').slice(0, 14);
}

export const RRSIG: RdataCodec = {
  fromText(f) {
    const covered = f.word('type covered');
    const type = typeFromText(covered);
    if (type === undefined) throw new RdataError(`unknown type covered "${covered}"`);
    const w = new Writer().u16(type).u8(algorithm(f)).u8(f.int('labels', 255)).u32(f.int('original TTL', 0xffffffff));
    w.u32(sigTime(f, 'signature expiration')).u32(sigTime(f, 'signature inception'));
    w.u16(f.int('key tag', 0xffff)).name(f.name('signer name'));
    return w.bytes(base64ToBytes(f.joined('signature'), 'signature')).done();
  },
  toText(r) {
    const parts = [typeToText(r.u16()), r.u8(), r.u8(), r.u32(), sigTimeText(r.u32()), sigTimeText(r.u32()), r.u16(), r.nameText()];
    return `${parts.join(' ')} ${r.rest().toString('base64')}`;
  },
};
