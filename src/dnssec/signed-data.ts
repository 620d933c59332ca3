// RFC 4034 §3.1.8.1: the data an RRSIG signs. One function for the main thread and the
// signing threads, so that both make the same bytes.
import type { Labels } from '../wire/name.js';
import { signatureLabels } from './canonical.js';

export interface RrsigFields {
  type: number;
  algorithm: number;
  ttl: number;
  inception: number;
  expiration: number;
  tag: number;
}

/**
 * The RRSIG rdata without its signature, followed by the canonical RRset, in one allocation:
 * the head (the first `18 + signerName.length` bytes) is also the start of the RRSIG rdata.
 */
export function signedData(f: RrsigFields, owner: Labels, signerName: Buffer, canonical: Buffer): Buffer {
  return signedDataWithLabels(f, signatureLabels(owner), signerName, canonical);
}

/** The same, with the RRSIG Labels field already worked out. */
export function signedDataWithLabels(f: RrsigFields, labels: number, signerName: Buffer, canonical: Buffer): Buffer {
  const head = Buffer.allocUnsafe(18 + signerName.length + canonical.length);
  head.writeUInt16BE(f.type, 0);
  head[2] = f.algorithm;
  head[3] = labels;
  head.writeUInt32BE(f.ttl >>> 0, 4);
  head.writeUInt32BE(f.expiration >>> 0, 8);
  head.writeUInt32BE(f.inception >>> 0, 12);
  head.writeUInt16BE(f.tag, 16);
  head.set(signerName, 18);
  head.set(canonical, 18 + signerName.length);
  return head;
}
