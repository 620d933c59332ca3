// Records about the zone as a whole: ZONEMD (RFC 8976 digest) and CSYNC (RFC 7477).

import type { RdataCodec } from './codec.js';
import { decodeTypeBitmap, encodeTypeBitmap, readTypes, typesText } from './denial.js';
import { hexToBytes, RdataError } from './fields.js';
import { hexText, Writer } from './wire.js';

// SHA-384 and SHA-512; RFC 8976 §2.2.4 also requires at least 12 octets for any digest.
const ZONEMD_LENGTH: Record<number, number> = { 1: 48, 2: 64 };

export const ZONEMD: RdataCodec = {
  fromText(f) {
    const w = new Writer().u32(f.int('serial', 0xffffffff)).u8(f.int('scheme', 255));
    const alg = f.int('hash algorithm', 255);
    const digest = hexToBytes(f.joined('digest'), 'digest');
    const want = ZONEMD_LENGTH[alg];
    if (want !== undefined && digest.length !== want) throw new RdataError(`hash algorithm ${alg} needs ${want} octets, got ${digest.length}`);
    if (digest.length < 12) throw new RdataError(`digest is ${digest.length} octets; ZONEMD needs at least 12`);
    return w.u8(alg).bytes(digest).done();
  },
  toText(r) {
    const head = `${r.u32()} ${r.u8()} ${r.u8()}`;
    const digest = r.rest();
    if (digest.length < 12) throw new RdataError('ZONEMD digest shorter than 12 octets');
    return `${head} ${hexText(digest)}`;
  },
};

export const CSYNC: RdataCodec = {
  fromText(f) {
    const w = new Writer().u32(f.int('SOA serial', 0xffffffff)).u16(f.int('flags', 0xffff));
    return w.bytes(encodeTypeBitmap(readTypes(f))).done();
  },
  toText(r) {
    const head = `${r.u32()} ${r.u16()}`;
    const types = decodeTypeBitmap(r);
    return types.length ? `${head} ${typesText(types)}` : head;
  },
};
