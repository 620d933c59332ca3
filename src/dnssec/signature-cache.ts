// RRSIG rdata kept by content: (key, digest of the canonical RRset, window start). An RRset
// that a reload leaves unchanged keeps its signatures; a changed one has a new digest, so it
// can never be answered with a stale signature.
import { LRUCache } from 'lru-cache';

export interface SignatureCacheStats {
  hits: number;
  misses: number;
  signed: number;
  entries: number;
  bytes: number;
}

export class SignatureCache {
  private readonly lru: LRUCache<string, Buffer>;
  hits = 0;
  misses = 0;
  signed = 0;

  constructor(maxBytes: number) {
    this.lru = new LRUCache<string, Buffer>({
      maxSize: Math.max(1024, maxBytes),
      sizeCalculation: (v, k) => v.length + k.length * 2 + 64,
    });
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
