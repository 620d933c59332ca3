// Fingerprints and certificate associations: SSHFP, TLSA, SMIMEA, OPENPGPKEY.

import type { RdataCodec } from './codec.js';
import { base64ToBytes, hexToBytes, RdataError } from './fields.js';
import { hexText, Writer } from './wire.js';

export const SSHFP: RdataCodec = {
  fromText(f) {
    const w = new Writer().u8(f.int('algorithm', 255)).u8(f.int('fingerprint type', 255));
    return w.bytes(hexToBytes(f.joined('fingerprint'), 'fingerprint')).done();
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
