import { DigestType, dsRecords, KeyFileError, loadZoneKeys, recordLine, type DigestTypeNumber } from '../dnssec/keys/index.js';
import type { KeyCommandOutput } from './keygen.js';

export interface DsOptions {
  keysDir: string;
  /** SHA-384 DS records besides the SHA-256 ones. */
  sha384: boolean;
  /** CDS and CDNSKEY records too. */
  cds: boolean;
}

/**
 * `inkan ds`: the DS records for the zone's KSKs and CSKs (those not yet retired), one per
 * line as `zone. IN DS tag alg type digest`, ready to give the registrar. 1 when the zone has
 * no such key or a key file is broken.
 */
export function ds(zone: string, opts: DsOptions, io: KeyCommandOutput): number {
  let keys;
  try {
    keys = loadZoneKeys(opts.keysDir, zone);
  } catch (err) {
    if (!(err instanceof KeyFileError)) throw err;
    io.err(`ds: ${err.message}`);
    return 1;
  }
  const now = keys.now;
  // Keys on their way in count too: their DS may go to the parent before they sign.
  const sep = keys.all.filter((k) => (k.role === 'ksk' || k.role === 'csk') && !gone(k, now));
  if (sep.length === 0) {
    const why = keys.all.length === 0 ? 'no keys' : 'no current KSK or CSK';
    io.err(`ds: zone ${keys.zone} has ${why} in ${opts.keysDir}`);
    return 1;
  }
  const digests: DigestTypeNumber[] = opts.sha384 ? [DigestType.SHA256, DigestType.SHA384] : [DigestType.SHA256];
  for (const k of sep) for (const line of dsRecords(k, digests)) io.out(line);
  if (opts.cds) {
    for (const k of sep) for (const line of dsRecords(k, digests, 'CDS')) io.out(line);
    for (const k of sep) io.out(recordLine(k.zone, 'CDNSKEY', k.dnskeyRdata));
  }
  return 0;
}

function gone(k: { timing: { inactive?: Date; delete?: Date } }, now: Date): boolean {
  const past = (t?: Date) => t !== undefined && t.getTime() <= now.getTime();
  return past(k.timing.inactive) || past(k.timing.delete);
}
