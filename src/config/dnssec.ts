// The per-zone `dnssec:` setting: `on`/`off`, or a mapping of signing options.
import { isMap } from 'yaml';
import type { YamlNode } from './reader.js';
import { NodeReader, child } from './reader.js';
import { parseDuration } from './duration.js';
import { DNSSEC_DEFAULTS, type DnssecConfig } from './types.js';

const KEYS = ['algorithm', 'keys', 'denial', 'nsec3-iterations', 'nsec3-salt', 'nsec3-opt-out', 'validity', 'refresh'] as const;

export function readDnssec(r: NodeReader, node: YamlNode, path: string): DnssecConfig | undefined {
  if (!isMap(node)) {
    const v = r.scalar(node, path);
    if (v === true || v === 'on' || v === 'yes') return { ...DNSSEC_DEFAULTS, nsec3: { ...DNSSEC_DEFAULTS.nsec3 } };
    if (v === false || v === 'off' || v === 'no' || v === null || v === undefined) return undefined;
    return r.fail(node, path, `must be on, off, or a mapping of signing options, got "${String(v)}"`);
  }
  const f = r.mapping(node, path, KEYS);
  if (!f) return undefined;
  const c: DnssecConfig = { ...DNSSEC_DEFAULTS, nsec3: { ...DNSSEC_DEFAULTS.nsec3 } };
  if (f.has('algorithm')) {
    const a = r.scalar(f.get('algorithm'), child(path, 'algorithm'));
    const names: Record<string, 8 | 13 | 15> = { '8': 8, '13': 13, '15': 15, rsasha256: 8, ecdsap256sha256: 13, ed25519: 15 };
    const alg = names[String(a).toLowerCase()];
    if (alg === undefined) r.fail(f.get('algorithm'), child(path, 'algorithm'), `must be 13 (ECDSAP256SHA256), 15 (ED25519) or 8 (RSASHA256), got ${String(a)}`);
    else c.algorithm = alg;
  }
  if (f.has('keys')) {
    const k = r.string(f.get('keys'), child(path, 'keys'));
    if (k === 'csk' || k === 'ksk+zsk') c.split = k === 'ksk+zsk';
    else if (k !== undefined) r.fail(f.get('keys'), child(path, 'keys'), `must be "csk" or "ksk+zsk", got "${k}"`);
  }
  if (f.has('denial')) {
    const d = r.string(f.get('denial'), child(path, 'denial'));
    if (d === 'nsec' || d === 'nsec3' || d === 'compact') c.denial = d;
    else if (d !== undefined) r.fail(f.get('denial'), child(path, 'denial'), `must be "nsec", "nsec3" or "compact", got "${d}"`);
  }
  if (f.has('nsec3-iterations')) {
    // RFC 9276 §3.1: more than 0 extra iterations only costs; validators may refuse above 100.
    c.nsec3.iterations = r.integer(f.get('nsec3-iterations'), child(path, 'nsec3-iterations'), 0, 100) ?? 0;
  }
  if (f.has('nsec3-salt')) {
    const s = r.string(f.get('nsec3-salt'), child(path, 'nsec3-salt'));
    if (s !== undefined && s !== '-' && s !== '') {
      if (!/^(?:[0-9a-fA-F]{2}){1,255}$/.test(s)) r.fail(f.get('nsec3-salt'), child(path, 'nsec3-salt'), 'must be hex digits, or "-" for none');
      else c.nsec3.salt = Buffer.from(s, 'hex');
    }
  }
  if (f.has('nsec3-opt-out')) c.nsec3.optOut = r.boolean(f.get('nsec3-opt-out'), child(path, 'nsec3-opt-out')) ?? false;
  for (const k of ['validity', 'refresh'] as const) {
    if (!f.has(k)) continue;
    try {
      c[k] = Math.round(parseDuration(r.scalar(f.get(k), child(path, k))) / 1000);
    } catch (err) {
      r.fail(f.get(k), child(path, k), (err as Error).message);
    }
  }
  if (c.validity <= c.refresh) r.fail(node, path, `validity (${c.validity}s) must be longer than refresh (${c.refresh}s)`);
  return c;
}
