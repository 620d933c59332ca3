import type { Logger } from 'pino';
import type { ZoneConfig } from '../config/types.js';
import { loadZoneFile, ZoneLoadError } from '../zone/load.js';
import type { Zone } from '../zone/zone.js';
import { nameKey, parseName } from '../wire/name.js';
import { loadSignedZone, type SigningContext } from '../dnssec/load-signed.js';

export interface ZoneFailure {
  name: string;
  file: string;
  /** Each as `file:line: reason`. */
  errors: string[];
  /** True when an earlier version of the zone keeps serving. */
  keptPrevious: boolean;
}

export interface ZoneLoadResult {
  /** Zones to serve, by lower-cased name with trailing dot. */
  zones: Map<string, Zone>;
  failures: ZoneFailure[];
}

export function zoneKey(name: string): string {
  return nameKey(parseName(name.endsWith('.') ? name : `${name}.`));
}

/**
 * Loads every configured zone. A zone that fails is left out, or, when `previous` holds
 * a version of it (a reload), that version stays: a bad edit never takes a zone offline.
 * Zones no longer configured are dropped.
 */
export function loadZones(configured: readonly ZoneConfig[], previous?: ReadonlyMap<string, Zone>, signing?: SigningContext): ZoneLoadResult {
  const zones = new Map<string, Zone>();
  const failures: ZoneFailure[] = [];
  for (const z of configured) {
    const key = zoneKey(z.name);
    const origin = z.name.endsWith('.') ? z.name : `${z.name}.`;
    try {
      if (z.dnssec) {
        if (!signing) throw new Error('zone has dnssec on, but no signing context was given');
        // Signing as the file is read pays only when the cache cannot have the zone yet.
        const ctx = previous?.has(key) ? { ...signing, early: undefined } : signing;
        zones.set(key, loadSignedZone(z.file, origin, z.dnssec, ctx).zone);
      } else {
        zones.set(key, loadZoneFile(z.file, origin));
      }
    } catch (err) {
      const errors = err instanceof ZoneLoadError
        ? err.errors.map((e) => e.message)
        : [`${z.file}: ${(err as Error).message}`];
      const old = previous?.get(key);
      if (old) zones.set(key, old);
      failures.push({ name: key, file: z.file, errors, keptPrevious: old !== undefined });
    }
  }
  return { zones, failures };
}

export function logZoneFailures(logger: Logger, failures: readonly ZoneFailure[]): void {
  for (const f of failures) {
    for (const e of f.errors) logger.error({ zone: f.name, file: f.file }, e);
    const what = f.keptPrevious ? 'zone not reloaded; the previous version keeps serving' : 'zone not loaded; not served';
    logger.error({ zone: f.name, file: f.file, errors: f.errors.length, keptPrevious: f.keptPrevious }, what);
  }
}
