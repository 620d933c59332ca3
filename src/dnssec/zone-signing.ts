// A signed zone version: its keys, its denial chain and the RRSIG maker, offered to the
// answer path (signatures and proofs on demand, through the cache) and to whoever needs
// every signature at once (background signing, `inkan sign`, transfers).
import { Type } from '../wire/constants.js';
import type { WireRRset } from '../wire/writer.js';
import type { Labels } from '../wire/name.js';
import type { Denial, Entry, LookupResult } from '../answer/lookup.js';
import type { ZoneSecurity } from '../answer/secure.js';
import type { RRset, Zone, ZoneNode } from '../zone/zone.js';
import { denialProof, type DenialCase, type DenialChain } from './denial/proofs.js';
import type { CompactDenial } from './denial/compact.js';
import { signatureLabels } from './canonical.js';
import type { RRsigMaker, SignableRRset, ZoneKey } from './rrsig.js';
import { presign, type EarlyWork, type PresignOptions } from './presign.js';
import type { SigningPool } from './signing-pool.js';

const CASES: Record<Denial['kind'], DenialCase> = {
  nxdomain: 'nxdomain',
  nodata: 'nodata',
  'ds-nodata': 'ds-nodata',
  wildcard: 'wildcard-answer',
  'wildcard-nodata': 'wildcard-nodata',
  'insecure-referral': 'referral',
};

// RFC 4035 §2.2 / RFC 7344 §4.1: the key-signing keys sign these; the zone-signing keys the rest.
export const SIGNED_BY_KSK_TYPES: number[] = [Type.DNSKEY, Type.CDS, Type.CDNSKEY];
const SIGNED_BY_KSK = new Set<number>(SIGNED_BY_KSK_TYPES);

/** The keys that sign an RRset of `type`. */
export function keysForType(keys: SigningKeys, type: number): readonly ZoneKey[] {
  return SIGNED_BY_KSK.has(type) ? keys.ksks : keys.zsks;
}

/**
 * Whether the RRset of `type` at `node` is signed: authoritative data is; at a cut only the
 * DS (the NS and glue there are the child's); nothing below a cut or a DNAME.
 */
export function carriesSignatures(node: ZoneNode, type: number): boolean {
  return !node.occluded && (!node.cut || type === Type.DS);
}

export interface SigningKeys {
  ksks: readonly ZoneKey[];
  zsks: readonly ZoneKey[];
}

export class ZoneSigning implements ZoneSecurity {
  /**
   * While the background signer is making this version's signatures: settles when it is
   * done, and is cleared then. A transfer waits for it rather than sign on the event loop.
   */
  signedInBackground: Promise<void> | undefined;

  /** Signatures being made since the zone file was read (early-signing.ts): presign leaves them to it. */
  early: EarlyWork | undefined;

  constructor(
    readonly zone: Zone,
    /** A compact zone (RFC 9824) has no chain: its proofs are made per query. */
    readonly chain: DenialChain | CompactDenial,
    readonly keys: SigningKeys,
    readonly maker: RRsigMaker,
  ) {}

  /** Compact denial: nothing to write out or transfer, see `COMPACT_NOT_TRANSFERABLE`. */
  get compactDenial(): boolean {
    return this.chain.kind === 'compact';
  }

  /**
   * The version to serve: this content under `serial`, every signature made as of
   * `signingTime` (the start of a signing epoch). Answers and transfers of that version then
   * carry exactly the same RRSIGs, whenever they are made.
   */
  at(serial: number, signingTime: number): ZoneSigning {
    const zone = this.zone.withSerial(serial);
    const s = new ZoneSigning(zone, this.chain, this.keys, this.maker.withClock(() => signingTime));
    s.early = this.early;
    zone.security = s;
    return s;
  }

  keysFor(type: number): readonly ZoneKey[] {
    return keysForType(this.keys, type);
  }

  rrsigs(e: Entry): WireRRset {
    const set = e.sign!;
    if (this.chain.kind === 'compact' && e.set.owner !== set.owner && signatureLabels(set.owner) < set.owner.length) {
      // RFC 9824 §3.3: a wildcard answer is signed as if the query name existed (its labels
      // count, its owner), so it needs no proof that the name does not exist.
      const exact = { owner: e.set.owner, type: set.type, ttl: set.ttl, rdata: set.rdata };
      return this.maker.rrsigSet(exact, this.keysFor(set.type), e.set.owner, e.set.ttl);
    }
    return this.maker.rrsigSet(set, this.keysFor(set.type), e.set.owner, e.set.ttl);
  }

  proof(d: Denial): WireRRset[] {
    const out: WireRRset[] = [];
    const records = this.chain.kind === 'compact' ? this.chain.proof(d) : denialProof(this.zone, this.chain, d.qname, CASES[d.kind]);
    for (const r of records) out.push(r, this.maker.rrsigSet(r, this.keys.zsks));
    return out;
  }

  rewrite(res: LookupResult, qname: Labels, qtype: number, compactOk: boolean): void {
    if (this.chain.kind === 'compact') this.chain.rewrite(res, qname, qtype, compactOk);
  }

  /**
   * Every RRset that carries signatures, in canonical order: authoritative data (at a cut,
   * only DS: the NS and glue there are the child's), then the denial chain.
   */
  *signed(): Generator<RRset | SignableRRset> {
    for (const node of this.zone.ordered) {
      for (const set of node.rrsets.values()) if (carriesSignatures(node, set.type)) yield set;
    }
    yield* this.chain;
  }

  /**
   * Makes every signature of the current window (and, with `ahead`, the next) that the cache
   * lacks, on the signing threads (presign.ts); answering goes on meanwhile. Resolves with
   * the number of signatures made.
   */
  presign(pool: SigningPool, opts: PresignOptions = {}): Promise<number> {
    return presign(this, pool, opts);
  }
}
