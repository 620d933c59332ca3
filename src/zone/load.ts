// Reads a master file into a zone version; every problem comes back as file:line errors.
import { parseName, type Labels } from '../wire/name.js';
import { Type } from '../wire/constants.js';
import { ZoneError, type ZoneRecord } from './record.js';
import { parseMasterFile } from './masterfile.js';
import { ZoneBuilder, type BuildNode } from './build.js';
import type { Zone } from './zone.js';

export class ZoneLoadError extends Error {
  constructor(readonly errors: ZoneError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'ZoneLoadError';
  }
}

/**
 * Loads a zone version from its master file. `extra` adds records the file does not hold
 * (a signer's DNSKEY and NSEC3PARAM), given the origin and the SOA's TTL. `onLeft` sees each
 * node when the file moves on to another owner name (its records are then usually all read,
 * though a file may name an owner again later: what it sees is a hint, not the zone).
 */
export function loadZoneFile(file: string, origin: string, extra?: (origin: Labels, soaTtl: number) => ZoneRecord[], onLeft?: (node: BuildNode) => void): Zone {
  let originLabels;
  try {
    originLabels = parseName(origin.endsWith('.') ? origin : origin + '.');
  } catch (e) {
    throw new ZoneLoadError([new ZoneError(file, 0, `bad zone name "${origin}": ${(e as Error).message}`)]);
  }
  const builder = new ZoneBuilder(originLabels, file);
  let soaTtl = 3600;
  let last: BuildNode | undefined;
  const parsed = parseMasterFile(file, originLabels, {
    onRecord: (r) => {
      if (r.type === Type.SOA) soaTtl = r.ttl;
      const node = builder.add(r);
      if (onLeft && node !== last) {
        if (last) onLeft(last);
        last = node;
      }
    },
  });
  if (onLeft && last) onLeft(last);
  if (parsed.errors.length) throw new ZoneLoadError(parsed.errors);
  if (extra) for (const r of extra(originLabels, soaTtl)) builder.add(r);
  const built = builder.finish();
  if (!built.zone) throw new ZoneLoadError(built.errors);
  return built.zone;
}
