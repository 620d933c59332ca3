import { answerOptions } from '../config/answer-options.js';
import { ConfigError, formatIssue } from '../config/error.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { Responder } from '../answer/responder.js';
import { closeLogger, createLogger, type Logger } from '../log.js';
import { serverOptions, startServer } from '../server/server.js';
import type { RunningServer } from '../server/types.js';
import { loadZones, logZoneFailures, zoneKey, type ZoneLoadResult } from '../server/zones.js';
import { ZoneStore } from '../zone/store.js';
import { BackgroundSigner } from '../dnssec/background.js';
import type { SigningContext } from '../dnssec/load-signed.js';
import { SignatureCache } from '../dnssec/signature-cache.js';
import { ZoneSigning } from '../dnssec/zone-signing.js';
import { Transfers, type TransferPolicy } from '../transfer/transfers.js';
import { keyring } from '../transfer/tsig-key.js';
import { Notifier } from '../transfer/notify.js';
import { epochStart, ServedZones } from '../server/served.js';
import { Journal } from '../transfer/journal.js';
import { refused, startControl, type ControlResult } from '../server/control.js';
import type { Zone } from '../zone/zone.js';

/**
 * `inkan serve`: runs until SIGTERM/SIGINT and resolves with the exit code. Config errors
 * at start go plainly to stderr; everything after that is JSON lines on stdout.
 */
export async function serve(configPath: string): Promise<number> {
  // Registered before anything slow: a signal's default action would kill us mid-start.
  const signals = new SignalQueue();

  let config: Config;
  try {
    config = loadConfig(configPath);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`inkan: configuration not loaded:\n${err.message}\n`);
    return 1;
  }
  const logger = createLogger(config.log.level);
  // One signature cache for every zone and version: it is keyed by content, so an RRset a
  // reload leaves alone keeps its signatures.
  const signing: SigningContext = { keysDir: config.keysDir, cache: new SignatureCache(config.signatureCacheBytes), logger };
  const background = new BackgroundSigner(logger);
  // A first load signs on the signing threads while the file is read, as of the epoch the
  // version will be served in (served.ts).
  signing.early = { pool: () => background.signingPool(), at: (refresh) => epochStart(refresh, Math.floor(Date.now() / 1000)) };
  const first = loadZones(config.zones, undefined, signing);
  logZoneFailures(logger, first.failures);
  logLoaded(logger, first);
  let zones = first.zones;

  const notifier = new Notifier(logger);
  // What the store serves: each loaded version under its policy's serial, signed as of the
  // current signing epoch. A new epoch swaps in new versions, like a reload does.
  let current = config;
  // Changes between served versions, for IXFR; kept in state-dir so they outlive a restart.
  const journal = new Journal({ dir: config.stateDir, maxBytes: config.journalMaxBytes, logger });
  const served = new ServedZones(config.stateDir, logger, (changed) => publish(changed));
  const responder = new Responder(new ZoneStore([]), answerOptions(config));
  const transfers = new Transfers(transferPolicy(config), logger);
  transfers.journal = journal;
  responder.transfers = transfers;
  const signings = (list: readonly Zone[]): ZoneSigning[] => list.flatMap((z) => (z.security instanceof ZoneSigning ? [z.security] : []));
  const publish = (fresh: Zone[]): void => {
    const all = served.zones();
    responder.setStore(new ZoneStore(all));
    void background.track(signings(fresh), signings(all));
    // After track(): a signed version's change is recorded once the background has signed it.
    for (const z of fresh) void journal.record(z);
    notifyFresh(notifier, current, fresh);
  };
  const firstServed = served.update(config.zones, zones);
  responder.setStore(new ZoneStore(served.zones()));
  let server: RunningServer;
  try {
    server = await startServer(serverOptions(config, responder, logger));
  } catch (err) {
    logger.fatal({ err }, 'cannot listen');
    await closeLogger(logger);
    return 1;
  }
  logger.info({ addresses: server.addresses(), zones: zones.size, config: config.file }, 'listening');
  publish(firstServed);

  /** SIGHUP and `inkan reload`: the configuration and every zone, or (with names) those zones' files. */
  const reload = (only?: readonly string[]): ControlResult => {
    let next = current;
    if (!only) {
      try {
        next = loadConfig(configPath);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        for (const i of err.issues) logger.error({ file: i.file, line: i.line, key: i.path }, formatIssue(i));
        logger.error('configuration not reloaded; the running configuration and zones stay');
        return refused(`configuration not reloaded:\n${err.message}`);
      }
      for (const part of needsRestart(config, next)) logger.warn({ setting: part }, 'setting changed; it takes effect after a restart');
      logger.level = next.log.level;
    }
    const keys = only?.map((n) => zoneKey(n));
    const unknown = keys?.filter((k) => !next.zones.some((z) => zoneKey(z.name) === k)) ?? [];
    if (unknown.length) return refused(`not configured here: ${unknown.join(', ')}`);
    const asked = keys ? next.zones.filter((z) => keys.includes(zoneKey(z.name))) : next.zones;
    const result = loadZones(asked, zones, { ...signing, keysDir: next.keysDir });
    logZoneFailures(logger, result.failures);
    logLoaded(logger, result);
    if (keys) {
      const merged = new Map(zones);
      for (const [k, z] of result.zones) merged.set(k, z);
      zones = merged;
    } else {
      zones = result.zones;
    }
    current = next;
    transfers.setPolicy(transferPolicy(next));
    const fresh = served.update(next.zones, zones);
    publish(fresh);
    logger.info({ zones: zones.size, failed: result.failures.length, ...(keys ? { only: keys } : {}) }, 'reloaded');
    const serving = new Map(served.zones().map((z) => [z.originKey, z]));
    const freshKeys = new Set(fresh.map((z) => z.originKey));
    const failedKeys = new Set(result.failures.map((f) => f.name));
    const out: ControlResult = { ok: result.failures.length === 0, reloaded: [], unchanged: [], failed: result.failures.map((f) => ({ zone: f.name, errors: f.errors })) };
    for (const z of asked) {
      const k = zoneKey(z.name);
      const v = serving.get(k);
      if (failedKeys.has(k) || !v) continue;
      (freshKeys.has(k) ? out.reloaded : out.unchanged).push({ zone: k, serial: v.serial });
    }
    return out;
  };
  const control = config.controlSocket ? await startControl(config.controlSocket, (req) => reload(req.zones.length ? req.zones : undefined), logger) : undefined;

  return new Promise((resolve) => {
    let stopping = false;
    signals.start((signal) => {
      if (signal === 'SIGHUP') {
        if (stopping) return;
        logger.info({ signal }, 'reloading');
        try {
          reload();
        } catch (err) {
          logger.error({ err }, 'reload failed; the running configuration and zones stay');
        }
        return;
      }
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without draining');
        resolve(1);
        return;
      }
      stopping = true;
      logger.info({ signal }, 'stopping');
      notifier.close();
      served.close();
      void Promise.all([server.close(), background.close(), control?.close()]).then(() => {
        logger.info('stopped');
        // The process exits right after: the last lines must be written out first.
        void closeLogger(logger).then(() => resolve(0));
      });
    });
  });
}

type Signal = 'SIGHUP' | 'SIGTERM' | 'SIGINT';

/** Catches signals from the moment it is made; holds them until a handler is ready. */
class SignalQueue {
  private held: Signal[] = [];
  private handler?: (s: Signal) => void;

  constructor() {
    for (const s of ['SIGHUP', 'SIGTERM', 'SIGINT'] as const) {
      process.on(s, () => (this.handler ? this.handler(s) : this.held.push(s)));
    }
  }

  start(handler: (s: Signal) => void): void {
    this.handler = handler;
    for (const s of this.held.splice(0)) handler(s);
  }
}

function logLoaded(logger: Logger, result: ZoneLoadResult): void {
  const failed = new Set(result.failures.map((f) => f.name));
  for (const [name, zone] of result.zones) {
    if (!failed.has(name)) logger.info({ zone: name, serial: zone.serial, file: zone.file }, 'zone loaded');
  }
}

/** Settings a reload does not apply: sockets are bound and the responder is built once. */
function needsRestart(a: Config, b: Config): string[] {
  const out: string[] = [];
  const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);
  if (!same(a.listen, b.listen)) out.push('listen');
  if (!same(a.tcp, b.tcp)) out.push('tcp');
  if (a.log.querySample !== b.log.querySample) out.push('log.query-sample');
  if (!same(answerOptions(a), answerOptions(b))) out.push('edns-max-payload/nsid/additional-targets/response-cache-entries');
  return out;
}

function transferPolicy(config: Config): TransferPolicy {
  return {
    allow: new Map(config.zones.map((z) => [zoneKey(z.name), z.allowTransfer])),
    keys: keyring(config.tsigKeys),
  };
}

/** NOTIFY the secondaries of each newly served version. */
function notifyFresh(notifier: Notifier, config: Config, fresh: readonly Zone[]): void {
  for (const zone of fresh) {
    const zc = config.zones.find((z) => zoneKey(z.name) === zone.originKey);
    if (zc && zc.notify.length) notifier.notify(zone, zc.notify);
  }
}
