// What a signing thread does with a batch of RRsets (see sign-worker.ts), as plain functions
// so that tests run them on the main thread and compare with RRsigMaker's own signatures.
import { lowerByte } from '../wire/name.js';
import type { Signer } from './algorithm.js';
import { canonicalRRsetNamed } from './canonical.js';
import { signMany } from './crypto/index.js';
import { sha256Into } from './crypto/sha256.js';
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
  /** RRSIG rdata made ahead (see Speculation). */
  ahead?: Ahead;
}

/**
 * Signing a batch before the main thread has said what is missing: while a zone file is
 * still being read, the main thread cannot answer, and the signing threads would sit idle.
 * Each RRset is signed for the window at `at` with the keys its type calls for; the main
 * thread later asks for what its cache lacks as usual and gets these where they match.
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

/**
 * Signatures made ahead, found again by what they sign (RRset, key id, dates), not by the
 * slot numbers of one message: `rdata[set * keyIds.length + k]` for `keyIds[k]`, made for
 * `inception[set]`/`expiration[set]`.
 */
interface Ahead {
  keyIds: string[];
  inception: Uint32Array;
  expiration: Uint32Array;
  rdata: (Buffer | undefined)[];
}

/**
 * Reads a batch (rrset-batch.ts) straight from its bytes: canonical form, digest and jitter
 * offset per RRset, with no objects per label and no name strings (decoding into label
 * Buffers and making nameKey() strings were ~1.5 of ~2.7 µs per RRset).
 */
export function prepareBatch(rrsets: ArrayBuffer, refresh: number, speculate?: Speculation, signerFor?: (id: string) => Signer): PreparedBatch {
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
  for (let i = 0; i < n; i++) {
    const c = batch.canonical[i];
    sha256Into(c, 0, c.length, f, i * FACT_BYTES);
    f.writeUInt32BE(offsets[i], i * FACT_BYTES + 32);
  }
  if (speculate && signerFor) batch.ahead = signAhead(batch, speculate, signerFor);
  return batch;
}

function signAhead(batch: PreparedBatch, sp: Speculation, signerFor: (id: string) => Signer): Ahead {
  const f = Buffer.from(batch.facts);
  const tasks: number[] = [];
  for (let i = 0; i < batch.types.length; i++) {
    const w = windowAt(sp.at, f.readUInt32BE(i * FACT_BYTES + 32), sp.policy);
    for (const slot of sp.kskTypes.includes(batch.types[i]) ? sp.kskSlots : sp.zskSlots) {
      tasks.push(i, slot, w.inception >>> 0, w.expiration >>> 0);
    }
  }
  const signerName = Buffer.from(sp.signerName.buffer, sp.signerName.byteOffset, sp.signerName.byteLength);
  const made = signTasks(batch, sp.keys, signerFor, signerName, Uint32Array.from(tasks));
  const n = batch.types.length, keyIds = sp.keys.map((k) => k.id);
  const ahead: Ahead = { keyIds, inception: new Uint32Array(n), expiration: new Uint32Array(n), rdata: new Array(n * keyIds.length) };
  for (let t = 0; t < made.length; t++) {
    const w = t * TASK_WORDS, i = tasks[w];
    ahead.rdata[i * keyIds.length + tasks[w + 1]] = made[t];
    ahead.inception[i] = tasks[w + 2];
    ahead.expiration[i] = tasks[w + 3];
  }
  return ahead;
}

/**
 * Signs the tasks of a prepared batch; returns each task's RRSIG rdata, in task order, as
 * length (u16) + bytes. Tasks of one key are signed together (signMany); tasks signed ahead
 * (Speculation) are not signed again.
 */
export function signPrepared(batch: PreparedBatch, keys: readonly KeySpec[], signerFor: (id: string) => Signer, signerName: Buffer, tasks: Uint32Array): ArrayBuffer {
  const n = tasks.length / TASK_WORDS;
  const rdata = new Array<Buffer>(n);
  const rest: number[] = [];
  const restAt: number[] = [];
  for (let t = 0; t < n; t++) {
    const w = t * TASK_WORDS;
    const early = batch.ahead && madeAhead(batch.ahead, tasks[w], keys[tasks[w + 1]].id, tasks[w + 2], tasks[w + 3]);
    if (early) rdata[t] = early;
    else {
      for (let j = 0; j < TASK_WORDS; j++) rest.push(tasks[w + j]);
      restAt.push(t);
    }
  }
  const made = signTasks(batch, keys, signerFor, signerName, Uint32Array.from(rest));
  for (let j = 0; j < made.length; j++) rdata[restAt[j]] = made[j];
  let size = 0;
  for (const r of rdata) size += 2 + r.length;
  const out = new ArrayBuffer(size);
  const b = Buffer.from(out);
  let o = 0;
  for (const r of rdata) {
    b.writeUInt16BE(r.length, o);
    o += 2 + r.copy(b, o + 2);
  }
  return out;
}

function madeAhead(a: Ahead, set: number, keyId: string, inception: number, expiration: number): Buffer | undefined {
  const k = a.keyIds.indexOf(keyId);
  if (k < 0 || a.inception[set] !== inception || a.expiration[set] !== expiration) return undefined;
  return a.rdata[set * a.keyIds.length + k];
}

/** The RRSIG rdata of each task, in task order. */
function signTasks(batch: PreparedBatch, keys: readonly KeySpec[], signerFor: (id: string) => Signer, signerName: Buffer, tasks: Uint32Array): Buffer[] {
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
  const out = new Array<Buffer>(n);
  const head = 18 + signerName.length;
  for (const [slot, ts] of bySlot) {
    const made = signMany(signerFor(keys[slot].id), ts.map((t) => data[t]));
    for (let j = 0; j < ts.length; j++) {
      const t = ts[j];
      // The RRSIG rdata is the signed data's head followed by the signature.
      out[t] = Buffer.concat([data[t].subarray(0, head), made[j]]);
    }
  }
  return out;
}
