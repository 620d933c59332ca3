import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, isNode, parseDocument, type Node } from 'yaml';
import { parseAclEntry, type AclEntry } from '../transfer/acl.js';
import { keyFromConfig, TsigKeyError, type TsigKey } from '../transfer/tsig-key.js';
import type { NotifyTarget } from '../transfer/notify.js';
import { SERIAL_POLICIES, type SerialPolicy } from '../zone/serial.js';
import { nameKey, parseName } from '../wire/name.js';
import { parseListenAddress, formatListenAddress } from './address.js';
import { parseDuration } from './duration.js';
import { ConfigError } from './error.js';
import { readDnssec } from './dnssec.js';
import { NodeReader, child, type YamlNode } from './reader.js';
import {
  DEFAULTS, DEFAULT_LISTEN, LOG_LEVELS,
  type Config, type ListenAddress, type LogLevel, type ZoneConfig,
} from './types.js';

const TOP_KEYS = [
  'listen', 'zones', 'edns-max-payload', 'nsid', 'additional-targets', 'response-cache-entries', 'tcp', 'log',
  'keys-dir', 'signature-cache-size', 'tsig-keys', 'state-dir', 'journal-max-bytes', 'control-socket',
] as const;

/** Reads and validates a config file. Throws ConfigError listing every problem found. */
export function loadConfig(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file: path, path: '', reason: `cannot read: ${(err as Error).message}` }]);
  }
  return parseConfig(text, path);
}

/** Validates config text; `path` names the file in messages and anchors relative zone files. */
export function parseConfig(text: string, path: string): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const r = new NodeReader(path, lines);
  for (const e of [...doc.errors, ...doc.warnings]) {
    r.fail(null, '', e.message.split('\n')[0], lines.linePos(e.pos[0]).line);
  }
  if (r.issues.length) throw new ConfigError(r.issues);

  const dir = dirname(resolve(path));
  const top = r.mapping(doc.contents as YamlNode, '', TOP_KEYS);
  const get = (k: (typeof TOP_KEYS)[number]): Node | null | undefined => top?.get(k);

  const config: Config = {
    file: resolve(path),
    listen: readListen(r, get('listen')),
    zones: readZones(r, get('zones'), dir),
    ednsMaxPayload: DEFAULTS.ednsMaxPayload,
    nsid: undefined,
    additionalTargets: DEFAULTS.additionalTargets,
    responseCacheEntries: DEFAULTS.responseCacheEntries,
    tcp: { ...DEFAULTS.tcp },
    log: { ...DEFAULTS.log },
    keysDir: resolve(dir, DEFAULTS.keysDir),
    signatureCacheBytes: DEFAULTS.signatureCacheBytes,
    tsigKeys: readTsigKeys(r, get('tsig-keys')),
    stateDir: resolve(dir, DEFAULTS.stateDir),
    journalMaxBytes: DEFAULTS.journalMaxBytes,
  };
  if (top?.has('state-dir')) {
    const d = r.string(get('state-dir'), 'state-dir');
    if (d) config.stateDir = resolve(dir, d);
  }
  config.controlSocket = join(config.stateDir, DEFAULTS.controlSocket);
  if (top?.has('control-socket')) {
    const c = r.string(get('control-socket'), 'control-socket');
    if (c !== undefined) config.controlSocket = c === 'none' ? undefined : resolve(dir, c);
  }
  const known = new Map(config.tsigKeys.map((k) => [nameKey(k.name), k]));
  config.zones.forEach((z, i) => {
    for (const e of z.allowTransfer) {
      if (e.key && !known.has(e.key)) r.fail(null, `zones[${i}].allow-transfer`, `"${e.text}" names a TSIG key that tsig-keys does not define`);
    }
    for (const t of z.notify as (NotifyTarget & { keyName?: string })[]) {
      if (t.keyName === undefined) continue;
      t.key = known.get(t.keyName);
      if (!t.key) r.fail(null, `zones[${i}].notify`, `key ${t.keyName} is not defined in tsig-keys`);
      delete t.keyName;
    }
  });
  if (top?.has('journal-max-bytes')) {
    config.journalMaxBytes = r.integer(get('journal-max-bytes'), 'journal-max-bytes', 0, 2 ** 40) ?? config.journalMaxBytes;
  }
  if (top?.has('keys-dir')) {
    const k = r.string(get('keys-dir'), 'keys-dir');
    if (k) config.keysDir = resolve(dir, k);
  }
  if (top?.has('signature-cache-size')) {
    const mb = r.integer(get('signature-cache-size'), 'signature-cache-size', 1, 1_000_000);
    if (mb !== undefined) config.signatureCacheBytes = mb * 1024 * 1024;
  }
  if (top?.has('edns-max-payload')) {
    config.ednsMaxPayload = r.integer(get('edns-max-payload'), 'edns-max-payload', 512, 65535) ?? config.ednsMaxPayload;
  }
  if (top?.has('nsid')) config.nsid = readNsid(r, get('nsid'));
  if (top?.has('additional-targets')) {
    config.additionalTargets = r.boolean(get('additional-targets'), 'additional-targets') ?? config.additionalTargets;
  }
  if (top?.has('response-cache-entries')) {
    config.responseCacheEntries =
      r.integer(get('response-cache-entries'), 'response-cache-entries', 0, 100_000_000) ?? config.responseCacheEntries;
  }
  readTcp(r, get('tcp'), config);
  readLog(r, get('log'), config);

  if (r.issues.length) throw new ConfigError(r.issues);
  return config;
}

function readListen(r: NodeReader, node: YamlNode): ListenAddress[] {
  if (node === undefined) return DEFAULT_LISTEN.map(parseListenAddress);
  const items = r.sequence(node, 'listen');
  if (!items) return [];
  if (items.length === 0) r.fail(node, 'listen', 'must list at least one address');
  const out: ListenAddress[] = [];
  const seen = new Map<string, number | undefined>();
  items.forEach((item, i) => {
    const path = child('listen', i);
    const text = r.string(item, path);
    if (text === undefined) return;
    try {
      const a = parseListenAddress(text);
      const key = formatListenAddress(a);
      if (a.port !== 0 && seen.has(key)) {
        r.fail(item, path, `${key} is listed twice (first at line ${seen.get(key)})`);
        return;
      }
      seen.set(key, r.lineOf(item));
      out.push(a);
    } catch (err) {
      r.fail(item, path, (err as Error).message);
    }
  });
  return out;
}

function readZones(r: NodeReader, node: YamlNode, dir: string): ZoneConfig[] {
  if (node === undefined) return [];
  const items = r.sequence(node, 'zones');
  if (!items) return [];
  const out: ZoneConfig[] = [];
  const seen = new Map<string, number | undefined>();
  items.forEach((item, i) => {
    const path = child('zones', i);
    const fields = r.mapping(item, path, ['name', 'file', 'dnssec', 'allow-transfer', 'notify', 'serial']);
    if (!fields) return;
    for (const k of ['name', 'file']) if (!fields.has(k)) r.fail(item, child(path, k), 'is required');
    const nameNode = fields.get('name');
    const name = fields.has('name') ? r.string(nameNode, child(path, 'name')) : undefined;
    const file = fields.has('file') ? r.string(fields.get('file'), child(path, 'file')) : undefined;
    if (name !== undefined) {
      try {
        const key = nameKey(parseName(name.endsWith('.') ? name : `${name}.`));
        if (seen.has(key)) {
          r.fail(nameNode, child(path, 'name'), `duplicate zone "${key}" (first at line ${seen.get(key)})`);
          return;
        }
        seen.set(key, r.lineOf(nameNode));
      } catch (err) {
        r.fail(nameNode, child(path, 'name'), `bad zone name: ${(err as Error).message}`);
        return;
      }
    }
    if (file === '') r.fail(fields.get('file'), child(path, 'file'), 'must not be empty');
    const dnssec = fields.has('dnssec') ? readDnssec(r, fields.get('dnssec'), child(path, 'dnssec')) : undefined;
    const allowTransfer = readAcl(r, fields.get('allow-transfer'), child(path, 'allow-transfer'));
    const notify = readNotify(r, fields.get('notify'), child(path, 'notify'));
    if (dnssec?.denial === 'compact' && (allowTransfer.length > 0 || notify.length > 0)) {
      // RFC 9824 proofs are made per query: a secondary given the zone could prove nothing.
      r.fail(fields.get('dnssec'), child(path, 'dnssec'), 'denial: compact zones cannot be transferred (their proofs are made per query): drop allow-transfer and notify, or use nsec or nsec3');
    }
    let serial: SerialPolicy = 'increment';
    if (fields.has('serial')) {
      const v = r.string(fields.get('serial'), child(path, 'serial'));
      if (v !== undefined && !(SERIAL_POLICIES as readonly string[]).includes(v)) {
        r.fail(fields.get('serial'), child(path, 'serial'), `must be one of ${SERIAL_POLICIES.join(', ')}, got "${v}"`);
      } else if (v === 'keep' && dnssec) {
        // Signature refreshes change the zone; a serial that cannot change hides them from secondaries.
        r.fail(fields.get('serial'), child(path, 'serial'), 'keep cannot be used with dnssec: secondaries would never see refreshed signatures');
      } else if (v !== undefined) serial = v as SerialPolicy;
    }
    if (name !== undefined && file) out.push({ name, file: resolve(dir, file), allowTransfer, notify, serial, ...(dnssec ? { dnssec } : {}) });
  });
  return out;
}

function readNsid(r: NodeReader, node: YamlNode): Buffer | undefined {
  const text = r.string(node, 'nsid');
  if (text === undefined) return undefined;
  if (text.startsWith('hex:')) {
    const hex = text.slice(4);
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) return r.fail(node, 'nsid', 'hex: must be followed by an even number of hex digits');
    return Buffer.from(hex, 'hex');
  }
  if (text === '') return r.fail(node, 'nsid', 'must not be empty (leave it out to not answer NSID)');
  const value = Buffer.from(text, 'utf8');
  if (value.length > 65000) return r.fail(node, 'nsid', 'is too long');
  return value;
}

function readTcp(r: NodeReader, node: YamlNode, config: Config): void {
  const f = r.mapping(node, 'tcp', ['idle-timeout', 'max-connections']);
  if (!f) return;
  if (f.has('idle-timeout')) {
    const raw = r.scalar(f.get('idle-timeout'), 'tcp.idle-timeout');
    if (raw !== undefined) {
      try {
        config.tcp.idleTimeoutMs = parseDuration(raw);
      } catch (err) {
        r.fail(f.get('idle-timeout'), 'tcp.idle-timeout', (err as Error).message);
      }
    }
  }
  if (f.has('max-connections')) {
    config.tcp.maxConnections = r.integer(f.get('max-connections'), 'tcp.max-connections', 1, 1_000_000) ?? config.tcp.maxConnections;
  }
}

function readLog(r: NodeReader, node: YamlNode, config: Config): void {
  const f = r.mapping(node, 'log', ['level', 'query-sample']);
  if (!f) return;
  if (f.has('level')) {
    const level = r.string(f.get('level'), 'log.level');
    if (level !== undefined) {
      if ((LOG_LEVELS as readonly string[]).includes(level)) config.log.level = level as LogLevel;
      else r.fail(f.get('level'), 'log.level', `must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
    }
  }
  if (f.has('query-sample')) {
    config.log.querySample = r.integer(f.get('query-sample'), 'log.query-sample', 0, 1_000_000_000) ?? config.log.querySample;
  }
}

function readAcl(r: NodeReader, node: YamlNode, path: string): AclEntry[] {
  if (node === undefined || node === null) return [];
  const items = r.sequence(node, path);
  if (!items) return [];
  const out: AclEntry[] = [];
  items.forEach((item, i) => {
    const text = r.string(item, child(path, i));
    if (text === undefined) return;
    try {
      out.push(parseAclEntry(text));
    } catch (err) {
      r.fail(item, child(path, i), (err as Error).message);
    }
  });
  return out;
}

function readTsigKeys(r: NodeReader, node: YamlNode): TsigKey[] {
  if (node === undefined || node === null) return [];
  const items = r.sequence(node, 'tsig-keys');
  if (!items) return [];
  const out: TsigKey[] = [];
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const path = child('tsig-keys', i);
    try {
      const key = keyFromConfig(isNode(item) ? item.toJSON() : item);
      if (seen.has(nameKey(key.name))) return r.fail(item, path, `key ${nameKey(key.name)} is defined twice`);
      seen.add(nameKey(key.name));
      out.push(key);
    } catch (err) {
      if (!(err instanceof TsigKeyError)) throw err;
      r.fail(item, err.path ? child(path, err.path) : path, err.reason);
    }
  });
  return out;
}

/** `addr:port` or `[v6]:port`, optionally followed by `key NAME` to sign the NOTIFY. */
function readNotify(r: NodeReader, node: YamlNode, path: string): NotifyTarget[] {
  if (node === undefined || node === null) return [];
  const items = r.sequence(node, path);
  if (!items) return [];
  const out: NotifyTarget[] = [];
  items.forEach((item, i) => {
    const text = r.string(item, child(path, i));
    if (text === undefined) return;
    const m = /^(\S+)(?:\s+key\s+(\S+))?$/.exec(text.trim());
    try {
      if (!m) throw new Error(`expected "address:port" or "address:port key NAME", got "${text}"`);
      const a = parseListenAddress(m[1]);
      if (a.port === 0) throw new Error('port 0 is not a secondary\'s port');
      const t: NotifyTarget & { keyName?: string } = { family: a.family, address: a.address, port: a.port };
      if (m[2]) t.keyName = nameKey(parseName(m[2].endsWith('.') ? m[2] : `${m[2]}.`));
      out.push(t);
    } catch (err) {
      r.fail(item, child(path, i), (err as Error).message);
    }
  });
  return out;
}
