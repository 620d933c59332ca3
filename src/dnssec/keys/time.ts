// Times as BIND's key files write them: YYYYMMDDHHMMSS in UTC, and a readable form beside it.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** `20261126073640` → Date; undefined when the text is not such a time. */
export function parseKeyTime(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return t;
}

export function formatKeyTime(t: Date): string {
  return `${t.getUTCFullYear()}${p2(t.getUTCMonth() + 1)}${p2(t.getUTCDate())}${p2(t.getUTCHours())}${p2(t.getUTCMinutes())}${p2(t.getUTCSeconds())}`;
}

/** ctime(3) layout in UTC, e.g. `Thu Nov 26 07:36:40 2026`, as in BIND's comments. */
export function formatReadableTime(t: Date): string {
  const day = String(t.getUTCDate()).padStart(2, ' ');
  return `${DAYS[t.getUTCDay()]} ${MONTHS[t.getUTCMonth()]} ${day} ${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())} ${t.getUTCFullYear()}`;
}

/** Whole seconds: key files cannot hold more, and a written key should read back equal. */
export function wholeSeconds(t: Date): Date {
  return new Date(Math.floor(t.getTime() / 1000) * 1000);
}
