import type { Labels } from '../wire/name.js';

/** One resource record as read from a master file, rdata already in wire form. */
export interface ZoneRecord {
  owner: Labels;
  type: number;
  class: number;
  ttl: number;
  /** Uncompressed wire-form rdata, names with their case as written. */
  rdata: Buffer;
  file: string;
  line: number;
}

/** A problem in a zone file, always tied to the file and line it came from. */
export class ZoneError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'ZoneError';
  }
}
