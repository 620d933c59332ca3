// What a signing thread does with a batch of RRsets (see sign-worker.ts), as plain functions
// so that tests run them on the main thread and compare with RRsigMaker's own signatures.
import { nameKey } from '../wire/name.js';
import type { Signer } from './algorithm.js';
import { canonicalRRset } from './canonical.js';
import { signMany } from './crypto/index.js';
import { sha256Into } from './crypto/sha256.js';
import { decodeRRsets } from './rrset-batch.js';
import type { SignableRRset } from './rrsig.js';
import { signedData } from './signed-data.js';
import { jitter } from './window.js';

/** A key as a batch names it; the thread holds its private part under `id`. */
export interface KeySpec {
  id: string;
  tag: number;
  algorithm: number;
}

export interface PreparedBatch {
  sets: SignableRRset[];
  canonical: Buffer[];
  /** Per RRset: SHA-256 of its canonical form (32 bytes), then its jitter offset (u32). */
  facts: ArrayBuffer;
}

export const FACT_BYTES = 36;
/** Per signing task in a `tasks` array: RRset index, key slot, inception, expiration. */
export const TASK_WORDS = 4;

export function prepareBatch(rrsets: ArrayBuffer, refresh: number): PreparedBatch {
  const sets = decodeRRsets(rrsets);
  const facts = new ArrayBuffer(sets.length * FACT_BYTES);
  const f = Buffer.from(facts);
  const canonical = new Array<Buffer>(sets.length);
  for (let i = 0; i < sets.length; i++) {
    const s = sets[i];
    const c = (canonical[i] = canonicalRRset(s.owner, s.type, s.ttl, s.rdata));
    sha256Into(c, 0, c.length, f, i * FACT_BYTES);
    f.writeUInt32BE(jitter(nameKey(s.owner) + '/' + s.type, refresh), i * FACT_BYTES + 32);
  }
  return { sets, canonical, facts };
}

/**
 * Signs the tasks of a prepared batch; returns each task's RRSIG rdata, in task order, as
 * length (u16) + bytes. Tasks of one key are signed together (signMany).
 */
export function signPrepared(batch: PreparedBatch, keys: readonly KeySpec[], signerFor: (id: string) => Signer, signerName: Buffer, tasks: Uint32Array): ArrayBuffer {
  const n = tasks.length / TASK_WORDS;
  const data = new Array<Buffer>(n);
  const bySlot = new Map<number, number[]>();
  for (let t = 0; t < n; t++) {
    const i = tasks[t * TASK_WORDS], slot = tasks[t * TASK_WORDS + 1];
    const k = keys[slot], s = batch.sets[i];
    const f = { type: s.type, algorithm: k.algorithm, ttl: s.ttl, inception: tasks[t * TASK_WORDS + 2], expiration: tasks[t * TASK_WORDS + 3], tag: k.tag };
    data[t] = signedData(f, s.owner, signerName, batch.canonical[i]);
    let list = bySlot.get(slot);
    if (!list) bySlot.set(slot, (list = []));
    list.push(t);
  }
  const sigs = new Array<Buffer>(n);
  for (const [slot, ts] of bySlot) {
    const made = signMany(signerFor(keys[slot].id), ts.map((t) => data[t]));
    for (let j = 0; j < ts.length; j++) sigs[ts[j]] = made[j];
  }
  const head = 18 + signerName.length;
  let size = 0;
  for (let t = 0; t < n; t++) size += 2 + head + sigs[t].length;
  const out = new ArrayBuffer(size);
  const b = Buffer.from(out);
  let o = 0;
  for (let t = 0; t < n; t++) {
    b.writeUInt16BE(head + sigs[t].length, o);
    data[t].copy(b, o + 2, 0, head);
    sigs[t].copy(b, o + 2 + head);
    o += 2 + head + sigs[t].length;
  }
  return out;
}
