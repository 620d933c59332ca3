// Whole responses keyed by the question as asked (lower-cased), the transport/payload size
// and the EDNS bits that change the answer. Only plain queries are cached: one question,
// nothing but an optional OPT after it, so a hit can skip parsing entirely.
//
// The key is never materialised on a hit: probe() hashes the query's bytes in place and
// find() compares them with the stored key bytes. A string key cost a latin1 decode, a
// concatenation and a rehash per query (a fifth of a cache hit's time).
import { OPT_NSID } from '../wire/query.js';

/**
 * The key is the answer's own question (every cached answer echoes its question, uncompressed,
 * at offset 12) plus the EDNS bits and payload size: one cold object less to load on a hit.
 */
interface Entry {
  wire: Buffer;
  /** EDNS bits << 16 | payload size (0xffff over TCP). */
  tail: number;
}

/**
 * Two generations of plain Maps: entries go into the young one; when it is full the old one
 * is dropped and the young one becomes old; a hit in the old generation moves the entry back
 * to the young. That approximates LRU at the cost of one or two Map lookups, cheaper on the
 * hot path than a linked LRU list. Entries also age out, through generation stamps.
 *
 * Maps are keyed by a seeded 30-bit hash of the key bytes; two keys with one hash simply
 * replace each other (a miss, never a wrong answer: find() compares the bytes). The seed is
 * random per process, so nobody can aim collisions at an entry.
 */
export class ResponseCache {
  private young = new Map<number, Entry>();
  private old = new Map<number, Entry>();
  /** Entries per generation: the cache keeps the last `maxEntries / 2` to `maxEntries` answers used. */
  private readonly half: number;
  /** When the young generation began; a generation older than maxAge is dropped whole. */
  private youngSince = Date.now();
  private oldSince = Date.now();
  private hits = 0;
  private misses = 0;
  private readonly seed = (Math.random() * 0x100000000) >>> 0;

  // What the last probe() read from its query; valid until the next probe().
  private hash = 0;
  /** Offset just past the question. */
  private qend = 0;
  private bits = 0;
  private size = 0;
  /**
   * The doorkeeper: the hash (+1) of a question answered once, in buckets of four slots. A question is cached
   * the second time it is answered, so a flood of never-repeated names (a random-subdomain
   * attack) costs no cache entries: storing each of them, only to drop it unused, made the
   * garbage collector the biggest cost of such a flood (7.3 us per query instead of 3.9).
   */
  private readonly seen: Int32Array;
  private readonly seenMask: number;
  private victim = 0;
  /** The last entry find() returned or store() made, so lent() can detach its bytes. */
  private lastHit: Entry | undefined;

  /**
   * `maxAgeMs` bounds how long a response is reused: a signed answer carries the RRSIGs of
   * the window it was made in, and must move on to the next window's well before they expire.
   */
  constructor(
    readonly maxEntries: number,
    private readonly maxAgeMs = 10 * 60_000,
  ) {
    this.half = Math.max(1, Math.ceil(maxEntries / 2));
    // Four slots per entry the cache holds, at least 4 Ki and at most 4 Mi (16 MiB): buckets
    // then rarely hold more questions than ways.
    let slots = 1 << 12;
    while (slots < 4 * maxEntries && slots < 1 << 22) slots <<= 1;
    this.seen = new Int32Array(maxEntries > 0 ? slots : 0);
    this.seenMask = slots - 1;
  }

  get enabled(): boolean {
    return this.maxEntries > 0;
  }

  /**
   * Reads a query's question and EDNS bits and hashes them; false when the query is not a
   * plain one (the full path must read it, and its answer is not cached).
   */
  probe(msg: Buffer, tcp: boolean, maxPayload: number): boolean {
    // QUERY opcode only, one question, no answer/authority records, at most an OPT.
    if ((msg[2] & 0x78) !== 0 || msg[4] !== 0 || msg[5] !== 1 || msg[6] | msg[7] | msg[8] | msg[9] || msg[10] !== 0 || msg[11] > 1) {
      return false;
    }
    // FNV-1a over the lower-cased question, seeded.
    let h = (0x811c9dc5 ^ this.seed) >>> 0;
    let o = 12;
    const n = msg.length;
    for (;;) {
      if (o >= n) return false;
      const len = msg[o];
      if (len === 0) break;
      if (len > 63 || o + 1 + len > n) return false;
      h = Math.imul(h ^ len, 0x01000193);
      const end = o + len;
      for (let i = o + 1; i <= end; i++) {
        const b = msg[i];
        h = Math.imul(h ^ (b >= 0x41 && b <= 0x5a ? b + 32 : b), 0x01000193);
      }
      o = end + 1;
    }
    const qend = o + 5;
    if (qend > n || qend - 12 > 255 + 4) return false;
    for (let i = o; i < qend; i++) h = Math.imul(h ^ msg[i], 0x01000193);
    let size = 512;
    let bits = 0;
    if (msg[11] === 1) {
      // The OPT must be the whole rest of the message: root owner, type 41, version 0.
      if (qend + 11 > n || msg[qend] !== 0 || msg[qend + 1] !== 0 || msg[qend + 2] !== 41) return false;
      if (msg[qend + 6] !== 0) return false;
      const rdlen = (msg[qend + 9] << 8) | msg[qend + 10];
      if (qend + 11 + rdlen !== n) return false;
      size = Math.min(Math.max(512, (msg[qend + 3] << 8) | msg[qend + 4]), maxPayload);
      // DO, and CO (RFC 9824 §4.1): a compact-denial zone answers NXDOMAIN only with CO set.
      const f = msg[qend + 7];
      bits = 1 | (f & 0x80 ? 2 : 0) | (f & 0x40 ? 8 : 0);
      for (let p = qend + 11; p < n; ) {
        if (p + 4 > n) return false;
        if (((msg[p] << 8) | msg[p + 1]) === OPT_NSID) bits |= 4;
        p += 4 + ((msg[p + 2] << 8) | msg[p + 3]);
        if (p > n) return false;
      }
    } else if (qend !== n) {
      return false;
    }
    if (tcp) size = 0xffff;
    h = Math.imul(h ^ bits, 0x01000193);
    h = Math.imul(h ^ (size >> 8), 0x01000193);
    h = Math.imul(h ^ (size & 0xff), 0x01000193);
    // 30 bits: a small integer to V8, so neither the field nor the Map key is a boxed number.
    this.hash = h & 0x3fffffff;
    this.qend = qend;
    this.bits = bits;
    this.size = size;
    return true;
  }

  /** The cached response to the probed query (shared: patch or copy it, never keep it). */
  find(msg: Buffer): Buffer | undefined {
    const h = this.hash;
    let e = this.young.get(h);
    if (e === undefined || !this.matches(e, msg)) {
      e = this.old.get(h);
      if (e !== undefined && this.matches(e, msg)) {
        if (Date.now() - this.oldSince > this.maxAgeMs) {
          this.old.clear();
          e = undefined;
        } else {
          this.old.delete(h);
          this.put(h, e);
        }
      } else {
        e = undefined;
      }
    }
    if (e === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.lastHit = e;
    return e.wire;
  }

  /** Caches `wire`, which must echo the question at offset 12, as the answer to the probed query. */
  store(wire: Buffer): void {
    if (wire.length < this.qend) return;
    // Four ways per bucket: with one, two questions sharing a slot could each overwrite the
    // other's note forever and never be cached (a quarter of a 100k zone's questions were).
    const h = this.hash;
    const tag = h + 1;
    const seen = this.seen;
    const b = h & this.seenMask & ~3;
    if (seen[b] !== tag && seen[b + 1] !== tag && seen[b + 2] !== tag && seen[b + 3] !== tag) {
      // A free slot if there is one, else each slot in turn (a slot chosen by the hash
      // would make colliding questions evict each other as before).
      let i = 0;
      while (i < 4 && seen[b + i] !== 0) i++;
      seen[b + (i < 4 ? i : this.victim++ & 3)] = tag;
      return;
    }
    const e = { wire, tail: (this.bits << 16) | this.size };
    this.put(this.hash, e);
    this.lastHit = e;
  }

  /**
   * The bytes find() last returned (or store() last took) are still in use (an asynchronous send holds them):
   * the cache keeps a copy from now on, so a later hit cannot patch them under the send.
   */
  lent(wire: Buffer): void {
    const e = this.lastHit;
    if (e !== undefined && e.wire === wire) e.wire = Buffer.from(wire);
  }

  private matches(e: Entry, msg: Buffer): boolean {
    if (e.tail !== ((this.bits << 16) | this.size)) return false;
    const w = e.wire;
    const qend = this.qend;
    if (w.length < qend || w[qend - 1] !== msg[qend - 1] || w[qend - 3] !== msg[qend - 3]) return false;
    for (let i = 12; i < qend; i++) {
      const a = w[i];
      const b = msg[i];
      if (a !== b && (a | 0x20) !== (b | 0x20)) return false;
      // Equal but for bit 0x20 is only a letter-case difference when both are letters.
      if (a !== b && ((a | 0x20) < 0x61 || (a | 0x20) > 0x7a)) return false;
    }
    return true;
  }

  private put(h: number, e: Entry): void {
    if (this.young.size >= this.half || Date.now() - this.youngSince > this.maxAgeMs / 2) {
      // A young generation lives at most half the max age, so no entry outlives maxAge.
      this.old = this.young;
      this.oldSince = this.youngSince;
      this.young = new Map();
      this.youngSince = Date.now();
    }
    this.young.set(h, e);
  }

  clear(): void {
    this.seen.fill(0);
    this.young.clear();
    this.old.clear();
    this.lastHit = undefined;
  }

  stats(): { hits: number; misses: number; size: number } {
    return { hits: this.hits, misses: this.misses, size: this.young.size + this.old.size };
  }
}
