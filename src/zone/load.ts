// PLACEHOLDER: being written.
import { ZoneError } from './record.js';
import { Zone } from './zone.js';
export class ZoneLoadError extends Error {
  constructor(readonly errors: ZoneError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}
export function loadZoneFile(file: string, origin: string): Zone {
  throw new ZoneLoadError([new ZoneError(file, 0, `not implemented yet for ${origin}`)]);
}
