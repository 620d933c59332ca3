// DNSSEC key material as published in zones: DS/CDS, DNSKEY/CDNSKEY.

import type { RdataCodec } from './codec.js';
import { base64ToBytes, type Fields, hexToBytes, RdataError } from './fields.js';
import { hexText, Writer } from './wire.js';

// RFC 4034 Appendix A.1 and the IANA registry; zone files written by BIND use these names.
const ALGORITHMS: Record<string, number> = {
  RSAMD5: 1, DH: 2, DSA: 3, RSASHA1: 5, 'DSA-NSEC3-SHA1': 6, 'RSASHA1-NSEC3-SHA1': 7,
  RSASHA256: 8, RSASHA512: 10, 'ECC-GOST': 12, ECDSAP256SHA256: 13, ECDSAP384SHA384: 14,
  ED25519: 15, ED448: 16, INDIRECT: 252, PRIVATEDNS: 253, PRIVATEOID: 254,
};

export function algorithmText(n: number): string {
  return Object.keys(ALGORITHMS).find((k) => ALGORITHMS[k] === n) ?? String(n);
}

export function algorithm(f: Fields): number {
  const t = f.word('algorithm');
  const named = ALGORITHMS[t.toUpperCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(t) || Number(t) > 255) throw new RdataError(`bad algorithm "${t}": expected a number 0..255 or a mnemonic`);
  return Number(t);
}

// Digest sizes the parent will check; a wrong length here means a DS that never matches.
const DIGEST_LENGTH: Record<number, number> = { 1: 20, 2: 32, 3: 32, 4: 48, 5: 48, 6: 48 };

export const DS: RdataCodec = {
  fromText(f) {
    const w = new Writer().u16(f.int('key tag', 0xffff)).u8(algorithm(f));
    const digestType = f.int('digest type', 255);
    const digest = hexToBytes(f.joined('digest'), 'digest');
    const want = DIGEST_LENGTH[digestType];
    if (want !== undefined && digest.length !== want) {
      throw new RdataError(`digest type ${digestType} needs ${want} octets, got ${digest.length}`);
    }
    if (digest.length === 0) throw new RdataError('missing digest');
    return w.u8(digestType).bytes(digest).done();
  },
  toText(r) {
    return `${r.u16()} ${r.u8()} ${r.u8()} ${hexText(r.rest())}`;
  },
};

export const DNSKEY: RdataCodec = {
  fromText(f) {
    const w = new Writer().u16(f.int('flags', 0xffff));
    const protocol = f.int('protocol', 255);
    if (protocol !== 3) throw new RdataError(`bad protocol ${protocol}: DNSKEY protocol must be 3`);
    w.u8(protocol).u8(algorithm(f));
    const key = base64ToBytes(f.joined('public key'), 'public key');
    if (key.length === 0) throw new RdataError('missing public key');
    return w.bytes(key).done();
  },
  toText(r) {
    return `${r.u16()} ${r.u8()} ${r.u8()} ${r.rest().toString('base64')}`;
  },
};
