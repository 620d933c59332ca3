/**
 * Splits a TCP byte stream into DNS messages framed by a 2-byte length (RFC 1035 §4.2.2).
 * Chunks are kept as received and joined only when a frame spans several of them, so a
 * client that trickles a frame byte by byte costs linear, not quadratic, copying.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private head = 0;
  private total = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** Bytes held that do not yet form a whole frame (or frames not yet taken). */
  get buffered(): number {
    return this.total;
  }

  /** The next whole message (possibly empty), or undefined until more bytes arrive. */
  next(): Buffer | undefined {
    if (this.total < 2) return undefined;
    const len = this.peekLength();
    if (this.total < 2 + len) return undefined;
    return this.take(2 + len).subarray(2);
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.total = 0;
  }

  private peekLength(): number {
    const first = this.chunks[this.head];
    if (first.length >= 2) return first.readUInt16BE(0);
    return (first[0] << 8) | this.chunks[this.head + 1][0];
  }

  private take(n: number): Buffer {
    this.total -= n;
    const first = this.chunks[this.head];
    if (first.length >= n) {
      this.advance(first, n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let o = 0;
    while (o < n) {
      const c = this.chunks[this.head];
      const k = Math.min(c.length, n - o);
      c.copy(out, o, 0, k);
      o += k;
      this.advance(c, k);
    }
    return out;
  }

  private advance(c: Buffer, k: number): void {
    if (k < c.length) {
      this.chunks[this.head] = c.subarray(k);
      return;
    }
    this.head++;
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
