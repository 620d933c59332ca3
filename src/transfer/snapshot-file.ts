// The content of the version a zone's journal ends at, kept beside the journal: after a
// restart it is what the next change is measured from (the zone file may have changed while
// we were down, and the secondaries still hold this). Written whole and renamed into place.
//
// Layout: magic, u32 serial, SHA-256 of the records, u32 record count, the records (SOA first).
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { recordOffsets } from './record-codec.js';
import { breathe, type Content } from './zone-content.js';
import { writeAtomically } from './journal-file.js';

const MAGIC = Buffer.from('INKANS01');
const HEAD = MAGIC.length + 4 + 32 + 4;
/** Bytes hashed between two turns of the event loop. */
const HASH_SLICE = 4 << 20;

export class SnapshotFileError extends Error {}

export async function writeSnapshot(path: string, c: Content): Promise<void> {
  const head = Buffer.alloc(HEAD);
  MAGIC.copy(head, 0);
  head.writeUInt32BE(c.serial >>> 0, 8);
  c.digest.copy(head, 12);
  head.writeUInt32BE(c.offsets.length - 1, 44);
  await writeAtomically(path, [head, c.buf]);
}

/** The snapshot at `path`, checked; undefined when there is none. Throws SnapshotFileError when it is damaged. */
export async function readSnapshot(path: string): Promise<Content | undefined> {
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SnapshotFileError((err as Error).message);
  }
  if (file.length < HEAD || !file.subarray(0, MAGIC.length).equals(MAGIC)) throw new SnapshotFileError('not an inkan snapshot (bad magic)');
  const buf = file.subarray(HEAD);
  const hash = createHash('sha256');
  for (let pos = 0; pos < buf.length; pos += HASH_SLICE) {
    hash.update(buf.subarray(pos, pos + HASH_SLICE));
    await breathe();
  }
  const digest = hash.digest();
  if (!digest.equals(file.subarray(12, 44))) throw new SnapshotFileError('records do not match their checksum');
  let offsets: number[];
  try {
    offsets = recordOffsets(buf, 0, file.readUInt32BE(44));
  } catch (err) {
    throw new SnapshotFileError((err as Error).message);
  }
  if (offsets.at(-1) !== buf.length) throw new SnapshotFileError('bytes after the last record');
  return { serial: file.readUInt32BE(8), buf, offsets, digest };
}
