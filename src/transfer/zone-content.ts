// A served version's content as a flat list of records (what an AXFR of it carries: every
// RRSIG and the whole NSEC/NSEC3 chain), SOA first, with a digest that says whether two
// versions hold the same thing. Made in slices, so a large zone does not hold up answers.
import { createHash } from 'node:crypto';
import { zoneContent } from '../dnssec/signed-zone-text.js';
import type { Zone } from '../zone/zone.js';
import { encodeRRset } from './record-codec.js';

export interface Content {
  serial: number;
  /** Records in canonical transfer order, the SOA first. */
  buf: Buffer;
  /** Start of each record in `buf`, then `buf.length`. */
  offsets: number[];
  /** SHA-256 of `buf`. */
  digest: Buffer;
}

/** RRsets handled between two turns of the event loop. */
export const SLICE = 2000;

/** Lets queries and timers in before the next slice of work. */
export const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The records of `zone`. Signatures come from the cache: sign the version first. */
export async function contentOf(zone: Zone): Promise<Content> {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let pos = 0;
  const hash = createHash('sha256');
  let hashed = 0;
  const add = (set: Parameters<typeof encodeRRset>[0]): void => {
    const before = parts.length;
    encodeRRset(set, parts);
    // Three parts per record: owner, fixed fields, rdata.
    for (let i = before; i < parts.length; i += 3) {
      offsets.push(pos);
      pos += parts[i].length + parts[i + 1].length + parts[i + 2].length;
    }
  };
  add(zone.soa);
  let n = 0;
  for (const set of zoneContent(zone)) {
    if (set === zone.soa) continue;
    add(set);
    if (++n % SLICE === 0) {
      for (; hashed < parts.length; hashed++) hash.update(parts[hashed]);
      await breathe();
    }
  }
  for (; hashed < parts.length; hashed++) hash.update(parts[hashed]);
  offsets.push(pos);
  return { serial: zone.serial, buf: Buffer.concat(parts, pos), offsets, digest: hash.digest() };
}

/** Record `i` of a content. */
export function recordAt(c: Content, i: number): Buffer {
  return c.buf.subarray(c.offsets[i], c.offsets[i + 1]);
}
