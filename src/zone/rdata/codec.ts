import type { Fields } from './fields.js';
import type { Reader } from './wire.js';

/** Text ↔ wire for one rdata type. toText reads from r; the caller checks nothing is left over. */
export interface RdataCodec {
  fromText(f: Fields): Buffer;
  toText(r: Reader): string;
}
