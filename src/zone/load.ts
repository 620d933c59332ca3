// Reads a master file into a zone version; every problem comes back as file:line errors.
import { parseName } from '../wire/name.js';
import { ZoneError } from './record.js';
import { parseMasterFile } from './masterfile.js';
import { ZoneBuilder } from './build.js';
import type { Zone } from './zone.js';

export class ZoneLoadError extends Error {
  constructor(readonly errors: ZoneError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'ZoneLoadError';
  }
}

export function loadZoneFile(file: string, origin: string): Zone {
  let originLabels;
  try {
    originLabels = parseName(origin.endsWith('.') ? origin : origin + '.');
  } catch (e) {
    throw new ZoneLoadError([new ZoneError(file, 0, `bad zone name "${origin}": ${(e as Error).message}`)]);
  }
  const builder = new ZoneBuilder(originLabels, file);
  const parsed = parseMasterFile(file, originLabels, { onRecord: (r) => builder.add(r) });
  if (parsed.errors.length) throw new ZoneLoadError(parsed.errors);
  const built = builder.finish();
  if (!built.zone) throw new ZoneLoadError(built.errors);
  return built.zone;
}
