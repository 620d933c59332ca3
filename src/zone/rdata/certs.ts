// Fingerprints and certificate associations: SSHFP, TLSA, SMIMEA, OPENPGPKEY.

import type { RdataCodec } from './codec.js';
import { base64ToBytes, hexToBytes, RdataError } from './fields.js';
import { hexText, Writer } from './wire.js';

// RFC 4255 SHA-1 and RFC 6594 SHA-256: a fingerprint of another length can never match.
const FINGERPRINT_LENGTH: Record<number, number> = { 1: 20, 2: 32 };

export const SSHFP: RdataCodec = {
  fromText(f) {
    const w = new Writer().u8(f.int('algorithm', 255));
    const type = f.int('fingerprint type', 255);
    const fp = hexToBytes(f.joined('fingerprint'), 'fingerprint');
    const want = FINGERPRINT_LENGTH[type];
    if (want !== undefined && fp.length !== want) throw new RdataError(`fingerprint type ${type} needs ${want} octets, got ${fp.length}`);
    return w.u8(type).bytes(fp).done();
  },
  toText(r) {
    return `${r.u8()} ${r.u8()} ${hexText(r.rest())}`;
  },
};

/** TLSA and SMIMEA share one layout (RFC 6698, RFC 8162). */
export const TLSA: RdataCodec = {
  fromText(f) {
    const w = new Writer()
      .u8(f.int('certificate usage', 255))
      .u8(f.int('selector', 255))
      .u8(f.int('matching type', 255));
    const data = hexToBytes(f.joined('certificate association data'), 'certificate association data');
    return w.bytes(data).done();
  },
  toText(r) {
    const head = `${r.u8()} ${r.u8()} ${r.u8()}`;
    const data = r.rest();
    if (data.length === 0) throw new RdataError('certificate association data is empty');
    return `${head} ${hexText(data)}`;
  },
};

export const OPENPGPKEY: RdataCodec = {
  fromText(f) {
    return base64ToBytes(f.joined('public key'), 'public key');
  },
  toText(r) {
    const key = r.rest();
    if (key.length === 0) throw new RdataError('OPENPGPKEY key is empty');
    return key.toString('base64');
  },
};
