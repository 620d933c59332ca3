// The keys of each zone, kept as BIND key files in one directory: loading them (with the
// checks that catch a broken or mismatched key before it signs anything), making new ones,
// and creating a zone's first keys when `dnssec: on` finds none.

import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AlgorithmNumber, PrivateKeyMaterial, Signer } from '../algorithm.js';
import { createSigner, generateKey } from '../crypto/index.js';
import type { Logger } from '../../log.js';
import { nameKey, type Labels } from '../../wire/name.js';
import { FileExistsError, writeNewFile } from './atomic.js';
import {
  algorithmName, formatPrivateKeyFile, formatPublicKeyFile, formatStateFile, KeyFileError, keyFileBase,
  parseKeyFileName, parsePrivateKeyFile, parsePublicKeyFile, parseStateFile, zoneLabels, type KeyTiming,
} from './files.js';
import { DigestType, dnskeyRdata, dsRdata, KSK_FLAGS, recordLine, ZSK_FLAGS, type DigestTypeNumber } from './rdata.js';
import { keyTag, revokedKeyTag } from './tag.js';
import { wholeSeconds } from './time.js';

export type KeyRole = 'ksk' | 'zsk' | 'csk';

/** A zone's DNSKEY as read from a .key file, whether or not inkan holds its private part. */
export interface PublicKey {
  /** Zone, lower-case with a trailing dot. */
  zone: string;
  tag: number;
  algorithm: number;
  flags: number;
  /** DNSKEY rdata in wire form (flags, protocol 3, algorithm, public key). */
  dnskeyRdata: Buffer;
  /** The DNSKEY public key field. */
  publicKey: Buffer;
  /**
   * What the key signs: a KSK the DNSKEY RRset (and CDS/CDNSKEY), a ZSK the rest, a CSK both.
   * From the KSK:/ZSK: lines of the .state file; without them, from the flags (257 KSK,
   * 256 ZSK), and a key whose other half is missing (an algorithm with only KSKs, or only
   * ZSKs, active) acts as a CSK, as BIND's signer does.
   */
  role: KeyRole;
  /** Where the role came from. */
  roleFrom: 'state' | 'flags' | 'alone';
  /** Publish/activate/retire/delete times: the .state file's where it has them, else the .private's, else the .key's. */
  timing: KeyTiming;
  /** Path of the .key file. */
  file: string;
  /** Path of the .state file, when there is one. */
  stateFile?: string;
  /** TTL written in the .key file, if any. */
  ttl?: number;
}

/** A key inkan can sign with. */
export interface Key extends PublicKey {
  algorithm: AlgorithmNumber;
  signer: Signer;
  /**
   * The private key as read (for signing threads, which need their own Signer). Not
   * enumerable: logging or JSON-encoding a Key never prints it, and `{ ...key }` leaves it out.
   */
  readonly material: PrivateKeyMaterial;
  /** Path of the .private file. */
  privateFile: string;
}

function withMaterial(k: Omit<Key, 'material'>, material: PrivateKeyMaterial): Key {
  return Object.defineProperty(k, 'material', { value: material, enumerable: false, writable: false }) as Key;
}

export interface ZoneKeys {
  /** Zone, lower-case with a trailing dot. */
  zone: string;
  /** Keys that sign the DNSKEY RRset (and CDS/CDNSKEY) now: active KSKs and CSKs. */
  ksks: Key[];
  /** Keys that sign every other RRset now: active ZSKs and CSKs. */
  zsks: Key[];
  /** The DNSKEY RRset now: every published key, with or without a private part here (RFC 8901 imports, offline KSKs). */
  published: PublicKey[];
  /** Every key file of the zone, whatever its timing. */
  all: PublicKey[];
  /** The moment `ksks`, `zsks` and `published` were computed for. */
  now: Date;
}

const hasSigner = (k: PublicKey): k is Key => 'signer' in k;
const signsKeys = (k: PublicKey) => k.role === 'ksk' || k.role === 'csk';
const signsZone = (k: PublicKey) => k.role === 'zsk' || k.role === 'csk';

const before = (t: Date | undefined, now: Date) => t !== undefined && t.getTime() <= now.getTime();

/**
 * In the DNSKEY RRset at `now`: past its Publish time (a key with neither Publish nor
 * Activate set is an old-style key, published), and not past its Delete time.
 */
export function isPublished(k: PublicKey, now: Date = new Date()): boolean {
  const t = k.timing;
  if (before(t.delete, now)) return false;
  if (t.publish) return before(t.publish, now);
  return t.activate === undefined || before(t.activate, now);
}

/**
 * Signing at `now`: published, past its Activate time (none set: an old-style key, active),
 * and not past its Inactive (Retired) time.
 */
export function isActive(k: PublicKey, now: Date = new Date()): boolean {
  const t = k.timing;
  if (!isPublished(k, now) || before(t.inactive, now)) return false;
  if (t.activate) return before(t.activate, now);
  return t.publish === undefined;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new KeyFileError(file, `cannot read: ${(err as Error).message}`);
  }
}

function readDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new KeyFileError(dir, `cannot read the keys directory: ${(err as Error).message}`);
  }
}

/**
 * Reads one key: K….key, plus .private and .state when present. Every mismatch (owner,
 * algorithm, tag, private part that is not the public key's) is a KeyFileError naming the file.
 */
export function readKey(dir: string, base: string, dirFiles?: ReadonlySet<string>): PublicKey | Key {
  const name = parseKeyFileName(`${base}.key`);
  if (!name) throw new KeyFileError(join(dir, base), 'not a key file name (K<zone>+<alg>+<tag>)');
  const file = join(dir, `${base}.key`);
  const pub = parsePublicKeyFile(readText(file), file);
  if (nameKey(pub.owner) !== name.zone) throw new KeyFileError(file, `owner ${nameKey(pub.owner)} does not match the zone ${name.zone} in the file name`);
  if (pub.algorithm !== name.algorithm) throw new KeyFileError(file, `algorithm ${pub.algorithm} does not match ${name.algorithm} in the file name`);
  const tag = keyTag(pub.rdata);
  if (tag !== name.tag) throw new KeyFileError(file, `the key's tag is ${tag}, not ${name.tag} as the file name says`);
  if ((pub.flags & 0x0100) === 0) throw new KeyFileError(file, `flags ${pub.flags}: not a zone key (flag 256 unset)`);

  const files = dirFiles ?? new Set(readDir(dir));
  let timing: KeyTiming = { ...pub.timing };
  let stateFile: string | undefined;
  let ksk: boolean | undefined;
  let zsk: boolean | undefined;
  let stateTiming: KeyTiming | undefined;
  if (files.has(`${base}.state`)) {
    stateFile = join(dir, `${base}.state`);
    const st = parseStateFile(readText(stateFile), stateFile);
    if (st.algorithm !== undefined && st.algorithm !== pub.algorithm) throw new KeyFileError(stateFile, `algorithm ${st.algorithm} does not match the key's ${pub.algorithm}`);
    ksk = st.ksk;
    zsk = st.zsk;
    if (ksk === false && zsk === false) throw new KeyFileError(stateFile, 'KSK: no and ZSK: no: the key has no role');
    stateTiming = st.timing;
  }
  let privateFile: string | undefined;
  let material: PrivateKeyMaterial | undefined;
  if (files.has(`${base}.private`)) {
    privateFile = join(dir, `${base}.private`);
    const priv = parsePrivateKeyFile(readText(privateFile), privateFile);
    if (priv.algorithm !== pub.algorithm) throw new KeyFileError(privateFile, `algorithm ${priv.algorithm} does not match the .key's ${pub.algorithm}`);
    if (!priv.material) throw new KeyFileError(privateFile, `algorithm ${priv.algorithm} (${algorithmName(priv.algorithm)}) is not one inkan signs with (8, 13, 15)`);
    material = priv.material;
    timing = { ...timing, ...priv.timing };
  }
  if (stateTiming) timing = { ...timing, ...stateTiming };

  const role: KeyRole = ksk !== undefined || zsk !== undefined ? (ksk && zsk ? 'csk' : ksk ? 'ksk' : 'zsk') : pub.flags & 1 ? 'ksk' : 'zsk';
  const common: PublicKey = {
    zone: name.zone, tag, algorithm: pub.algorithm, flags: pub.flags, dnskeyRdata: pub.rdata, publicKey: pub.publicKey,
    role, roleFrom: stateFile && (ksk !== undefined || zsk !== undefined) ? 'state' : 'flags', timing, file, stateFile, ttl: pub.ttl,
  };
  if (!material || !privateFile) return common;
  let signer: Signer;
  try {
    signer = createSigner(material);
  } catch (err) {
    throw new KeyFileError(privateFile, `unusable private key: ${(err as Error).message}`);
  }
  if (!signer.publicKey.equals(pub.publicKey)) {
    throw new KeyFileError(privateFile, `the private key does not match the public key in ${file}`);
  }
  return withMaterial({ ...common, algorithm: material.algorithm, signer, privateFile }, material);
}

/** Key files of `zone` in `dir`: the base names (`K<zone>+<alg>+<tag>`) with a .key file. */
export function zoneKeyBases(dir: string, zone: string | Labels): string[] {
  const want = nameKey(typeof zone === 'string' ? zoneLabels(zone) : zone);
  const bases = new Set<string>();
  for (const f of readDir(dir)) {
    const n = parseKeyFileName(f);
    if (n && n.zone === want && n.ext === 'key') bases.add(n.base);
  }
  return [...bases].sort();
}

/**
 * Reads every key of `zone` (K<zone>+* files, the zone matched without regard to case) in
 * `dir`. A missing directory is a zone with no keys. A .private or .state without its .key
 * and any unreadable or inconsistent file throw KeyFileError naming the file.
 */
export function loadZoneKeys(dir: string, zone: string, opts: { now?: Date } = {}): ZoneKeys {
  const labels = zoneLabels(zone);
  const key = nameKey(labels);
  const now = opts.now ?? new Date();
  const listing = readDir(dir);
  const names = listing.map((f) => parseKeyFileName(f)).filter((n) => n !== undefined && n.zone === key);
  const withKey = new Set(names.filter((n) => n!.ext === 'key').map((n) => n!.base));
  for (const n of names) {
    if (!withKey.has(n!.base)) throw new KeyFileError(join(dir, `${n!.base}.${n!.ext}`), `there is no ${n!.base}.key beside it`);
  }
  const files = new Set(listing);
  const all = [...withKey].sort().map((b) => readKey(dir, b, files));
  assignLoneRoles(all, now);
  const active = all.filter((k) => hasSigner(k) && isActive(k, now)) as Key[];
  return {
    zone: key,
    ksks: active.filter(signsKeys),
    zsks: active.filter(signsZone),
    published: all.filter((k) => isPublished(k, now)),
    all,
    now,
  };
}

// Keys without a role in a .state file: where an algorithm has active keys of one kind
// only, those sign everything (BIND's dnssec-signzone does the same), so the zone validates.
function assignLoneRoles(keys: PublicKey[], now: Date): void {
  const byAlg = new Map<number, PublicKey[]>();
  for (const k of keys) {
    if (!hasSigner(k) || !isActive(k, now)) continue;
    byAlg.set(k.algorithm, [...(byAlg.get(k.algorithm) ?? []), k]);
  }
  for (const group of byAlg.values()) {
    const kskSide = group.some(signsKeys);
    const zskSide = group.some(signsZone);
    if (kskSide && zskSide) continue;
    for (const k of group) {
      if (k.roleFrom === 'flags') {
        k.role = 'csk';
        k.roleFrom = 'alone';
      }
    }
  }
}

export interface NewKeyOptions {
  /** 13 (ECDSA P-256, the default), 15 (Ed25519) or 8 (RSA/SHA-256). */
  algorithm?: 8 | 13 | 15;
  /** csk (the default), ksk or zsk. */
  role?: KeyRole;
  /** RSA modulus size (default 2048). */
  rsaBits?: number;
  /** Creation time, also the publish and activate time (default now). */
  now?: Date;
  /** TTL to write into the .key file (none by default, as dnssec-keygen). */
  ttl?: number;
}

export interface NewKey {
  key: Key;
  /** The files written: .key, .private, .state. */
  files: string[];
}

const MAX_TAG_TRIES = 100;

/**
 * Generates a key for `zone` and writes its three files into `dir` (created 0700 if
 * missing): .private (0600 from creation), .key and .state (0644), each atomically and
 * never over an existing file. A tag that collides with a key already in `dir` for the zone
 * (also as a revoked key's tag) makes a fresh key instead.
 */
export function createKey(dir: string, zone: string, opts: NewKeyOptions = {}): NewKey {
  const labels = zoneLabels(zone);
  const algorithm = opts.algorithm ?? 13;
  const role = opts.role ?? 'csk';
  const flags = role === 'zsk' ? ZSK_FLAGS : KSK_FLAGS;
  const now = wholeSeconds(opts.now ?? new Date());
  mkdirSync(dir, { recursive: true, mode: 0o700 });

  for (let attempt = 0; attempt < MAX_TAG_TRIES; attempt++) {
    const material = generateKey(algorithm, opts.rsaBits ? { rsaBits: opts.rsaBits } : {});
    const signer = createSigner(material);
    const rdata = dnskeyRdata(flags, algorithm, signer.publicKey);
    const tag = keyTag(rdata);
    if (tagTaken(dir, labels, tag, revokedKeyTag(rdata))) continue;
    const base = keyFileBase(labels, algorithm, tag);
    const timing: KeyTiming = { created: now, publish: now, activate: now };
    const paths = { private: join(dir, `${base}.private`), key: join(dir, `${base}.key`), state: join(dir, `${base}.state`) };
    const written: string[] = [];
    try {
      writeNewFile(paths.private, formatPrivateKeyFile(material, timing), 0o600);
      written.push(paths.private);
      writeNewFile(paths.key, formatPublicKeyFile({ zone: labels, rdata, tag, timing, ttl: opts.ttl }), 0o644);
      written.push(paths.key);
      writeNewFile(paths.state, formatStateFile({
        zone: labels, tag, algorithm, bits: keyBits(material, signer.publicKey), ksk: role !== 'zsk', zsk: role !== 'ksk', timing,
      }), 0o644);
      written.push(paths.state);
    } catch (err) {
      // Only what this call wrote is removed; a file that was there before is never touched.
      for (const f of written) rmSync(f, { force: true });
      if (err instanceof FileExistsError) continue;
      throw err;
    }
    const key = withMaterial({
      zone: nameKey(labels), tag, algorithm, flags, dnskeyRdata: rdata, publicKey: signer.publicKey, role, roleFrom: 'state',
      timing, file: paths.key, stateFile: paths.state, ttl: opts.ttl, signer, privateFile: paths.private,
    }, material);
    return { key, files: [paths.key, paths.private, paths.state] };
  }
  throw new Error(`could not find a free key tag for ${nameKey(labels)} in ${dir} after ${MAX_TAG_TRIES} keys`);
}

function tagTaken(dir: string, zone: Labels, tag: number, revoked: number): boolean {
  const want = nameKey(zone);
  for (const f of readDir(dir)) {
    const n = parseKeyFileName(f);
    if (!n || n.zone !== want) continue;
    if (n.tag === tag || n.tag === revoked) return true;
    if (n.ext === 'key') {
      // The existing key's revoked tag matters as much as its own.
      try {
        const pub = parsePublicKeyFile(readFileSync(join(dir, f), 'utf8'), f);
        if (revokedKeyTag(pub.rdata) === tag) return true;
      } catch {
        // an unreadable neighbour is loadZoneKeys' error to report, not ours
      }
    }
  }
  return false;
}

function keyBits(material: PrivateKeyMaterial, publicKey: Buffer): number {
  if (material.algorithm !== 8) return 256;
  // RFC 3110: exponent length (1 octet, or 0 and 2 more), exponent, modulus.
  const expLen = publicKey[0] === 0 ? publicKey.readUInt16BE(1) : publicKey[0];
  const modulus = publicKey.subarray((publicKey[0] === 0 ? 3 : 1) + expLen);
  let i = 0;
  while (i < modulus.length && modulus[i] === 0) i++;
  return modulus.length - i === 0 ? 0 : (modulus.length - i - 1) * 8 + (32 - Math.clz32(modulus[i]));
}

export interface EnsureKeysOptions {
  algorithm: 8 | 13 | 15;
  /** KSK + ZSK instead of one CSK. */
  split: boolean;
}

/**
 * The zone's keys, creating them first when the zone has no key files at all: one CSK, or
 * a KSK and a ZSK when `split`. The DS records to give the parent are logged (info, msg
 * "created DNSSEC keys; submit the DS records to the parent"). When key files exist but
 * none is active for one side (no KSK or no ZSK signing now), nothing is created: that is
 * an operator's decision, and a KeyFileError says so.
 */
export function ensureZoneKeys(dir: string, zone: string, opts: EnsureKeysOptions, logger: Logger): ZoneKeys {
  const labels = zoneLabels(zone);
  if (zoneKeyBases(dir, labels).length === 0) {
    const roles: KeyRole[] = opts.split ? ['ksk', 'zsk'] : ['csk'];
    const made = roles.map((role) => createKey(dir, zone, { algorithm: opts.algorithm, role }));
    for (const m of made) {
      logger.info({ zone: m.key.zone, tag: m.key.tag, algorithm: m.key.algorithm, role: m.key.role, files: m.files }, 'created DNSSEC key');
    }
    const ds = made.filter((m) => signsKeys(m.key)).flatMap((m) => dsRecords(m.key));
    logger.info({ zone: nameKey(labels), ds }, 'created DNSSEC keys; submit the DS records to the parent');
  }
  const keys = loadZoneKeys(dir, zone);
  if (keys.ksks.length === 0 || keys.zsks.length === 0) {
    const missing = keys.ksks.length === 0 ? 'no active KSK or CSK' : 'no active ZSK or CSK';
    throw new KeyFileError(dir, `zone ${keys.zone} has key files but ${missing} (with its .private) signing now; make one with "inkan keygen ${keys.zone}" or fix the key timing`);
  }
  return keys;
}

/** DS record lines for a key (SHA-256, plus SHA-384 when asked), as `owner. IN DS tag alg type HEX`. */
export function dsRecords(k: PublicKey, digests: DigestTypeNumber[] = [DigestType.SHA256], type: 'DS' | 'CDS' = 'DS'): string[] {
  return digests.map((d) => recordLine(k.zone, type, dsRdata(k.zone, k.dnskeyRdata, k.tag, d)));
}
