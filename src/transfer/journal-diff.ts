// Differences between versions as sets of whole records: what one version holds that the
// other does not (a changed TTL or a new RRSIG is a deletion and an addition, as RFC 1995
// wants), and several successive differences folded into one. Done in slices: a signing
// epoch of a large zone changes hundreds of thousands of RRSIGs.
import { breathe, recordAt, type Content } from './zone-content.js';
import { entryLayout, type JournalEntry, type RecordList } from './journal-file.js';
import { RecordTable } from './record-table.js';

const RECORDS_PER_SLICE = 20_000;

export interface RecordDiff {
  deleted: RecordList;
  added: RecordList;
}

const listOf = (t: RecordTable): RecordList => ({ count: t.size, bytes: t.bytes, records: () => t.records() });

/** Records of `old` missing from `now`, and of `now` missing from `old`; the SOAs (record 0) left out. */
export async function contentDiff(old: Content, now: Content): Promise<RecordDiff> {
  const remaining = new RecordTable(old.offsets.length - 2);
  for (let i = 1; i < old.offsets.length - 1; i++) {
    remaining.add(old.buf, old.offsets[i], old.offsets[i + 1]);
    if (i % RECORDS_PER_SLICE === 0) await breathe();
  }
  const added: number[] = [];
  let bytes = 0;
  for (let i = 1; i < now.offsets.length - 1; i++) {
    if (!remaining.take(now.buf, now.offsets[i], now.offsets[i + 1])) {
      added.push(i);
      bytes += now.offsets[i + 1] - now.offsets[i];
    }
    if (i % RECORDS_PER_SLICE === 0) await breathe();
  }
  return {
    deleted: listOf(remaining),
    added: { count: added.length, bytes, records: function* () { for (const i of added) yield recordAt(now, i); } },
  };
}

/**
 * Successive journal entries folded into one change (RFC 1995 §4 allows sending this rather
 * than each step): a record added and later deleted is not sent at all, nor is one deleted
 * and added back. `fromSoa` is the SOA of the first entry's old version.
 */
export async function condense(entries: readonly JournalEntry[]): Promise<RecordDiff & { fromSoa: Buffer }> {
  const layouts = entries.map(entryLayout);
  const capacity = layouts.reduce((n, l) => n + l.deleted + l.added, 0);
  const deleted = new RecordTable(capacity);
  const added = new RecordTable(capacity);
  let n = 0;
  for (const { payload: p, offsets: o, deleted: nDel, added: nAdd } of layouts) {
    for (let i = 1; i <= nDel; i++) {
      if (!added.take(p, o[i], o[i + 1])) deleted.add(p, o[i], o[i + 1]);
      if (++n % RECORDS_PER_SLICE === 0) await breathe();
    }
    for (let i = nDel + 2; i < nDel + nAdd + 2; i++) {
      if (!deleted.take(p, o[i], o[i + 1])) added.add(p, o[i], o[i + 1]);
      if (++n % RECORDS_PER_SLICE === 0) await breathe();
    }
  }
  const first = layouts[0];
  if (!first) throw new Error('condense: no entries');
  return { fromSoa: first.payload.subarray(first.offsets[0], first.offsets[1]), deleted: listOf(deleted), added: listOf(added) };
}
