// Validity windows: signatures are made for aligned buckets of time, not for "now", so
// every worker and every primary with the same keys signs an RRset with the same dates.

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
  let h = 0x811c9dc5;
  for (let i = 0; i < identity.length; i++) {
    h ^= identity.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % refresh;
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
