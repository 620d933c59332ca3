// Makes RRSIG records (RFC 4034 §3) for RRsets, through the signature cache.
import { createHash } from 'node:crypto';
import { nameKey, type Labels } from '../wire/name.js';
import { Type } from '../wire/constants.js';
import type { WireRRset } from '../wire/writer.js';
import type { PrivateKeyMaterial, Signer } from './algorithm.js';
import { canonicalName, canonicalRRset, signatureLabels } from './canonical.js';
import type { SignatureCache } from './signature-cache.js';
import { jitter, windowAt, type ValidityPolicy, type Window } from './window.js';

export interface ZoneKey {
  tag: number;
  algorithm: number;
  signer: Signer;
  /** Identifies the key in cache keys (a digest of its DNSKEY rdata). */
  id: string;
  /** The private key, for signing threads; without it only this thread's `signer` signs. */
  material?: PrivateKeyMaterial;
}

/** A signature to make elsewhere (a signing thread) and then store in the cache. */
export interface SigningTask {
  cacheKey: string;
  key: ZoneKey;
  /** The RRSIG rdata up to the signature. */
  unsigned: Buffer;
  /** The signed data: `unsigned` followed by the canonical RRset. */
  data: Buffer;
}

/** What an RRset needs to be signed; the same object always has the same content. */
export interface SignableRRset {
  readonly owner: Labels;
  readonly type: number;
  readonly ttl: number;
  readonly rdata: readonly Buffer[];
}

interface Prepared {
  canonical: Buffer;
  digest: string;
  offset: number;
}

interface Canonical {
  canonical: Buffer;
  digest: string;
  /** Jitter offsets, by refresh interval. */
  offsets: Map<number, number>;
}

// Shared by every maker: the versions of a zone (one per signing epoch) share RRset objects,
// so each RRset is put in canonical form and hashed once, not once per version.
const CANONICAL = new WeakMap<SignableRRset, Canonical>();

export class RRsigMaker {
  private readonly signerName: Buffer;
  /** The signatures last handed out per RRset, with the window they belong to. */
  private recent = new WeakMap<SignableRRset, { keys: readonly ZoneKey[]; from: number; until: number; rdata: Buffer[] }>();
  /** Validity and skew shape the dates too, so they are part of every cache key. */
  private readonly policyTag: string;

  constructor(
    private readonly origin: Labels,
    private readonly policy: ValidityPolicy,
    private readonly cache: SignatureCache,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.signerName = canonicalName(origin);
    this.policyTag = `${policy.validity}/${policy.skew}`;
  }

  /** Lets go of the signatures remembered per RRset (a version no longer served needs none). */
  forget(): void {
    this.recent = new WeakMap();
  }

  /** The same maker with another clock: a served version signs as of its signing epoch. */
  withClock(now: () => number): RRsigMaker {
    return new RRsigMaker(this.origin, this.policy, this.cache, now);
  }

  /** Seconds between re-signings of one RRset. */
  get refresh(): number {
    return this.policy.refresh;
  }

  private cacheKey(k: ZoneKey, p: Prepared, w: Window): string {
    return `${k.id}|${p.digest}|${w.start}|${this.policyTag}`;
  }

  private prepare(set: SignableRRset): Prepared {
    let c = CANONICAL.get(set);
    if (!c) {
      const canonical = canonicalRRset(set.owner, set.type, set.ttl, set.rdata);
      c = { canonical, digest: createHash('sha256').update(canonical).digest('base64'), offsets: new Map() };
      CANONICAL.set(set, c);
    }
    let offset = c.offsets.get(this.policy.refresh);
    if (offset === undefined) {
      offset = jitter(nameKey(set.owner) + '/' + set.type, this.policy.refresh);
      c.offsets.set(this.policy.refresh, offset);
    }
    const p: Prepared = { canonical: c.canonical, digest: c.digest, offset };
    return p;
  }

  /** The window an RRset's signatures belong to at `at` (seconds since the epoch). */
  window(set: SignableRRset, at = this.now()): Window {
    return windowAt(at, this.prepare(set).offset, this.policy);
  }

  /** RRSIG rdata for each key, made or taken from the cache. */
  sign(set: SignableRRset, keys: readonly ZoneKey[], at = this.now()): Buffer[] {
    // The same RRset asked again within its window: no cache key to build, no lookup.
    const m = this.recent.get(set);
    if (m && m.keys === keys && at >= m.from && at < m.until) return m.rdata;
    const p = this.prepare(set);
    const w = windowAt(at, p.offset, this.policy);
    const rdata = keys.map((k) => this.cache.get(this.cacheKey(k, p, w), () => this.make(set, p.canonical, k, w)));
    this.recent.set(set, { keys, from: w.start, until: w.end, rdata });
    return rdata;
  }

  /** The signatures of the current window (and with `ahead`, the next) that the cache lacks. */
  missing(set: SignableRRset, keys: readonly ZoneKey[], at = this.now(), ahead = true): SigningTask[] {
    const p = this.prepare(set);
    const now = windowAt(at, p.offset, this.policy);
    const out: SigningTask[] = [];
    for (const w of ahead ? [now, windowAt(now.end, p.offset, this.policy)] : [now]) {
      for (const key of keys) {
        const cacheKey = this.cacheKey(key, p, w);
        if (this.cache.has(cacheKey)) continue;
        // One allocation: the signed data, whose head is the RRSIG rdata up to the signature.
        const data = this.signedData(set, key, w, p.canonical);
        out.push({ cacheKey, key, unsigned: data.subarray(0, 18 + this.signerName.length), data });
      }
    }
    return out;
  }

  /** Stores a signature a signing thread made for `task`. */
  store(task: SigningTask, signature: Buffer): void {
    this.cache.put(task.cacheKey, Buffer.concat([task.unsigned, signature]));
    this.cache.signed++;
  }

  /** Makes the missing signatures of the current and next window here, on this thread. */
  signAhead(set: SignableRRset, keys: readonly ZoneKey[], at = this.now()): number {
    const tasks = this.missing(set, keys, at);
    for (const t of tasks) this.store(t, t.key.signer.sign(t.data));
    return tasks.length;
  }

  /** The RRSIG RRset for `set`, with `owner` as the record owner (the query name for wildcards). */
  rrsigSet(set: SignableRRset, keys: readonly ZoneKey[], owner: Labels = set.owner, ttl = set.ttl): WireRRset {
    return { owner, type: Type.RRSIG, ttl, rdata: this.sign(set, keys) };
  }

  private make(set: SignableRRset, canonical: Buffer, key: ZoneKey, w: Window): Buffer {
    const data = this.signedData(set, key, w, canonical);
    const unsigned = data.subarray(0, 18 + this.signerName.length);
    return Buffer.concat([unsigned, key.signer.sign(data)]);
  }

  /** RFC 4034 §3.1.8.1: the RRSIG rdata without its signature, then the canonical RRset. */
  private signedData(set: SignableRRset, key: ZoneKey, w: Window, canonical: Buffer): Buffer {
    const head = Buffer.allocUnsafe(18 + this.signerName.length + canonical.length);
    head.writeUInt16BE(set.type, 0);
    head[2] = key.algorithm;
    head[3] = signatureLabels(set.owner);
    head.writeUInt32BE(set.ttl >>> 0, 4);
    head.writeUInt32BE(w.expiration >>> 0, 8);
    head.writeUInt32BE(w.inception >>> 0, 12);
    head.writeUInt16BE(key.tag, 16);
    this.signerName.copy(head, 18);
    canonical.copy(head, 18 + this.signerName.length);
    return head;
  }
}
