// Service-location types: SRV, NAPTR, URI, and CAA (a policy record, same shape of problem).

import type { RdataCodec } from './codec.js';
import { decodeString, RdataError } from './fields.js';
import { quoteString, Writer } from './wire.js';

export const SRV: RdataCodec = {
  fromText(f) {
    const w = new Writer()
      .u16(f.int('priority', 0xffff))
      .u16(f.int('weight', 0xffff))
      .u16(f.int('port', 0xffff))
      .name(f.name('target'));
    f.end();
    return w.done();
  },
  toText(r) {
    return `${r.u16()} ${r.u16()} ${r.u16()} ${r.nameText()}`;
  },
};

export const NAPTR: RdataCodec = {
  fromText(f) {
    const w = new Writer()
      .u16(f.int('order', 0xffff))
      .u16(f.int('preference', 0xffff))
      .string(f.string('flags'))
      .string(f.string('services'))
      .string(f.string('regexp'))
      .name(f.name('replacement'));
    f.end();
    return w.done();
  },
  toText(r) {
    const head = `${r.u16()} ${r.u16()}`;
    const strs = [r.string(), r.string(), r.string()].map(quoteString).join(' ');
    return `${head} ${strs} ${r.nameText()}`;
  },
};

export const URI: RdataCodec = {
  fromText(f) {
    const w = new Writer().u16(f.int('priority', 0xffff)).u16(f.int('weight', 0xffff));
    const t = f.next('target');
    // RFC 7553 §4.5: the target is a quoted string; it is not length-prefixed on the wire.
    if (!t.quoted) throw new RdataError(`URI target must be a quoted string, got ${t.text}`);
    const target = decodeString(t.text);
    if (target.length === 0) throw new RdataError('URI target is empty');
    f.end();
    return w.bytes(target).done();
  },
  toText(r) {
    const head = `${r.u16()} ${r.u16()}`;
    const target = r.rest();
    if (target.length === 0) throw new RdataError('URI target is empty');
    return `${head} ${quoteString(target)}`;
  },
};

export const CAA: RdataCodec = {
  fromText(f) {
    const flags = f.int('flags', 255);
    const tag = f.word('tag');
    // RFC 8659 §4.1: the tag is letters and digits only, at most 255 of them.
    if (!/^[A-Za-z0-9]{1,255}$/.test(tag)) throw new RdataError(`bad CAA tag "${tag}": letters and digits only`);
    const value = decodeString(f.word('value'));
    f.end();
    return new Writer().u8(flags).u8(tag.length).bytes(Buffer.from(tag, 'latin1')).bytes(value).done();
  },
  toText(r) {
    const flags = r.u8();
    const tag = r.bytes(r.u8());
    if (tag.length === 0) throw new RdataError('CAA tag is empty');
    return `${flags} ${tag.toString('latin1')} ${quoteString(r.rest())}`;
  },
};
