// The IXFR journal of one zone on disk: a header naming the zone, then one entry per change
// between two successive served versions, in RFC 1995 form (old SOA, deleted records, new
// SOA, added records; every RRSIG and NSEC/NSEC3 change included). Entries are appended;
// dropping old ones rewrites the file whole under a temporary name and renames it over.
//
// Each entry is framed as: u32 payload length, payload, u32 CRC-32 of the payload. A crash
// in the middle of an append leaves a short or unchecked last frame: that one is ignored
// (never served) and the file is rewritten without it before the next append.
import { open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { nameToWire, type Labels } from '../wire/name.js';
import { recordEnd, recordOffsets } from './record-codec.js';
import { breathe } from './zone-content.js';

const MAGIC = Buffer.from('INKANJ01');
const FIXED = 4 + 4 + 32 + 4 + 4;

export interface JournalEntry {
  from: number;
  to: number;
  /** SHA-256 of the content of version `to` (see zone-content.ts). */
  digest: Buffer;
  /** The entry as framed in the file. */
  frame: Buffer;
}

export class JournalFileError extends Error {}

export function journalHeader(origin: Labels): Buffer {
  const name = nameToWire(origin);
  return Buffer.concat([MAGIC, Buffer.from([name.length]), name]);
}

/** Records to write: how many, their bytes, and the records themselves. */
export interface RecordList {
  count: number;
  bytes: number;
  records(): Iterable<Buffer>;
}

/** Records copied between two turns of the event loop. */
const COPY_SLICE = 20_000;

/** Frames one change: `deleted` and `added` are whole records (record-codec.ts form). */
export async function encodeEntry(from: number, to: number, digest: Buffer, fromSoa: Buffer, deleted: RecordList, toSoa: Buffer, added: RecordList): Promise<JournalEntry> {
  const len = FIXED + fromSoa.length + deleted.bytes + toSoa.length + added.bytes;
  const frame = Buffer.allocUnsafe(4 + len + 4);
  frame.writeUInt32BE(len, 0);
  frame.writeUInt32BE(from >>> 0, 4);
  frame.writeUInt32BE(to >>> 0, 8);
  digest.copy(frame, 12);
  frame.writeUInt32BE(deleted.count, 44);
  frame.writeUInt32BE(added.count, 48);
  let pos = 4 + FIXED;
  let n = 0;
  for (const part of [[fromSoa], deleted.records(), [toSoa], added.records()]) {
    for (const r of part) {
      pos += r.copy(frame, pos);
      if (++n % COPY_SLICE === 0) await breathe();
    }
  }
  if (pos !== 4 + len) throw new Error(`journal entry: ${pos - 4 - FIXED} bytes of records, ${len - FIXED} expected`);
  frame.writeUInt32BE(await crcOf(frame.subarray(4, 4 + len)), 4 + len);
  return { from: from >>> 0, to: to >>> 0, digest: Buffer.from(digest), frame };
}

/** CRC-32 of a large buffer, a few MB at a time. */
async function crcOf(b: Buffer): Promise<number> {
  let c = 0;
  for (let pos = 0; pos < b.length; pos += CRC_SLICE) {
    c = crc32(b.subarray(pos, pos + CRC_SLICE), c);
    if (pos + CRC_SLICE < b.length) await breathe();
  }
  return c;
}
const CRC_SLICE = 8 << 20;

/** Where an entry's records are: `payload[offsets[i], offsets[i+1])`; 0 is the old SOA, `deleted + 1` the new one. */
export function entryLayout(e: JournalEntry): { payload: Buffer; offsets: number[]; deleted: number; added: number } {
  const payload = e.frame.subarray(4, e.frame.length - 4);
  const deleted = payload.readUInt32BE(40);
  const added = payload.readUInt32BE(44);
  return { payload, offsets: recordOffsets(payload, FIXED, deleted + added + 2), deleted, added };
}

export interface ParsedJournal {
  entries: JournalEntry[];
  /** Bytes at the end that were not a whole, checked entry (a torn last append). */
  tornBytes: number;
}

/**
 * Reads a journal file's bytes. A torn last entry is left out and counted; anything else
 * wrong (another zone, a bad entry before the last, a broken chain) throws JournalFileError.
 */
export function parseJournal(buf: Buffer, origin: Labels): ParsedJournal {
  const header = journalHeader(origin);
  if (buf.length < header.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new JournalFileError('not an inkan journal (bad magic)');
  if (!buf.subarray(0, header.length).equals(header)) throw new JournalFileError('journal of another zone');
  const entries: JournalEntry[] = [];
  let pos = header.length;
  while (pos < buf.length) {
    const len = pos + 4 <= buf.length ? buf.readUInt32BE(pos) : -1;
    const end = pos + 4 + len + 4;
    const last = len < 0 || end >= buf.length;
    if (len < 0 || end > buf.length) return { entries, tornBytes: buf.length - pos };
    const payload = buf.subarray(pos + 4, pos + 4 + len);
    const ok = len >= FIXED && crc32(payload) === buf.readUInt32BE(pos + 4 + len);
    if (!ok) {
      if (last) return { entries, tornBytes: buf.length - pos };
      throw new JournalFileError(`entry at byte ${pos} fails its checksum`);
    }
    const e: JournalEntry = { from: payload.readUInt32BE(0), to: payload.readUInt32BE(4), digest: payload.subarray(8, 40), frame: buf.subarray(pos, end) };
    try {
      checkRecords(payload);
    } catch (err) {
      throw new JournalFileError(`entry at byte ${pos}: ${(err as Error).message}`);
    }
    const prev = entries.at(-1);
    if (prev && prev.to !== e.from) throw new JournalFileError(`entry at byte ${pos} starts at serial ${e.from}, the one before ends at ${prev.to}`);
    entries.push(e);
    pos = end;
  }
  return { entries, tornBytes: 0 };
}

function checkRecords(p: Buffer): void {
  const count = p.readUInt32BE(40) + p.readUInt32BE(44) + 2;
  let pos = FIXED;
  for (let i = 0; i < count; i++) pos = recordEnd(p, pos);
  if (pos !== p.length) throw new RangeError(`${p.length - pos} bytes after the last record`);
}

/** Appends one entry and waits until it is on disk. */
export async function appendEntry(path: string, e: JournalEntry): Promise<void> {
  const fh = await open(path, 'a');
  try {
    await writeAll(fh, e.frame);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Replaces the file with a header and these entries, atomically (temporary file, rename). */
export async function rewriteJournal(path: string, origin: Labels, entries: readonly JournalEntry[]): Promise<void> {
  await writeAtomically(path, [journalHeader(origin), ...entries.map((e) => e.frame)]);
}

/**
 * Removes what writeAtomically() left of `path` when a process died mid-write (another PID's
 * temporary file; ours are removed on failure). Returns the names removed.
 */
export async function removeStaleTemporaries(path: string): Promise<string[]> {
  const prefix = `${basename(path)}.tmp-`;
  const ours = `${prefix}${process.pid}`;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return [];
  }
  const stale = names.filter((n) => n.startsWith(prefix) && n !== ours);
  for (const n of stale) await rm(join(dirname(path), n), { force: true });
  return stale;
}

/** Writes `parts` to `path` so that a crash leaves either the old file or the new one. */
export async function writeAtomically(path: string, parts: readonly Buffer[]): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    for (const p of parts) await writeAll(fh, p);
    await fh.datasync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
}

async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  for (let off = 0; off < buf.length; ) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
}
