// Whole responses keyed by the question as asked (lower-cased), the transport/payload size
// and the EDNS bits that change the answer. Only plain queries are cached: one question,
// nothing but an optional OPT after it, so a hit can skip parsing entirely.
import { OPT_NSID } from '../wire/query.js';

const scratch = Buffer.allocUnsafe(512);

/** The cache key of a plain query, or undefined when the full path must read it. */
export function cacheKey(msg: Buffer, tcp: boolean, maxPayload: number): string | undefined {
  // QUERY opcode only, one question, no answer/authority records, at most an OPT.
  if ((msg[2] & 0x78) !== 0 || msg[4] !== 0 || msg[5] !== 1 || msg[6] | msg[7] | msg[8] | msg[9] || msg[10] !== 0 || msg[11] > 1) {
    return undefined;
  }
  let o = 12;
  let upper = false;
  for (;;) {
    if (o >= msg.length) return undefined;
    const len = msg[o];
    if (len === 0) break;
    if (len > 63 || o + 1 + len > msg.length) return undefined;
    for (let i = o + 1; i <= o + len; i++) if (msg[i] >= 0x41 && msg[i] <= 0x5a) upper = true;
    o += 1 + len;
  }
  const qend = o + 5;
  if (qend > msg.length || qend - 12 > scratch.length) return undefined;
  let size = 512;
  let bits = 0;
  if (msg[11] === 1) {
    // The OPT must be the whole rest of the message: root owner, type 41, version 0.
    if (qend + 11 > msg.length || msg[qend] !== 0 || msg[qend + 1] !== 0 || msg[qend + 2] !== 41) return undefined;
    if (msg[qend + 6] !== 0) return undefined;
    const rdlen = msg.readUInt16BE(qend + 9);
    if (qend + 11 + rdlen !== msg.length) return undefined;
    size = Math.min(Math.max(512, msg.readUInt16BE(qend + 3)), maxPayload);
    // DO, and CO (RFC 9824 §4.1): a compact-denial zone answers NXDOMAIN only with CO set.
    bits = 1 | (msg[qend + 7] & 0x80 ? 2 : 0) | (msg[qend + 7] & 0x40 ? 8 : 0);
    for (let p = qend + 11; p < msg.length; ) {
      if (p + 4 > msg.length) return undefined;
      const code = msg.readUInt16BE(p);
      const len = msg.readUInt16BE(p + 2);
      if (code === OPT_NSID) bits |= 4;
      p += 4 + len;
      if (p > msg.length) return undefined;
    }
  } else if (qend !== msg.length) {
    return undefined;
  }
  let q: string;
  if (upper) {
    for (let i = 12; i < qend; i++) {
      const b = msg[i];
      scratch[i - 12] = b >= 0x41 && b <= 0x5a ? b + 32 : b;
    }
    q = scratch.toString('latin1', 0, qend - 12);
  } else {
    q = msg.toString('latin1', 12, qend);
  }
  return q + String.fromCharCode(bits, tcp ? 0xffff : size);
}

/**
 * Two generations of plain Maps: entries go into the young one; when it is full the old one
 * is dropped and the young one becomes old; a hit in the old generation moves the entry back
 * to the young. That approximates LRU at the cost of one or two Map lookups, cheaper on the
 * hot path than a linked LRU list. Entries also age out, through generation stamps.
 */
export class ResponseCache {
  private young = new Map<string, Buffer>();
  private old = new Map<string, Buffer>();
  /** Entries per generation: the cache keeps the last `maxEntries` to `2 * maxEntries` answers used. */
  private readonly half: number;
  /** When the young generation began; a generation older than maxAge is dropped whole. */
  private youngSince = Date.now();
  private oldSince = Date.now();
  private hits = 0;
  private misses = 0;

  /**
   * `maxAgeMs` bounds how long a response is reused: a signed answer carries the RRSIGs of
   * the window it was made in, and must move on to the next window's well before they expire.
   */
  constructor(
    readonly maxEntries: number,
    private readonly maxAgeMs = 10 * 60_000,
  ) {
    this.half = Math.max(1, maxEntries);
  }

  get enabled(): boolean {
    return this.maxEntries > 0;
  }

  get(key: string): Buffer | undefined {
    let v = this.young.get(key);
    if (v === undefined) {
      v = this.old.get(key);
      if (v !== undefined) {
        if (Date.now() - this.oldSince > this.maxAgeMs) {
          this.old.clear();
          v = undefined;
        } else {
          this.old.delete(key);
          this.put(key, v);
        }
      }
    }
    if (v) this.hits++;
    else this.misses++;
    return v;
  }

  set(key: string, wire: Buffer): void {
    this.put(key, wire);
  }

  private put(key: string, wire: Buffer): void {
    if (this.young.size >= this.half || Date.now() - this.youngSince > this.maxAgeMs / 2) {
      // A young generation lives at most half the max age, so no entry outlives maxAge.
      this.old = this.young;
      this.oldSince = this.youngSince;
      this.young = new Map();
      this.youngSince = Date.now();
    }
    this.young.set(key, wire);
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }

  stats(): { hits: number; misses: number; size: number } {
    return { hits: this.hits, misses: this.misses, size: this.young.size + this.old.size };
  }
}
