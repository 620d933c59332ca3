// RFC 1035 §5 master files: tokenizer, $ORIGIN/$TTL/$INCLUDE, and record assembly, with
// rdata encoded to wire form as each record is read. Bad content never throws: every
// problem becomes a ZoneError naming file and line, and parsing carries on.
//
// Default TTL for a record without one, in this order (RFC 2308 §4 / RFC 1035 §5.1):
//   the $TTL in force; else the TTL of the previous record; else opts.defaultTtl;
//   else, for the SOA only, its MINIMUM field (what BIND does; records after the SOA
//   then inherit it as "the previous record"); else an error.
// $INCLUDE starts the included file with the includer's origin (or the one given), $TTL,
// owner, TTL and class; whatever the included file changes does not flow back.

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Class, classFromText, classToText, Type, typeFromText, typeToText } from '../wire/constants.js';
import { parseName, type Labels } from '../wire/name.js';
import { MAX_TTL, parseDuration, RdataError, rdataFromText, type Token } from './rdata/index.js';
import { ZoneError, type ZoneRecord } from './record.js';

export interface ParseResult {
  records: ZoneRecord[];
  errors: ZoneError[];
}

interface Entry {
  line: number;
  /** The entry began with whitespace: its owner is the previous record's. */
  indented: boolean;
  tokens: Token[];
  error?: { line: number; reason: string };
}

/** Splits text into entries: one per line, or several lines joined by parentheses. */
function* tokenize(text: string): Generator<Entry> {
  let line = 1;
  let entry: Entry = { line: 1, indented: false, tokens: [] };
  // A word is always one run of the text (escapes and quotes inside it as written), so it is
  // sliced once when it ends: adding it up a character at a time made ~1 GB of garbage
  // strings for a 15 MB zone, a quarter of the load's time in the garbage collector.
  let wordStart = -1;
  let depth = 0;
  let openedAt = 0;
  let atLineStart = true;
  const fail = (reason: string) => {
    entry.error ??= { line, reason };
  };
  const endWord = (at: number) => {
    if (wordStart >= 0) entry.tokens.push({ text: text.slice(wordStart, at), quoted: false });
    wordStart = -1;
  };
  /** Reads a quoted run starting after `"`; returns the raw content and the index of the closing quote. */
  const quoted = (i: number): [string, number] => {
    let j = i;
    while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' && text[j + 1] !== '\n' ? 2 : 1;
    if (text[j] !== '"') fail('unterminated quoted string');
    return [text.slice(i, Math.min(j, text.length)), text[j] === '"' ? j : j - 1];
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (atLineStart) {
      atLineStart = false;
      if (depth === 0 && entry.tokens.length === 0 && !entry.error) {
        entry.line = line;
        entry.indented = c === ' ' || c === '\t';
      }
    }
    if (c === '\n') {
      endWord(i);
      if (depth === 0) {
        if (entry.tokens.length || entry.error) yield entry;
        entry = { line: line + 1, indented: false, tokens: [] };
      }
      line++;
      atLineStart = true;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord(i);
    } else if (c === ';') {
      endWord(i);
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '(') {
      endWord(i);
      if (depth > 0) fail('nested "(" inside parentheses');
      else openedAt = line;
      depth++;
    } else if (c === ')') {
      endWord(i);
      if (depth === 0) fail('")" without a matching "("');
      else depth--;
    } else if (c === '"') {
      const [content, close] = quoted(i + 1);
      if (wordStart < 0) entry.tokens.push({ text: content, quoted: true });
      // A quote inside a word (alpn="h2,h3") stays part of the word, quotes and all.
      i = close;
    } else if (c === '\\') {
      if (i + 1 >= text.length || text[i + 1] === '\n') {
        fail('backslash at end of line');
      } else {
        if (wordStart < 0) wordStart = i;
        i++;
      }
    } else if (wordStart < 0) {
      wordStart = i;
    }
  }
  endWord(text.length);
  if (depth > 0) {
    entry.error ??= { line: openedAt, reason: '"(" opened here is never closed' };
  }
  if (entry.tokens.length || entry.error) yield entry;
}

// Types that only exist in messages, never as zone data.
const META_TYPES = new Set<number>([0, Type.OPT, Type.NXNAME, Type.TKEY, Type.TSIG, Type.IXFR, Type.AXFR, Type.MAILB, Type.MAILA, Type.ANY]);
const MAX_INCLUDE_DEPTH = 16;

interface FileState {
  file: string;
  dir: string;
  origin: Labels;
  ttlDirective?: number;
  lastOwner?: Labels;
  /** The owner as written and the origin it was read against, so a repeated owner is shared. */
  lastOwnerText?: string;
  lastOwnerOrigin?: Labels;
  lastTtl?: number;
  lastClass?: number;
  /** Resolved paths of the files including this one, for loop detection. */
  chain: string[];
}

class Parser {
  readonly records: ZoneRecord[] = [];
  readonly errors: ZoneError[] = [];
  constructor(
    private readonly defaultTtl: number | undefined,
    private readonly sink?: (r: ZoneRecord) => void,
  ) {}

  parseText(text: string, st: FileState): void {
    for (const e of tokenize(text)) {
      if (e.error) {
        this.errors.push(new ZoneError(st.file, e.error.line, e.error.reason));
        continue;
      }
      try {
        const first = e.tokens[0];
        if (!e.indented && !first.quoted && first.text.startsWith('$')) this.directive(e, st);
        else this.record(e, st);
      } catch (err) {
        // Anything else is a bug here, but one bad line must still not take the zone load down.
        const reason = err instanceof RdataError ? err.message : `internal error: ${(err as Error).message}`;
        this.errors.push(new ZoneError(st.file, e.line, reason));
      }
    }
  }

  private name(text: string, origin: Labels, what: string): Labels {
    try {
      return parseName(text, origin);
    } catch (err) {
      throw new RdataError(`bad ${what}: ${(err as Error).message}`);
    }
  }

  private ttl(text: string, what: string): number {
    const v = parseDuration(text);
    if (v === undefined) throw new RdataError(`bad ${what} "${text}": expected seconds or a duration like 1h30m`);
    if (v > MAX_TTL) throw new RdataError(`${what} ${text} is above the maximum 2147483647 (2^31-1)`);
    return v;
  }

  private directive(e: Entry, st: FileState): void {
    const [d, ...args] = e.tokens;
    const name = d.text.toUpperCase();
    const arity = (min: number, max: number) => {
      if (args.length < min) throw new RdataError(`${name} needs ${min === 1 ? 'an argument' : `${min} arguments`}`);
      if (args.length > max) throw new RdataError(`unexpected extra field "${args[max].text}" after ${name}`);
    };
    if (name === '$ORIGIN') {
      arity(1, 1);
      st.origin = this.name(args[0].text, st.origin, '$ORIGIN');
    } else if (name === '$TTL') {
      arity(1, 1);
      st.ttlDirective = this.ttl(args[0].text, '$TTL');
    } else if (name === '$INCLUDE') {
      arity(1, 2);
      const origin = args[1] ? this.name(args[1].text, st.origin, '$INCLUDE origin') : st.origin;
      this.include(args[0].text, origin, st);
    } else {
      throw new RdataError(`unsupported directive ${d.text}`);
    }
  }

  private include(path: string, origin: Labels, st: FileState): void {
    const file = isAbsolute(path) ? path : join(st.dir, path);
    const full = resolve(file);
    if (st.chain.includes(full)) throw new RdataError(`$INCLUDE loop: ${[...st.chain, full].join(' -> ')}`);
    if (st.chain.length >= MAX_INCLUDE_DEPTH) throw new RdataError(`$INCLUDE nested more than ${MAX_INCLUDE_DEPTH} deep`);
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch (err) {
      throw new RdataError(`cannot read included file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    // The included file starts from the includer's state; nothing it changes flows back.
    this.parseText(text, { ...st, file, dir: dirname(file), origin, chain: [...st.chain, full] });
  }

  private record(e: Entry, st: FileState): void {
    const toks = e.tokens;
    let i = 0;
    let owner: Labels;
    if (e.indented) {
      if (!st.lastOwner) throw new RdataError('line starts with whitespace but there is no previous owner name');
      owner = st.lastOwner;
    } else {
      const text = toks[i++].text;
      if (st.lastOwner && text === st.lastOwnerText && st.origin === st.lastOwnerOrigin) {
        owner = st.lastOwner;
      } else {
        owner = this.name(text, st.origin, 'owner name');
        st.lastOwner = owner;
        st.lastOwnerText = text;
        st.lastOwnerOrigin = st.origin;
      }
    }
    let ttl: number | undefined;
    let cls: number | undefined;
    for (let k = 0; k < 2 && i < toks.length; k++) {
      const t = toks[i].text;
      if (ttl === undefined && /^\d/.test(t)) {
        ttl = this.ttl(t, 'TTL');
      } else if (cls === undefined && classOf(t) !== undefined) {
        cls = classOf(t);
      } else break;
      i++;
    }
    if (i >= toks.length) throw new RdataError('missing type');
    const typeText = toks[i++].text;
    const type = typeFromText(typeText);
    if (type === undefined) throw new RdataError(`unknown type "${typeText}"`);
    if (META_TYPES.has(type)) throw new RdataError(`type ${typeToText(type)} cannot appear in a zone`);
    cls ??= st.lastClass ?? Class.IN;
    if (cls !== Class.IN) throw new RdataError(`class ${classToText(cls)} is not supported: only class IN zones are served`);

    const rdata = rdataFromText(type, toks.slice(i), st.origin);

    ttl ??= st.ttlDirective ?? st.lastTtl ?? this.defaultTtl;
    if (ttl === undefined) {
      if (type !== Type.SOA) throw new RdataError('no TTL given, and no $TTL or earlier record to take one from');
      ttl = Math.min(rdata.readUInt32BE(rdata.length - 4), MAX_TTL);
    }
    st.lastTtl = ttl;
    st.lastClass = cls;
    const rec = { owner, type, class: cls, ttl, rdata, file: st.file, line: e.line };
    if (this.sink) this.sink(rec);
    else this.records.push(rec);
  }
}

// "ANY" is taken as the type, so such a record gets the clearer "cannot appear in a zone".
function classOf(t: string): number | undefined {
  return t.toUpperCase() === 'ANY' ? undefined : classFromText(t);
}

export function parseMasterText(
  text: string,
  file: string,
  origin: Labels,
  opts: ParseOptions & { baseDir?: string } = {},
): ParseResult {
  const p = new Parser(opts.defaultTtl, opts.onRecord);
  p.parseText(text, { file, dir: opts.baseDir ?? dirname(file), origin, chain: [resolve(file)] });
  return { records: p.records, errors: p.errors };
}

export interface ParseOptions {
  defaultTtl?: number;
  /** Receives each record as it is read instead of collecting them (a large zone then never holds both). */
  onRecord?: (r: ZoneRecord) => void;
}

export function parseMasterFile(path: string, origin: Labels, opts: ParseOptions = {}): ParseResult {
  let text: string;
  try {
    // latin1 maps each byte to one character, so TXT data and escapes keep their exact octets.
    text = readFileSync(path, 'latin1');
  } catch (err) {
    const reason = `cannot read zone file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    return { records: [], errors: [new ZoneError(path, 0, reason)] };
  }
  return parseMasterText(text, path, origin, opts);
}
