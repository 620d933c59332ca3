// A signing thread: holds private keys it was given and signs with them, either batches of
// ready-made signed data ('sign'), or batches of RRsets it prepares itself ('prepare', then
// 'signPrepared'): canonical form, digest and jitter offset first, so that the main thread
// can tell from its cache which signatures are missing, then the RRSIG rdata of those; or,
// while a zone file is read, both at once for every RRset of a batch ('signAhead').
import { parentPort, workerData } from 'node:worker_threads';
import type { PrivateKeyMaterial, Signer } from './algorithm.js';
import { createSigner, signMany } from './crypto/index.js';
import { adopt } from './crypto/wasm-module.js';
import { prepareBatch, signAhead, signPrepared, type KeySpec, type PreparedBatch, type Speculation } from './batch-signing.js';

type Message =
  | { op: 'key'; id: string; material: PrivateKeyMaterial }
  | { op: 'sign'; job: number; key: string; data: Uint8Array[] }
  | { op: 'prepare'; job: number; rrsets: ArrayBuffer; refresh: number }
  | { op: 'signAhead'; job: number; rrsets: ArrayBuffer; speculation: Speculation }
  | { op: 'signPrepared'; job: number; batch: number; keys: KeySpec[]; signerName: Uint8Array; tasks: ArrayBuffer };

const signers = new Map<string, Signer>();
/** Jobs done, one slot per thread, read by the pool (signing-pool.ts `progress`). */
const { progress, index, wasm } = workerData as { progress: Int32Array; index: number; wasm?: Record<string, WebAssembly.Module> };
adopt(wasm);
/** Prepared batches waiting for the main thread to say what to sign. */
const batches = new Map<number, PreparedBatch>();
const buf = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

function signerFor(id: string): Signer {
  const signer = signers.get(id);
  if (!signer) throw new Error(`no key ${id} in this signing thread`);
  return signer;
}

parentPort!.on('message', (m: Message) => {
  if (m.op === 'key') {
    // Structured cloning turns Buffers into plain Uint8Arrays; the signers want Buffers.
    const material = 'privateKey' in m.material ? { ...m.material, privateKey: buf(m.material.privateKey) } : m.material;
    signers.set(m.id, createSigner(material));
    return;
  }
  try {
    if (m.op === 'sign') {
      // signMany shares work across the batch (one blinded inversion for P-256): same bytes, faster.
      const sigs = signMany(signerFor(m.key), m.data.map(buf));
      parentPort!.postMessage({ job: m.job, sigs });
    } else if (m.op === 'prepare') {
      const batch = prepareBatch(m.rrsets, m.refresh);
      batches.set(m.job, batch);
      parentPort!.postMessage({ job: m.job, facts: batch.facts }, [batch.facts]);
    } else if (m.op === 'signAhead') {
      const { facts, tasks, rdata } = signAhead(m.rrsets, m.speculation, signerFor);
      parentPort!.postMessage({ job: m.job, facts, tasks: tasks.buffer, rdata }, [facts, tasks.buffer as ArrayBuffer, rdata]);
    } else {
      const batch = batches.get(m.batch);
      batches.delete(m.batch);
      if (!batch) throw new Error(`no prepared batch ${m.batch} in this signing thread`);
      const rdata = signPrepared(batch, m.keys, signerFor, buf(m.signerName), new Uint32Array(m.tasks));
      parentPort!.postMessage({ job: m.job, rdata }, [rdata]);
    }
  } catch (err) {
    parentPort!.postMessage({ job: m.job, error: (err as Error).message });
  } finally {
    Atomics.add(progress, index, 1);
  }
});
