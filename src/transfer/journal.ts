// The served versions a secondary may still hold, so an IXFR (RFC 1995) can send only what
// changed. Versions are kept whole (they share their nodes and signatures with the current
// one, so each costs little) and the difference is worked out when a client asks, then
// kept. Held in memory: after a restart, a client gets the whole zone once.
import { nameKey } from '../wire/name.js';
import type { WireRRset } from '../wire/writer.js';
import type { Zone } from '../zone/zone.js';
import { zoneContent } from '../dnssec/signed-zone-text.js';
import { ZoneSigning } from '../dnssec/zone-signing.js';

export interface Difference {
  /** The SOA of the version the client holds. */
  from: WireRRset;
  deleted: WireRRset[];
  added: WireRRset[];
}

const DEFAULT_VERSIONS = 16;

export class Journal {
  private readonly versions = new Map<string, Zone[]>();
  private readonly diffs = new Map<string, Difference>();

  constructor(private readonly keep = DEFAULT_VERSIONS) {}

  /** Remembers a version that is no longer served (most recent last), dropping the oldest. */
  retire(zone: Zone): void {
    forgetSignatures(zone);
    const list = this.versions.get(zone.originKey) ?? [];
    if (list.length && list[list.length - 1].serial === zone.serial) list.pop();
    list.push(zone);
    while (list.length > this.keep) list.shift();
    this.versions.set(zone.originKey, list);
  }

  /** The changes from the version served as `serial` to `current`, or undefined if that version is gone. */
  since(current: Zone, serial: number): Difference | undefined {
    const old = this.versions.get(current.originKey)?.find((z) => z.serial === serial);
    if (!old) return undefined;
    const id = `${current.originKey}|${serial}|${current.serial}`;
    let d = this.diffs.get(id);
    if (!d) {
      d = difference(old, current);
      forgetSignatures(old);
      this.diffs.set(id, d);
      // Differences to a version no longer current are never asked for again.
      for (const k of this.diffs.keys()) if (k.startsWith(`${current.originKey}|`) && !k.endsWith(`|${current.serial}`)) this.diffs.delete(k);
    }
    return d;
  }
}

/**
 * A kept version's signatures are made again (deterministically, from the cache) when a
 * difference needs them; remembering them per version would hold one copy per kept version.
 */
function forgetSignatures(zone: Zone): void {
  if (zone.security instanceof ZoneSigning) zone.security.maker.forget();
}

function recordKeys(zone: Zone): Map<string, WireRRset> {
  const out = new Map<string, WireRRset>();
  for (const set of zoneContent(zone)) {
    if (set === zone.soa) continue;
    const owner = nameKey(set.owner);
    for (const rd of set.rdata) {
      out.set(`${owner}|${set.type}|${set.ttl}|${rd.toString('base64')}`, { owner: set.owner, type: set.type, ttl: set.ttl, rdata: [rd] });
    }
  }
  return out;
}

/** Records only in `old` (deleted) and only in `now` (added), the SOA left out. */
export function difference(old: Zone, now: Zone): Difference {
  const a = recordKeys(old);
  const b = recordKeys(now);
  const deleted: WireRRset[] = [];
  const added: WireRRset[] = [];
  for (const [k, r] of a) if (!b.has(k)) deleted.push(r);
  for (const [k, r] of b) if (!a.has(k)) added.push(r);
  return { from: old.soa, deleted, added };
}
