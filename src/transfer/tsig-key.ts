// TSIG keys (RFC 8945): the algorithms we implement, BIND-style key text as `tsig-keygen`
// prints it, and the `{ name, algorithm, secret }` shape the config file uses.
import { nameKey, nameToText, nameToWire, lowerLabels, parseName, type Labels } from '../wire/name.js';

export type TsigAlgorithm = 'hmac-sha256' | 'hmac-sha512' | 'hmac-sha1' | 'hmac-sha384' | 'hmac-sha224';

export interface TsigKey {
  name: Labels;
  algorithm: TsigAlgorithm;
  secret: Buffer;
}

export const DEFAULT_TSIG_ALGORITHM: TsigAlgorithm = 'hmac-sha256';

interface AlgorithmInfo {
  /** node:crypto HMAC digest name. */
  hash: string;
  /** Output length of the keyed hash in octets. */
  size: number;
  /** Algorithm name in canonical wire form (lower case, uncompressed). */
  wire: Buffer;
}

function wireOf(text: string): Buffer {
  return nameToWire(parseName(text));
}

const INFO: Record<TsigAlgorithm, AlgorithmInfo> = {
  'hmac-sha1': { hash: 'sha1', size: 20, wire: wireOf('hmac-sha1.') },
  'hmac-sha224': { hash: 'sha224', size: 28, wire: wireOf('hmac-sha224.') },
  'hmac-sha256': { hash: 'sha256', size: 32, wire: wireOf('hmac-sha256.') },
  'hmac-sha384': { hash: 'sha384', size: 48, wire: wireOf('hmac-sha384.') },
  'hmac-sha512': { hash: 'sha512', size: 64, wire: wireOf('hmac-sha512.') },
};

export const TSIG_ALGORITHMS = Object.keys(INFO) as TsigAlgorithm[];

export function algorithmInfo(a: TsigAlgorithm): AlgorithmInfo {
  return INFO[a];
}

/** Algorithms a peer may name that we know of but do not implement (answered with BADKEY). */
const UNSUPPORTED: Record<string, string> = {
  'hmac-md5.sig-alg.reg.int.': 'hmac-md5 is not supported (RFC 8945 §6: MUST NOT be used); use hmac-sha256',
  'hmac-md5.': 'hmac-md5 is not supported (RFC 8945 §6: MUST NOT be used); use hmac-sha256',
  'gss-tsig.': 'gss-tsig (RFC 3645) is not supported',
  'hmac-sha256-128.': 'truncated algorithm names (hmac-sha256-128) are not supported; use hmac-sha256',
  'hmac-sha384-192.': 'truncated algorithm names (hmac-sha384-192) are not supported; use hmac-sha384',
  'hmac-sha512-256.': 'truncated algorithm names (hmac-sha512-256) are not supported; use hmac-sha512',
};

/** The algorithm a wire-form name denotes (case-insensitive), or undefined when we do not implement it. */
export function algorithmFromName(name: Labels): TsigAlgorithm | undefined {
  const key = nameKey(name);
  const a = key.slice(0, -1) as TsigAlgorithm;
  return key.endsWith('.') && a in INFO ? a : undefined;
}

/** Why an algorithm name (text, from a key file or config) cannot be used; undefined when it can. */
function algorithmProblem(text: string): string | undefined {
  const t = text.toLowerCase().replace(/\.?$/, '.');
  if (t.slice(0, -1) in INFO) return undefined;
  const known = UNSUPPORTED[t];
  if (known) return known;
  if (/^hmac-sha(1|224|256|384|512)-\d+\.$/.test(t)) {
    return `truncated algorithm "${text}" is not supported; use ${t.replace(/-\d+\.$/, '')}`;
  }
  return `unknown TSIG algorithm "${text}" (expected one of ${TSIG_ALGORITHMS.join(', ')})`;
}

/** A problem with a key: `path` is the field (`name`, `algorithm`, `secret`) or '' for the whole key. */
export class TsigKeyError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly line?: number,
    readonly source?: string,
  ) {
    const where = source ? (line !== undefined ? `${source}:${line}: ` : `${source}: `) : '';
    super(`${where}${path ? path + ': ' : ''}${reason}`);
    this.name = 'TsigKeyError';
  }
}

function decodeSecret(text: string): Buffer | string {
  const s = text.replace(/\s+/g, '');
  if (s.length === 0) return 'secret is empty';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return 'secret is not valid base64';
  const b = Buffer.from(s, 'base64');
  if (b.length === 0) return 'secret is empty';
  return b;
}

function makeKey(
  name: string,
  algorithm: string,
  secret: string,
  at: (path: string, reason: string) => TsigKeyError,
): TsigKey {
  let labels: Labels;
  try {
    labels = parseName(name.endsWith('.') ? name : name + '.');
  } catch (e) {
    throw at('name', `bad key name: ${(e as Error).message}`);
  }
  if (labels.length === 0) throw at('name', 'key name must not be the root');
  const problem = algorithmProblem(algorithm);
  if (problem) throw at('algorithm', problem);
  const alg = algorithm.toLowerCase().replace(/\.$/, '') as TsigAlgorithm;
  const sec = decodeSecret(secret);
  if (typeof sec === 'string') throw at('secret', sec);
  return { name: labels, algorithm: alg, secret: sec };
}

/**
 * A key from the config file's shape `{ name, algorithm, secret }` (algorithm defaults to
 * hmac-sha256, secret is base64). Throws TsigKeyError naming the field.
 */
export function keyFromConfig(value: unknown): TsigKey {
  const at = (path: string, reason: string) => new TsigKeyError(path, reason);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw at('', 'a TSIG key must be a mapping with name, algorithm and secret');
  }
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) {
    if (k !== 'name' && k !== 'algorithm' && k !== 'secret') throw at(k, 'unknown field (expected name, algorithm, secret)');
  }
  if (typeof v.name !== 'string' || v.name === '') throw at('name', 'missing (a domain name such as "xfr-key.")');
  if (v.algorithm !== undefined && typeof v.algorithm !== 'string') throw at('algorithm', 'must be a string');
  if (typeof v.secret !== 'string') throw at('secret', 'missing (base64, as tsig-keygen prints it)');
  return makeKey(v.name, (v.algorithm as string | undefined) ?? DEFAULT_TSIG_ALGORITHM, v.secret, at);
}

// ---- BIND key text ----------------------------------------------------------------------

interface Token {
  text: string;
  quoted: boolean;
  line: number;
}

function tokenize(text: string, source: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new TsigKeyError('', 'unterminated /* comment', line, source);
      for (let j = i; j < end; j++) if (text[j] === '\n') line++;
      i = end + 2;
    } else if (c === '{' || c === '}' || c === ';') {
      out.push({ text: c, quoted: false, line });
      i++;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new TsigKeyError('', 'unterminated quoted string', line, source);
      const s = text.slice(i + 1, end);
      out.push({ text: s, quoted: true, line });
      for (const ch of s) if (ch === '\n') line++;
      i = end + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s{};"#]/.test(text[j]) && !(text[j] === '/' && (text[j + 1] === '/' || text[j + 1] === '*'))) j++;
      out.push({ text: text.slice(i, j), quoted: false, line });
      i = j;
    }
  }
  return out;
}

/**
 * Every `key "name" { algorithm ...; secret "..."; };` statement in BIND key text (a
 * `tsig-keygen` output, a key file, or a named.conf fragment holding only keys). Throws
 * TsigKeyError with `source:line` on anything else.
 */
export function parseKeyText(text: string, source = 'key text'): TsigKey[] {
  const toks = tokenize(text, source);
  const keys: TsigKey[] = [];
  let p = 0;
  const lastLine = () => (toks.length ? toks[toks.length - 1].line : 1);
  const fail = (reason: string, line = toks[p]?.line ?? lastLine()): never => {
    throw new TsigKeyError('', reason, line, source);
  };
  const expect = (s: string) => {
    const t = toks[p];
    if (!t || t.quoted || t.text !== s) fail(`expected "${s}"${t ? ` but found "${t.text}"` : ' before the end'}`);
    p++;
  };
  while (p < toks.length) {
    const kw = toks[p];
    if (kw.quoted || kw.text.toLowerCase() !== 'key') fail(`expected a "key" statement but found "${kw.text}"`);
    p++;
    const nameTok = toks[p];
    if (!nameTok || (!nameTok.quoted && /^[{};]$/.test(nameTok.text))) fail('expected the key name after "key"');
    p++;
    expect('{');
    let algorithm: Token | undefined;
    let secret: Token | undefined;
    while (toks[p] && !(toks[p].text === '}' && !toks[p].quoted)) {
      const field = toks[p++];
      const val = toks[p++];
      if (!val || (!val.quoted && /^[{};]$/.test(val.text))) fail(`expected a value after "${field.text}"`, field.line);
      const f = field.text.toLowerCase();
      if (f === 'algorithm') {
        if (algorithm) fail('algorithm given twice', field.line);
        algorithm = val;
      } else if (f === 'secret') {
        if (secret) fail('secret given twice', field.line);
        secret = val;
      } else {
        fail(`unknown key field "${field.text}" (expected algorithm, secret)`, field.line);
      }
      expect(';');
    }
    expect('}');
    expect(';');
    const at = (path: string, reason: string) => {
      const line = path === 'algorithm' ? algorithm?.line : path === 'secret' ? secret?.line : nameTok.line;
      return new TsigKeyError(path, reason, line ?? kw.line, source);
    };
    if (!algorithm) throw at('', `key "${nameTok.text}" has no algorithm`);
    if (!secret) throw at('', `key "${nameTok.text}" has no secret`);
    const key = makeKey(nameTok.text, algorithm.text, secret.text, at);
    if (keys.some((k) => nameKey(k.name) === nameKey(key.name))) throw at('name', `key "${nameTok.text}" defined twice`);
    keys.push(key);
  }
  return keys;
}

/** BIND key text for a key, exactly as `tsig-keygen` prints it (for named.conf `include`). */
export function formatKeyText(key: TsigKey): string {
  const name = nameToText(key.name).replace(/\.$/, '');
  return `key "${name}" {\n\talgorithm ${key.algorithm};\n\tsecret "${key.secret.toString('base64')}";\n};\n`;
}

/** `alg:name:secret` for `dig -y` / `kdig -y`. */
export function keyToDigArg(key: TsigKey): string {
  return `${key.algorithm}:${nameToText(key.name).replace(/\.$/, '')}:${key.secret.toString('base64')}`;
}

/** A lookup function over a list of keys, by name, case-insensitively (what verifyRequest takes). */
export function keyring(keys: readonly TsigKey[]): (name: Labels) => TsigKey | undefined {
  const m = new Map<string, TsigKey>();
  for (const k of keys) m.set(nameKey(k.name), k);
  return (name) => m.get(nameKey(name));
}

/** Canonical (lower-case) wire form of a key name, as the MAC input uses it. */
export function canonicalNameWire(name: Labels): Buffer {
  return nameToWire(lowerLabels(name));
}
