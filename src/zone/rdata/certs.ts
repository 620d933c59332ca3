// Keys, fingerprints and certificates published for others: SSHFP, TLSA, SMIMEA,
// OPENPGPKEY, CERT, IPSECKEY, and DHCID (an opaque base64 blob like OPENPGPKEY).

import { ipv4Text, ipv4ToBytes, ipv6Text, ipv6ToBytes } from './address.js';
import type { RdataCodec } from './codec.js';
import { algorithm, algorithmText } from './keys.js';
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

/** A type whose whole rdata is one non-empty base64 blob. */
export function base64Blob(what: string): RdataCodec {
  return {
    fromText(f) {
      return base64ToBytes(f.joined(what), what);
    },
    toText(r) {
      const data = r.rest();
      if (data.length === 0) throw new RdataError(`${what} is empty`);
      return data.toString('base64');
    },
  };
}

export const OPENPGPKEY = base64Blob('public key');
export const DHCID = base64Blob('DHCID data');

// RFC 4398 §2.2 certificate type mnemonics.
const CERT_TYPES: Record<string, number> = {
  PKIX: 1, SPKI: 2, PGP: 3, IPKIX: 4, ISPKI: 5, IPGP: 6, ACPKIX: 7, IACPKIX: 8, URI: 253, OID: 254,
};

export const CERT: RdataCodec = {
  fromText(f) {
    const t = f.word('certificate type');
    const type = CERT_TYPES[t.toUpperCase()] ?? (/^\d+$/.test(t) && Number(t) <= 0xffff ? Number(t) : undefined);
    if (type === undefined) throw new RdataError(`bad certificate type "${t}"`);
    const w = new Writer().u16(type).u16(f.int('key tag', 0xffff)).u8(algorithm(f));
    return w.bytes(base64ToBytes(f.joined('certificate'), 'certificate')).done();
  },
  toText(r) {
    // Mnemonics where they exist, as BIND prints CERT.
    const type = r.u16();
    const typeText = Object.keys(CERT_TYPES).find((k) => CERT_TYPES[k] === type) ?? String(type);
    const head = `${typeText} ${r.u16()} ${algorithmText(r.u8())}`;
    const cert = r.rest();
    if (cert.length === 0) throw new RdataError('certificate is empty');
    return `${head} ${cert.toString('base64')}`;
  },
};

/** RFC 4025: the gateway's form depends on the gateway type (none, IPv4, IPv6, name). */
export const IPSECKEY: RdataCodec = {
  fromText(f) {
    const w = new Writer().u8(f.int('precedence', 255));
    const gwType = f.int('gateway type', 3);
    const alg = f.int('algorithm', 255);
    w.u8(gwType).u8(alg);
    if (gwType === 0) {
      const g = f.word('gateway');
      if (g !== '.') throw new RdataError(`gateway type 0 needs "." as gateway, got "${g}"`);
    } else if (gwType === 1) w.bytes(ipv4ToBytes(f.word('gateway')));
    else if (gwType === 2) w.bytes(ipv6ToBytes(f.word('gateway')));
    else w.name(f.name('gateway'));
    // §2.6: with algorithm 0 there is no key.
    const key = base64ToBytes(f.joined(alg === 0 ? undefined : 'public key'), 'public key');
    return w.bytes(key).done();
  },
  toText(r) {
    const prec = r.u8();
    const gwType = r.u8();
    const alg = r.u8();
    let gw: string;
    if (gwType === 0) gw = '.';
    else if (gwType === 1) gw = ipv4Text(r.bytes(4));
    else if (gwType === 2) gw = ipv6Text(r.bytes(16));
    else if (gwType === 3) gw = r.nameText();
    else throw new RdataError(`unknown IPSECKEY gateway type ${gwType}`);
    const key = r.rest();
    return `${prec} ${gwType} ${alg} ${gw}` + (key.length ? ` ${key.toString('base64')}` : '');
  },
};
