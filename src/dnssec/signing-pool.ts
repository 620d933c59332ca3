// Worker threads that make signatures in the background, so a zone of 100k names is
// signed on every core while the main thread keeps answering.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { PrivateKeyMaterial } from './algorithm.js';

interface Pending {
  resolve: (sigs: Buffer[]) => void;
  reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  keys: Set<string>;
  inFlight: number;
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

  constructor(size = availableParallelism()) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const worker = new Worker(workerPath());
      const t: Thread = { worker, keys: new Set(), inFlight: 0 };
      worker.on('message', (m: { job: number; sigs?: Uint8Array[]; error?: string }) => {
        if (--t.inFlight === 0) worker.unref();
        const p = this.pending.get(m.job);
        this.pending.delete(m.job);
        if (!p) return;
        if (m.error) p.reject(new Error(m.error));
        else p.resolve(m.sigs!.map((s) => Buffer.from(s.buffer, s.byteOffset, s.byteLength)));
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

  /** Signs each data item with the key; the least busy thread takes the batch. */
  sign(keyId: string, material: PrivateKeyMaterial, data: Buffer[]): Promise<Buffer[]> {
    const t = this.threads.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    if (!t.keys.has(keyId)) {
      t.worker.postMessage({ op: 'key', id: keyId, material });
      t.keys.add(keyId);
    }
    const job = this.nextJob++;
    if (t.inFlight++ === 0) t.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(job, { resolve, reject });
      t.worker.postMessage({ op: 'sign', job, key: keyId, data });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}
