// SVCB and HTTPS (RFC 9460): priority, target, then SvcParams sorted by key on the wire.

import { ipv4Text, ipv4ToBytes, ipv6Text, ipv6ToBytes } from './address.js';
import type { RdataCodec } from './codec.js';
import { base64ToBytes, decodeString, RdataError } from './fields.js';
import { quoteString, Reader, Writer } from './wire.js';

const KEYS = ['mandatory', 'alpn', 'no-default-alpn', 'port', 'ipv4hint', 'ech', 'ipv6hint', 'dohpath', 'ohttp'];

function keyFromText(t: string): number {
  const i = KEYS.indexOf(t.toLowerCase());
  if (i >= 0) return i;
  const m = /^key(\d{1,5})$/i.exec(t);
  // key65535 is the reserved "invalid key" (RFC 9460 §14.3.2).
  if (m && Number(m[1]) < 65535) return Number(m[1]);
  throw new RdataError(`unknown SvcParam key "${t}"`);
}

const keyText = (k: number) => KEYS[k] ?? `key${k}`;

/** RFC 9460 Appendix A.1: a comma-separated list in which "\," is a literal comma. */
function valueList(v: Buffer, what: string): Buffer[] {
  const items: Buffer[] = [];
  let cur: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === 0x5c && i + 1 < v.length) cur.push(v[++i]);
    else if (v[i] === 0x2c) {
      items.push(Buffer.from(cur));
      cur = [];
    } else cur.push(v[i]);
  }
  items.push(Buffer.from(cur));
  if (items.some((x) => x.length === 0)) throw new RdataError(`empty item in ${what} list`);
  return items;
}

function needValue(key: string, v: Buffer | undefined): Buffer {
  if (v === undefined || v.length === 0) throw new RdataError(`SvcParam ${key} needs a value`);
  return v;
}

function encodeParam(key: number, name: string, v: Buffer | undefined): Buffer {
  const w = new Writer();
  const text = () => needValue(name, v).toString('latin1');
  switch (key) {
    case 0: {
      const keys = valueList(needValue(name, v), name).map((k) => keyFromText(k.toString('latin1')));
      keys.sort((a, b) => a - b);
      for (let i = 0; i < keys.length; i++) {
        if (keys[i] === 0) throw new RdataError('mandatory must not list itself');
        if (i > 0 && keys[i] === keys[i - 1]) throw new RdataError(`mandatory lists ${keyText(keys[i])} twice`);
        w.u16(keys[i]);
      }
      break;
    }
    case 1:
      for (const id of valueList(needValue(name, v), name)) {
        if (id.length > 255) throw new RdataError('alpn id longer than 255 octets');
        w.string(id);
      }
      break;
    case 2:
    case 8:
      if (v !== undefined) throw new RdataError(`SvcParam ${name} takes no value`);
      break;
    case 3: {
      const t = text();
      if (!/^\d+$/.test(t) || Number(t) > 0xffff) throw new RdataError(`bad port "${t}"`);
      w.u16(Number(t));
      break;
    }
    case 4:
      for (const a of text().split(',')) w.bytes(ipv4ToBytes(a));
      break;
    case 5:
      w.bytes(base64ToBytes(text(), 'ech'));
      break;
    case 6:
      for (const a of text().split(',')) w.bytes(ipv6ToBytes(a));
      break;
    default:
      if (v) w.bytes(v);
  }
  return w.done();
}

export const SVCB: RdataCodec = {
  fromText(f) {
    const w = new Writer().u16(f.int('priority', 0xffff)).name(f.name('target name'));
    const params = new Map<number, Buffer>();
    for (const t of f.rest()) {
      const eq = t.text.indexOf('=');
      const keyName = eq < 0 ? t.text : t.text.slice(0, eq);
      const key = keyFromText(keyName);
      if (params.has(key)) throw new RdataError(`SvcParam ${keyName} given twice`);
      let raw = eq < 0 ? undefined : t.text.slice(eq + 1);
      if (raw !== undefined && raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
      params.set(key, encodeParam(key, keyName, raw === undefined ? undefined : decodeString(raw)));
    }
    const mandatory = params.get(0);
    if (mandatory) {
      for (let i = 0; i < mandatory.length; i += 2) {
        const k = mandatory.readUInt16BE(i);
        if (!params.has(k)) throw new RdataError(`mandatory lists ${keyText(k)}, which is not present`);
      }
    }
    for (const k of [...params.keys()].sort((a, b) => a - b)) {
      const v = params.get(k)!;
      w.u16(k).u16(v.length).bytes(v);
    }
    return w.done();
  },
  toText(r) {
    const out = [String(r.u16()), r.nameText()];
    let last = -1;
    while (r.left() > 0) {
      const key = r.u16();
      if (key <= last) throw new RdataError('SvcParams not in strictly increasing key order');
      last = key;
      out.push(paramText(key, new Reader(r.bytes(r.u16()))));
    }
    return out.join(' ');
  },
};

function listText(items: Buffer[]): string {
  // Commas and backslashes inside an item are escaped twice: once for the list, once for the string.
  return quoteString(Buffer.concat(items.flatMap((x, i) => {
    const esc = Buffer.from(x.toString('latin1').replace(/[\\,]/g, (c) => '\\' + c), 'latin1');
    return i ? [Buffer.from(','), esc] : [esc];
  })));
}

function paramText(key: number, r: Reader): string {
  const name = keyText(key);
  const list = (size: number, fmt: (b: Buffer) => string) => {
    const items: string[] = [];
    if (r.left() === 0 || r.left() % size) throw new RdataError(`bad ${name} length`);
    while (r.left() > 0) items.push(fmt(r.bytes(size)));
    return `${name}=${items.join(',')}`;
  };
  switch (key) {
    case 0: {
      const keys: string[] = [];
      if (r.left() === 0 || r.left() % 2) throw new RdataError('bad mandatory length');
      while (r.left() > 0) keys.push(keyText(r.u16()));
      return `${name}=${keys.join(',')}`;
    }
    case 1: {
      const ids: Buffer[] = [];
      while (r.left() > 0) ids.push(r.string());
      if (ids.length === 0) throw new RdataError('alpn is empty');
      return `${name}=${listText(ids)}`;
    }
    case 2:
    case 8:
      if (r.left() !== 0) throw new RdataError(`${name} has a value`);
      return name;
    case 3: {
      const port = r.u16();
      r.end();
      return `${name}=${port}`;
    }
    case 4:
      return list(4, ipv4Text);
    case 5:
      return `${name}=${r.rest().toString('base64')}`;
    case 6:
      return list(16, ipv6Text);
    default:
      return r.left() === 0 ? name : `${name}=${quoteString(r.rest())}`;
  }
}
