// A bounded memo keyed by object identity: what the signer remembers per RRset (its digest,
// its jitter offset, the signatures last handed out) so that a repeated question costs one
// lookup. A WeakMap alone cannot be bounded (it has no size and no order), so there are two
// generations: new entries go to the young map; when it holds `limit` entries it becomes the
// old one and the previous old map is dropped whole. An entry read from the old map moves
// back to the young one, so what is asked at least once per generation stays. At most
// 2 x limit entries are reachable; lookups stay one WeakMap get on the hot path.

export class RRsetMemo<K extends object, V> {
  private young = new WeakMap<K, V>();
  private old = new WeakMap<K, V>();
  private count = 0;

  constructor(readonly limit: number) {}

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }

  /** Adds an entry (callers set only what `get` did not find, so each set is a new one). */
  set(key: K, value: V): void {
    if (this.count >= this.limit) {
      this.old = this.young;
      this.young = new WeakMap();
      this.count = 0;
    }
    this.young.set(key, value);
    this.count++;
  }

  /** Forgets everything. */
  clear(): void {
    this.young = new WeakMap();
    this.old = new WeakMap();
    this.count = 0;
  }

  /** Entries in the young generation (for tests and stats). */
  get size(): number {
    return this.count;
  }
}
