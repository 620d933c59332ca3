// The IXFR journal (RFC 1995): for each zone, the changes between successive served versions,
// so a secondary gets only what changed since its serial. Kept in `state-dir` (journal-file.ts,
// with the content of its last version in snapshot-file.ts) so that it survives a restart,
// bounded in bytes per zone (the oldest changes are dropped first).
//
// A change is recorded once the new version is signed (the background signer makes its
// RRSIGs; recording never signs on the event loop) and is worked out in slices. At start the
// journal is used only if it ends exactly at the content being served, or at a version the
// served one can be measured from (the snapshot): anything else is discarded with a warning
// naming the file, and secondaries get one whole zone.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { silentLogger } from '../log.js';
import { ZoneSigning } from '../dnssec/zone-signing.js';
import type { WireRRset } from '../wire/writer.js';
import type { Labels } from '../wire/name.js';
import { serialGt } from '../zone/serial.js';
import type { Zone } from '../zone/zone.js';
import { contentOf, recordAt, type Content } from './zone-content.js';
import { contentDiff, condense } from './journal-diff.js';
import { appendEntry, encodeEntry, parseJournal, removeStaleTemporaries, rewriteJournal, JournalFileError, type JournalEntry, type RecordList } from './journal-file.js';
import { readSnapshot, writeSnapshot, SnapshotFileError } from './snapshot-file.js';
import { decodeRecord } from './record-codec.js';

export const DEFAULT_JOURNAL_MAX_BYTES = 16 * 1024 * 1024;

/** Records of a difference, decoded one at a time as a transfer sends them. */
export interface Records extends Iterable<WireRRset> {
  readonly length: number;
}

export interface Difference {
  /** The SOA of the version the client holds. */
  from: WireRRset;
  deleted: Records;
  added: Records;
}

export interface JournalOptions {
  /** The state directory: `<zone>journal` and `<zone>snapshot` per zone. */
  dir: string;
  /** Bytes of changes kept per zone. */
  maxBytes?: number;
  logger?: Logger;
}

interface ZoneJournal {
  origin: Labels;
  name: string;
  journalPath: string;
  snapshotPath: string;
  loaded: boolean;
  entries: JournalEntry[];
  bytes: number;
  /** Content of the version the entries end at. */
  content?: Content;
  /** The served version `content` was made from; IXFR is answered only to it. */
  head?: Zone;
  /** The last version handed to record(). */
  latest?: Zone;
  work: Promise<void>;
  /** The file on disk does not match `entries` (torn, discarded, a failed write): rewrite it whole. */
  rewrite: boolean;
  condensed: Map<number, Promise<Difference>>;
}

export class Journal {
  private readonly zones = new Map<string, ZoneJournal>();
  private readonly maxBytes: number;
  private readonly logger: Logger;

  constructor(private readonly opts: JournalOptions) {
    this.maxBytes = opts.maxBytes ?? DEFAULT_JOURNAL_MAX_BYTES;
    this.logger = opts.logger ?? silentLogger;
  }

  /**
   * A version is now served (at start, after a reload or a signing epoch). Its change from the
   * previous one is recorded once its signatures exist; a version replaced before then is skipped.
   */
  record(zone: Zone): Promise<void> {
    const j = this.zoneJournal(zone);
    j.latest = zone;
    j.work = j.work.then(() => this.process(j, zone)).catch((err: unknown) => {
      this.logger.error({ err, zone: j.name, file: j.journalPath }, 'journal: change not recorded; secondaries of older serials get the whole zone');
    });
    return j.work;
  }

  /** While the change to `zone` is being recorded: settles when IXFR can be answered from it. */
  pending(zone: Zone): Promise<void> | undefined {
    const j = this.zones.get(zone.originKey);
    return j && j.latest === zone && j.head !== zone ? j.work : undefined;
  }

  /** The changes from the version served as `serial` to `current`, or undefined if the journal lacks them. */
  since(current: Zone, serial: number): Promise<Difference> | undefined {
    const j = this.zones.get(current.originKey);
    if (!j || j.head !== current) return undefined;
    const i = j.entries.findIndex((e) => e.from === serial);
    if (i < 0) return undefined;
    let d = j.condensed.get(serial);
    if (!d) {
      d = condense(j.entries.slice(i)).then((c) => ({ from: decodeRecord(c.fromSoa), deleted: decoded(c.deleted), added: decoded(c.added) }));
      j.condensed.set(serial, d);
    }
    return d;
  }

  /** Settles when every change handed over so far is recorded. */
  async idle(): Promise<void> {
    await Promise.all([...this.zones.values()].map((j) => j.work));
  }

  /** The serials a client may hold and still get an IXFR, oldest first (tests, status). */
  serials(originKey: string): number[] {
    const j = this.zones.get(originKey);
    return j ? j.entries.map((e) => e.from) : [];
  }

  private zoneJournal(zone: Zone): ZoneJournal {
    let j = this.zones.get(zone.originKey);
    if (!j) {
      const base = join(this.opts.dir, zone.originKey === '.' ? 'root.' : zone.originKey);
      j = {
        origin: zone.origin, name: zone.originKey, journalPath: `${base}journal`, snapshotPath: `${base}snapshot`,
        loaded: false, entries: [], bytes: 0, work: Promise.resolve(), rewrite: true, condensed: new Map(),
      };
      this.zones.set(zone.originKey, j);
    }
    return j;
  }

  private async process(j: ZoneJournal, zone: Zone): Promise<void> {
    if (j.latest !== zone) return;
    if (!j.loaded) await this.load(j);
    const signing = zone.security instanceof ZoneSigning ? zone.security : undefined;
    if (signing?.compactDenial) return; // never transferred: nothing to journal
    if (signing?.signedInBackground) await signing.signedInBackground;
    if (j.latest !== zone) return;
    const t0 = Date.now();
    const now = await contentOf(zone);
    const prev = j.content;
    if (prev && prev.serial === now.serial && prev.digest.equals(now.digest)) {
      // A restart serving what it served before: the journal goes on as it was.
      this.advance(j, zone, now);
      if (j.rewrite) await this.persist(j, undefined, undefined);
      return;
    }
    if (!prev || !serialGt(now.serial, prev.serial)) {
      if (prev) {
        const why = prev.serial === now.serial ? 'the served version has other content under the same serial' : `the served serial is not after the journal's (${prev.serial})`;
        this.logger.warn({ zone: j.name, file: j.journalPath, serial: now.serial, journalSerial: prev.serial }, `journal discarded: ${why}; secondaries get the whole zone once`);
      }
      j.entries = [];
      j.bytes = 0;
      j.rewrite = true;
      this.advance(j, zone, now);
      await this.persist(j, undefined, now);
      this.logger.info({ zone: j.name, serial: now.serial, file: j.journalPath }, 'journal: started at this version');
      return;
    }
    const d = await contentDiff(prev, now);
    const entry = await encodeEntry(prev.serial, now.serial, now.digest, recordAt(prev, 0), d.deleted, recordAt(now, 0), d.added);
    j.entries.push(entry);
    j.bytes += entry.frame.length;
    const dropped = this.trim(j);
    this.advance(j, zone, now);
    const computed = Date.now() - t0;
    await this.persist(j, dropped ? undefined : entry, now);
    this.logger.info(
      { zone: j.name, from: prev.serial, to: now.serial, deleted: d.deleted.count, added: d.added.count, bytes: entry.frame.length, kept: j.entries.length, dropped, ms: computed, writeMs: Date.now() - t0 - computed },
      'journal: change recorded',
    );
  }

  private advance(j: ZoneJournal, zone: Zone, content: Content): void {
    j.content = content;
    j.head = zone;
    j.condensed.clear();
  }

  /** Drops the oldest entries past the bound; returns how many. */
  private trim(j: ZoneJournal): number {
    let n = 0;
    while (j.bytes > this.maxBytes && j.entries.length) {
      j.bytes -= j.entries.shift()!.frame.length;
      n++;
    }
    if (n) j.rewrite = true;
    return n;
  }

  /**
   * Puts the journal on disk: `appended` alone at the end when the file is otherwise as in
   * memory, else the whole file; then the snapshot, when given. A failure is logged and
   * serving goes on; the next change rewrites everything.
   */
  private async persist(j: ZoneJournal, appended: JournalEntry | undefined, snapshot: Content | undefined): Promise<void> {
    try {
      await mkdir(this.opts.dir, { recursive: true });
      if (j.rewrite || !appended) await rewriteJournal(j.journalPath, j.origin, j.entries);
      else await appendEntry(j.journalPath, appended);
      j.rewrite = false;
      if (snapshot) await writeSnapshot(j.snapshotPath, snapshot);
    } catch (err) {
      j.rewrite = true;
      this.logger.error({ err, zone: j.name, file: j.journalPath }, 'journal not saved; IXFR goes on from memory, after a restart secondaries get the whole zone');
    }
  }

  /** Reads the journal and snapshot of a zone left by an earlier run. */
  private async load(j: ZoneJournal): Promise<void> {
    j.loaded = true;
    for (const path of [j.journalPath, j.snapshotPath]) {
      const removed = await removeStaleTemporaries(path);
      if (removed.length) this.logger.info({ zone: j.name, removed }, 'journal: removed what an interrupted write left');
    }
    const discard = (file: string, reason: string): void => {
      this.logger.warn({ zone: j.name, file, reason }, 'journal discarded; secondaries of older serials get the whole zone once');
      j.entries = [];
      j.bytes = 0;
      j.rewrite = true;
    };
    try {
      j.content = await readSnapshot(j.snapshotPath);
    } catch (err) {
      if (!(err instanceof SnapshotFileError)) throw err;
      return discard(j.snapshotPath, `snapshot unreadable: ${err.message}`);
    }
    let buf: Buffer | undefined;
    try {
      buf = await readFile(j.journalPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return discard(j.journalPath, (err as Error).message);
    }
    if (!buf) return;
    if (!j.content) return discard(j.journalPath, `no snapshot (${j.snapshotPath}) to say which version it ends at`);
    let parsed;
    try {
      parsed = parseJournal(buf, j.origin);
    } catch (err) {
      if (!(err instanceof JournalFileError)) throw err;
      return discard(j.journalPath, err.message);
    }
    if (parsed.tornBytes) this.logger.warn({ zone: j.name, file: j.journalPath, bytes: parsed.tornBytes }, 'journal: torn last entry ignored (an append cut short)');
    const last = parsed.entries.at(-1);
    if (last && (last.to !== j.content.serial || !last.digest.equals(j.content.digest))) {
      return discard(j.journalPath, `it ends at serial ${last.to}, its snapshot holds serial ${j.content.serial}${last.to === j.content.serial ? ' with other content' : ''}`);
    }
    j.entries = parsed.entries;
    j.bytes = parsed.entries.reduce((n, e) => n + e.frame.length, 0);
    j.rewrite = parsed.tornBytes > 0;
    this.trim(j);
    this.logger.info({ zone: j.name, file: j.journalPath, entries: j.entries.length, bytes: j.bytes, serial: j.content.serial, oldest: j.entries[0]?.from }, 'journal loaded');
  }
}

function decoded(list: RecordList): Records {
  return {
    length: list.count,
    *[Symbol.iterator]() {
      for (const r of list.records()) yield decodeRecord(r);
    },
  };
}
