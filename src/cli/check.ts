import { basename } from 'node:path';
import { oversizeAnswers, type AnswerSize } from '../answer/sizes.js';
import { parseName } from '../wire/name.js';
import { loadZoneFile, ZoneLoadError } from '../zone/load.js';
import type { Zone } from '../zone/zone.js';
import { UsageError } from './usage.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DNSSEC_DEFAULTS } from '../config/types.js';
import { loadSignedZone } from '../dnssec/load-signed.js';
import { ZoneSigning } from '../dnssec/zone-signing.js';
import type { ZoneKey } from '../dnssec/rrsig.js';
import { SignatureCache } from '../dnssec/signature-cache.js';
import { silentLogger } from '../log.js';

const CLASSIC_LIMIT = 512;
const CHECK_CACHE_BYTES = 16 * 1024 * 1024;
/** The placeholder signature of sizingOnly (copied into each RRSIG, never changed). */
const PLACEHOLDER = Buffer.alloc(64);
const EDNS_LIMIT = 1232;

export interface CheckOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** `inkan check`: 0 when the zone loads, 1 when it has errors (each printed as file:line: reason). */
export interface CheckOptions {
  /** Algorithm to measure DO=1 answers with (a throwaway key, never written where keys live). */
  algorithm?: 8 | 13 | 15;
  denial?: 'nsec' | 'nsec3';
}

export function checkZone(file: string, originArg: string | undefined, io: CheckOutput, opts: CheckOptions = {}): number {
  const origin = absolute(originArg ?? basename(file).replace(/\.zone$/i, ''));
  try {
    parseName(origin);
  } catch (err) {
    throw new UsageError(`check: bad origin "${origin}": ${(err as Error).message}`);
  }
  if (!reportUnsigned(file, origin, io)) return 1;
  reportSigned(file, origin, io, opts);
  return 0;
}

/**
 * The unsigned report; false when the zone has errors. A function of its own so that the
 * unsigned zone can be collected before the signed one is loaded (a million records: ~800 MB).
 */
function reportUnsigned(file: string, origin: string, io: CheckOutput): boolean {
  let zone: Zone;
  try {
    zone = loadZoneFile(file, origin);
  } catch (err) {
    if (!(err instanceof ZoneLoadError)) {
      io.err(`${file}: ${(err as Error).message}`);
      return false;
    }
    for (const e of err.errors) io.err(e.message);
    io.err(`${file}: ${err.errors.length} error${err.errors.length === 1 ? '' : 's'}; zone ${origin} not loaded`);
    return false;
  }
  io.out(`${file}: zone ${origin} OK${describe(zone)}`);
  const big = oversizeAnswers(zone, CLASSIC_LIMIT);
  const huge = big.filter((a) => a.bytes > EDNS_LIMIT);
  io.out(`answers over ${CLASSIC_LIMIT} bytes: ${big.length}; over ${EDNS_LIMIT} bytes: ${huge.length}`);
  if (big.length > 0) for (const line of table(big)) io.out(line);
  return true;
}

/** The same report for DO=1 answers, signed as `inkan serve` would sign them. */
function reportSigned(file: string, origin: string, io: CheckOutput, opts: CheckOptions): void {
  const cfg = { ...DNSSEC_DEFAULTS, algorithm: opts.algorithm ?? DNSSEC_DEFAULTS.algorithm, denial: opts.denial ?? DNSSEC_DEFAULTS.denial };
  const dir = mkdtempSync(join(tmpdir(), 'inkan-check-'));
  try {
    // Each answer is measured once, so signatures are seldom asked twice (the SOA and NSEC
    // records of proofs are, and the signer's memo keeps those): a small cache, whose size
    // also bounds that memo, keeps a zone of a million records from holding every RRSIG.
    const cache = new SignatureCache(CHECK_CACHE_BYTES);
    const loaded = loadSignedZone(file, origin, cfg, { keysDir: dir, cache, logger: silentLogger });
    const zone = sizingOnly(loaded.zone, loaded.signing);
    const big = oversizeAnswers(zone, CLASSIC_LIMIT, true);
    const huge = big.filter((a) => a.bytes > EDNS_LIMIT);
    io.out(`signed (DO=1, algorithm ${cfg.algorithm}, ${cfg.denial}): answers over ${CLASSIC_LIMIT} bytes: ${big.length}; over ${EDNS_LIMIT} bytes: ${huge.length}`);
    if (big.length > 0) for (const line of table(big)) io.out(line);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Only sizes matter here: ECDSA P-256 and Ed25519 signatures are always 64 bytes, so those
 * are measured with zeros in their place instead of being made (a zone of a million records
 * is measured in seconds, not minutes). RSA keeps real signatures, whose size is the modulus'.
 */
function sizingOnly(zone: Zone, signing: ZoneSigning): Zone {
  const fake = (k: ZoneKey): ZoneKey => (k.algorithm === 13 || k.algorithm === 15 ? { ...k, id: `sizing-${k.id}`, signer: { ...k.signer, sign: () => PLACEHOLDER } } : k);
  const keys = { ksks: signing.keys.ksks.map(fake), zsks: signing.keys.zsks.map(fake) };
  const s = new ZoneSigning(zone, signing.chain, keys, signing.maker);
  zone.security = s;
  return zone;
}

function absolute(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

function describe(zone: Zone): string {
  let rrsets = 0;
  for (const node of zone.ordered) rrsets += node.rrsets.size;
  return `, serial ${zone.serial}, ${zone.size} names, ${rrsets} RRsets`;
}

function table(rows: AnswerSize[]): string[] {
  const header = ['NAME', 'TYPE', 'BYTES', 'EXCEEDS'];
  const cells = rows.map((r) => [r.qname, r.qtype, String(r.bytes), r.bytes > EDNS_LIMIT ? `${EDNS_LIMIT}` : `${CLASSIC_LIMIT}`]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const fmt = (c: string[]): string => c.map((v, i) => (i === 2 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(header), ...cells.map(fmt)];
}
