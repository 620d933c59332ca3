// RFC 3597 §5 generic rdata: "\# <length> <hex...>", valid for any type.

import { type Fields, hexToBytes, RdataError } from './fields.js';

export function isGeneric(f: Fields): boolean {
  return f.tokens.length > 0 && !f.tokens[0].quoted && f.tokens[0].text === '\\#';
}

export function genericFromText(f: Fields): Buffer {
  f.next('\\#');
  const len = f.int('generic rdata length', 0xffff);
  const data = hexToBytes(f.joined(len === 0 ? undefined : 'generic rdata hex'), 'generic rdata');
  if (data.length !== len) throw new RdataError(`generic rdata length is ${len} but ${data.length} octets of hex follow`);
  return data;
}

export function genericText(rdata: Buffer): string {
  return rdata.length === 0 ? '\\# 0' : `\\# ${rdata.length} ${rdata.toString('hex').toUpperCase()}`;
}
