import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../config/error.js';
import { loadConfig } from '../config/load.js';
import { createKey, dsRecords, KeyFileError, recordLine, zoneLabels, type KeyRole } from '../dnssec/keys/index.js';
import { nameKey } from '../wire/name.js';
import { UsageError } from './usage.js';

export interface KeyCommandOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

const ALGORITHMS: Record<string, 8 | 13 | 15> = { '13': 13, ecdsap256sha256: 13, '15': 15, ed25519: 15, '8': 8, rsasha256: 8 };
const ROLES: KeyRole[] = ['csk', 'ksk', 'zsk'];

/** The zone argument as a lower-cased absolute name; a bad one is a usage error. */
export function zoneArg(command: string, zone: string): string {
  try {
    return nameKey(zoneLabels(zone));
  } catch (err) {
    throw new UsageError(`${command}: bad zone name "${zone}": ${(err as Error).message}`);
  }
}

/**
 * The keys directory: --keys-dir; else `keys-dir` of the configuration (--config, or
 * inkan.yaml when it exists); else keys/ in the current directory.
 */
export function keysDirArg(keysDir: string | undefined, config: string | undefined): string {
  if (keysDir !== undefined) return resolve(keysDir);
  const file = config ?? 'inkan.yaml';
  if (config === undefined && !existsSync(file)) return resolve('keys');
  try {
    return loadConfig(file).keysDir;
  } catch (err) {
    if (err instanceof ConfigError) throw new KeysDirError(`configuration not loaded:\n${err.message}`);
    throw err;
  }
}

/** The keys directory cannot be found out; the command prints this and exits 1. */
export class KeysDirError extends Error {}

export interface KeygenOptions {
  algorithm: 8 | 13 | 15;
  role: KeyRole;
  keysDir: string;
}

export function keygenOptions(values: Record<string, string | boolean | undefined>): Omit<KeygenOptions, 'keysDir'> {
  const alg = (values.algorithm as string | undefined) ?? '13';
  const algorithm = ALGORITHMS[alg.toLowerCase()];
  if (algorithm === undefined) throw new UsageError(`keygen: unsupported algorithm "${alg}" (13, 15 or 8)`);
  const role = ((values.role as string | undefined) ?? 'csk').toLowerCase() as KeyRole;
  if (!ROLES.includes(role)) throw new UsageError(`keygen: unknown role "${String(values.role)}" (csk, ksk or zsk)`);
  return { algorithm, role };
}

/** `inkan keygen`: writes one new key and prints its files and DNSKEY (and DS for a KSK/CSK). */
export function keygen(zone: string, opts: KeygenOptions, io: KeyCommandOutput): number {
  let made;
  try {
    made = createKey(opts.keysDir, zone, { algorithm: opts.algorithm, role: opts.role });
  } catch (err) {
    io.err(`keygen: ${err instanceof KeyFileError ? err.message : `${opts.keysDir}: ${(err as Error).message}`}`);
    return 1;
  }
  const k = made.key;
  for (const f of made.files) io.out(f);
  io.out(recordLine(k.zone, 'DNSKEY', k.dnskeyRdata));
  if (k.role !== 'zsk') for (const line of dsRecords(k)) io.out(line);
  return 0;
}
