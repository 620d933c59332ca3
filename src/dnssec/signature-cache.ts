// RRSIG rdata kept by content: (key, digest of the canonical RRset, window start). An RRset
// that a reload leaves unchanged keeps its signatures; a changed one has a new digest, so it
// can never be answered with a stale signature.
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
 * Bounded in bytes, the least recently used out first, by the clock (second chance) rule: a
 * Map in insertion order, and one iterator kept across calls that always stands at the
 * oldest entry, since every entry it passes leaves its place. A hit only marks its key; the
 * eviction moves a marked entry to the end instead of dropping it. (lru-cache was a third of
 * the main thread's time while a zone was signed; moving the entry on every hit cost 1.5
 * times lru-cache's hit, a mark 0.7 times.)
 */
export class SignatureCache {
  private readonly entries = new Map<string, Buffer>();
  /** Keys read since the eviction last passed them. */
  private readonly used = new Set<string>();
  private oldest: Iterator<string> = this.entries.keys();
  private readonly maxBytes: number;
  private bytes = 0;
  hits = 0;
  misses = 0;
  signed = 0;
  /** What the signers remember per RRset (digest, jitter, last signatures), bounded with the cache. */
  readonly memo: RRsetMemo<object, Remembered>;

  constructor(maxBytes: number) {
    this.memo = new RRsetMemo(Math.max(1024, Math.floor(maxBytes / MEMO_BYTES_PER_ENTRY)));
    this.maxBytes = Math.max(1024, maxBytes);
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
    const hit = this.entries.get(key);
    if (hit) {
      this.hits++;
      this.used.add(key);
      return hit;
    }
    this.misses++;
    const made = make();
    this.signed++;
    this.put(key, made);
    return made;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  put(key: string, rdata: Buffer): void {
    const size = entryBytes(key, rdata);
    if (size > this.maxBytes) return;
    const was = this.entries.get(key);
    if (was) {
      this.entries.delete(key);
      this.bytes -= entryBytes(key, was);
    }
    // Room first, so that entries moved to the end on the way stay older than this one.
    while (this.bytes + size > this.maxBytes) this.evictOldest();
    this.entries.set(key, rdata);
    this.bytes += size;
  }

  /** Drops the oldest entry, or gives it a second chance at the end if it was read. */
  private evictOldest(): void {
    let next = this.oldest.next();
    if (next.done) {
      // Only once the map was emptied: an iterator that has ended stays ended.
      this.oldest = this.entries.keys();
      next = this.oldest.next();
    }
    const key = next.value as string;
    const rdata = this.entries.get(key)!;
    this.entries.delete(key);
    if (this.used.delete(key)) this.entries.set(key, rdata);
    else this.bytes -= entryBytes(key, rdata);
  }

  stats(): SignatureCacheStats {
    return { hits: this.hits, misses: this.misses, signed: this.signed, entries: this.entries.size, bytes: this.bytes };
  }
}
