// A set of records found by their bytes, for diffs of whole zones: hundreds of thousands of
// records, so no string or object per record (those made a 100k-name zone's diff hold the
// event loop for seconds in garbage collection). Records are byte ranges of a few buffers,
// kept in typed arrays, in an open-addressing table keyed by a 32-bit FNV-1a hash.

export class RecordTable {
  private readonly bufs: Buffer[] = [];
  private readonly bufOf: Int32Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly hashes: Int32Array;
  private readonly live: Uint8Array;
  /** Entry index + 1 per slot; 0 is empty. Removed entries keep their slot (marked not live). */
  private readonly slots: Int32Array;
  private readonly mask: number;
  private count = 0;
  size = 0;

  /** `capacity`: how many records will be added in all (removals do not free room). */
  constructor(capacity: number) {
    const n = Math.max(1, capacity);
    this.bufOf = new Int32Array(n);
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.hashes = new Int32Array(n);
    this.live = new Uint8Array(n);
    let slots = 16;
    while (slots < n * 2) slots *= 2;
    this.slots = new Int32Array(slots);
    this.mask = slots - 1;
  }

  /** Adds the record `buf[start, end)`. */
  add(buf: Buffer, start: number, end: number): void {
    if (this.count >= this.live.length) throw new RangeError('RecordTable: capacity exceeded');
    let b = this.bufs.length - 1;
    if (b < 0 || this.bufs[b] !== buf) {
      b = this.bufs.indexOf(buf);
      if (b < 0) b = this.bufs.push(buf) - 1;
    }
    const h = hash(buf, start, end);
    const i = this.count++;
    this.bufOf[i] = b;
    this.starts[i] = start;
    this.ends[i] = end;
    this.hashes[i] = h;
    this.live[i] = 1;
    this.size++;
    let s = h & this.mask;
    while (this.slots[s] !== 0) s = (s + 1) & this.mask;
    this.slots[s] = i + 1;
  }

  /** Removes a record with these bytes, if one is held; says whether one was. */
  take(buf: Buffer, start: number, end: number): boolean {
    const h = hash(buf, start, end);
    const len = end - start;
    for (let s = h & this.mask; this.slots[s] !== 0; s = (s + 1) & this.mask) {
      const i = this.slots[s] - 1;
      if (!this.live[i] || this.hashes[i] !== h || this.ends[i] - this.starts[i] !== len) continue;
      if (this.bufs[this.bufOf[i]].compare(buf, start, end, this.starts[i], this.ends[i]) !== 0) continue;
      this.live[i] = 0;
      this.size--;
      return true;
    }
    return false;
  }

  /** The records still held, in the order they were added. */
  *records(): Generator<Buffer> {
    for (let i = 0; i < this.count; i++) if (this.live[i]) yield this.bufs[this.bufOf[i]].subarray(this.starts[i], this.ends[i]);
  }

  /** Bytes of the records still held. */
  get bytes(): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) if (this.live[i]) n += this.ends[i] - this.starts[i];
    return n;
  }
}

function hash(buf: Buffer, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h | 0;
}
