// TSIG (RFC 8945): verifying signed requests and signing our responses (single messages and
// zone transfer streams), and the client side for our NOTIFYs and for tests. Times are
// seconds since the epoch; the caller passes "now" so tests can move the clock.
import { createHmac, timingSafeEqual, type Hmac } from 'node:crypto';
import { Rcode } from '../wire/constants.js';
import { labelsEqual, nameKey, parseName, type Labels } from '../wire/name.js';
import { algorithmFromName, algorithmInfo, type TsigKey } from './tsig-key.js';
import {
  digestHeader,
  encodeTsig,
  locateTsig,
  macWithLength,
  readTime48,
  time48,
  tsigTimers,
  tsigVariables,
  type TsigRecord,
} from './tsig-record.js';

export * from './tsig-key.js';
export { locateTsig, type TsigRecord, type TsigLocation } from './tsig-record.js';

/** TSIG error codes (the Error field; RFC 8945 §3, IANA DNS RCODEs). */
export const TsigError = { NOERROR: 0, BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;

/** Seconds of clock difference we allow and ask peers to allow (RFC 8945 §10 recommends 300). */
export const DEFAULT_FUDGE = 300;

export interface TsigOk {
  status: 'ok';
  key: TsigKey;
  /** The request's MAC as received (possibly truncated): the response MAC covers it. */
  mac: Buffer;
  /** Offset of the TSIG RR: msg[0, tsigOffset) is the message without it (ARCOUNT still counts it). */
  tsigOffset: number;
  record: TsigRecord;
}

export interface TsigFailure {
  status: 'error';
  /** RCODE of the answer: NOTAUTH, or FORMERR for a missing/misplaced/unreadable TSIG. */
  rcode: number;
  /** TSIG error for the answer's TSIG: BADKEY, BADSIG, BADTIME, BADTRUNC; 0 with FORMERR. */
  error: number;
  /** For logs. */
  reason: string;
  /** Absent with FORMERR. */
  tsigOffset?: number;
  record?: TsigRecord;
  /** Set when the MAC verified (BADTIME, BADTRUNC): the answer is signed with it. */
  key?: TsigKey;
  mac?: Buffer;
}

export type TsigVerdict = { status: 'none' } | TsigOk | TsigFailure;

export interface VerifyOptions {
  /** Local policy: the shortest MAC accepted (octets); shorter but RFC-valid ones get BADTRUNC (§5.2.4). */
  minMacLength?: number;
}

function hmac(key: TsigKey): Hmac {
  return createHmac(algorithmInfo(key.algorithm).hash, key.secret);
}

/** §5.2.2.1: is `size` acceptable for a hash of `full` octets? 'long' and 'short' are FORMERR. */
function macSizeCheck(size: number, full: number): 'ok' | 'long' | 'short' {
  if (size > full) return 'long';
  if (size < Math.max(10, Math.ceil(full / 2))) return 'short';
  return 'ok';
}

function macMatches(computed: Buffer, received: Buffer): boolean {
  return received.length <= computed.length && timingSafeEqual(computed.subarray(0, received.length), received);
}

/** MAC of one signed message: [prior MAC], [earlier unsigned messages], message without TSIG, variables. */
function computeMac(
  key: TsigKey,
  prior: Buffer | undefined,
  pending: readonly Buffer[],
  msg: Buffer,
  end: number,
  id: number,
  removed: number,
  variables: Buffer,
): Buffer {
  const h = hmac(key);
  if (prior) h.update(macWithLength(prior));
  for (const p of pending) h.update(p);
  h.update(digestHeader(msg, id, removed));
  h.update(msg.subarray(12, end));
  h.update(variables);
  return h.digest();
}

/**
 * Checks the TSIG of a request (RFC 8945 §5.2): placement, key and algorithm, MAC (with the
 * truncation rules of §5.2.2.1), then time. `now` is seconds since the epoch.
 */
export function verifyRequest(
  msg: Buffer,
  keys: (name: Labels) => TsigKey | undefined,
  now: number,
  opts: VerifyOptions = {},
): TsigVerdict {
  const loc = locateTsig(msg);
  if (loc.kind === 'none') return { status: 'none' };
  if (loc.kind === 'malformed') return { status: 'error', rcode: Rcode.FORMERR, error: 0, reason: loc.reason };
  const { record, offset } = loc;
  const fail = (error: number, reason: string, signedWith?: TsigKey): TsigFailure => ({
    status: 'error',
    rcode: Rcode.NOTAUTH,
    error,
    reason,
    tsigOffset: offset,
    record,
    ...(signedWith ? { key: signedWith, mac: record.mac } : {}),
  });

  // §5.2.1 key check
  const key = keys(record.name);
  const alg = algorithmFromName(record.algorithm);
  if (!key) return fail(TsigError.BADKEY, `unknown key ${nameKey(record.name)}`);
  if (alg !== key.algorithm) {
    return fail(TsigError.BADKEY, `key ${nameKey(record.name)} is ${key.algorithm}, request uses ${nameKey(record.algorithm)}`);
  }

  // §5.2.2 MAC check, §5.2.2.1 truncation
  const full = algorithmInfo(alg).size;
  const size = macSizeCheck(record.mac.length, full);
  if (size !== 'ok') {
    return {
      status: 'error',
      rcode: Rcode.FORMERR,
      error: 0,
      reason: `MAC of ${record.mac.length} octets is too ${size} for ${alg} (RFC 8945 §5.2.2.1)`,
      tsigOffset: offset,
      record,
    };
  }
  const computed = computeMac(key, undefined, [], msg, offset, record.originalId, 1, tsigVariables(record));
  if (!macMatches(computed, record.mac)) return fail(TsigError.BADSIG, `bad MAC with key ${nameKey(record.name)}`);

  // §5.2.3 time check
  if (Math.abs(Math.floor(now) - record.timeSigned) > record.fudge) {
    return fail(
      TsigError.BADTIME,
      `time signed ${record.timeSigned} is ${Math.floor(now) - record.timeSigned} s from ours (fudge ${record.fudge})`,
      key,
    );
  }

  // §5.2.4 truncation policy
  const min = Math.min(opts.minMacLength ?? 0, full);
  if (record.mac.length < min) {
    return fail(TsigError.BADTRUNC, `MAC truncated to ${record.mac.length} octets, policy wants ${min}`, key);
  }
  return { status: 'ok', key, mac: record.mac, tsigOffset: offset, record };
}

export interface SignOptions {
  /** TSIG error: BADSIG and BADKEY give an unsigned TSIG (empty MAC, §5.3.2). */
  error?: number;
  /** Other Data; with BADTIME it defaults to our time (§5.2.3). */
  otherData?: Buffer;
  /** Time Signed; defaults to `now`. A BADTIME answer should echo the request's (see tsigErrorResponse). */
  timeSigned?: number;
  fudge?: number;
}

/**
 * Octets the TSIG RR adds to a message signed with `key` (full-length MAC, `otherLen` octets of
 * Other Data: 6 for a BADTIME answer). A writer filling a message reserves this much.
 */
export function tsigRecordLength(key: TsigKey, otherLen = 0): number {
  let owner = 1;
  for (const l of key.name) owner += l.length + 1;
  const alg = key.algorithm.length + 2;
  return owner + 10 + alg + 16 + algorithmInfo(key.algorithm).size + otherLen;
}

function appendTsig(msg: Buffer, rec: TsigRecord): Buffer {
  const rr = encodeTsig(rec);
  const out = Buffer.allocUnsafe(msg.length + rr.length);
  msg.copy(out, 0);
  rr.copy(out, msg.length);
  out.writeUInt16BE(msg.readUInt16BE(10) + 1, 10);
  return out;
}

const ALG_LABELS = new Map<string, Labels>();

function algorithmLabels(key: TsigKey): Labels {
  let l = ALG_LABELS.get(key.algorithm);
  if (!l) ALG_LABELS.set(key.algorithm, (l = parseName(key.algorithm + '.')));
  return l;
}

function buildRecord(msg: Buffer, key: TsigKey, now: number, opts: SignOptions): TsigRecord {
  const error = opts.error ?? 0;
  return {
    name: key.name,
    algorithm: algorithmLabels(key),
    timeSigned: opts.timeSigned ?? Math.floor(now),
    fudge: opts.fudge ?? DEFAULT_FUDGE,
    mac: Buffer.alloc(0),
    originalId: msg.readUInt16BE(0),
    error,
    otherData: opts.otherData ?? (error === TsigError.BADTIME ? time48(Math.floor(now)) : Buffer.alloc(0)),
  };
}

/**
 * Signs a response to a request that verified (`requestMac` = TsigOk.mac): appends the TSIG RR
 * and increments ARCOUNT. With error BADSIG or BADKEY the TSIG carries no MAC (§5.3.2).
 */
export function signResponse(msg: Buffer, key: TsigKey, requestMac: Buffer, now: number, opts: SignOptions = {}): Buffer {
  const rec = buildRecord(msg, key, now, opts);
  if (rec.error !== TsigError.BADSIG && rec.error !== TsigError.BADKEY) {
    rec.mac = computeMac(key, requestMac, [], msg, msg.length, rec.originalId, 0, tsigVariables(rec));
  }
  return appendTsig(msg, rec);
}

/**
 * The answer to a request that failed verification: sets the RCODE to `verdict.rcode` and adds
 * the TSIG RFC 8945 §5.3.2 asks for. FORMERR: no TSIG. BADKEY/BADSIG: unsigned, echoing the
 * request's key and algorithm names. BADTIME/BADTRUNC: signed with the request's key; BADTIME
 * echoes the request's Time Signed (so the client's clock check passes) and puts our time in
 * Other Data.
 */
export function tsigErrorResponse(msg: Buffer, verdict: TsigFailure, now: number): Buffer {
  const out = Buffer.from(msg);
  out.writeUInt16BE((out.readUInt16BE(2) & ~0xf) | (verdict.rcode & 0xf), 2);
  const req = verdict.record;
  if (verdict.rcode === Rcode.FORMERR || !req) return out;
  if (verdict.key && verdict.mac) {
    return signResponse(out, verdict.key, verdict.mac, now, {
      error: verdict.error,
      timeSigned: verdict.error === TsigError.BADTIME ? req.timeSigned : undefined,
      fudge: req.fudge,
    });
  }
  return appendTsig(out, {
    name: req.name,
    algorithm: req.algorithm,
    timeSigned: Math.floor(now),
    fudge: req.fudge,
    mac: Buffer.alloc(0),
    originalId: out.readUInt16BE(0),
    error: verdict.error,
    otherData: Buffer.alloc(0),
  });
}

/**
 * Signs the messages of one multi-message answer (AXFR/IXFR over TCP), RFC 8945 §5.3.1: the
 * first covers the request MAC and the full TSIG variables, each later one the previous MAC
 * and only the timers. Call sign() for every envelope, in the order they are sent.
 */
export class TsigStream {
  private prior: Buffer;
  private first = true;
  private pending: Buffer[] = [];

  constructor(
    readonly key: TsigKey,
    requestMac: Buffer,
    private readonly fudge = DEFAULT_FUDGE,
  ) {
    this.prior = requestMac;
  }

  /** The MAC of the last signed message. */
  get lastMac(): Buffer {
    return this.prior;
  }

  sign(msg: Buffer, now: number): Buffer {
    const rec = buildRecord(msg, this.key, now, { fudge: this.fudge });
    const vars = this.first ? tsigVariables(rec) : tsigTimers(rec.timeSigned, rec.fudge);
    rec.mac = computeMac(this.key, this.prior, this.pending, msg, msg.length, rec.originalId, 0, vars);
    this.prior = rec.mac;
    this.first = false;
    this.pending = [];
    return appendTsig(msg, rec);
  }

  /**
   * Sends a message without TSIG; it enters the next signed message's MAC. RFC 8945 allows up to
   * 99 in a row (never the first or the last). inkan signs every message; this exists for tests.
   */
  passUnsigned(msg: Buffer): Buffer {
    if (this.first) throw new Error('the first message of a TSIG stream must be signed');
    this.pending.push(Buffer.from(msg));
    return msg;
  }
}

// ---- client side ------------------------------------------------------------------------

export type TsigFault = 'FORMERR' | 'BADKEY' | 'BADSIG' | 'BADTIME' | 'UNSIGNED';

/** A response whose TSIG does not check out on our side. */
export class TsigVerifyError extends Error {
  constructor(
    readonly fault: TsigFault,
    message: string,
  ) {
    super(message);
    this.name = 'TsigVerifyError';
  }
}

/**
 * Signs a request (our NOTIFY, or a test's query): appends the TSIG RR. Keep `mac` to verify
 * the response.
 */
export function signRequest(msg: Buffer, key: TsigKey, now: number, opts: { fudge?: number } = {}): { wire: Buffer; mac: Buffer } {
  const rec = buildRecord(msg, key, now, { fudge: opts.fudge });
  rec.mac = computeMac(key, undefined, [], msg, msg.length, rec.originalId, 0, tsigVariables(rec));
  return { wire: appendTsig(msg, rec), mac: rec.mac };
}

export interface TsigResponseCheck {
  /** False for an unsigned message inside a stream, and for an unsigned BADKEY/BADSIG answer. */
  signed: boolean;
  /** The Error field the server sent (0 when fine; BADKEY, BADSIG, BADTIME, ...). */
  error: number;
  record?: TsigRecord;
  /** With BADTIME: the server's clock from Other Data. */
  serverTime?: number;
  /** Offset of the TSIG RR when there is one. */
  tsigOffset?: number;
}

/**
 * Verifies the messages of a signed answer in order (RFC 8945 §5.3.1 client side): up to
 * `maxUnsigned` (99) unsigned messages between signed ones, the first signed. Throws
 * TsigVerifyError. Call finish() after the last message: it must have been signed.
 */
export class TsigStreamVerifier {
  private prior: Buffer;
  private first = true;
  private pending: Buffer[] = [];

  constructor(
    readonly key: TsigKey,
    requestMac: Buffer,
    private readonly maxUnsigned = 99,
  ) {
    this.prior = requestMac;
  }

  verify(msg: Buffer, now: number): TsigResponseCheck {
    const loc = locateTsig(msg);
    if (loc.kind === 'malformed') throw new TsigVerifyError('FORMERR', `response TSIG: ${loc.reason}`);
    if (loc.kind === 'none') {
      if (this.first) throw new TsigVerifyError('UNSIGNED', 'the first response message is not signed');
      if (this.pending.length >= this.maxUnsigned) {
        throw new TsigVerifyError('UNSIGNED', `more than ${this.maxUnsigned} unsigned messages in a row`);
      }
      this.pending.push(Buffer.from(msg));
      return { signed: false, error: 0 };
    }
    const { record, offset } = loc;
    if (!labelsEqual(record.name, this.key.name)) {
      throw new TsigVerifyError('BADKEY', `response signed with key ${nameKey(record.name)}, expected ${nameKey(this.key.name)}`);
    }
    const alg = algorithmFromName(record.algorithm);
    if (alg !== this.key.algorithm) {
      throw new TsigVerifyError('BADKEY', `response uses algorithm ${nameKey(record.algorithm)}, key is ${this.key.algorithm}`);
    }
    const base = { record, tsigOffset: offset, error: record.error };
    if (record.mac.length === 0 && (record.error === TsigError.BADSIG || record.error === TsigError.BADKEY) && this.first) {
      // §5.3.2: the server could not verify our request and says so unsigned.
      return { ...base, signed: false };
    }
    const full = algorithmInfo(alg).size;
    const size = macSizeCheck(record.mac.length, full);
    if (size !== 'ok') throw new TsigVerifyError('FORMERR', `response MAC of ${record.mac.length} octets is too ${size} for ${alg}`);
    const vars = this.first ? tsigVariables(record) : tsigTimers(record.timeSigned, record.fudge);
    const computed = computeMac(this.key, this.prior, this.pending, msg, offset, record.originalId, 1, vars);
    if (!macMatches(computed, record.mac)) throw new TsigVerifyError('BADSIG', 'response MAC does not verify');
    if (Math.abs(Math.floor(now) - record.timeSigned) > record.fudge) {
      throw new TsigVerifyError('BADTIME', `response signed at ${record.timeSigned}, now ${Math.floor(now)} (fudge ${record.fudge})`);
    }
    this.prior = record.mac;
    this.pending = [];
    this.first = false;
    const serverTime = record.error === TsigError.BADTIME ? readTime48(record.otherData) : undefined;
    return { ...base, signed: true, ...(serverTime !== undefined ? { serverTime } : {}) };
  }

  /** Throws unless the last message verified was signed. */
  finish(): void {
    if (this.first) throw new TsigVerifyError('UNSIGNED', 'no signed message received');
    if (this.pending.length) throw new TsigVerifyError('UNSIGNED', `the last ${this.pending.length} message(s) are not signed`);
  }
}

/** Verifies a single-message response (e.g. the answer to our NOTIFY). Throws TsigVerifyError. */
export function verifyResponse(msg: Buffer, key: TsigKey, requestMac: Buffer, now: number): TsigResponseCheck {
  return new TsigStreamVerifier(key, requestMac, 0).verify(msg, now);
}
