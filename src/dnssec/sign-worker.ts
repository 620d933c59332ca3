// A signing thread: holds private keys it was given and signs batches of data with them.
import { parentPort } from 'node:worker_threads';
import type { PrivateKeyMaterial, Signer } from './algorithm.js';
import { createSigner, signMany } from './crypto/index.js';

type Message =
  | { op: 'key'; id: string; material: PrivateKeyMaterial }
  | { op: 'sign'; job: number; key: string; data: Uint8Array[] };

const signers = new Map<string, Signer>();
const buf = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

parentPort!.on('message', (m: Message) => {
  if (m.op === 'key') {
    // Structured cloning turns Buffers into plain Uint8Arrays; the signers want Buffers.
    const material = 'privateKey' in m.material ? { ...m.material, privateKey: buf(m.material.privateKey) } : m.material;
    signers.set(m.id, createSigner(material));
    return;
  }
  try {
    const signer = signers.get(m.key);
    if (!signer) throw new Error(`no key ${m.key} in this signing thread`);
    // signMany shares work across the batch (one blinded inversion for P-256): same bytes, faster.
    const sigs = signMany(signer, m.data.map(buf));
    parentPort!.postMessage({ job: m.job, sigs });
  } catch (err) {
    parentPort!.postMessage({ job: m.job, error: (err as Error).message });
  }
});
