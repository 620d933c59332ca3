// Signing while the zone file is still being read. Loading a 100k-name zone keeps the main
// thread busy for over a second, and the signing threads had nothing to do until it was
// over. Now each owner's RRsets go to a signing thread as soon as the file moves past that
// owner, and the thread signs them at once and sends everything back (batch-signing.ts
// signAhead). What no thread has room for waits, and goes out over every thread once the
// zone is built, the denial chain after it, as fast as replies make room. As replies come
// in, the main thread checks each RRset against the finished zone: only those still the
// same (a file may name an owner again later) and still signed (not at a cut or below one)
// have their signatures stored, in the cache by content, as presign would have stored them;
// presign leaves exactly those to this (EarlyWork).
import { hidesBelow, makesCut, type BuildNode } from '../zone/build.js';
import { Type } from '../wire/constants.js';
import type { KeySpec } from './batch-signing.js';
import { encodeRRsets } from './rrset-batch.js';
import type { RRsigMaker, SignableRRset, ZoneKey } from './rrsig.js';
import type { PoolKey, SigningPool } from './signing-pool.js';
import { carriesSignatures, keysForType, SIGNED_BY_KSK_TYPES, type SigningKeys } from './zone-signing.js';
import { storeAhead, threadKeys, type EarlyWork } from './presign.js';

/**
 * Jobs a thread may have queued while the file is read. Two left it idle for the ~0.3 s the
 * main thread spends finishing a 100k-name zone; 64 (~0.6 s of signing, ~2 MB of batches)
 * took 0.2 s off loading and signing it (sign-zone.mjs, median of 6: 4.33 -> 4.12 s).
 */
const LOAD_BACKLOG = 64;

/**
 * Occluded as far as the file has shown yet (build.ts marks it when the zone is built): a
 * cut or a DNAME above `node`. Records only ever add to this, so it does not turn false.
 */
function hidden(node: BuildNode): boolean {
  for (let p = node.parent; p; p = p.parent) if (hidesBelow(p)) return true;
  return false;
}

export class EarlySigning implements EarlyWork {
  /** One per batch: the number of signatures it stored, once the zone is built and it is back. */
  private readonly stores: Promise<number>[] = [];
  /**
   * Batches that wait for a place in flight once the zone is built. Up to 128 per thread are
   * out at a time (~1 s of signing each, more than the main thread spends building the
   * chain), so a zone of a million names is not all packed at once.
   */
  private readonly queue: { sets: SignableRRset[]; nodes: (BuildNode | undefined)[] }[] = [];
  private inFlight = 0;
  private closed = false;
  private finished!: () => void;
  private readonly drained = new Promise<void>((resolve) => (this.finished = resolve));
  private built!: (ok: boolean) => void;
  private readonly ready = new Promise<boolean>((resolve) => (this.built = resolve));
  /** Offered during the load, not yet sent: no thread had room. */
  private waiting: { set: SignableRRset; node: BuildNode }[] = [];
  private sets: SignableRRset[] = [];
  private nodes: BuildNode[] = [];
  /**
   * Record count of each RRset as last sent. A Map, not a WeakMap: a quarter of a million
   * ephemerons made the garbage collector's threads work ~0.1-0.2 CPU-s more while a
   * 100k-name zone loaded; it lives only until the signatures are stored.
   */
  private sent = new Map<SignableRRset, number>();
  private readonly poolKeys: PoolKey[];
  private readonly specs: KeySpec[];
  private readonly kskSlots: number[];
  private readonly zskSlots: number[];
  private readonly signer: { maker: RRsigMaker; keysFor: (type: number) => readonly ZoneKey[] };

  constructor(
    private readonly pool: SigningPool,
    keys: SigningKeys,
    readonly maker: RRsigMaker,
    /** The signing time of the version this load becomes (its windows). */
    readonly at: number,
    private readonly size = 512,
  ) {
    const { all, specs, poolKeys } = threadKeys(keys);
    this.poolKeys = poolKeys;
    this.specs = specs;
    this.kskSlots = keys.ksks.map((k) => all.indexOf(k));
    this.zskSlots = keys.zsks.map((k) => all.indexOf(k));
    this.signer = { maker, keysFor: (type) => keysForType(keys, type) };
  }

  /** Whether the keys can go to signing threads (an HSM key one day could not). */
  static possible(keys: SigningKeys): boolean {
    return [...keys.ksks, ...keys.zsks].every((k) => k.material);
  }

  /** For loadZoneFile's `onLeft`: the file has moved past this node. */
  readonly offer = (node: BuildNode): void => {
    if (hidden(node)) return;
    const cut = makesCut(node);
    for (const set of node.rrsets.values()) {
      if (cut && set.type !== Type.DS) continue;
      this.sets.push(set);
      this.nodes.push(node);
    }
    if (this.sets.length < this.size) return;
    // One thread fewer than the pool has (the load holds a core), with up to LOAD_BACKLOG
    // jobs not yet done (the main thread cannot take replies now, so it reads the threads'
    // progress): a backlog that keeps the thread busy while the main thread finishes the
    // zone (cuts, denial chain) and sends nothing.
    const thread = this.pool.threadWithRoom(Math.max(1, this.pool.size - 1), LOAD_BACKLOG);
    if (thread === undefined) {
      for (let i = 0; i < this.sets.length; i++) this.waiting.push({ set: this.sets[i], node: this.nodes[i] });
    } else {
      this.send(this.sets, this.nodes, thread);
    }
    this.sets = [];
    this.nodes = [];
  };

  /**
   * Takes a batch on: each RRset once as it is now (one offered again since, having grown,
   * may be in it twice, or have gone already as it is now in another batch). From here on
   * it is covered. `nodes[i]` undefined: a record of the denial chain, always signed.
   */
  private take(batch: SignableRRset[], at: (BuildNode | undefined)[]): { sets: SignableRRset[]; nodes: (BuildNode | undefined)[] } {
    const sets: SignableRRset[] = [];
    const nodes: (BuildNode | undefined)[] = [];
    batch.forEach((set, i) => {
      if (this.sent.get(set) === set.rdata.length) return;
      this.sent.set(set, set.rdata.length);
      sets.push(set);
      nodes.push(at[i]);
    });
    return { sets, nodes };
  }

  private send(batch: SignableRRset[], at: (BuildNode | undefined)[], thread: number): void {
    const { sets, nodes } = this.take(batch, at);
    if (sets.length) this.dispatch(sets, nodes, thread);
  }

  private dispatch(sets: SignableRRset[], nodes: (BuildNode | undefined)[], thread?: number): void {
    this.inFlight++;
    const counts = sets.map((s) => s.rdata.length);
    const m = this.maker;
    const signed = this.pool.signAhead(this.poolKeys, encodeRRsets(sets), {
      keys: this.specs, kskSlots: this.kskSlots, zskSlots: this.zskSlots, kskTypes: SIGNED_BY_KSK_TYPES,
      signerName: m.signerName, policy: m.policy, at: this.at,
    }, thread);
    // The finished RRset as sent (an earlier send of it had fewer records), where it is signed.
    const keep = (i: number): boolean => counts[i] === sets[i].rdata.length && (nodes[i] === undefined || carriesSignatures(nodes[i]!, sets[i].type));
    const stored = this.ready.then(async (built) => {
      const reply = await signed;
      return built ? storeAhead(this.signer, this.specs, sets, reply, this.at, keep) : 0;
    });
    stored.catch(() => {}).finally(() => {
      this.inFlight--;
      this.pump();
    });
    this.stores.push(stored);
  }

  private pump(): void {
    while (this.inFlight < this.pool.size * 128 && this.queue.length) {
      const b = this.queue.shift()!;
      this.dispatch(b.sets, b.nodes);
    }
    if (this.closed && this.inFlight === 0 && !this.queue.length) this.finished();
  }

  /**
   * The zone is built (its nodes know their cuts now): what waited goes out, spread over
   * every thread, and the stores begin as replies come in. With `built` false (the file did
   * not load) every batch is only let go.
   */
  loaded(built: boolean): void {
    if (built) {
      const rest = [...this.waiting, ...this.sets.map((set, i) => ({ set, node: this.nodes[i] }))];
      const sets: SignableRRset[] = [];
      const nodes: BuildNode[] = [];
      for (const { set, node } of rest) {
        // Only what the zone signs (send() sends each RRset once as it is).
        if (!carriesSignatures(node, set.type)) continue;
        sets.push(set);
        nodes.push(node);
      }
      this.sendAll(sets, nodes);
    } else {
      this.close();
    }
    this.waiting = [];
    this.sets = [];
    this.nodes = [];
    this.built(built);
  }

  /** The denial chain, once built: signed the same way, on every thread. Nothing follows it. */
  chain(records: Iterable<SignableRRset>): void {
    const sets = [...records];
    this.sendAll(sets, new Array<undefined>(sets.length));
    this.close();
  }

  private close(): void {
    this.closed = true;
    this.pump();
  }

  private sendAll(sets: SignableRRset[], nodes: (BuildNode | undefined)[]): void {
    for (let i = 0; i < sets.length; i += this.size) {
      const b = this.take(sets.slice(i, i + this.size), nodes.slice(i, i + this.size));
      if (b.sets.length) this.queue.push(b);
    }
    this.pump();
  }

  /** True when `set` is in a batch as it is in the finished zone: its signatures come from here. */
  covers(set: SignableRRset): boolean {
    return this.sent.get(set) === set.rdata.length;
  }

  get settled(): Promise<number> {
    this.done ??= this.drained.then(() => Promise.all(this.stores)).then((n) => n.reduce((a, b) => a + b, 0)).finally(() => {
      // Everything sent is stored (or failed): nothing is covered any more, nothing kept.
      this.sent = new Map();
    });
    return this.done;
  }

  private done: Promise<number> | undefined;
}
