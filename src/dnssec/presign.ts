// Makes every signature a zone version lacks, on the signing threads. The main thread only
// routes: it packs RRsets into batches (one transferable buffer each), learns from the
// thread each RRset's digest and jitter offset, asks its cache which signatures are missing,
// has the same thread sign exactly those, and stores the RRSIG rdata that comes back. The
// canonical forms, digests and signatures are all made on the threads.
import { FACT_BYTES, TASK_WORDS, type KeySpec } from './batch-signing.js';
import { encodeRRsets } from './rrset-batch.js';
import type { RRsigMaker, SignableRRset, ZoneKey } from './rrsig.js';
import type { PoolKey, PreparedOnThread, SignedAhead, SigningPool } from './signing-pool.js';
import type { Window } from './window.js';

/** What presign needs of a signed zone version (ZoneSigning). */
export interface Presignable {
  readonly maker: RRsigMaker;
  readonly keys: { ksks: readonly ZoneKey[]; zsks: readonly ZoneKey[] };
  keysFor(type: number): readonly ZoneKey[];
  signed(): Iterable<SignableRRset>;
  /** Signatures being made since the zone file was read (early-signing.ts). */
  early?: EarlyWork;
}

/** What early signing has taken on: presign leaves those RRsets to it and waits for it. */
export interface EarlyWork {
  /** The signing time it signs as of; for another time it covers nothing. */
  readonly at: number;
  covers(set: SignableRRset): boolean;
  /** Resolves with the number of signatures it stored; rejects if it failed. */
  readonly settled: Promise<number>;
}

export interface PresignOptions {
  /** Also the next window's signatures (default true). */
  ahead?: boolean;
  /** RRsets per batch (default 512). */
  batch?: number;
}

/** A version's keys, each once (a CSK is both KSK and ZSK), as batches name them and as threads hold them. */
export function threadKeys(keys: Presignable['keys']): { all: ZoneKey[]; specs: KeySpec[]; poolKeys: PoolKey[] } {
  const all = [...new Map([...keys.ksks, ...keys.zsks].map((k) => [k.id, k])).values()];
  return {
    all,
    specs: all.map((k) => ({ id: k.id, tag: k.tag, algorithm: k.algorithm })),
    poolKeys: all.map((k) => ({ id: k.id, material: k.material! })),
  };
}

export async function presign(z: Presignable, pool: SigningPool, opts: PresignOptions = {}): Promise<number> {
  const early = z.early;
  z.early = undefined; // taken into account once, by the first presign of the version
  const covered = early && early.at === z.maker.time() ? early : undefined;
  const own = await presignRest(z, pool, opts, covered);
  if (!early) return own;
  try {
    return own + (await early.settled);
  } catch {
    return own + (await presignRest(z, pool, opts, undefined)); // what it left undone
  }
}

async function presignRest(z: Presignable, pool: SigningPool, opts: PresignOptions, early: EarlyWork | undefined): Promise<number> {
  const { all, specs, poolKeys } = threadKeys(z.keys);
  // A key with no private material for threads (an HSM one day) signs here.
  if (all.some((k) => !k.material)) return presignHere(z, opts);
  const maker = z.maker;
  const ahead = opts.ahead ?? true;
  const size = opts.batch ?? 512;
  const at = maker.time();

  let made = 0;
  let failure: Error | undefined;
  const inFlight = new Set<Promise<void>>();

  const run = async (sets: SignableRRset[]): Promise<void> => {
    const prepared = await pool.prepare(poolKeys, encodeRRsets(sets), maker.policy.refresh);
    const stored = await settleBatch(z, specs, sets, prepared, at, ahead, () => true, pool);
    made += stored; // not `made += await …`: that would read `made` before the wait
  };

  let batch: SignableRRset[] = [];
  const flush = async (): Promise<void> => {
    const p = run(batch);
    batch = [];
    const tracked: Promise<void> = p.catch((err: Error) => { failure ??= err; }).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    // Keep a few batches per thread queued, and let queries in between.
    while (inFlight.size >= pool.size * 3) await Promise.race(inFlight);
    await new Promise<void>((r) => setImmediate(r));
  };
  for (const set of z.signed()) {
    if (failure) break;
    if (early?.covers(set)) continue;
    // Known and fully cached (a refresh round): nothing to send.
    if (allCached(z, set, at, ahead)) continue;
    batch.push(set);
    if (batch.length >= size) await flush();
  }
  if (batch.length && !failure) await flush();
  await Promise.all(inFlight);
  if (failure) throw failure;
  return made;
}

/**
 * For each RRset of a prepared batch that `keep` accepts: its digest and offset remembered,
 * then `lacking` called with each signature the cache does not hold yet (the key's slot in
 * `specs`, the window, the cache key to store it under); with `every`, with each signature
 * whether held or not.
 */
function eachLacking(
  z: Pick<Presignable, 'maker' | 'keysFor'>,
  specs: readonly KeySpec[],
  sets: readonly SignableRRset[],
  facts: Buffer,
  at: number,
  ahead: boolean,
  keep: (i: number) => boolean,
  lacking: (i: number, slot: number, w: Window, cacheKey: string) => void,
  every = false,
): void {
  const maker = z.maker;
  const slots = new Map(specs.map((s, i) => [s.id, i]));
  for (let i = 0; i < sets.length; i++) {
    if (!keep(i)) continue;
    const digest = facts.toString('base64', i * FACT_BYTES, i * FACT_BYTES + 32);
    const offset = facts.readUInt32BE(i * FACT_BYTES + 32);
    const known = maker.known(sets[i]);
    if (known?.digest !== digest) maker.learn(sets[i], digest, offset);
    for (const w of maker.windowsAt(offset, at, ahead)) {
      for (const k of z.keysFor(sets[i].type)) {
        const cacheKey = maker.cacheKey(k.id, digest, w.start);
        if (every || !maker.cached(cacheKey)) lacking(i, slots.get(k.id)!, w, cacheKey);
      }
    }
  }
}

/** Stores RRSIG rdata packed as length (u16) + bytes, one per cache key, in order. */
function storePacked(maker: RRsigMaker, cacheKeys: readonly string[], rdata: Buffer): void {
  let o = 0;
  for (const cacheKey of cacheKeys) {
    const len = rdata.readUInt16BE(o);
    // A copy: a view would keep the whole batch's buffer alive as long as any one entry.
    maker.put(cacheKey, Buffer.from(rdata.subarray(o + 2, o + 2 + len)));
    o += 2 + len;
  }
}

/**
 * What follows a batch's preparation: the signatures the cache lacks (for the RRsets `keep`
 * accepts) made on the thread that holds the batch and stored. Resolves with the number
 * stored. `specs` are the keys as the batch's thread knows them (their order gives the slots).
 */
export async function settleBatch(
  z: Pick<Presignable, 'maker' | 'keysFor'>,
  specs: readonly KeySpec[],
  sets: readonly SignableRRset[],
  prepared: PreparedOnThread,
  at: number,
  ahead: boolean,
  keep: (i: number) => boolean,
  pool: SigningPool,
): Promise<number> {
  const tasks: number[] = [];
  const cacheKeys: string[] = [];
  eachLacking(z, specs, sets, prepared.facts, at, ahead, keep, (i, slot, w, cacheKey) => {
    // batch-signing.ts TASK_WORDS: RRset, key slot, inception, expiration.
    tasks.push(i, slot, w.inception >>> 0, w.expiration >>> 0);
    cacheKeys.push(cacheKey);
  });
  const rdata = await pool.signPrepared(prepared, specs, z.maker.signerName, Uint32Array.from(tasks));
  storePacked(z.maker, cacheKeys, rdata);
  return cacheKeys.length;
}

/**
 * Stores what a thread signed ahead (SignedAhead) for the RRsets `keep` accepts. Returns the
 * number stored. Whatever the cache held under the same key was these very bytes (same key,
 * content and window: signatures are deterministic), so it is not asked first. A signature
 * the batch lacks (not expected: the same keys and signing time) is left to be made on demand.
 */
export function storeAhead(
  z: Pick<Presignable, 'maker' | 'keysFor'>,
  specs: readonly KeySpec[],
  sets: readonly SignableRRset[],
  signed: SignedAhead,
  at: number,
  keep: (i: number) => boolean,
): number {
  // Tasks come in RRset order: where each RRset's start, and each task's bytes.
  const count = signed.tasks.length / TASK_WORDS;
  const first = new Int32Array(sets.length).fill(-1);
  const offsets = new Uint32Array(count);
  for (let t = 0, o = 0; t < count; t++) {
    if (first[signed.tasks[t * TASK_WORDS]] < 0) first[signed.tasks[t * TASK_WORDS]] = t;
    offsets[t] = o;
    o += 2 + signed.rdata.readUInt16BE(o);
  }
  let stored = 0;
  eachLacking(z, specs, sets, signed.facts, at, false, keep, (i, slot, w, cacheKey) => {
    for (let t = first[i]; t >= 0 && t < count && signed.tasks[t * TASK_WORDS] === i; t++) {
      const x = t * TASK_WORDS;
      if (signed.tasks[x + 1] !== slot || signed.tasks[x + 2] !== w.inception >>> 0 || signed.tasks[x + 3] !== w.expiration >>> 0) continue;
      const o = offsets[t];
      // A view, not a copy: a copy each was ~0.1 s of this thread and ~0.35 s of the garbage
      // collector's for a 100k-name zone. The reply (~50 KB) then lives until its last entry
      // leaves the cache; as only a first load signs ahead, that holds at most its own
      // signatures a second time, and only in a cache too small for the zone.
      z.maker.put(cacheKey, signed.rdata.subarray(o + 2, o + 2 + signed.rdata.readUInt16BE(o)));
      stored++;
      return;
    }
  }, true);
  return stored;
}

function allCached(z: Presignable, set: SignableRRset, at: number, ahead: boolean): boolean {
  const r = z.maker.known(set);
  if (!r) return false;
  for (const w of z.maker.windowsAt(r.offset, at, ahead)) {
    for (const k of z.keysFor(set.type)) if (!z.maker.cached(z.maker.cacheKey(k.id, r.digest, w.start))) return false;
  }
  return true;
}

/** The same on this thread, for keys whose private part cannot go to a signing thread. */
async function presignHere(z: Presignable, opts: PresignOptions): Promise<number> {
  let made = 0;
  let n = 0;
  for (const set of z.signed()) {
    for (const t of z.maker.missing(set, z.keysFor(set.type), undefined, opts.ahead ?? true)) {
      z.maker.store(t, t.key.signer.sign(t.data));
      made++;
    }
    if (++n % 500 === 0) await new Promise<void>((r) => setImmediate(r));
  }
  return made;
}
