// Reads a master file into a zone version; every problem comes back as file:line errors.
import { parseName, type Labels } from '../wire/name.js';
import { Type } from '../wire/constants.js';
import { ZoneError, type ZoneRecord } from './record.js';
import { parseMasterFile } from './masterfile.js';
import { ZoneBuilder } from './build.js';
import type { Zone } from './zone.js';

export class ZoneLoadError extends Error {
  constructor(readonly errors: ZoneError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'ZoneLoadError';
  }
}

/**
 * Loads a zone version from its master file. `extra` adds records the file does not hold
 * (a signer's DNSKEY and NSEC3PARAM), given the origin and the SOA's TTL.
 */
export function loadZoneFile(file: string, origin: string, extra?: (origin: Labels, soaTtl: number) => ZoneRecord[]): Zone {
  let originLabels;
  try {
    originLabels = parseName(origin.endsWith('.') ? origin : origin + '.');
  } catch (e) {
    throw new ZoneLoadError([new ZoneError(file, 0, `bad zone name "${origin}": ${(e as Error).message}`)]);
  }
  const builder = new ZoneBuilder(originLabels, file);
  let soaTtl = 3600;
  const parsed = parseMasterFile(file, originLabels, {
    onRecord: (r) => {
      if (r.type === Type.SOA) soaTtl = r.ttl;
      builder.add(r);
    },
  });
  if (parsed.errors.length) throw new ZoneLoadError(parsed.errors);
  if (extra) for (const r of extra(originLabels, soaTtl)) builder.add(r);
  const built = builder.finish();
  if (!built.zone) throw new ZoneLoadError(built.errors);
  return built.zone;
}
