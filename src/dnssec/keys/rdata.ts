// DNSKEY, DS, CDS and CDNSKEY rdata (RFC 4034 §2 and §5, RFC 4509, RFC 7344, RFC 8078),
// in wire form and as presentation text an operator can paste.

import { createHash } from 'node:crypto';
import { lowerLabels, nameToText, nameToWire, parseName, type Labels } from '../../wire/name.js';

/** DNSKEY flags: Zone Key (bit 7), Secure Entry Point (bit 15), REVOKE (bit 8, RFC 5011). */
export const DnskeyFlag = { ZONE: 0x0100, SEP: 0x0001, REVOKE: 0x0080 } as const;
/** Flags of a zone-signing key. */
export const ZSK_FLAGS = 256;
/** Flags of a key-signing (or combined signing) key: Zone Key + SEP. */
export const KSK_FLAGS = 257;
export const DNSKEY_PROTOCOL = 3;

/** DS digest types inkan makes: SHA-256 (RFC 4509) and SHA-384 (RFC 6605). */
export const DigestType = { SHA256: 2, SHA384: 4 } as const;
export type DigestTypeNumber = (typeof DigestType)[keyof typeof DigestType];

/** CDS DELETE (RFC 8078 §4): `0 0 0 00`. */
export const CDS_DELETE_RDATA: Buffer = Buffer.from([0, 0, 0, 0, 0]);
/** CDNSKEY DELETE (RFC 8078 §4): `0 3 0 AA==`. */
export const CDNSKEY_DELETE_RDATA: Buffer = Buffer.from([0, 0, 3, 0, 0]);

export interface DnskeyFields {
  flags: number;
  protocol: number;
  algorithm: number;
  publicKey: Buffer;
}

export function dnskeyRdata(flags: number, algorithm: number, publicKey: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + publicKey.length);
  out.writeUInt16BE(flags, 0);
  out[2] = DNSKEY_PROTOCOL;
  out[3] = algorithm;
  publicKey.copy(out, 4);
  return out;
}

export function parseDnskeyRdata(rdata: Buffer): DnskeyFields {
  if (rdata.length < 4) throw new Error(`DNSKEY rdata of ${rdata.length} octets is too short`);
  return { flags: rdata.readUInt16BE(0), protocol: rdata[2], algorithm: rdata[3], publicKey: rdata.subarray(4) };
}

function ownerLabels(owner: string | Labels): Labels {
  return typeof owner === 'string' ? parseName(owner.endsWith('.') ? owner : `${owner}.`) : owner;
}

/**
 * DS rdata for a DNSKEY (RFC 4034 §5.1.4): key tag, algorithm, digest type, and the digest
 * of the owner name in canonical (lower-case) wire form followed by the DNSKEY rdata.
 * CDS rdata is the same bytes.
 */
export function dsRdata(owner: string | Labels, dnskey: Buffer, keyTagValue: number, digestType: DigestTypeNumber = DigestType.SHA256): Buffer {
  const hash = digestType === DigestType.SHA256 ? 'sha256' : digestType === DigestType.SHA384 ? 'sha384' : undefined;
  if (!hash) throw new Error(`unsupported DS digest type ${String(digestType)}`);
  const digest = createHash(hash).update(nameToWire(lowerLabels(ownerLabels(owner)))).update(dnskey).digest();
  const out = Buffer.allocUnsafe(4 + digest.length);
  out.writeUInt16BE(keyTagValue, 0);
  out[2] = dnskey[3];
  out[3] = digestType;
  digest.copy(out, 4);
  return out;
}

/** `FLAGS 3 ALG BASE64` (DNSKEY and CDNSKEY). */
export function dnskeyText(rdata: Buffer): string {
  const f = parseDnskeyRdata(rdata);
  return `${f.flags} ${f.protocol} ${f.algorithm} ${f.publicKey.toString('base64')}`;
}

/** `TAG ALG TYPE HEX` (DS and CDS), the digest in upper case as BIND prints it. */
export function dsText(rdata: Buffer): string {
  if (rdata.length < 5) throw new Error(`DS rdata of ${rdata.length} octets is too short`);
  return `${rdata.readUInt16BE(0)} ${rdata[2]} ${rdata[3]} ${rdata.subarray(4).toString('hex').toUpperCase()}`;
}

export type KeyRecordType = 'DNSKEY' | 'CDNSKEY' | 'DS' | 'CDS';

/** One record line: `owner. [TTL] IN TYPE rdata`, the owner lower-cased with a trailing dot. */
export function recordLine(owner: string | Labels, type: KeyRecordType, rdata: Buffer, ttl?: number): string {
  const text = type === 'DS' || type === 'CDS' ? dsText(rdata) : dnskeyText(rdata);
  const name = nameToText(lowerLabels(ownerLabels(owner)));
  return `${name} ${ttl === undefined ? '' : `${ttl} `}IN ${type} ${text}`;
}
