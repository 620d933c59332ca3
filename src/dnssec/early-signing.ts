// Signing while the zone file is still being read. Loading a 100k-name zone keeps the main
// thread busy for ~1.6 s, and the signing threads had nothing to do until it was over. Now
// each owner's RRsets go to a signing thread as soon as the file moves past that owner, and
// the thread signs them at once (batch-signing.ts Speculation). What no thread has room for
// waits, and goes out, spread over every thread, the moment the zone is built (before its
// denial chain is). Then the main thread checks every RRset sent against the finished zone:
// only those still the same (a file may name an owner again later) and still signed (not at
// a cut or below one) have their signatures stored, in the cache by content, as presign
// would have stored them; presign leaves exactly those to this (EarlyWork).
import type { BuildNode } from '../zone/build.js';
import { Type } from '../wire/constants.js';
import type { KeySpec } from './batch-signing.js';
import { encodeRRsets } from './rrset-batch.js';
import type { RRsigMaker, SignableRRset, ZoneKey } from './rrsig.js';
import type { PoolKey, PreparedOnThread, SigningPool } from './signing-pool.js';
import { carriesSignatures, keysForType, SIGNED_BY_KSK_TYPES, type SigningKeys } from './zone-signing.js';
import { settleBatch, type EarlyWork } from './presign.js';

interface Batch {
  sets: SignableRRset[];
  nodes: BuildNode[];
  /** Records per RRset when sent: an RRset only grows while a zone loads. */
  counts: number[];
  prepared: Promise<PreparedOnThread>;
}

/** A cut (NS below the apex) or a DNAME above `node` hides it: nothing there is signed. */
function hidden(node: BuildNode): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if ((p.parent && p.rrsets.has(Type.NS)) || p.rrsets.has(Type.DNAME)) return true;
  }
  return false;
}

export class EarlySigning implements EarlyWork {
  private readonly batches: Batch[] = [];
  /** Offered during the load, not yet sent: no thread had room. */
  private waiting: { set: SignableRRset; node: BuildNode }[] = [];
  private sets: SignableRRset[] = [];
  private nodes: BuildNode[] = [];
  /** Record count of each RRset as last offered, and as last sent. */
  private readonly offered = new WeakMap<SignableRRset, number>();
  private readonly sent = new WeakMap<SignableRRset, number>();
  private readonly poolKeys: PoolKey[];
  private readonly specs: KeySpec[];
  private readonly kskSlots: number[];
  private readonly zskSlots: number[];
  private readonly signer: { maker: RRsigMaker; keysFor: (type: number) => readonly ZoneKey[] };
  private result: Promise<number> = Promise.resolve(0);

  constructor(
    private readonly pool: SigningPool,
    keys: SigningKeys,
    readonly maker: RRsigMaker,
    /** The signing time of the version this load becomes (its windows). */
    readonly at: number,
    private readonly size = 512,
  ) {
    const all = [...new Map([...keys.ksks, ...keys.zsks].map((k) => [k.id, k])).values()];
    this.poolKeys = all.map((k) => ({ id: k.id, material: k.material! }));
    this.specs = all.map((k) => ({ id: k.id, tag: k.tag, algorithm: k.algorithm }));
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
    const cut = node.parent !== undefined && node.rrsets.has(Type.NS);
    for (const set of node.rrsets.values()) {
      if (cut && set.type !== Type.DS) continue;
      // An owner the file names again: only what grew since is offered again.
      if (this.offered.get(set) === set.rdata.length) continue;
      this.offered.set(set, set.rdata.length);
      this.sets.push(set);
      this.nodes.push(node);
    }
    if (this.sets.length < this.size) return;
    // One thread fewer than the pool has (the load holds a core), and only while it keeps
    // up (the main thread cannot take replies now, so it reads the threads' progress).
    const thread = this.pool.threadWithRoom(Math.max(1, this.pool.size - 1), 2);
    if (thread === undefined) {
      for (let i = 0; i < this.sets.length; i++) this.waiting.push({ set: this.sets[i], node: this.nodes[i] });
    } else {
      this.send(this.sets, this.nodes, thread);
    }
    this.sets = [];
    this.nodes = [];
  };

  private send(sets: SignableRRset[], nodes: BuildNode[], thread?: number): void {
    const counts = sets.map((s) => s.rdata.length);
    sets.forEach((s, i) => this.sent.set(s, counts[i]));
    const m = this.maker;
    const prepared = this.pool.prepare(this.poolKeys, encodeRRsets(sets), m.policy.refresh, {
      keys: this.specs, kskSlots: this.kskSlots, zskSlots: this.zskSlots, kskTypes: SIGNED_BY_KSK_TYPES,
      signerName: m.signerName, policy: m.policy, at: this.at,
    }, thread);
    prepared.catch(() => {}); // settled (and its error seen) in `settled`
    this.batches.push({ sets, nodes, counts, prepared });
  }

  /**
   * The zone is built (its nodes know their cuts now): what waited goes out, spread over
   * every thread, and the stores begin as replies come in. With `built` false (the file did
   * not load) every batch is only let go.
   */
  loaded(built: boolean): void {
    if (built) {
      const rest = [...this.waiting, ...this.sets.map((set, i) => ({ set, node: this.nodes[i] }))];
      let sets: SignableRRset[] = [];
      let nodes: BuildNode[] = [];
      for (const { set, node } of rest) {
        // Once per RRset (it may wait twice, having grown), and only what the zone signs.
        if (this.sent.get(set) === set.rdata.length || !carriesSignatures(node, set.type)) continue;
        this.sent.set(set, set.rdata.length);
        sets.push(set);
        nodes.push(node);
        if (sets.length >= this.size) {
          this.send(sets, nodes);
          sets = [];
          nodes = [];
        }
      }
      if (sets.length) this.send(sets, nodes);
    }
    this.waiting = [];
    this.sets = [];
    this.nodes = [];
    this.result = this.store(built);
    this.result.catch(() => {});
  }

  /** True when `set` is in a batch as it is in the finished zone: its signatures come from here. */
  covers(set: SignableRRset): boolean {
    return this.sent.get(set) === set.rdata.length;
  }

  get settled(): Promise<number> {
    return this.result;
  }

  private async store(built: boolean): Promise<number> {
    let stored = 0;
    let failure: unknown;
    for (const b of this.batches.splice(0)) {
      // The finished RRset, as sent last (an earlier send of it had fewer records).
      const keep = (i: number): boolean => built && failure === undefined && b.counts[i] === b.sets[i].rdata.length && carriesSignatures(b.nodes[i], b.sets[i].type);
      try {
        const n = await settleBatch(this.signer, this.specs, b.sets, await b.prepared, this.at, false, keep, this.pool);
        stored += n;
      } catch (err) {
        failure ??= err; // the rest are only let go; answers sign what is missing on demand
      }
    }
    if (failure !== undefined) throw failure;
    return stored;
  }
}
