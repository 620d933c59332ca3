// SOA serials as secondaries compare them (RFC 1982 serial arithmetic), and the policies
// that choose the served serial of each new zone version.

export type SerialPolicy = 'keep' | 'increment' | 'unixtime' | 'dateserial';
export const SERIAL_POLICIES: readonly SerialPolicy[] = ['keep', 'increment', 'unixtime', 'dateserial'];

/** RFC 1982: true when a is after b. */
export function serialGt(a: number, b: number): boolean {
  const d = (a - b) >>> 0;
  return d !== 0 && d < 0x80000000;
}

/** The later of two serials (RFC 1982); a when they are equal. */
export function serialMax(a: number, b: number): number {
  return serialGt(b, a) ? b : a;
}

export function serialAdd(s: number, n: number): number {
  return (s + n) >>> 0;
}

/**
 * The serial of a new version. `file` is the zone file's serial, `last` the serial served
 * before (undefined on a first start), `now` seconds since the epoch (the signing epoch for
 * signature refreshes, so that two primaries with the same clock choose alike). Never goes
 * backwards from `last`, and never below the file's own serial.
 */
export function nextSerial(policy: SerialPolicy, file: number, last: number | undefined, now: number): number {
  if (policy === 'keep') return file;
  let candidate: number;
  if (policy === 'unixtime') candidate = now >>> 0;
  else if (policy === 'dateserial') {
    const d = new Date(now * 1000);
    candidate = (d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate()) * 100;
  } else candidate = file;
  candidate = serialMax(candidate, file);
  return last === undefined ? candidate : serialMax(candidate, serialAdd(last, 1));
}
