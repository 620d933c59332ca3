// Types made of character-strings: TXT and SPF (one or more), HINFO (exactly two).

import type { RdataCodec } from './codec.js';
import { RdataError } from './fields.js';
import { quoteString, Writer } from './wire.js';

export const TXT: RdataCodec = {
  fromText(f) {
    const w = new Writer();
    if (!f.more()) throw new RdataError('missing text: TXT needs at least one string');
    let i = 0;
    while (f.more()) w.string(f.string(`string ${++i}`));
    return w.done();
  },
  toText(r) {
    const out: string[] = [];
    // An empty TXT rdata is not valid on the wire: it needs at least one string.
    if (r.left() === 0) throw new RdataError('TXT rdata is empty');
    while (r.left() > 0) out.push(quoteString(r.string()));
    return out.join(' ');
  },
};

export const HINFO: RdataCodec = {
  fromText(f) {
    const w = new Writer().string(f.string('CPU')).string(f.string('OS'));
    f.end();
    return w.done();
  },
  toText(r) {
    return `${quoteString(r.string())} ${quoteString(r.string())}`;
  },
};
