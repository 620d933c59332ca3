// Differences between versions as sets of whole records: what one version holds that the
// other does not (a changed TTL or a new RRSIG is a deletion and an addition, as RFC 1995
// wants), and several successive differences folded into one. Done in slices: a signing
// epoch of a large zone changes hundreds of thousands of RRSIGs.
import { breathe, recordAt, type Content } from './zone-content.js';
import { entryRecords, type JournalEntry } from './journal-file.js';

const RECORDS_PER_SLICE = 20_000;

export interface RecordDiff {
  deleted: Buffer[];
  added: Buffer[];
}

/** Records of `old` missing from `now`, and of `now` missing from `old`; the SOAs (record 0) left out. */
export async function contentDiff(old: Content, now: Content): Promise<RecordDiff> {
  const key = (b: Buffer) => b.toString('latin1');
  const remaining = new Map<string, Buffer>();
  for (let i = 1; i < old.offsets.length - 1; i++) {
    const r = recordAt(old, i);
    remaining.set(key(r), r);
    if (i % RECORDS_PER_SLICE === 0) await breathe();
  }
  const added: Buffer[] = [];
  for (let i = 1; i < now.offsets.length - 1; i++) {
    const r = recordAt(now, i);
    if (!remaining.delete(key(r))) added.push(r);
    if (i % RECORDS_PER_SLICE === 0) await breathe();
  }
  return { deleted: [...remaining.values()], added };
}

/**
 * Successive journal entries folded into one change (RFC 1995 §4 allows sending this rather
 * than each step): a record added and later deleted is not sent at all, nor is one deleted
 * and added back. `fromSoa` is the SOA of the first entry's old version.
 */
export async function condense(entries: readonly JournalEntry[]): Promise<RecordDiff & { fromSoa: Buffer }> {
  const deleted = new Map<string, Buffer>();
  const added = new Map<string, Buffer>();
  let n = 0;
  let fromSoa: Buffer | undefined;
  for (const e of entries) {
    const r = entryRecords(e);
    fromSoa ??= r.fromSoa;
    for (const rec of r.deleted) {
      const k = rec.toString('latin1');
      if (!added.delete(k)) deleted.set(k, rec);
      if (++n % RECORDS_PER_SLICE === 0) await breathe();
    }
    for (const rec of r.added) {
      const k = rec.toString('latin1');
      if (!deleted.delete(k)) added.set(k, rec);
      if (++n % RECORDS_PER_SLICE === 0) await breathe();
    }
  }
  if (!fromSoa) throw new Error('condense: no entries');
  return { fromSoa, deleted: [...deleted.values()], added: [...added.values()] };
}
