// Domain names. A name is held as its labels, most specific first, root label omitted,
// bytes exactly as written (case kept). Lookups use a key: the lower-cased presentation
// form with a trailing dot, produced only by nameKey() so every path agrees on it.

export type Labels = Buffer[];

export const MAX_NAME_WIRE = 255;
export const MAX_LABEL = 63;

const LOWER = new Uint8Array(256);
for (let i = 0; i < 256; i++) LOWER[i] = i >= 0x41 && i <= 0x5a ? i + 32 : i;

export function lowerByte(b: number): number {
  return LOWER[b];
}

// Bytes that print as themselves in a label: visible ASCII but for . \ " ( ) ; @ $.
const PLAIN = new Uint8Array(256);
for (let c = 0x21; c < 0x7f; c++) PLAIN[c] = 1;
for (const c of '.\\"();@$') PLAIN[c.charCodeAt(0)] = 0;

function escapeLabel(label: Buffer, lower: boolean): string {
  // Nearly every label needs no escape: one native conversion instead of a string per byte.
  let plain = true;
  for (let i = 0; i < label.length; i++) {
    if (PLAIN[label[i]] === 0) {
      plain = false;
      break;
    }
  }
  if (plain) return lower ? label.toString('latin1').toLowerCase() : label.toString('latin1');
  let out = '';
  for (let i = 0; i < label.length; i++) {
    let c = label[i];
    if (lower) c = LOWER[c];
    if (c === 0x2e || c === 0x5c || c === 0x22 || c === 0x28 || c === 0x29 || c === 0x3b || c === 0x40 || c === 0x24) {
      out += '\\' + String.fromCharCode(c);
    } else if (c <= 0x20 || c >= 0x7f) {
      out += '\\' + String(c).padStart(3, '0');
    } else {
      out += String.fromCharCode(c);
    }
  }
  return out;
}

const FNV_PRIME = 0x01000193;

/**
 * FNV-1a (32-bit), continued from `h`, over the characters nameKey() makes of the `count`
 * wire-form labels at `b[off]` (length byte, bytes, ...; no root byte): the same number as
 * hashing the string, without making it (a signing thread does this per RRset).
 */
export function fnvNameKey(h: number, b: Uint8Array, off: number, count: number): number {
  const step = (c: number): void => { h = Math.imul(h ^ c, FNV_PRIME); };
  if (count === 0) step(0x2e);
  for (let l = 0; l < count; l++) {
    const end = off + 1 + b[off];
    for (let i = off + 1; i < end; i++) {
      const c = LOWER[b[i]];
      if (PLAIN[c]) step(c);
      else if (c > 0x20 && c < 0x7f) { step(0x5c); step(c); } // . \ " ( ) ; @ $
      else { step(0x5c); step(0x30 + Math.floor(c / 100)); step(0x30 + (Math.floor(c / 10) % 10)); step(0x30 + (c % 10)); }
    }
    step(0x2e);
    off = end;
  }
  return h;
}

/** Lower-cased presentation form with a trailing dot; the root is ".". */
export function nameKey(labels: Labels): string {
  if (labels.length === 0) return '.';
  // Decoded once from the key scratch (adding up label strings made ~450 bytes of garbage
  // per call, a seventh of a zone load's).
  const o = plainKey(labels);
  return o < 0 ? escapedKey(labels) : keyScratch.toString('latin1', 0, o);
}

/**
 * Nearly every name needs no escape: its key is its lower-cased bytes with dots. Writes
 * that to the key scratch and returns its length, with where each label starts in `starts`
 * if given; -1 for a name that needs escapes.
 */
function plainKey(labels: Labels, starts?: number[]): number {
  let o = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (o + l.length + 1 > keyScratch.length) return -1;
    if (starts) starts[i] = o;
    for (let j = 0; j < l.length; j++) {
      const c = l[j];
      if (PLAIN[c] === 0) return -1;
      keyScratch[o++] = LOWER[c];
    }
    keyScratch[o++] = 0x2e;
  }
  return o;
}

function escapedKey(labels: Labels): string {
  let s = '';
  for (const l of labels) s += escapeLabel(l, true) + '.';
  return s;
}

/** Presentation form with case kept and a trailing dot. */
export function nameToText(labels: Labels): string {
  if (labels.length === 0) return '.';
  let s = '';
  for (const l of labels) s += escapeLabel(l, false) + '.';
  return s;
}

export function wireLength(labels: Labels): number {
  let n = 1;
  for (const l of labels) n += l.length + 1;
  return n;
}

export function nameToWire(labels: Labels): Buffer {
  const out = Buffer.allocUnsafe(wireLength(labels));
  let o = 0;
  for (const l of labels) {
    out[o++] = l.length;
    l.copy(out, o);
    o += l.length;
  }
  out[o] = 0;
  return out;
}

export function lowerLabels(labels: Labels): Labels {
  return labels.map((l) => {
    const c = Buffer.allocUnsafe(l.length);
    for (let i = 0; i < l.length; i++) c[i] = LOWER[l[i]];
    return c;
  });
}

function compareLabel(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = LOWER[a[i]] - LOWER[b[i]];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** RFC 4034 §6.1 canonical order: compare label by label from the root, case-insensitively. */
export function canonicalCompare(a: Labels, b: Labels): number {
  let i = a.length - 1;
  let j = b.length - 1;
  while (i >= 0 && j >= 0) {
    const d = compareLabel(a[i], b[j]);
    if (d !== 0) return d;
    i--;
    j--;
  }
  return (i + 1) - (j + 1);
}

/** Symbols of the canonical order kept per name by sortCanonical: six in each of two doubles. */
const PREFIX_SYMBOLS = 12;

/**
 * `items` sorted by canonicalCompare of their labels (a new array). Each name first gets a
 * numeric prefix of its canonical form: the first twelve bytes below the labels all names
 * share, lower-cased, each plus one, with 0 after each label and as padding (a byte of 0xfe
 * or more ends it). A smaller prefix means a smaller name, so only names with equal prefixes
 * are compared in full: 154k zone nodes sort in 85 ms instead of 125 with the comparator.
 */
export function sortCanonical<T extends { readonly labels: Labels }>(items: readonly T[]): T[] {
  const n = items.length;
  if (n < 2) return items.slice();
  const shared = sharedSuffix(items);
  const hi = new Float64Array(n);
  const lo = new Float64Array(n);
  const sym = new Uint8Array(PREFIX_SYMBOLS);
  for (let k = 0; k < n; k++) {
    const labels = items[k].labels;
    sym.fill(0);
    let at = 0;
    for (let i = labels.length - 1 - shared; i >= 0 && at < PREFIX_SYMBOLS; i--) {
      const l = labels[i];
      for (let j = 0; j < l.length && at < PREFIX_SYMBOLS; j++) {
        const v = LOWER[l[j]];
        if (v >= 0xfe) {
          // 0xfe and 0xff both become 255, so nothing after them may count: the prefix ends.
          sym[at] = 255;
          at = PREFIX_SYMBOLS;
        } else {
          sym[at++] = v + 1;
        }
      }
      at++; // the 0 that ends a label
    }
    let h = 0;
    let w = 0;
    for (let j = 0; j < 6; j++) h = h * 256 + sym[j];
    for (let j = 6; j < 12; j++) w = w * 256 + sym[j];
    hi[k] = h;
    lo[k] = w;
  }
  const order = new Array<number>(n);
  for (let k = 0; k < n; k++) order[k] = k;
  order.sort((a, b) => hi[a] - hi[b] || lo[a] - lo[b] || canonicalCompare(items[a].labels, items[b].labels));
  const out = new Array<T>(n);
  for (let k = 0; k < n; k++) out[k] = items[order[k]];
  return out;
}

/** How many trailing labels every item has, equal (case aside) to the first item's. */
function sharedSuffix(items: readonly { readonly labels: Labels }[]): number {
  const first = items[0].labels;
  let shared = first.length;
  for (let k = 1; k < items.length && shared > 0; k++) {
    const labels = items[k].labels;
    let s = 0;
    while (s < shared && s < labels.length && compareLabel(labels[labels.length - 1 - s], first[first.length - 1 - s]) === 0) s++;
    shared = s;
  }
  return shared;
}

export function labelsEqual(a: Labels, b: Labels): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (compareLabel(a[i], b[i]) !== 0) return false;
  return true;
}

/** True when `name` equals `suffix` or lies below it. */
export function isSubdomain(name: Labels, suffix: Labels): boolean {
  if (suffix.length > name.length) return false;
  const off = name.length - suffix.length;
  for (let i = 0; i < suffix.length; i++) if (compareLabel(name[off + i], suffix[i]) !== 0) return false;
  return true;
}

/** Presentation text (absolute, or relative to `origin`) to labels. Throws on bad syntax. */
export function parseName(text: string, origin?: Labels): Labels {
  if (text === '@') {
    if (!origin) throw new Error('"@" used with no origin');
    return origin.slice();
  }
  if (text === '.') return [];
  const labels: Labels = [];
  let absolute = false;
  if (plainText(text)) {
    // No escapes: the labels are views of one buffer (a number array and a Buffer per label
    // were a ninth of a zone load's garbage).
    const raw = Buffer.from(text, 'latin1');
    let start = 0;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] !== 0x2e) continue;
      if (i === start) throw new Error(`empty label in name "${text}"`);
      labels.push(raw.subarray(start, i));
      start = i + 1;
    }
    if (start < raw.length) labels.push(raw.subarray(start));
    else absolute = true;
    return finishName(labels, absolute, text, origin);
  }
  let cur: number[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5c) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0x30 && next <= 0x39) {
        const d = text.slice(i + 1, i + 4);
        if (!/^\d{3}$/.test(d)) throw new Error(`bad escape "\\${d}" in name "${text}"`);
        const v = Number(d);
        if (v > 255) throw new Error(`escape "\\${d}" out of range in name "${text}"`);
        cur.push(v);
        i += 4;
      } else if (i + 1 < text.length) {
        cur.push(next);
        i += 2;
      } else {
        throw new Error(`trailing backslash in name "${text}"`);
      }
      continue;
    }
    if (ch === 0x2e) {
      if (cur.length === 0) throw new Error(`empty label in name "${text}"`);
      labels.push(Buffer.from(cur));
      cur = [];
      i++;
      if (i === text.length) absolute = true;
      continue;
    }
    if (ch > 0xff) throw new Error(`non-ASCII character in name "${text}"`);
    cur.push(ch);
    i++;
  }
  if (cur.length) labels.push(Buffer.from(cur));
  return finishName(labels, absolute, text, origin);
}

/** No backslash and nothing beyond one byte a character. */
function plainText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c || c > 0xff) return false;
  }
  return true;
}

function finishName(labels: Labels, absolute: boolean, text: string, origin: Labels | undefined): Labels {
  for (const l of labels) if (l.length > MAX_LABEL) throw new Error(`label longer than 63 octets in name "${text}"`);
  const full = absolute ? labels : origin ? labels.concat(origin) : labels;
  if (!absolute && !origin) throw new Error(`relative name "${text}" with no origin`);
  if (wireLength(full) > MAX_NAME_WIRE) throw new Error(`name longer than 255 octets: "${text}"`);
  return full;
}

export class NameError extends Error {}

/**
 * Reads a possibly compressed name from a message. Returns the labels and the offset just
 * past the name in the original position. Throws NameError on loops, bad pointers or overlong names.
 */
export function readName(msg: Buffer, offset: number): { labels: Labels; end: number } {
  const labels: Labels = [];
  let pos = offset;
  let end = -1;
  let total = 1;
  let jumps = 0;
  for (;;) {
    if (pos >= msg.length) throw new NameError('name runs past the end of the message');
    const len = msg[pos];
    if (len === 0) {
      if (end < 0) end = pos + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= msg.length) throw new NameError('truncated compression pointer');
      const ptr = ((len & 0x3f) << 8) | msg[pos + 1];
      if (end < 0) end = pos + 2;
      // A pointer must point backwards; that alone rules out loops.
      if (ptr >= pos || ++jumps > 127) throw new NameError('compression pointer loop or forward pointer');
      pos = ptr;
      continue;
    }
    if (kind !== 0) throw new NameError('unsupported label type');
    total += len + 1;
    if (total > MAX_NAME_WIRE) throw new NameError('name longer than 255 octets');
    if (pos + 1 + len > msg.length) throw new NameError('label runs past the end of the message');
    labels.push(msg.subarray(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return { labels, end };
}

const keyScratch = Buffer.allocUnsafe(MAX_NAME_WIRE + 1);

/** keys[i] is the key of `labels` without its first i labels; keys[labels.length] is ".". */
export function suffixKeys(labels: Labels): string[] {
  const n = labels.length;
  const keys: string[] = new Array(n + 1);
  keys[n] = '.';
  if (n === 0) return keys;
  // One flat string whose suffixes are slices (a key built by concatenation is flattened
  // again by every Map lookup).
  const starts = new Array<number>(n);
  const o = plainKey(labels, starts);
  if (o < 0) return escapedSuffixKeys(labels, keys);
  const full = keyScratch.toString('latin1', 0, o);
  keys[0] = full;
  for (let i = 1; i < n; i++) keys[i] = full.slice(starts[i]);
  return keys;
}

function escapedSuffixKeys(labels: Labels, keys: string[]): string[] {
  let s = '';
  for (let i = labels.length - 1; i >= 0; i--) {
    s = escapeLabel(labels[i], true) + '.' + s;
    keys[i] = s;
  }
  return keys;
}

/**
 * A string whose code-unit order is RFC 4034 §6.1 canonical order: labels from the root,
 * each byte lower-cased and stored as byte + 1, each label closed by 0. A label that is a
 * prefix of another therefore sorts first, and a name before the names below it. Binary
 * searches over many names compare these natively instead of label by label.
 */
export function canonicalSortKey(labels: Labels): string {
  // Nearly always every code fits a byte (only 0xff becomes 256): one latin1 decode of a
  // scratch buffer instead of an array of numbers and a call with them all as arguments.
  let o = 0;
  for (let i = labels.length - 1; i >= 0; i--) {
    const l = labels[i];
    for (let j = 0; j < l.length; j++) {
      const c = LOWER[l[j]] + 1;
      if (c > 0xff) return wideSortKey(labels);
      sortScratch[o++] = c;
    }
    sortScratch[o++] = 0;
  }
  return sortScratch.toString('latin1', 0, o);
}

const sortScratch = Buffer.allocUnsafe(MAX_NAME_WIRE + 1);

function wideSortKey(labels: Labels): string {
  const codes: number[] = [];
  for (let i = labels.length - 1; i >= 0; i--) {
    const l = labels[i];
    for (let j = 0; j < l.length; j++) codes.push(LOWER[l[j]] + 1);
    codes.push(0);
  }
  return String.fromCharCode.apply(null, codes);
}
