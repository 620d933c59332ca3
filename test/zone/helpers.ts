import { expect } from 'vitest';
import { typeFromText } from '../../src/wire/constants.js';
import { parseName } from '../../src/wire/name.js';
import { parseMasterText } from '../../src/zone/masterfile.js';
import { rdataToText } from '../../src/zone/rdata/index.js';

export const ORIGIN = parseName('example.com.');

/** Parses one record "TYPE rdata" owned by x.example.com. and returns its rdata as hex. */
export function wire(rr: string): string {
  const r = parseMasterText(`x 300 IN ${rr}\n`, 't.zone', ORIGIN);
  expect(r.errors.map((e) => e.message)).toEqual([]);
  expect(r.records).toHaveLength(1);
  return r.records[0].rdata.toString('hex');
}

/** The reason given for one bad record "TYPE rdata". */
export function reason(rr: string): string {
  const r = parseMasterText(`x 300 IN ${rr}\n`, 't.zone', ORIGIN);
  expect(r.records).toHaveLength(0);
  expect(r.errors).toHaveLength(1);
  expect(r.errors[0].file).toBe('t.zone');
  expect(r.errors[0].line).toBe(1);
  return r.errors[0].reason;
}

/** Text → wire → text, then that text → wire again must give the same octets. */
export function roundTrip(rr: string): string {
  const type = typeFromText(rr.split(/\s+/)[0])!;
  const first = wire(rr);
  const text = rdataToText(type, Buffer.from(first, 'hex'));
  expect(wire(`${rr.split(/\s+/)[0]} ${text}`)).toBe(first);
  return text;
}
