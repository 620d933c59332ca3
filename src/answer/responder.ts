// From query bytes to response bytes: validation, EDNS, the lookup, truncation, and the
// response cache that makes a repeated question a map lookup and a copy.
import { FormatError, OPT_NSID, parseQuery, type Query } from '../wire/query.js';
import { Class, Opcode, Rcode, Type } from '../wire/constants.js';
import { MessageWriter, optLength } from '../wire/writer.js';
import { suffixKeys } from '../wire/name.js';
import type { ZoneStore } from '../zone/store.js';
import type { AnswerOptions } from './options.js';
import { lookup, type AdditionalSet } from './lookup.js';
import { sections, type Sections } from './secure.js';
import { ResponseCache } from './response-cache.js';
import type { Client, Transfers } from '../transfer/transfers.js';
import { signResponse, tsigErrorResponse, tsigRecordLength, verifyRequest } from '../transfer/tsig.js';

const FLAG_QR = 0x8000;
const FLAG_AA = 0x0400;
const FLAG_TC = 0x0200;
const FLAG_RD = 0x0100;
const FLAG_CD = 0x0010;
const OPCODE_MASK = 0x7800;
/** Every answer is written here, then copied out whole: respond() makes one at a time. */
const SCRATCH = Buffer.allocUnsafe(65535);

export class Responder {
  private cache: ResponseCache;
  /** Answers that failed inside (SERVFAIL sent), for metrics and logs. */
  failures = 0;
  lastFailure: Error | undefined;

  constructor(
    private store: ZoneStore,
    readonly opts: AnswerOptions,
  ) {
    this.cache = new ResponseCache(opts.responseCacheEntries);
  }

  /** Serves a new set of zone versions; cached responses are dropped. */
  setStore(store: ZoneStore): void {
    this.store = store;
    this.cache.clear();
  }

  /** The answer respond(…, shared) returned is still in use after this call returns. */
  lent(wire: Buffer): void {
    this.cache.lent(wire);
  }

  get cacheStats(): { hits: number; misses: number; size: number } {
    return this.cache.stats();
  }

  /** Zone transfers out, when any zone allows them. */
  transfers: Transfers | undefined;

  /** A zone transfer request: its messages (the TCP server sends them as the socket drains). */
  transfer(msg: Buffer, client: Client): Iterator<Buffer> | AsyncIterator<Buffer> | undefined {
    if (msg.length < 12 || (msg[2] & 0xf8) !== 0) return undefined; // responses, other opcodes
    let q: Query;
    try {
      q = parseQuery(msg);
    } catch {
      return undefined; // respond() answers FORMERR
    }
    if (q.qtype !== Type.AXFR && q.qtype !== Type.IXFR) return undefined;
    if (!this.transfers) return undefined;
    return this.transfers.answer(msg, q, this.store.find(suffixKeys(q.qname), q.qtype), client, true);
  }

  /**
   * Answers one DNS message; null means drop it silently. With `shared`, a cached answer is
   * patched in place and returned without a copy: it is valid until the next respond(), and
   * a caller that still needs it after that (a send that did not complete at once) calls
   * lent() first.
   */
  respond(msg: Buffer, tcp: boolean, client?: Client, shared = false): Buffer | null {
    if (msg.length < 12 || (msg[2] & 0x80) !== 0) return null;
    const cache = this.cache;
    const cacheable = cache.enabled && cache.probe(msg, tcp, this.opts.ednsMaxPayload);
    if (cacheable) {
      const hit = cache.find(msg);
      if (hit) return patchCached(shared ? hit : Buffer.from(hit), msg);
    }
    let q: Query;
    try {
      q = parseQuery(msg);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      return errorResponse(msg, Rcode.FORMERR, e.questionEnd, undefined, this.opts.ednsMaxPayload);
    }
    if (q.opcode !== Opcode.QUERY) return errorResponse(msg, Rcode.NOTIMP, q.questionEnd, q, this.opts.ednsMaxPayload);
    if ((q.qtype === Type.AXFR || q.qtype === Type.IXFR) && this.transfers && client) {
      const zone = this.store.find(suffixKeys(q.qname), q.qtype);
      // Over UDP (and in this one-message path) the answer is a single message, made at once.
      const it = this.transfers.answer(msg, q, zone, client, tcp);
      return Symbol.iterator in it ? ((it as Iterator<Buffer>).next().value ?? null) : null;
    }
    // Signed questions are never cached: each answer carries its own MAC.
    if (q.tsig) return this.signedAnswer(msg, q, tcp);
    const out = this.answer(q, tcp);
    if (cacheable && out.cacheable) cache.store(out.wire);
    return out.wire;
  }

  /** RFC 8945 §5: a signed question gets a signed answer, or a TSIG error and no data. */
  private signedAnswer(msg: Buffer, q: Query, tcp: boolean): Buffer {
    const now = Math.floor(Date.now() / 1000);
    const v = verifyRequest(msg, this.transfers?.keys ?? (() => undefined), now);
    if (v.status === 'error') {
      return tsigErrorResponse(errorResponse(msg, Rcode.NOTAUTH, q.questionEnd, q, this.opts.ednsMaxPayload), v, now);
    }
    if (v.status === 'none') return this.answer(q, tcp).wire;
    return signResponse(this.answer(q, tcp, tsigRecordLength(v.key)).wire, v.key, v.mac, now);
  }

  private answer(q: Query, tcp: boolean, tsigRoom = 0): { wire: Buffer; cacheable: boolean } {
    const edns = q.edns;
    const options = edns?.nsid && this.opts.nsid ? [{ code: OPT_NSID, data: this.opts.nsid }] : [];
    const limit = tcp ? 65535 : edns ? Math.min(edns.udpSize, this.opts.ednsMaxPayload) : 512;
    const w = new MessageWriter(limit, false, SCRATCH);
    let flags = FLAG_QR | (q.flags & (OPCODE_MASK | FLAG_RD | FLAG_CD));
    const keys = suffixKeys(q.qname);
    w.question(q.qname, q.qtype, q.qclass, keys);
    const reserve = (edns ? optLength(options) : 0) + tsigRoom;
    let compactOk = false;
    const finish = (rcode: number): Buffer => {
      if (edns) w.opt(this.opts.ednsMaxPayload, rcode >> 4, edns.dnssecOk, options, compactOk);
      return w.finish(q.id, flags | (rcode & 0xf));
    };

    // RFC 6891 §6.1.3: a version we do not speak gets BADVERS and nothing else.
    if (edns && edns.version > 0) return { wire: finish(Rcode.BADVERS), cacheable: true };
    if (q.qclass !== Class.IN && q.qclass !== Class.ANY) return { wire: finish(Rcode.REFUSED), cacheable: true };
    if (q.qtype === Type.AXFR || q.qtype === Type.IXFR) return { wire: finish(Rcode.REFUSED), cacheable: false };
    if (q.qtype === Type.OPT || (q.qtype >= 128 && q.qtype <= 254 && q.qtype !== Type.ANY)) {
      // Meta-types other than ANY are not questions one can ask (RFC 6895 §3.1).
      return { wire: finish(Rcode.FORMERR), cacheable: true };
    }
    const zone = this.store.find(keys, q.qtype);
    if (!zone) return { wire: finish(Rcode.REFUSED), cacheable: true };

    const res = lookup(zone, q.qname, q.qtype, { tcp, additionalMxSrv: this.opts.additionalMxSrv }, keys);
    // Data of class IN is not an authoritative answer to a question about every class.
    if (res.aa && q.qclass === Class.IN) flags |= FLAG_AA;
    const secure = edns?.dnssecOk ? zone.security : undefined;
    if (secure?.compactDenial) {
      // RFC 9824 §4.1: a compact zone echoes CO, and answers NXDOMAIN only to those who set it.
      compactOk = edns!.compactOk;
      secure.rewrite?.(res, q.qname, q.qtype, compactOk);
    }
    let s: Sections;
    try {
      s = sections(res, secure);
    } catch (err) {
      // A proof the chain cannot give is a bug; half a proof would be worse than SERVFAIL.
      this.failures++;
      this.lastFailure = err as Error;
      return { wire: finish(Rcode.SERVFAIL), cacheable: false };
    }
    if (!writeSections(w, s, res.additional, reserve)) flags |= FLAG_TC;
    return { wire: finish(res.rcode), cacheable: !res.clientSpelling };
  }
}

/** Writes whole RRsets; false when something that matters did not fit (RFC 2181 §9, RFC 9471). */
function writeSections(w: MessageWriter, s: Sections, additional: readonly AdditionalSet[], reserve: number): boolean {
  for (const set of s.answer) if (!w.rrset(1, set, reserve)) return false;
  for (const set of s.authority) if (!w.rrset(2, set, reserve)) return false;
  let complete = true;
  for (const a of additional) {
    if (!w.rrset(3, a.set, reserve) && a.required) complete = false;
  }
  return complete;
}

/** A header-only (plus question, when it could be read) error response. */
function errorResponse(msg: Buffer, rcode: number, questionEnd: number, q: Query | undefined, udpSize: number): Buffer {
  const qlen = questionEnd > 12 ? questionEnd - 12 : 0;
  const hasOpt = q?.edns !== undefined;
  const out = Buffer.alloc(12 + qlen + (hasOpt ? 11 : 0));
  msg.copy(out, 0, 0, 4);
  out[2] = 0x80 | (msg[2] & 0x79); // QR, opcode and RD kept; AA/TC cleared.
  out[3] = (msg[3] & 0x10) | (rcode & 0xf);
  out.writeUInt16BE(qlen ? 1 : 0, 4);
  if (qlen) msg.copy(out, 12, 12, questionEnd);
  if (hasOpt) {
    const o = 12 + qlen;
    out[o] = 0;
    out.writeUInt16BE(Type.OPT, o + 1);
    out.writeUInt16BE(udpSize, o + 3);
    out.writeUInt16BE(1, 10);
  }
  return out;
}

/** Gives a cached response this query's ID, RD/CD bits and question case. */
function patchCached(out: Buffer, msg: Buffer): Buffer {
  out[0] = msg[0];
  out[1] = msg[1];
  out[2] = (out[2] & ~0x01) | (msg[2] & 0x01);
  out[3] = (out[3] & ~0x10) | (msg[3] & 0x10);
  // The cache matched the whole question, so the name's bytes line up one for one.
  for (let o = 12; msg[o] !== 0; ) {
    const end = o + msg[o];
    for (let i = o + 1; i <= end; i++) out[i] = msg[i];
    o = end + 1;
  }
  return out;
}
