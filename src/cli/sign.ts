// `inkan sign ZONE`: the zone as `inkan serve` signs it, written as a master file, so it
// can be checked by other verifiers or loaded by a server that cannot sign.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../config/error.js';
import { loadConfig } from '../config/load.js';
import { DNSSEC_DEFAULTS } from '../config/types.js';
import { loadSignedZone } from '../dnssec/load-signed.js';
import { COMPACT_NOT_TRANSFERABLE } from '../dnssec/denial/compact.js';
import { SignatureCache } from '../dnssec/signature-cache.js';
import { signedZoneLines } from '../dnssec/signed-zone-text.js';
import { SigningPool } from '../dnssec/signing-pool.js';
import pino from 'pino';
import { createLogger } from '../log.js';
import { ZoneLoadError } from '../zone/load.js';
import { zoneKey } from '../server/zones.js';

export interface SignIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export async function signCommand(zoneName: string, configPath: string, outFile: string | undefined, io: SignIo): Promise<number> {
  let config;
  try {
    config = loadConfig(configPath);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`inkan sign: configuration not loaded:\n${err.message}`);
    return 1;
  }
  const key = zoneKey(zoneName);
  const zc = config.zones.find((z) => zoneKey(z.name) === key);
  if (!zc) {
    io.err(`inkan sign: zone ${key} is not in ${config.file}`);
    return 1;
  }
  // Log lines (a key created, its DS) go to stderr: stdout may be the zone itself.
  const logger = createLogger(config.log.level, pino.destination(2));
  // Signed as `inkan serve` signs a first load: on every core, while the file is read.
  const pool = new SigningPool();
  const now = Math.floor(Date.now() / 1000);
  let signed;
  let text: string;
  try {
    try {
      signed = loadSignedZone(zc.file, key, zc.dnssec ?? DNSSEC_DEFAULTS, {
        keysDir: config.keysDir,
        cache: new SignatureCache(config.signatureCacheBytes),
        logger,
        now: () => now,
        early: { pool: () => pool, at: () => now },
      });
    } catch (err) {
      if (!(err instanceof ZoneLoadError)) throw err;
      for (const e of err.errors) io.err(e.message);
      return 1;
    }
    if (signed.compact) {
      io.err(`inkan sign: zone ${key}: ${COMPACT_NOT_TRANSFERABLE}`);
      return 1;
    }
    await signed.signing.presign(pool, { ahead: false });
    // What the cache could not hold (a zone larger than signature-cache-size) is signed here.
    // Joined a few thousand lines at a time: half a million line strings kept until one
    // join made the garbage collector copy each of them, a quarter of the command's time.
    const chunks: string[] = [];
    let lines: string[] = [];
    for (const line of signedZoneLines(signed.signing)) {
      lines.push(line);
      if (lines.length === 4096) {
        chunks.push(lines.join('\n') + '\n');
        lines = [];
      }
    }
    if (lines.length) chunks.push(lines.join('\n') + '\n');
    text = chunks.join('');
  } finally {
    await pool.close();
  }
  if (!outFile) {
    io.out(text.trimEnd());
    return 0;
  }
  // Written beside the target and renamed, so a reader never sees half a zone.
  const tmp = `${outFile}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, outFile);
  } catch (err) {
    rmSync(tmp, { force: true });
    io.err(`inkan sign: cannot write ${outFile}: ${(err as Error).message}`);
    return 1;
  }
  io.err(`${outFile}: zone ${key} signed, serial ${signed.zone.serial}`);
  return 0;
}
