// The NSEC3 chain of a zone version (RFC 5155 §7.1, parameters per RFC 9276): one record
// per authoritative name and per empty non-terminal, owned by the hashed name and sorted
// by hash, each naming the next hash. With opt-out, delegations without DS get no record.
import { isSubdomain, nameKey, suffixKeys, type Labels } from '../../wire/name.js';
import { Type } from '../../wire/constants.js';
import type { RRset, Zone } from '../../zone/zone.js';
import { base32hex, NSEC3_HASH_LENGTH, NSEC3_SHA1, nsec3HashBytes } from './nsec3-hash.js';
import { dataTypes, delegationTypes, nodeRole, TypeSetCache, type TypeSet } from './node-types.js';

export { nsec3Hash, nsec3HashBytes, base32hex, fromBase32hex } from './nsec3-hash.js';

/** RFC 5155 §3.1.2.1: the Opt-Out flag. */
export const NSEC3_FLAG_OPT_OUT = 1;

/** One NSEC3 record, shaped as an RRset of one record so it is signed and written like any other. */
export interface Nsec3Record extends RRset {
  readonly type: typeof Type.NSEC3;
  /** Exactly one rdata: algorithm, flags, iterations, salt, next hashed owner, type bitmap. */
  readonly rdata: readonly [Buffer];
  /** The unhashed name this record stands for (as spelled in the zone). */
  readonly name: Labels;
  /** The raw hash of `name` (20 bytes); the owner's first label is its base32hex. */
  readonly hash: Buffer;
  readonly nextHash: Buffer;
  /** The types in the bitmap, increasing; empty for an empty non-terminal. */
  readonly types: readonly number[];
}

export interface Nsec3Options {
  /** RFC 9077: min(SOA TTL, SOA MINIMUM), i.e. `zone.negativeTtl`. */
  ttl: number;
  /** Extra iterations; RFC 9276 says 0 (the default). */
  iterations?: number;
  /** RFC 9276 says empty (the default). At most 255 octets. */
  salt?: Buffer;
  /** RFC 5155 §6: leave delegations without DS out of the chain and set the flag. */
  optOut?: boolean;
  /** Types the signer publishes at the apex beyond the zone's data: DNSKEY, CDS, CDNSKEY. */
  apexTypes?: readonly number[];
  /** TTL of the NSEC3PARAM record; defaults to `ttl`. */
  paramTtl?: number;
}

export interface Nsec3Params {
  readonly iterations: number;
  readonly salt: Buffer;
  readonly optOut: boolean;
}

/** RFC 5155 §7.2.1: the records of a closest (provable) encloser proof. */
export interface ClosestEncloserProof {
  /** The longest ancestor of the name (or the name itself) that has an NSEC3. */
  readonly closestEncloser: Labels;
  /** The NSEC3 matching the closest encloser. */
  readonly encloser: Nsec3Record;
  /** One label more than the closest encloser; undefined when the name itself has an NSEC3. */
  readonly nextCloser?: Labels;
  /** The NSEC3 covering the next closer name. */
  readonly nextCloserCover?: Nsec3Record;
  /** When asked for: the NSEC3 covering `*.<closest encloser>`; undefined if that wildcard has an NSEC3. */
  readonly wildcardCover?: Nsec3Record;
  /** The records above in that order, duplicates removed. */
  readonly records: readonly Nsec3Record[];
}

export class Nsec3Chain implements Iterable<Nsec3Record> {
  readonly kind = 'nsec3' as const;
  private readonly byKey: Map<string, number>;
  /** The base32hex of each record's hash, in the records' order: strings compare fast. */
  private readonly hashText: readonly string[];
  /** Record index of a closest encloser -> the NSEC3 covering its wildcard (at most one per record). */
  private readonly wildcardCovers = new Map<number, Nsec3Record | undefined>();

  /** `records` sorted by hash; `keys[i]` is the name key of the name `records[i]` stands for. */
  constructor(
    readonly origin: Labels,
    readonly params: Nsec3Params,
    readonly records: readonly Nsec3Record[],
    keys: readonly string[],
    /** The NSEC3PARAM RRset for the apex (flags 0, RFC 5155 §4.1.2). */
    readonly nsec3param: RRset,
  ) {
    this.byKey = new Map();
    for (let i = 0; i < keys.length; i++) this.byKey.set(keys[i], i);
    this.hashText = records.map((r) => r.owner[0].toString('latin1'));
  }

  get size(): number {
    return this.records.length;
  }

  [Symbol.iterator](): Iterator<Nsec3Record> {
    return this.records[Symbol.iterator]();
  }

  /** The NSEC3 hash of a name with this chain's salt and iterations. */
  hash(labels: Labels): Buffer {
    return nsec3HashBytes(labels, this.params.salt, this.params.iterations);
  }

  /** The NSEC3 whose hashed owner is the hash of `labels`, if the name has one. */
  matching(labels: Labels): Nsec3Record | undefined {
    return this.matchingKey(nameKey(labels));
  }

  /** As `matching`, by name key (`nameKey`): no hashing. */
  matchingKey(key: string): Nsec3Record | undefined {
    const i = this.byKey.get(key);
    return i === undefined ? undefined : this.records[i];
  }

  /** The NSEC3 whose hashed owner and next hashed owner enclose the hash of `labels`. */
  covering(labels: Labels): Nsec3Record | undefined {
    if (!isSubdomain(labels, this.origin)) return undefined;
    return this.coveringHash(this.hash(labels));
  }

  /** The NSEC3 covering a hash; undefined when a record is owned by that very hash. */
  coveringHash(hash: Buffer): Nsec3Record | undefined {
    const h = base32hex(hash);
    const text = this.hashText;
    // Before the first hash: covered by the last record, whose next hash is the first.
    if (h < text[0]) return this.records[text.length - 1];
    let lo = 0;
    let hi = text.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (text[mid] <= h) lo = mid;
      else hi = mid - 1;
    }
    return text[lo] === h ? undefined : this.records[lo];
  }

  /**
   * RFC 5155 §7.2.1: the closest provable encloser of `qname` (the longest ancestor with an
   * NSEC3: names below a cut or a DNAME have none, nor, with opt-out, insecure
   * delegations), the NSEC3 covering the next closer name, and with `wildcard` the NSEC3
   * covering the wildcard at the closest encloser. Throws for a name outside the zone.
   */
  closestEncloserProof(qname: Labels, opts: { wildcard?: boolean } = {}): ClosestEncloserProof {
    if (!isSubdomain(qname, this.origin)) throw new RangeError(`${nameKey(qname)} is not in zone ${nameKey(this.origin)}`);
    const keys = suffixKeys(qname);
    const top = qname.length - this.origin.length;
    let i = 0;
    while (i < top && !this.byKey.has(keys[i])) i++;
    const closestEncloser = qname.slice(i);
    const encloser = this.records[this.byKey.get(keys[i])!];
    const records: Nsec3Record[] = [encloser];
    const add = (r: Nsec3Record | undefined) => {
      if (r && !records.includes(r)) records.push(r);
    };
    if (i === 0) return { closestEncloser, encloser, records };
    const nextCloser = qname.slice(i - 1);
    const nextCloserCover = this.covering(nextCloser);
    add(nextCloserCover);
    let wildcardCover: Nsec3Record | undefined;
    if (opts.wildcard) {
      // The same few closest enclosers (the apex above all) come back in every NXDOMAIN of
      // a random-subdomain flood: remember their wildcard's cover and save a hash.
      const ceIndex = this.byKey.get(keys[i])!;
      if (this.wildcardCovers.has(ceIndex)) {
        wildcardCover = this.wildcardCovers.get(ceIndex);
      } else {
        wildcardCover = this.covering([STAR, ...closestEncloser]);
        this.wildcardCovers.set(ceIndex, wildcardCover);
      }
      add(wildcardCover);
    }
    return { closestEncloser, encloser, nextCloser, nextCloserCover, wildcardCover, records };
  }
}

const STAR = Buffer.from('*');

/** Builds the NSEC3 chain of a zone version. */
export function buildNsec3Chain(zone: Zone, opts: Nsec3Options): Nsec3Chain {
  const iterations = opts.iterations ?? 0;
  const salt = opts.salt ?? Buffer.alloc(0);
  const optOut = opts.optOut ?? false;
  if (!Number.isInteger(iterations) || iterations < 0 || iterations > 0xffff) throw new RangeError(`NSEC3 iterations ${iterations} out of range`);
  if (salt.length > 255) throw new RangeError('NSEC3 salt longer than 255 octets');

  const sets = new TypeSetCache();
  interface Entry { name: Labels; key: string; hash: Buffer; text: string; set: TypeSet }
  const entries: Entry[] = [];
  for (const node of zone.ordered) {
    const role = nodeRole(node);
    let types: number[];
    if (role === 'occluded') continue;
    if (role === 'delegation') {
      // RFC 5155 §6: an opt-out chain leaves out delegations that have no DS.
      if (optOut && !node.rrsets.has(Type.DS)) continue;
      types = delegationTypes(node);
    } else if (role === 'empty') {
      // RFC 5155 §7.1: empty non-terminals get an NSEC3 with an empty bitmap. Those above
      // only insecure delegations could be left out under opt-out (BIND does); keeping
      // them keeps every NODATA answer at them provable with a matching NSEC3.
      types = [];
    } else {
      types = dataTypes(node);
      types.push(Type.RRSIG);
      if (node === zone.apex) types.push(Type.NSEC3PARAM, ...(opts.apexTypes ?? []));
    }
    const hash = nsec3HashBytes(node.labels, salt, iterations);
    entries.push({ name: node.labels, key: node.key, hash, text: base32hex(hash), set: sets.get(types) });
  }
  // base32hex keeps the order of the bytes, and strings compare far faster than buffers.
  entries.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));

  // The fixed head of every rdata: algorithm, flags, iterations, salt length and salt, hash length.
  const head = Buffer.alloc(5 + salt.length + 1);
  head[0] = NSEC3_SHA1;
  head[1] = optOut ? NSEC3_FLAG_OPT_OUT : 0;
  head.writeUInt16BE(iterations, 2);
  head[4] = salt.length;
  salt.copy(head, 5);
  head[5 + salt.length] = NSEC3_HASH_LENGTH;

  // Every rdata and hashed owner label in one allocation each.
  const n = entries.length;
  let total = 0;
  for (const e of entries) total += head.length + NSEC3_HASH_LENGTH + e.set.bitmap.length;
  const slab = Buffer.allocUnsafeSlow(total);
  const labelSlab = Buffer.from(entries.map((e) => e.text).join(''), 'latin1');
  const records: Nsec3Record[] = new Array(n);
  const keys: string[] = new Array(n);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const e = entries[i];
    const next = entries[(i + 1) % n];
    if (i + 1 < n && next.text === e.text) {
      throw new Error(`NSEC3 hash collision between ${nameKey(e.name)} and ${nameKey(next.name)}; change the salt`);
    }
    const start = o;
    o += head.copy(slab, o);
    o += next.hash.copy(slab, o);
    o += e.set.bitmap.copy(slab, o);
    const owner = [labelSlab.subarray(i * 32, i * 32 + 32), ...zone.origin];
    records[i] = { owner, type: Type.NSEC3, ttl: opts.ttl, rdata: [slab.subarray(start, o)], name: e.name, hash: e.hash, nextHash: next.hash, types: e.set.types };
    keys[i] = e.key;
  }

  const param = Buffer.alloc(5 + salt.length);
  param[0] = NSEC3_SHA1;
  param.writeUInt16BE(iterations, 2);
  param[4] = salt.length;
  salt.copy(param, 5);
  const nsec3param: RRset = { owner: zone.apex.labels, type: Type.NSEC3PARAM, ttl: opts.paramTtl ?? opts.ttl, rdata: [param] };
  return new Nsec3Chain(zone.origin, { iterations, salt, optOut }, records, keys, nsec3param);
}
