const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `500ms`, `10s`, `2m`, `1h`, `14d`, `1w`, or a plain number of seconds, to milliseconds. */
export function parseDuration(value: unknown): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`must be a positive number of seconds, got ${value}`);
    return Math.round(value * 1000);
  }
  if (typeof value !== 'string') throw new Error('must be a duration such as 10s, 500ms or a number of seconds');
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/.exec(value.trim());
  if (!m) throw new Error(`"${value}" is not a duration such as 10s, 500ms or 2m`);
  const ms = Math.round(Number(m[1]) * UNITS[m[2] ?? 's']);
  if (ms <= 0) throw new Error(`"${value}" must be longer than 0`);
  return ms;
}
