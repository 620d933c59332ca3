// Validity windows: signatures are made for aligned buckets of time, not for "now", so
// every worker and every primary with the same keys signs an RRset with the same dates.
import { fnvNameKey } from '../wire/name.js';

export interface ValidityPolicy {
  /** Seconds a signature is valid from the start of its window. */
  validity: number;
  /** Seconds between re-signings: the window length. */
  refresh: number;
  /** Seconds inception is back-dated, for validators whose clocks run late. */
  skew: number;
}

export const DEFAULT_VALIDITY: ValidityPolicy = { validity: 14 * 86400, refresh: 7 * 86400, skew: 3600 };

export interface Window {
  start: number;
  inception: number;
  expiration: number;
  /** When the next window begins (the time to have its signatures ready). */
  end: number;
}

/**
 * A deterministic offset in [0, refresh) for one RRset identity (owner key and type), so the
 * RRsets of a zone are not all re-signed in the same second, and two primaries still agree.
 */
export function jitter(identity: string, refresh: number): number {
  // FNV-1a: the offset only has to be spread and the same everywhere, not secret, and a
  // SHA-256 object per RRset was a tenth of the signing thread's main-thread time.
  return (fnvString(FNV_BASIS, identity) >>> 0) % refresh;
}

const FNV_BASIS = 0x811c9dc5;

function fnvString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * jitter(nameKey(owner) + '/' + type, refresh) for an owner in wire form (`count` labels at
 * `b[off]`), without making the name's string.
 */
export function jitterOfWire(b: Uint8Array, off: number, count: number, type: number, refresh: number): number {
  return (fnvString(fnvNameKey(FNV_BASIS, b, off, count), '/' + type) >>> 0) % refresh;
}

export function windowAt(now: number, offset: number, p: ValidityPolicy): Window {
  const start = Math.floor((now - offset) / p.refresh) * p.refresh + offset;
  return { start, inception: start - p.skew, expiration: start + p.validity, end: start + p.refresh };
}

export function checkPolicy(p: ValidityPolicy): void {
  if (!(p.refresh > 0 && p.validity > p.refresh && p.skew >= 0)) {
    throw new Error(`signature validity (${p.validity}s) must exceed the refresh interval (${p.refresh}s), both positive`);
  }
}
