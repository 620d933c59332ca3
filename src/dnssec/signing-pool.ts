// Worker threads that make signatures in the background, so a zone of 100k names is
// signed on every core while the main thread keeps answering.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { PrivateKeyMaterial } from './algorithm.js';
import { p256ScalarModule } from './crypto/p256-scalar.js';
import { sha256x4Module } from './crypto/sha256-x4.js';
import { shareable } from './crypto/wasm-module.js';
import type { KeySpec, Speculation } from './batch-signing.js';

/** A batch signed ahead on a thread (batch-signing.ts signAhead), as Buffers. */
export interface SignedAhead {
  facts: Buffer;
  tasks: Uint32Array;
  rdata: Buffer;
}

interface Reply {
  job: number;
  sigs?: Uint8Array[];
  facts?: ArrayBuffer;
  rdata?: ArrayBuffer;
  tasks?: ArrayBuffer;
  error?: string;
}

interface Pending {
  resolve: (m: Reply) => void;
  reject: (err: Error) => void;
}

/** A key a thread signs with: its id in batches, and the private part to hand over once. */
export interface PoolKey {
  id: string;
  material: PrivateKeyMaterial;
}

/** A batch prepared on one thread, which keeps it until `signPrepared`. */
export interface PreparedOnThread {
  thread: number;
  batch: number;
  /** See batch-signing.ts FACT_BYTES: digest and offset per RRset. */
  facts: Buffer;
}

interface Thread {
  worker: Worker;
  keys: Set<string>;
  inFlight: number;
  /** Jobs sent; the thread counts those it has done in `progress`. */
  sent: number;
}

/** The compiled worker: under vitest this module is TypeScript, but threads need dist/ JavaScript. */
function workerPath(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? here.replace(/\/src\/dnssec\/signing-pool\.ts$/, '/dist/dnssec/sign-worker.js') : here.replace(/signing-pool\.js$/, 'sign-worker.js');
}

export class SigningPool {
  private readonly threads: Thread[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextJob = 1;
  /**
   * Jobs done per thread, written by the threads: readable while this thread is too busy to
   * take their replies (a zone file being read), so work goes only where it is taken up.
   */
  private readonly progress: Int32Array;

  constructor(size = availableParallelism()) {
    const count = Math.max(1, size);
    this.progress = new Int32Array(new SharedArrayBuffer(4 * count));
    // Compiled here once and handed over: each thread assembling its own took ~40 ms, and
    // V8 then spent ~0.1 s optimising the assembler in every thread.
    sha256x4Module();
    p256ScalarModule();
    const wasm = shareable();
    for (let i = 0; i < count; i++) {
      const worker = new Worker(workerPath(), { workerData: { progress: this.progress, index: i, wasm } });
      const t: Thread = { worker, keys: new Set(), inFlight: 0, sent: 0 };
      worker.on('message', (m: Reply) => {
        if (--t.inFlight === 0) worker.unref();
        const p = this.pending.get(m.job);
        this.pending.delete(m.job);
        if (!p) return;
        if (m.error) p.reject(new Error(m.error));
        else p.resolve(m);
      });
      worker.on('error', (err) => {
        for (const [, p] of this.pending) p.reject(err);
        this.pending.clear();
      });
      // Idle signing threads must not keep the process alive; busy ones must.
      worker.unref();
      this.threads.push(t);
    }
  }

  get size(): number {
    return this.threads.length;
  }

  /** Jobs sent to thread `i` that it has not done yet (true even while replies wait here). */
  private backlog(i: number): number {
    return this.threads[i].sent - Atomics.load(this.progress, i);
  }

  private leastBusy(): number {
    let best = 0;
    for (let i = 1; i < this.threads.length; i++) if (this.backlog(i) < this.backlog(best)) best = i;
    return best;
  }

  /** One of the first `among` threads with fewer than `most` jobs not yet done, if any. */
  threadWithRoom(among: number, most: number): number | undefined {
    for (let i = 0; i < Math.min(among, this.threads.length); i++) {
      if (this.backlog(i) < most) return i;
    }
    return undefined;
  }

  private withKey(t: Thread, k: PoolKey): void {
    if (t.keys.has(k.id)) return;
    t.worker.postMessage({ op: 'key', id: k.id, material: k.material });
    t.keys.add(k.id);
  }

  private send(t: Thread, msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> {
    const job = this.nextJob++;
    if (t.inFlight++ === 0) t.worker.ref();
    t.sent++;
    return new Promise((resolve, reject) => {
      this.pending.set(job, { resolve, reject });
      t.worker.postMessage({ ...msg, job }, transfer);
    });
  }

  /** Signs each data item with the key; the least busy thread takes the batch. */
  async sign(keyId: string, material: PrivateKeyMaterial, data: Buffer[]): Promise<Buffer[]> {
    const t = this.threads[this.leastBusy()];
    this.withKey(t, { id: keyId, material });
    const m = await this.send(t, { op: 'sign', key: keyId, data });
    return m.sigs!.map((s) => Buffer.from(s.buffer, s.byteOffset, s.byteLength));
  }

  /**
   * Hands a batch of RRsets (rrset-batch.ts; the buffer is transferred, so it is unusable
   * here afterwards) to the least busy thread, which works out each RRset's canonical form,
   * digest and jitter offset and keeps them until `signPrepared` names what to sign.
   */
  async prepare(keys: readonly PoolKey[], rrsets: ArrayBuffer, refresh: number): Promise<PreparedOnThread> {
    const thread = this.leastBusy();
    const t = this.threads[thread];
    for (const k of keys) this.withKey(t, k);
    const batch = this.nextJob;
    const m = await this.send(t, { op: 'prepare', rrsets, refresh }, [rrsets]);
    return { thread, batch, facts: Buffer.from(m.facts!) };
  }

  /**
   * Prepares and signs a batch of RRsets in one go, for the window and keys `speculation`
   * names (batch-signing.ts), on thread `on` (else the least busy); the thread keeps nothing.
   */
  async signAhead(keys: readonly PoolKey[], rrsets: ArrayBuffer, speculation: Speculation, on?: number): Promise<SignedAhead> {
    const t = this.threads[on ?? this.leastBusy()];
    for (const k of keys) this.withKey(t, k);
    const m = await this.send(t, { op: 'signAhead', rrsets, speculation }, [rrsets]);
    return { facts: Buffer.from(m.facts!), tasks: new Uint32Array(m.tasks!), rdata: Buffer.from(m.rdata!) };
  }

  /**
   * The RRSIG rdata of the tasks (batch-signing.ts TASK_WORDS each) of a prepared batch, as
   * length (u16) + bytes in task order. Always call it once per batch, even with no tasks:
   * that is what lets the thread drop the batch.
   */
  async signPrepared(p: PreparedOnThread, keys: readonly KeySpec[], signerName: Buffer, tasks: Uint32Array): Promise<Buffer> {
    const buf = tasks.buffer as ArrayBuffer;
    const m = await this.send(this.threads[p.thread], { op: 'signPrepared', batch: p.batch, keys, signerName, tasks: buf }, [buf]);
    return Buffer.from(m.rdata!);
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}
