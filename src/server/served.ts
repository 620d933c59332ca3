// The versions actually served: each loaded zone under the serial its policy chooses, and,
// for signed zones, signed as of a signing epoch. A new epoch (signatures refreshed) or a
// reload makes a new version with a new serial, so secondaries see every change; served
// serials are kept on disk and never go backwards, also across restarts.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ZoneConfig } from '../config/types.js';
import { ZoneSigning } from '../dnssec/zone-signing.js';
import { nextSerial } from '../zone/serial.js';
import { nameToWire } from '../wire/name.js';
import type { Zone } from '../zone/zone.js';
import { zoneKey } from './zones.js';

interface Entry {
  config: ZoneConfig;
  /** The version as loaded from the file (with its signing setup, when signed). */
  base: Zone;
  served: Zone;
  serial: number;
  /** Start of the signing epoch the served version is signed as of. */
  epoch?: number;
}

interface Saved {
  served: number;
  fileSerial: number;
  epoch?: number;
  /** Fingerprint of the loaded content (see `fingerprint`); absent in files of older versions. */
  content?: string;
}

const FINGERPRINTS = new WeakMap<Zone, string>();

/**
 * What the served content follows from: every record loaded (the DNSKEYs of signed zones
 * included) and the signing settings. A file edited without a serial change, or other keys,
 * while we were down must still get a new serial after the restart, or secondaries would
 * keep the old content under the serial we serve (and the IXFR journal could not be used).
 */
function fingerprint(base: Zone, config: ZoneConfig): string {
  let f = FINGERPRINTS.get(base);
  if (f === undefined) {
    const h = createHash('sha256').update(JSON.stringify(config.dnssec ?? null, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
    const fixed = Buffer.alloc(8);
    for (const set of base.rrsets()) {
      h.update(nameToWire(set.owner));
      fixed.writeUInt16BE(set.type, 0);
      fixed.writeUInt32BE(set.ttl >>> 0, 2);
      fixed.writeUInt16BE(set.rdata.length, 6);
      h.update(fixed);
      for (const rd of set.rdata) h.update(rd.length.toString(16).padStart(4, '0')).update(rd);
    }
    f = h.digest('base64');
    FINGERPRINTS.set(base, f);
  }
  return f;
}

/** Seconds between signing epochs: a quarter of the refresh interval, at most a day. */
export function epochLength(refresh: number): number {
  return Math.min(86400, Math.max(1, Math.floor(refresh / 4)));
}

/** Start of the signing epoch `now` falls in. */
export function epochStart(refresh: number, now: number): number {
  const len = epochLength(refresh);
  return Math.floor(now / len) * len;
}

export class ServedZones {
  private entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stateDir: string,
    private readonly logger: Logger,
    /** Called with the versions that replaced others after an epoch began. */
    private readonly onEpoch: (changed: Zone[]) => void,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** Every version being served. */
  zones(): Zone[] {
    return [...this.entries.values()].map((e) => e.served);
  }

  /**
   * Serves these loaded versions (a start or a reload). A zone whose loaded version is the
   * one already served from (a reload that failed and kept it), or holds the same records
   * under the same settings, keeps its served version and serial.
   * Returns the served versions that are new.
   */
  update(configs: readonly ZoneConfig[], loaded: ReadonlyMap<string, Zone>): Zone[] {
    const next = new Map<string, Entry>();
    const fresh: Zone[] = [];
    for (const config of configs) {
      const key = zoneKey(config.name);
      const base = loaded.get(key);
      if (!base) continue;
      const old = this.entries.get(key);
      if (old && (old.base === base || this.unchanged(old, config, base))) {
        // Nothing a secondary would see changed: no new serial, no NOTIFY, no journal entry.
        next.set(key, { ...old, config });
        continue;
      }
      const e = this.serve(config, base, old?.serial, old === undefined);
      next.set(key, e);
      fresh.push(e.served);
    }
    this.entries = next;
    this.schedule();
    return fresh;
  }

  /** A reload of the same records with the same signing settings, in the same signing epoch. */
  private unchanged(old: Entry, config: ZoneConfig, base: Zone): boolean {
    if (fingerprint(old.base, old.config) !== fingerprint(base, config)) return false;
    if (old.epoch === undefined || !config.dnssec) return true;
    return epochStart(config.dnssec.refresh, this.now()) === old.epoch;
  }

  private serve(config: ZoneConfig, base: Zone, last: number | undefined, starting: boolean): Entry {
    const key = zoneKey(config.name);
    const signing = base.security instanceof ZoneSigning && !base.security.compactDenial ? base.security : undefined;
    const now = this.now();
    const epoch = signing && config.dnssec ? epochStart(config.dnssec.refresh, now) : undefined;
    const saved = this.read(key);
    const content = fingerprint(base, config);
    let serial: number;
    if (starting && saved && saved.fileSerial === base.serial && saved.epoch === epoch && saved.content === content) {
      serial = saved.served; // a restart with the same content and epoch serves what it served
    } else {
      serial = nextSerial(config.serial, base.serial, last ?? saved?.served, epoch ?? now);
    }
    const served = signing ? signing.at(serial, epoch!).zone : serial === base.serial ? base : base.withSerial(serial);
    this.write(key, { served: serial, fileSerial: base.serial, epoch, content });
    return { config, base, served, serial, epoch };
  }

  /** Starts each signed zone's next epoch when its time has come. */
  tick(): void {
    const changed: Zone[] = [];
    for (const [key, e] of this.entries) {
      if (e.epoch === undefined || !e.config.dnssec) continue;
      if (epochStart(e.config.dnssec.refresh, this.now()) === e.epoch) continue;
      const n = this.serve(e.config, e.base, e.serial, false);
      this.entries.set(key, n);
      changed.push(n.served);
      this.logger.info({ zone: key, serial: n.serial, epoch: n.epoch }, 'signing epoch began; new serial');
    }
    if (changed.length) this.onEpoch(changed);
  }

  private schedule(): void {
    const lengths = [...this.entries.values()].flatMap((e) => (e.epoch !== undefined && e.config.dnssec ? [epochLength(e.config.dnssec.refresh)] : []));
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!lengths.length) return;
    const every = Math.min(60, Math.max(0.25, Math.min(...lengths) / 4));
    this.timer = setInterval(() => this.tick(), every * 1000);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private file(key: string): string {
    return join(this.stateDir, `${key === '.' ? 'root.' : key}serial.json`);
  }

  private read(key: string): Saved | undefined {
    try {
      return JSON.parse(readFileSync(this.file(key), 'utf8')) as Saved;
    } catch {
      return undefined;
    }
  }

  private write(key: string, s: Saved): void {
    try {
      mkdirSync(this.stateDir, { recursive: true });
      const tmp = `${this.file(key)}.tmp-${process.pid}`;
      writeFileSync(tmp, JSON.stringify(s) + '\n');
      renameSync(tmp, this.file(key));
    } catch (err) {
      // Serving goes on; only the memory of the serial across a restart is at risk.
      this.logger.error({ err, zone: key, dir: this.stateDir }, 'cannot save the served serial');
    }
  }
}
