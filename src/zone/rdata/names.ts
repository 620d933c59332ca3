// Types whose rdata is names, optionally after a 16-bit preference, and SOA.

import type { RdataCodec } from './codec.js';
import { Writer } from './wire.js';

/** NS, CNAME, DNAME, PTR: one name. */
export function singleName(what: string): RdataCodec {
  return {
    fromText(f) {
      const n = f.name(what);
      f.end();
      return new Writer().name(n).done();
    },
    toText(r) {
      return r.nameText();
    },
  };
}

/** MX, AFSDB, KX: a 16-bit number then a name. */
export function numberAndName(num: string, what: string): RdataCodec {
  return {
    fromText(f) {
      const w = new Writer().u16(f.int(num, 0xffff)).name(f.name(what));
      f.end();
      return w.done();
    },
    toText(r) {
      return `${r.u16()} ${r.nameText()}`;
    },
  };
}

export const RP: RdataCodec = {
  fromText(f) {
    const w = new Writer().name(f.name('mailbox name')).name(f.name('TXT record name'));
    f.end();
    return w.done();
  },
  toText(r) {
    return `${r.nameText()} ${r.nameText()}`;
  },
};

export const SOA: RdataCodec = {
  fromText(f) {
    const w = new Writer().name(f.name('primary server name')).name(f.name('responsible mailbox'));
    w.u32(f.int('serial', 0xffffffff));
    for (const t of ['refresh', 'retry', 'expire', 'minimum']) w.u32(f.duration(t));
    f.end();
    return w.done();
  },
  toText(r) {
    const parts = [r.nameText(), r.nameText()];
    for (let i = 0; i < 5; i++) parts.push(String(r.u32()));
    return parts.join(' ');
  },
};
