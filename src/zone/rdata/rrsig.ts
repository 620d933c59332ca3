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

/**
 * Seconds since the epoch (0 .. 2^32 - 1) as YYYYMMDDHHmmSS in UTC. Worked out by integer
 * arithmetic (days to civil date, H. Hinnant's algorithm): a Date, an ISO string and a
 * regular expression per time were a tenth of writing a signed zone as text.
 */
export function sigTimeText(v: number): string {
  const days = Math.floor(v / 86400);
  const secs = v - days * 86400;
  // Days since 1970-01-01 to a proleptic Gregorian date, eras of 400 years from 0000-03-01.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const two = (n: number): string => (n < 10 ? '0' : '') + n;
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs - h * 3600) / 60);
  return `${year}${two(month)}${two(day)}${two(h)}${two(m)}${two(secs - h * 3600 - m * 60)}`;
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
