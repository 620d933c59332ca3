// Loads a zone for online signing: the zone file plus the DNSKEY (and NSEC3PARAM) records
// the signer publishes, built into one version, with its denial chain and keys attached.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Labels } from '../wire/name.js';
import { Class, Type } from '../wire/constants.js';
import type { DnssecConfig } from '../config/types.js';
import { ZoneError, type ZoneRecord } from '../zone/record.js';
import { loadZoneFile, ZoneLoadError } from '../zone/load.js';
import type { Zone } from '../zone/zone.js';
import { buildNsecChain } from './denial/nsec.js';
import { buildNsec3Chain } from './denial/nsec3.js';
import { CompactDenial } from './denial/compact.js';
import type { DenialChain } from './denial/proofs.js';
import { ensureZoneKeys, type Key, type ZoneKeys } from './keys/store.js';
import { RRsigMaker, type ZoneKey } from './rrsig.js';
import type { ValidityPolicy } from './window.js';
import type { SignatureCache } from './signature-cache.js';
import { ZoneSigning, type SigningKeys } from './zone-signing.js';
import { EarlySigning } from './early-signing.js';
import type { SigningPool } from './signing-pool.js';
import { parseName } from '../wire/name.js';

export interface SigningContext {
  keysDir: string;
  cache: SignatureCache;
  logger: Logger;
  /** Seconds since the epoch; tests move it. */
  now?: () => number;
  /**
   * Sign while the file is read (early-signing.ts), on this pool, for the windows at
   * `at(refresh)`: the signing time the version will be served with. Worth it when the cache
   * cannot hold the zone's signatures yet (a first load); a reload of a zone already signed
   * would sign again what the cache has.
   */
  early?: { pool: () => SigningPool; at: (refresh: number) => number; batch?: number };
}

const zoneKeyCache = new WeakMap<Key, ZoneKey>();

function zoneKey(k: Key): ZoneKey {
  let z = zoneKeyCache.get(k);
  if (!z) {
    // Signing threads get the private key itself (not this thread's signer object).
    const material = k.material;
    const id = createHash('sha256').update(k.dnskeyRdata).digest('base64').slice(0, 16);
    z = { tag: k.tag, algorithm: k.algorithm, signer: k.signer, id, material };
    zoneKeyCache.set(k, z);
  }
  return z;
}

function nsec3paramRdata(cfg: DnssecConfig): Buffer {
  const salt = cfg.nsec3.salt;
  // RFC 5155 §4.1: the flags field of NSEC3PARAM is 0; opt-out shows only in NSEC3 records.
  return Buffer.concat([Buffer.from([1, 0, cfg.nsec3.iterations >> 8, cfg.nsec3.iterations & 0xff, salt.length]), salt]);
}

function record(owner: Labels, type: number, ttl: number, rdata: Buffer, file: string): ZoneRecord {
  return { owner, type, class: Class.IN, ttl, rdata, file, line: 0 };
}

function earlySigning(origin: string, cfg: DnssecConfig, ctx: SigningContext, keys: SigningKeys, policy: ValidityPolicy): EarlySigning | undefined {
  // Compact denial signs per query; keys a thread cannot hold sign on this one.
  if (!ctx.early || cfg.denial === 'compact' || !EarlySigning.possible(keys)) return undefined;
  let apex: Labels;
  try {
    apex = parseName(origin.endsWith('.') ? origin : `${origin}.`);
  } catch {
    return undefined; // loadZoneFile names the problem
  }
  const maker = new RRsigMaker(apex, policy, ctx.cache, ctx.now);
  return new EarlySigning(ctx.early.pool(), keys, maker, ctx.early.at(policy.refresh), ctx.early.batch);
}

/**
 * Loads, signs (lazily) and returns a zone version; throws ZoneLoadError naming file and line.
 * `compact`: the zone uses compact denial (RFC 9824) and so cannot be written out or transferred.
 */
export function loadSignedZone(file: string, origin: string, cfg: DnssecConfig, ctx: SigningContext): { zone: Zone; signing: ZoneSigning; compact: boolean } {
  let keys: ZoneKeys;
  try {
    keys = ensureZoneKeys(ctx.keysDir, origin, { algorithm: cfg.algorithm, split: cfg.split }, ctx.logger);
  } catch (err) {
    throw new ZoneLoadError([new ZoneError(ctx.keysDir, 0, `keys for ${origin}: ${(err as Error).message}`)]);
  }
  const policy = { validity: cfg.validity, refresh: cfg.refresh, skew: 3600 };
  const signingKeys = { ksks: keys.ksks.map(zoneKey), zsks: keys.zsks.map(zoneKey) };
  const early = earlySigning(origin, cfg, ctx, signingKeys, policy);
  let zone: Zone;
  try {
    zone = loadZoneFile(file, origin, (apex, soaTtl) => [
      ...keys.published.map((k) => record(apex, Type.DNSKEY, soaTtl, k.dnskeyRdata, file)),
      ...(cfg.denial === 'nsec3' ? [record(apex, Type.NSEC3PARAM, soaTtl, nsec3paramRdata(cfg), file)] : []),
    ], early?.offer);
  } catch (err) {
    early?.loaded(false);
    throw err;
  }
  early?.loaded(true);

  const ttl = zone.negativeTtl;
  // Compact denial has no chain to build: each proof is one NSEC made for its question.
  const chain: DenialChain | CompactDenial = cfg.denial === 'compact'
    ? new CompactDenial(zone, ttl)
    : cfg.denial === 'nsec3'
      ? buildNsec3Chain(zone, { ttl, iterations: cfg.nsec3.iterations, salt: cfg.nsec3.salt, optOut: cfg.nsec3.optOut })
      : buildNsecChain(zone, { ttl });
  if (chain.kind !== 'compact') early?.chain(chain);
  const maker = early?.maker ?? new RRsigMaker(zone.origin, policy, ctx.cache, ctx.now);
  const signing = new ZoneSigning(zone, chain, signingKeys, maker);
  signing.early = early;
  zone.security = signing;
  return { zone, signing, compact: signing.compactDenial };
}
