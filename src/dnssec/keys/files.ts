// BIND's key files, read and written: K<zone>+<alg>+<tag>.key (the DNSKEY record),
// .private (Private-key-format v1.3) and .state (BIND 9.16+ key state).

import type { JsonWebKey } from 'node:crypto';
import type { PrivateKeyMaterial } from '../algorithm.js';
import { lowerLabels, nameKey, parseName, type Labels } from '../../wire/name.js';
import { dnskeyRdata, parseDnskeyRdata } from './rdata.js';
import { formatKeyTime, formatReadableTime, parseKeyTime } from './time.js';

/** A key file that cannot be used, with the file named in the message. */
export class KeyFileError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`${file}: ${reason}`);
  }
}

const ALGORITHM_NAMES: Record<number, string> = {
  1: 'RSAMD5', 3: 'DSA', 5: 'RSASHA1', 6: 'NSEC3DSA', 7: 'NSEC3RSASHA1', 8: 'RSASHA256', 10: 'RSASHA512',
  12: 'ECCGOST', 13: 'ECDSAP256SHA256', 14: 'ECDSAP384SHA384', 15: 'ED25519', 16: 'ED448',
};

/** The mnemonic BIND writes after the number on the `Algorithm:` line. */
export function algorithmName(n: number): string {
  return ALGORITHM_NAMES[n] ?? String(n);
}

// ---------------------------------------------------------------- file names

export interface KeyFileName {
  /** Zone as in the name: lower-cased presentation form with a trailing dot. */
  zone: string;
  algorithm: number;
  tag: number;
  /** `K<zone>+<alg>+<tag>`, without extension. */
  base: string;
  ext: 'key' | 'private' | 'state';
}

/** `Kexample.com.+013+01234`: the zone lower-cased with its trailing dot, as BIND names them. */
export function keyFileBase(zone: string | Labels, algorithm: number, tag: number): string {
  const labels = typeof zone === 'string' ? zoneLabels(zone) : zone;
  return `K${nameKey(labels)}+${String(algorithm).padStart(3, '0')}+${String(tag).padStart(5, '0')}`;
}

/** Parses a key file name; undefined for anything else (temporary files, other names). */
export function parseKeyFileName(file: string): KeyFileName | undefined {
  const m = /^K(.+)\+(\d{3})\+(\d{5})\.(key|private|state)$/.exec(file);
  if (!m) return undefined;
  let zone: string;
  try {
    zone = nameKey(parseName(m[1]));
  } catch {
    return undefined;
  }
  const algorithm = Number(m[2]);
  const tag = Number(m[3]);
  if (algorithm > 255 || tag > 0xffff) return undefined;
  return { zone, algorithm, tag, base: file.slice(0, file.length - m[4].length - 1), ext: m[4] as KeyFileName['ext'] };
}

/** A zone name as typed (`example.com` or `example.com.`) to labels. */
export function zoneLabels(zone: string): Labels {
  const t = zone.trim();
  if (t === '') throw new Error('empty zone name');
  return parseName(t.endsWith('.') ? t : `${t}.`);
}

// ---------------------------------------------------------------- timing

/** Key timing as BIND keeps it (.private names; the .state file uses other words for the same). */
export interface KeyTiming {
  created?: Date;
  publish?: Date;
  activate?: Date;
  revoke?: Date;
  inactive?: Date;
  delete?: Date;
  syncPublish?: Date;
  syncDelete?: Date;
}

type TimingField = keyof KeyTiming;

// Order as BIND writes them.
const PRIVATE_TIMES: [TimingField, string][] = [
  ['created', 'Created'], ['publish', 'Publish'], ['activate', 'Activate'], ['revoke', 'Revoke'],
  ['inactive', 'Inactive'], ['delete', 'Delete'], ['syncPublish', 'SyncPublish'], ['syncDelete', 'SyncDelete'],
];
const STATE_TIMES: [TimingField, string][] = [
  ['created', 'Generated'], ['publish', 'Published'], ['activate', 'Active'], ['inactive', 'Retired'],
  ['revoke', 'Revoked'], ['delete', 'Removed'], ['syncPublish', 'PublishCDS'], ['syncDelete', 'DeleteCDS'],
];

function readTimes(fields: Map<string, string>, names: [TimingField, string][], file: string): KeyTiming {
  const out: KeyTiming = {};
  for (const [k, name] of names) {
    const v = fields.get(name.toLowerCase());
    if (v === undefined) continue;
    // BIND writes "0" for a time it has unset.
    if (/^0+$/.test(v.trim())) continue;
    const t = parseKeyTime(v.split(/\s/)[0]);
    if (!t) throw new KeyFileError(file, `bad ${name} time "${v}": expected YYYYMMDDHHMMSS`);
    out[k] = t;
  }
  return out;
}

/** `Key: value` lines; `;` starts a comment. Keys are compared case-insensitively. */
function fieldLines(text: string, file: string): Map<string, string> {
  const fields = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith(';')) return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new KeyFileError(file, `line ${i + 1}: expected "Field: value", got "${line.slice(0, 40)}"`);
    fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  });
  return fields;
}

// ---------------------------------------------------------------- .key

export interface PublicKeyFile {
  owner: Labels;
  ttl?: number;
  /** DNSKEY rdata in wire form. */
  rdata: Buffer;
  flags: number;
  algorithm: number;
  publicKey: Buffer;
  /** Timing from the comment header, when present (BIND repeats the .private times there). */
  timing: KeyTiming;
}

const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

function parseTtl(t: string): number | undefined {
  if (/^\d+$/.test(t)) return Number(t);
  if (!/^(\d+[smhdw])+$/i.test(t)) return undefined;
  let total = 0;
  for (const [, n, u] of t.matchAll(/(\d+)([smhdw])/gi)) total += Number(n) * TTL_UNITS[u.toLowerCase()];
  return total;
}

/** Reads a .key file: comment lines, then one DNSKEY record (BIND's or ldns's layout). */
export function parsePublicKeyFile(text: string, file: string): PublicKeyFile {
  const timing: KeyTiming = {};
  const records: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith(';')) {
      const m = /^;\s*(\w+):\s*(\d{14})\b/.exec(line);
      const k = m && PRIVATE_TIMES.find(([, name]) => name.toLowerCase() === m[1].toLowerCase());
      if (m && k) timing[k[0]] = parseKeyTime(m[2]);
      continue;
    }
    records.push(stripComment(line));
  }
  const joined = records.join(' ').replace(/[()]/g, ' ').trim();
  if (joined === '') throw new KeyFileError(file, 'no DNSKEY record');
  const tokens = joined.split(/\s+/);
  let owner: Labels;
  try {
    owner = parseName(tokens[0]);
    if (!tokens[0].endsWith('.')) throw new Error(`owner "${tokens[0]}" is not absolute`);
  } catch (err) {
    throw new KeyFileError(file, `bad owner name: ${(err as Error).message}`);
  }
  let i = 1;
  let ttl: number | undefined;
  for (; i < tokens.length && i < 3; i++) {
    const t = tokens[i];
    if (/^(IN|CH|HS|CLASS1)$/i.test(t)) {
      if (!/^(IN|CLASS1)$/i.test(t)) throw new KeyFileError(file, `class ${t}: DNSKEY records are class IN`);
      continue;
    }
    const n = parseTtl(t);
    if (n === undefined) break;
    ttl = n;
  }
  const type = tokens[i++]?.toUpperCase();
  if (type !== 'DNSKEY') {
    throw new KeyFileError(file, type === 'KEY' ? 'a KEY record (SIG(0)/TSIG key), not a DNSKEY' : `expected a DNSKEY record, got type "${type ?? ''}"`);
  }
  const [flagsT, protoT, algT, ...keyParts] = tokens.slice(i);
  if (!/^\d+$/.test(flagsT ?? '') || Number(flagsT) > 0xffff) throw new KeyFileError(file, `bad DNSKEY flags "${flagsT ?? ''}"`);
  if (protoT !== '3') throw new KeyFileError(file, `bad DNSKEY protocol "${protoT ?? ''}": must be 3`);
  if (!/^\d+$/.test(algT ?? '') || Number(algT) > 255) throw new KeyFileError(file, `bad DNSKEY algorithm "${algT ?? ''}"`);
  const b64 = keyParts.join('');
  if (b64 === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new KeyFileError(file, 'bad or missing base64 public key');
  const publicKey = Buffer.from(b64, 'base64');
  const rdata = dnskeyRdata(Number(flagsT), Number(algT), publicKey);
  const f = parseDnskeyRdata(rdata);
  return { owner, ttl, rdata, flags: f.flags, algorithm: f.algorithm, publicKey, timing };
}

function stripComment(line: string): string {
  const semi = line.indexOf(';');
  return semi < 0 ? line : line.slice(0, semi);
}

function timeComment(label: string, t: Date | undefined): string[] {
  return t ? [`; ${label}: ${formatKeyTime(t)} (${formatReadableTime(t)})`] : [];
}

/** A .key file as BIND writes it: a comment header with the role, tag and times, then the record. */
export function formatPublicKeyFile(o: { zone: Labels; rdata: Buffer; tag: number; timing: KeyTiming; ttl?: number }): string {
  const f = parseDnskeyRdata(o.rdata);
  const kind = f.flags & 1 ? 'key-signing' : 'zone-signing';
  const zone = nameKey(lowerLabels(o.zone));
  const b64 = f.publicKey.toString('base64');
  const chunks = b64.match(/.{1,56}/g) ?? [];
  return [
    `; This is a ${kind} key, keyid ${o.tag}, for ${zone}`,
    ...PRIVATE_TIMES.flatMap(([k, name]) => timeComment(name, o.timing[k])),
    `${zone} ${o.ttl === undefined ? '' : `${o.ttl} `}IN DNSKEY ${f.flags} ${f.protocol} ${f.algorithm} ${chunks.join(' ')}`,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- .private

export interface PrivateKeyFile {
  /** `v1.3` and the like. */
  format: string;
  algorithm: number;
  /** The key material; undefined for an algorithm inkan cannot sign with. */
  material?: PrivateKeyMaterial;
  timing: KeyTiming;
}

// RSA fields of BIND's private key format and the JWK member each one is.
const RSA_FIELDS: [string, keyof JsonWebKey][] = [
  ['Modulus', 'n'], ['PublicExponent', 'e'], ['PrivateExponent', 'd'], ['Prime1', 'p'],
  ['Prime2', 'q'], ['Exponent1', 'dp'], ['Exponent2', 'dq'], ['Coefficient', 'qi'],
];

function base64Field(fields: Map<string, string>, name: string, file: string): Buffer {
  const v = fields.get(name.toLowerCase());
  if (v === undefined || v === '') throw new KeyFileError(file, `missing ${name}`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v)) throw new KeyFileError(file, `${name} is not base64`);
  return Buffer.from(v, 'base64');
}

function stripLeadingZeros(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** Reads a .private file (format v1.2 or v1.3; algorithms 8, 13 and 15 carry key material). */
export function parsePrivateKeyFile(text: string, file: string): PrivateKeyFile {
  const fields = fieldLines(text, file);
  const format = fields.get('private-key-format');
  if (!format) throw new KeyFileError(file, 'missing "Private-key-format:" line: not a BIND private key file');
  if (!/^v1\.\d+$/.test(format)) throw new KeyFileError(file, `unsupported Private-key-format ${format}`);
  const algT = fields.get('algorithm');
  const algM = algT ? /^(\d+)\b/.exec(algT) : null;
  if (!algM) throw new KeyFileError(file, `missing or bad "Algorithm:" line`);
  const algorithm = Number(algM[1]);
  if (fields.has('label') || fields.has('engine')) {
    throw new KeyFileError(file, 'the private key is held in an HSM (Label/Engine); inkan needs the key itself');
  }
  const timing = readTimes(fields, PRIVATE_TIMES, file);
  let material: PrivateKeyMaterial | undefined;
  if (algorithm === 13 || algorithm === 15) {
    let privateKey = base64Field(fields, 'PrivateKey', file);
    // BIND writes the P-256 scalar as a big number, without its leading zero octets: one
    // key in 256 has a 31-octet PrivateKey. An Ed25519 seed is always 32 octets.
    if (algorithm === 13 && privateKey.length < 32 && privateKey.length >= 16) {
      privateKey = Buffer.concat([Buffer.alloc(32 - privateKey.length), privateKey]);
    }
    if (privateKey.length !== 32) throw new KeyFileError(file, `PrivateKey is ${privateKey.length} octets; algorithm ${algorithm} needs 32`);
    material = { algorithm, privateKey };
  } else if (algorithm === 8) {
    const jwk: JsonWebKey = { kty: 'RSA' };
    for (const [name, member] of RSA_FIELDS) {
      (jwk as Record<string, string>)[member] = stripLeadingZeros(base64Field(fields, name, file)).toString('base64url');
    }
    material = { algorithm: 8, jwk };
  }
  return { format, algorithm, material, timing };
}

/** A .private file as BIND 9.18 writes it. */
export function formatPrivateKeyFile(material: PrivateKeyMaterial, timing: KeyTiming): string {
  const lines = ['Private-key-format: v1.3', `Algorithm: ${material.algorithm} (${algorithmName(material.algorithm)})`];
  if (material.algorithm === 8) {
    for (const [name, member] of RSA_FIELDS) {
      const v = material.jwk[member];
      if (typeof v !== 'string' || v === '') throw new Error(`RSA key material lacks "${member}"`);
      lines.push(`${name}: ${Buffer.from(v, 'base64url').toString('base64')}`);
    }
  } else {
    lines.push(`PrivateKey: ${material.privateKey.toString('base64')}`);
  }
  for (const [k, name] of PRIVATE_TIMES) {
    const t = timing[k];
    if (t) lines.push(`${name}: ${formatKeyTime(t)}`);
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------- .state

export interface KeyStateFile {
  algorithm?: number;
  /** KSK: / ZSK: lines (BIND writes them for keys made under a dnssec-policy). */
  ksk?: boolean;
  zsk?: boolean;
  lifetime?: number;
  timing: KeyTiming;
  /** Every field as read, keys lower-cased. */
  fields: Map<string, string>;
}

function yesNo(v: string | undefined, name: string, file: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (/^yes$/i.test(v)) return true;
  if (/^no$/i.test(v)) return false;
  throw new KeyFileError(file, `${name}: expected yes or no, got "${v}"`);
}

export function parseStateFile(text: string, file: string): KeyStateFile {
  const fields = fieldLines(text, file);
  const alg = fields.get('algorithm');
  if (alg !== undefined && !/^\d+$/.test(alg)) throw new KeyFileError(file, `bad Algorithm "${alg}"`);
  const life = fields.get('lifetime');
  if (life !== undefined && !/^\d+$/.test(life)) throw new KeyFileError(file, `bad Lifetime "${life}"`);
  return {
    algorithm: alg === undefined ? undefined : Number(alg),
    ksk: yesNo(fields.get('ksk'), 'KSK', file),
    zsk: yesNo(fields.get('zsk'), 'ZSK', file),
    lifetime: life === undefined ? undefined : Number(life),
    timing: readTimes(fields, STATE_TIMES, file),
    fields,
  };
}

/** A .state file as BIND 9.18 writes one for a key made under a dnssec-policy. */
export function formatStateFile(o: {
  zone: Labels; tag: number; algorithm: number; bits: number; ksk: boolean; zsk: boolean; timing: KeyTiming; lifetime?: number;
}): string {
  const lines = [
    `; This is the state of key ${o.tag}, for ${nameKey(lowerLabels(o.zone))}`,
    `Algorithm: ${o.algorithm}`,
    `Length: ${o.bits}`,
    `Lifetime: ${o.lifetime ?? 0}`,
    `KSK: ${o.ksk ? 'yes' : 'no'}`,
    `ZSK: ${o.zsk ? 'yes' : 'no'}`,
  ];
  for (const [k, name] of STATE_TIMES) {
    const t = o.timing[k];
    if (t) lines.push(`${name}: ${formatKeyTime(t)} (${formatReadableTime(t)})`);
  }
  return lines.join('\n') + '\n';
}
