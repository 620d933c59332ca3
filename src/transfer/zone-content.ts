// A served version's content as a flat list of records (what an AXFR of it carries: every
// RRSIG and the whole NSEC/NSEC3 chain), SOA first, with a digest that says whether two
// versions hold the same thing. Made in slices, so a large zone does not hold up answers,
// and written straight into large buffers (no object per record for the collector to trace).
import { createHash } from 'node:crypto';
import { zoneContent } from '../dnssec/signed-zone-text.js';
import type { WireRRset } from '../wire/writer.js';
import type { Zone } from '../zone/zone.js';
import { recordLength, writeRecord } from './record-codec.js';

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
const CHUNK = 1 << 20;

/** Lets queries and timers in before the next slice of work. */
export const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The records of `zone`. Signatures come from the cache: sign the version first. */
export async function contentOf(zone: Zone): Promise<Content> {
  const chunks: Buffer[] = [];
  const offsets: number[] = [];
  const hash = createHash('sha256');
  let cur = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  let total = 0;
  const seal = (): void => {
    const done = cur.subarray(0, pos);
    hash.update(done);
    chunks.push(done);
    total += pos;
  };
  const add = (set: WireRRset): void => {
    for (const rd of set.rdata) {
      const len = recordLength(set, rd);
      if (pos + len > cur.length) {
        seal();
        cur = Buffer.allocUnsafe(Math.max(CHUNK, len));
        pos = 0;
      }
      offsets.push(total + pos);
      pos = writeRecord(cur, pos, set, rd);
    }
  };
  add(zone.soa);
  let n = 0;
  for (const set of zoneContent(zone)) {
    if (set === zone.soa) continue;
    add(set);
    if (++n % SLICE === 0) await breathe();
  }
  seal();
  offsets.push(total);
  return { serial: zone.serial, buf: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total), offsets, digest: hash.digest() };
}

/** Record `i` of a content. */
export function recordAt(c: Content, i: number): Buffer {
  return c.buf.subarray(c.offsets[i], c.offsets[i + 1]);
}
