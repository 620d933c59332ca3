// Signing while the zone file is still being read. Loading a 100k-name zone keeps the main
// thread busy for ~1.6 s, and the signing threads had nothing to do until it was over. Now
// each owner's RRsets go to a signing thread as soon as the file moves past that owner, and
// the thread signs them at once (batch-signing.ts Speculation). When the load is over, the
// main thread checks every such RRset against the finished zone: only those still the same
// (a file may name an owner again later) and still signed (not at a cut or below one) have
// their signatures stored, in the cache by content, as presign would have stored them.
import type { BuildNode } from '../zone/build.js';
import { Type } from '../wire/constants.js';
import type { KeySpec } from './batch-signing.js';
import { encodeRRsets } from './rrset-batch.js';
import type { RRsigMaker, SignableRRset, ZoneKey } from './rrsig.js';
import type { PoolKey, PreparedOnThread, SigningPool } from './signing-pool.js';
import { carriesSignatures, keysForType, SIGNED_BY_KSK_TYPES, type SigningKeys } from './zone-signing.js';
import { settleBatch } from './presign.js';

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

export class EarlySigning {
  private readonly batches: Batch[] = [];
  private sets: SignableRRset[] = [];
  private nodes: BuildNode[] = [];
  private counts: number[] = [];
  private readonly sent = new WeakMap<SignableRRset, number>();
  private readonly poolKeys: PoolKey[];
  private readonly specs: KeySpec[];
  private readonly kskSlots: number[];
  private readonly zskSlots: number[];
  private readonly signer: { maker: RRsigMaker; keysFor: (type: number) => readonly ZoneKey[] };

  constructor(
    private readonly pool: SigningPool,
    private readonly keys: SigningKeys,
    readonly maker: RRsigMaker,
    /** The signing time of the version this load becomes (its windows). */
    private readonly at: number,
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
      // An owner the file names again: only what grew since is sent again.
      if (this.sent.get(set) === set.rdata.length) continue;
      this.sent.set(set, set.rdata.length);
      this.sets.push(set);
      this.nodes.push(node);
      this.counts.push(set.rdata.length);
    }
    if (this.sets.length >= this.size) this.send();
  };

  private send(): void {
    const sets = this.sets, nodes = this.nodes, counts = this.counts;
    this.sets = [];
    this.nodes = [];
    this.counts = [];
    // One thread fewer than the pool has (the load holds a core), and only while it keeps
    // up: a batch no thread has room for is left to presign, which spreads it over all the
    // threads once the load is over, instead of a queue on one of them.
    const thread = this.pool.threadWithRoom(Math.max(1, this.pool.size - 1), 2);
    if (!sets.length || thread === undefined) return;
    const m = this.maker;
    const prepared = this.pool.prepare(this.poolKeys, encodeRRsets(sets), m.policy.refresh, {
      keys: this.specs, kskSlots: this.kskSlots, zskSlots: this.zskSlots, kskTypes: SIGNED_BY_KSK_TYPES,
      signerName: m.signerName, policy: m.policy, at: this.at,
    }, thread);
    prepared.catch(() => {}); // settled (and its error reported) by finish()
    this.batches.push({ sets, nodes, counts, prepared });
  }

  /**
   * After the load: stores the signatures of the RRsets that are in the finished zone as they
   * were sent (`zoneBuilt` false: the load failed, and every batch is only let go). Resolves
   * with the number of signatures stored.
   */
  async finish(zoneBuilt: boolean): Promise<number> {
    this.send();
    let stored = 0;
    for (const b of this.batches.splice(0)) {
      // The finished RRset, as sent last (an earlier send of it had fewer records).
      const keep = (i: number): boolean => zoneBuilt && b.sets[i].rdata.length === b.counts[i] && this.sent.get(b.sets[i]) === b.counts[i] && carriesSignatures(b.nodes[i], b.sets[i].type);
      const n = await settleBatch(this.signer, this.specs, b.sets, await b.prepared, this.at, false, keep, this.pool);
      stored += n;
    }
    return stored;
  }
}
