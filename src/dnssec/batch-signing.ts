// What a signing thread does with a batch of RRsets (see sign-worker.ts), as plain functions
// so that tests run them on the main thread and compare with RRsigMaker's own signatures.
import { lowerByte } from '../wire/name.js';
import type { Signer } from './algorithm.js';
import { canonicalRRsetNamed } from './canonical.js';
import { signMany } from './crypto/index.js';
import { sha256Many } from './crypto/sha256-x4.js';
import { signedDataWithLabels } from './signed-data.js';
import { jitterOfWire, windowAt, type ValidityPolicy } from './window.js';

/** A key as a batch names it; the thread holds its private part under `id`. */
export interface KeySpec {
  id: string;
  tag: number;
  algorithm: number;
}

/** A batch as a thread keeps it: per RRset what its RRSIGs need. */
export interface PreparedBatch {
  types: number[];
  ttls: number[];
  /** The RRSIG Labels field (a leading "*" does not count). */
  labels: number[];
  canonical: Buffer[];
  /** Per RRset: SHA-256 of its canonical form (32 bytes), then its jitter offset (u32). */
  facts: ArrayBuffer;
}

/**
 * Signing a batch without asking the main thread what is missing: while a zone file is
 * still being read, the main thread cannot answer, and the signing threads would sit idle.
 * Each RRset is signed for the window at `at` with the keys its type calls for, and all of
 * it goes back at once (SignedAhead); the main thread stores what its cache lacks.
 */
export interface Speculation {
  keys: KeySpec[];
  /** Key slots (indexes into `keys`) for `kskTypes`, and for every other type. */
  kskSlots: number[];
  zskSlots: number[];
  kskTypes: number[];
  signerName: Uint8Array;
  policy: ValidityPolicy;
  at: number;
}

export const FACT_BYTES = 36;
/** Per signing task in a `tasks` array: RRset index, key slot, inception, expiration. */
export const TASK_WORDS = 4;

/** A batch signed ahead: facts as prepareBatch's; tasks (TASK_WORDS each) and their rdata as signPrepared's. */
export interface SignedAhead {
  facts: ArrayBuffer;
  tasks: Uint32Array;
  rdata: ArrayBuffer;
}

/**
 * Reads a batch (rrset-batch.ts) straight from its bytes: canonical form, digest and jitter
 * offset per RRset, with no objects per label and no name strings (decoding into label
 * Buffers and making nameKey() strings were ~1.5 of ~2.7 µs per RRset).
 */
export function prepareBatch(rrsets: ArrayBuffer, refresh: number): PreparedBatch {
  const b = Buffer.from(rrsets);
  const batch: PreparedBatch = { types: [], ttls: [], labels: [], canonical: [], facts: new ArrayBuffer(0) };
  const offsets: number[] = [];
  for (let o = 0; o < b.length;) {
    const count = b[o];
    const nameAt = o + 1;
    let end = nameAt;
    for (let i = 0; i < count; i++) end += 1 + b[end];
    const type = b.readUInt16BE(end), ttl = b.readUInt32BE(end + 2), records = b.readUInt16BE(end + 6);
    // Length bytes are at most 63, below 'A': lower-casing the whole wire form is safe.
    const name = Buffer.allocUnsafe(end - nameAt + 1);
    for (let i = nameAt; i < end; i++) name[i - nameAt] = lowerByte(b[i]);
    name[end - nameAt] = 0;
    const rdata = new Array<Buffer>(records);
    o = end + 8;
    for (let r = 0; r < records; r++) {
      const len = b.readUInt16BE(o);
      rdata[r] = b.subarray(o + 2, o + 2 + len);
      o += 2 + len;
    }
    batch.types.push(type);
    batch.ttls.push(ttl);
    batch.labels.push(count > 0 && b[nameAt] === 1 && b[nameAt + 1] === 0x2a ? count - 1 : count);
    batch.canonical.push(canonicalRRsetNamed(name, type, ttl, rdata));
    offsets.push(jitterOfWire(b, nameAt, count, type, refresh));
  }
  const n = batch.types.length;
  batch.facts = new ArrayBuffer(n * FACT_BYTES);
  const f = Buffer.from(batch.facts);
  sha256Many(batch.canonical, f, FACT_BYTES);
  for (let i = 0; i < n; i++) f.writeUInt32BE(offsets[i], i * FACT_BYTES + 32);
  return batch;
}

/** Prepares and signs a batch in one go (Speculation). */
export function signAhead(rrsets: ArrayBuffer, sp: Speculation, signerFor: (id: string) => Signer): SignedAhead {
  const batch = prepareBatch(rrsets, sp.policy.refresh);
  const f = Buffer.from(batch.facts);
  const tasks: number[] = [];
  for (let i = 0; i < batch.types.length; i++) {
    const w = windowAt(sp.at, f.readUInt32BE(i * FACT_BYTES + 32), sp.policy);
    for (const slot of sp.kskTypes.includes(batch.types[i]) ? sp.kskSlots : sp.zskSlots) {
      tasks.push(i, slot, w.inception >>> 0, w.expiration >>> 0);
    }
  }
  const signerName = Buffer.from(sp.signerName.buffer, sp.signerName.byteOffset, sp.signerName.byteLength);
  const t = Uint32Array.from(tasks);
  return { facts: batch.facts, tasks: t, rdata: signPrepared(batch, sp.keys, signerFor, signerName, t) };
}

/**
 * Signs the tasks of a prepared batch; returns each task's RRSIG rdata, in task order, as
 * length (u16) + bytes. Tasks of one key are signed together (signMany).
 */
export function signPrepared(batch: PreparedBatch, keys: readonly KeySpec[], signerFor: (id: string) => Signer, signerName: Buffer, tasks: Uint32Array): ArrayBuffer {
  const { data, sigs } = signTasks(batch, keys, signerFor, signerName, tasks);
  // The RRSIG rdata is the signed data's head followed by the signature: packed straight
  // from the two, with no rdata Buffer per signature in between.
  const head = 18 + signerName.length;
  let size = 0;
  for (const sig of sigs) size += 2 + head + sig.length;
  const out = new ArrayBuffer(size);
  const b = Buffer.from(out);
  let o = 0;
  for (let t = 0; t < sigs.length; t++) {
    b.writeUInt16BE(head + sigs[t].length, o);
    const d = data[t];
    for (let i = 0; i < head; i++) b[o + 2 + i] = d[i];
    b.set(sigs[t], o + 2 + head);
    o += 2 + head + sigs[t].length;
  }
  return out;
}

/** Each task's signed data and signature, in task order; tasks of one key signed together. */
function signTasks(batch: PreparedBatch, keys: readonly KeySpec[], signerFor: (id: string) => Signer, signerName: Buffer, tasks: Uint32Array): { data: Buffer[]; sigs: Buffer[] } {
  const n = tasks.length / TASK_WORDS;
  const data = new Array<Buffer>(n);
  const bySlot = new Map<number, number[]>();
  for (let t = 0; t < n; t++) {
    const i = tasks[t * TASK_WORDS], slot = tasks[t * TASK_WORDS + 1];
    const k = keys[slot];
    const f = { type: batch.types[i], algorithm: k.algorithm, ttl: batch.ttls[i], inception: tasks[t * TASK_WORDS + 2], expiration: tasks[t * TASK_WORDS + 3], tag: k.tag };
    data[t] = signedDataWithLabels(f, batch.labels[i], signerName, batch.canonical[i]);
    let list = bySlot.get(slot);
    if (!list) bySlot.set(slot, (list = []));
    list.push(t);
  }
  const sigs = new Array<Buffer>(n);
  for (const [slot, ts] of bySlot) {
    const made = signMany(signerFor(keys[slot].id), ts.map((t) => data[t]));
    for (let j = 0; j < ts.length; j++) sigs[ts[j]] = made[j];
  }
  return { data, sigs };
}
