// Makes RRSIG records (RFC 4034 §3) for RRsets, through the signature cache.
import { nameKey, type Labels } from '../wire/name.js';
import { Type } from '../wire/constants.js';
import type { WireRRset } from '../wire/writer.js';
import type { PrivateKeyMaterial, Signer } from './algorithm.js';
import { canonicalName, canonicalRRset } from './canonical.js';
import { signedData } from './signed-data.js';
import type { SignatureCache } from './signature-cache.js';
import { sha256Into } from './crypto/sha256.js';
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

/**
 * What the signer remembers about one RRset object, in the cache's bounded memo: the digest
 * that names its content in cache keys, its jitter offset, and the signatures last handed
 * out with the window they belong to. Not the canonical form: signing threads rebuild it.
 */
export interface Remembered {
  /** Base64 SHA-256 of the canonical RRset. */
  digest: string;
  /** The refresh interval `offset` was computed for. */
  refresh: number;
  offset: number;
  keys?: readonly ZoneKey[];
  policyTag?: string;
  from: number;
  until: number;
  rdata?: Buffer[];
}

const DIGEST = Buffer.alloc(32);

/** The base64 SHA-256 digest naming a canonical RRset in cache keys. */
export function digestOf(canonical: Buffer): string {
  sha256Into(canonical, 0, canonical.length, DIGEST);
  return DIGEST.toString('base64');
}

export class RRsigMaker {
  readonly signerName: Buffer;
  /** Validity and skew shape the dates too, so they are part of every cache key. */
  private readonly policyTag: string;

  constructor(
    private readonly origin: Labels,
    readonly policy: ValidityPolicy,
    private readonly cache: SignatureCache,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.signerName = canonicalName(origin);
    this.policyTag = `${policy.validity}/${policy.skew}`;
  }

  /**
   * Kept for callers that let go of a replaced version: what is remembered per RRset now
   * lives in the cache's memo, shared by every version and bounded, so nothing is held here.
   */
  forget(): void {}

  /** The same maker with another clock: a served version signs as of its signing epoch. */
  withClock(now: () => number): RRsigMaker {
    return new RRsigMaker(this.origin, this.policy, this.cache, now);
  }

  /** The maker's clock: seconds since the epoch (fixed for a served version's signing epoch). */
  time(): number {
    return this.now();
  }

  /** Seconds between re-signings of one RRset. */
  get refresh(): number {
    return this.policy.refresh;
  }

  /** Each key's short stand-in for its id and this maker's policy in cache keys. */
  private readonly signerTags = new Map<string, string>();

  /**
   * The cache key of `key`'s signature over the content `digest` in the window starting at
   * `start`. Short, as one is made, hashed and kept per signature: the key id and policy are
   * a few characters the cache hands out, and the digest's fixed length (44, '=' last)
   * separates it from the start.
   */
  cacheKey(keyId: string, digest: string, start: number): string {
    let tag = this.signerTags.get(keyId);
    if (tag === undefined) this.signerTags.set(keyId, (tag = this.cache.signerTag(keyId, this.policyTag)));
    return digest + start + tag;
  }

  /** What is remembered about `set`, if anything (no work done). */
  known(set: SignableRRset): Remembered | undefined {
    const r = this.cache.memo.get(set);
    if (r && r.refresh !== this.policy.refresh) {
      r.offset = jitter(nameKey(set.owner) + '/' + set.type, this.policy.refresh);
      r.refresh = this.policy.refresh;
    }
    return r;
  }

  /** Remembers a digest and offset worked out elsewhere (a signing thread). */
  learn(set: SignableRRset, digest: string, offset: number): Remembered {
    const r: Remembered = { digest, refresh: this.policy.refresh, offset, from: 0, until: 0 };
    this.cache.memo.set(set, r);
    return r;
  }

  /** The canonical form `facts` last had to make, for a signature made right after. */
  private made: { set: SignableRRset; canonical: Buffer } | undefined;

  private facts(set: SignableRRset): Remembered {
    const r = this.known(set);
    if (r) return r;
    const canonical = canonicalRRset(set.owner, set.type, set.ttl, set.rdata);
    this.made = { set, canonical };
    return this.learn(set, digestOf(canonical), jitter(nameKey(set.owner) + '/' + set.type, this.policy.refresh));
  }

  private canonical(set: SignableRRset): Buffer {
    const m = this.made;
    this.made = undefined;
    return m?.set === set ? m.canonical : canonicalRRset(set.owner, set.type, set.ttl, set.rdata);
  }

  /** The window an RRset's signatures belong to at `at` (seconds since the epoch). */
  window(set: SignableRRset, at = this.now()): Window {
    return windowAt(at, this.facts(set).offset, this.policy);
  }

  /** The window starting points to sign at `at`: the current one, and with `ahead` the next. */
  windowsAt(offset: number, at = this.now(), ahead = true): Window[] {
    const w = windowAt(at, offset, this.policy);
    return ahead ? [w, windowAt(w.end, offset, this.policy)] : [w];
  }

  /** RRSIG rdata for each key, made or taken from the cache. */
  sign(set: SignableRRset, keys: readonly ZoneKey[], at = this.now()): Buffer[] {
    const r = this.facts(set);
    // The same RRset asked again within its window: no cache key to build, no lookup.
    if (r.keys === keys && at >= r.from && at < r.until && r.policyTag === this.policyTag) return r.rdata!;
    const w = windowAt(at, r.offset, this.policy);
    let canonical: Buffer | undefined;
    const rdata = keys.map((k) => this.cache.get(this.cacheKey(k.id, r.digest, w.start), () => {
      canonical ??= this.canonical(set);
      return this.make(set, canonical, k, w);
    }));
    this.made = undefined;
    r.keys = keys;
    r.policyTag = this.policyTag;
    r.from = w.start;
    r.until = w.end;
    r.rdata = rdata;
    return rdata;
  }

  /** The signatures of the current window (and with `ahead`, the next) that the cache lacks. */
  missing(set: SignableRRset, keys: readonly ZoneKey[], at = this.now(), ahead = true): SigningTask[] {
    const r = this.facts(set);
    const out: SigningTask[] = [];
    let canonical: Buffer | undefined;
    for (const w of this.windowsAt(r.offset, at, ahead)) {
      for (const key of keys) {
        const cacheKey = this.cacheKey(key.id, r.digest, w.start);
        if (this.cache.has(cacheKey)) continue;
        canonical ??= this.canonical(set);
        // One allocation: the signed data, whose head is the RRSIG rdata up to the signature.
        const data = this.signedData(set, key, w, canonical);
        out.push({ cacheKey, key, unsigned: data.subarray(0, 18 + this.signerName.length), data });
      }
    }
    this.made = undefined;
    return out;
  }

  /** Stores RRSIG rdata made by a signing thread under its cache key. */
  put(cacheKey: string, rdata: Buffer): void {
    this.cache.put(cacheKey, rdata);
    this.cache.signed++;
  }

  /** True when the cache holds the signature under `cacheKey`. */
  cached(cacheKey: string): boolean {
    return this.cache.has(cacheKey);
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
    const f = { type: set.type, algorithm: key.algorithm, ttl: set.ttl, inception: w.inception, expiration: w.expiration, tag: key.tag };
    return signedData(f, set.owner, this.signerName, canonical);
  }
}
