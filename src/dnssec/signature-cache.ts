// RRSIG rdata kept by content: (key, digest of the canonical RRset, window start). An RRset
// that a reload leaves unchanged keeps its signatures; a changed one has a new digest, so it
// can never be answered with a stale signature.
import { LRUCache } from 'lru-cache';
import { RRsetMemo } from './rrset-memo.js';
import type { Remembered } from './rrsig.js';

/**
 * RRsets the per-RRset memo may hold per generation, per byte of cache. A memo entry costs
 * ~250 bytes beside the RRSIGs it shares with the cache. A generation must hold every signed
 * RRset of the zones served: transfers and refresh rounds walk the whole zone in order, and
 * a walk longer than a generation forgets each entry just before it is needed again (one per
 * KiB, 262k at the default 256 MiB, made every AXFR of a 100k-name NSEC3 zone, 320k RRsets,
 * re-digest a fifth of it: 570 -> 840 ms). One per 512 bytes: 524k per generation, at most
 * ~256 MB for both, reached only by zones that large.
 */
const MEMO_BYTES_PER_ENTRY = 512;

/** What an entry is counted as: its rdata, its key (two bytes a character) and the map's share. */
const entryBytes = (key: string, rdata: Buffer): number => rdata.length + key.length * 2 + 64;

export interface SignatureCacheStats {
  hits: number;
  misses: number;
  signed: number;
  entries: number;
  bytes: number;
}

/**
 * Bounded in bytes (lru-cache), the least recently used out first. Tried and left: one Map
 * with a clock (second chance) eviction made a hit 0.7x as costly, but the main thread's CPU
 * while a 100k-name zone is signed did not move beyond the noise (signMain 790-830 ms against
 * 820-840 with lru-cache): not enough to trade a well-kept library for code of our own.
 */
export class SignatureCache {
  private readonly lru: LRUCache<string, Buffer>;
  hits = 0;
  misses = 0;
  signed = 0;
  /** What the signers remember per RRset (digest, jitter, last signatures), bounded with the cache. */
  readonly memo: RRsetMemo<object, Remembered>;

  constructor(maxBytes: number) {
    this.memo = new RRsetMemo(Math.max(1024, Math.floor(maxBytes / MEMO_BYTES_PER_ENTRY)));
    this.lru = new LRUCache<string, Buffer>({ maxSize: Math.max(1024, maxBytes), sizeCalculation: (v, k) => entryBytes(k, v) });
  }

  private readonly signerTags = new Map<string, string>();

  /**
   * A short tag for a key and a validity policy (which shapes the dates) in cache keys: the
   * same for every signer sharing this cache, never one for two. There are only ever a few.
   */
  signerTag(keyId: string, policy: string): string {
    const id = `${keyId}|${policy}`;
    let tag = this.signerTags.get(id);
    if (tag === undefined) this.signerTags.set(id, (tag = `|${this.signerTags.size}`));
    return tag;
  }

  /** The cached RRSIG rdata for `key`, or the one `make` produces (made once, then kept). */
  get(key: string, make: () => Buffer): Buffer {
    const hit = this.lru.get(key);
    if (hit) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const made = make();
    this.signed++;
    this.lru.set(key, made);
    return made;
  }

  has(key: string): boolean {
    return this.lru.has(key);
  }

  put(key: string, rdata: Buffer): void {
    this.lru.set(key, rdata);
  }

  stats(): SignatureCacheStats {
    return { hits: this.hits, misses: this.misses, signed: this.signed, entries: this.lru.size, bytes: this.lru.calculatedSize };
  }
}
