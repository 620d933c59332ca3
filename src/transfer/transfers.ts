// Zone transfers out: TSIG check, access list, then AXFR messages (each signed when the
// request was). Every refusal is logged with the client, the zone and the reason.
import type { Logger } from 'pino';
import { Rcode, Type } from '../wire/constants.js';
import { nameKey, readName, type Labels } from '../wire/name.js';
import { serialGt } from '../zone/serial.js';
import { MessageWriter } from '../wire/writer.js';
import type { Query } from '../wire/query.js';
import type { Zone } from '../zone/zone.js';
import { aclAllows, type AclEntry } from './acl.js';
import { ZoneSigning } from '../dnssec/zone-signing.js';
import { axfrMessages, transferMessages } from './axfr.js';
import type { Difference, Journal } from './journal.js';
import { signResponse, tsigErrorResponse, tsigRecordLength, TsigStream, verifyRequest, type TsigKey } from './tsig.js';

export interface TransferPolicy {
  /** Access list per zone (by name key); a zone without one is never transferred. */
  allow: ReadonlyMap<string, readonly AclEntry[]>;
  /** TSIG keys by name. */
  keys: (name: Labels) => TsigKey | undefined;
}

export interface Client {
  address: string;
  port: number;
}

export class Transfers {
  /** Earlier served versions, for IXFR; without it every IXFR gets the whole zone. */
  journal: Journal | undefined;

  constructor(
    private policy: TransferPolicy,
    private readonly logger: Logger,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  setPolicy(p: TransferPolicy): void {
    this.policy = p;
  }

  /** The TSIG keys, by name: signed questions of any kind are checked against them. */
  get keys(): (name: Labels) => TsigKey | undefined {
    return this.policy.keys;
  }

  /**
   * The answer to an AXFR/IXFR request: a stream of messages over TCP, or one message. IXFR
   * from a serial the journal lacks is answered with the whole zone (RFC 1995 §4 allows it).
   */
  answer(msg: Buffer, q: Query, zone: Zone | undefined, client: Client, tcp: boolean): Iterator<Buffer> | AsyncIterator<Buffer> {
    const now = this.now();
    const verdict = verifyRequest(msg, this.policy.keys, now);
    const zoneName = zone?.originKey ?? nameKey(q.qname);
    const log = { client: client.address, zone: zoneName, qtype: q.qtype === Type.AXFR ? 'AXFR' : 'IXFR', key: verdict.status === 'ok' ? nameKey(verdict.key.name) : undefined };
    if (verdict.status === 'error') {
      this.logger.warn({ ...log, reason: verdict.reason }, 'transfer refused: TSIG');
      return once(tsigErrorResponse(short(q, Rcode.NOTAUTH), verdict, now));
    }
    const sign = (m: Buffer): Buffer => (verdict.status === 'ok' ? signResponse(m, verdict.key, verdict.mac, now) : m);
    const acl = zone && zone.originKey === nameKey(q.qname) ? this.policy.allow.get(zone.originKey) : undefined;
    const compact = zone?.security instanceof ZoneSigning && zone.security.compactDenial;
    if (!zone || !acl || compact || !aclAllows(acl, client.address, log.key)) {
      const reason = !zone || zone.originKey !== nameKey(q.qname) ? 'not a zone we serve'
        : compact ? 'compact denial zones cannot be transferred: their proofs are made per query'
        : !acl ? 'no allow-transfer for the zone' : 'not in allow-transfer';
      this.logger.warn({ ...log, reason }, 'transfer refused');
      return once(sign(short(q, zone && zone.originKey === nameKey(q.qname) ? Rcode.REFUSED : Rcode.NOTAUTH)));
    }
    if (!tcp && q.qtype === Type.AXFR) return once(sign(short(q, Rcode.FORMERR)));
    const clientSerial = q.qtype === Type.IXFR ? ixfrSerial(msg, q) : undefined;
    // RFC 1995 §2, §4: a client as new as we are gets our SOA alone; so does any IXFR over
    // UDP (the journal is not consulted for UDP): "use TCP".
    if (!tcp || (clientSerial !== undefined && !serialGt(zone.serial, clientSerial))) {
      const w = new MessageWriter(512);
      w.question(q.qname, q.qtype, q.qclass);
      w.rrset(1, zone.soa);
      return once(sign(w.finish(q.id, 0x8400 | (q.flags & 0x7900))));
    }
    const tsig = verdict.status === 'ok' ? new TsigStream(verdict.key, verdict.mac) : undefined;
    const room = tsig ? tsigRecordLength(tsig.key) + 16 : 0;
    const journal = clientSerial !== undefined ? this.journal : undefined;
    if (journal) {
      // The change to this version may still be being recorded (it is, right after the
      // NOTIFY that makes secondaries ask): wait for it rather than send the whole zone.
      const ready = journal.pending(zone);
      const incremental = async function* (self: Transfers): AsyncGenerator<Buffer> {
        if (ready) await ready;
        const diff = await journal.since(zone, clientSerial!);
        yield* drain(diff ? self.incremental(zone, diff, clientSerial!, q, room, tsig, log, now) : self.whole(zone, q, room, tsig, log, now));
      };
      if (ready || journal.since(zone, clientSerial!)) return incremental(this);
    }
    return this.whole(zone, q, room, tsig, log, now);
  }

  private whole(zone: Zone, q: Query, room: number, tsig: TsigStream | undefined, log: object, now: number): Iterator<Buffer> | AsyncIterator<Buffer> {
    this.logger.info({ ...log, serial: zone.serial }, 'transfer started');
    return this.stream(zone, axfrMessages(zone, q, room), tsig, log, now);
  }

  private incremental(zone: Zone, diff: Difference, from: number, q: Query, room: number, tsig: TsigStream | undefined, log: object, now: number): Iterator<Buffer> | AsyncIterator<Buffer> {
    // RFC 1995 §4: our SOA, then the client's SOA, what was deleted, our SOA, what was added, our SOA.
    this.logger.info({ ...log, serial: zone.serial, from, deleted: diff.deleted.length, added: diff.added.length }, 'transfer started (incremental)');
    const sets = (function* () {
      yield zone.soa;
      yield diff.from;
      yield* diff.deleted;
      yield zone.soa;
      yield* diff.added;
      yield zone.soa;
    })();
    return this.stream(zone, transferMessages(sets, q, room), tsig, log, now);
  }

  /**
   * The messages of a transfer. A version still being signed in the background is sent once
   * it is signed, rather than signed here, on the thread that answers queries.
   */
  private stream(zone: Zone, messages: Iterable<Buffer>, tsig: TsigStream | undefined, log: object, now: number): Iterator<Buffer> | AsyncIterator<Buffer> {
    const pending = zone.security instanceof ZoneSigning ? zone.security.signedInBackground : undefined;
    if (!pending) return this.send(zone, messages, tsig, log, now);
    const later = async function* (self: Transfers): AsyncGenerator<Buffer> {
      await pending;
      yield* self.send(zone, messages, tsig, log, now);
    };
    return later(this);
  }

  private *send(zone: Zone, messages_: Iterable<Buffer>, tsig: TsigStream | undefined, log: object, now: number): Generator<Buffer> {
    const t0 = Date.now();
    let messages = 0;
    let bytes = 0;
    for (const m of messages_) {
      const out = tsig ? tsig.sign(m, now) : m;
      messages++;
      bytes += out.length;
      yield out;
    }
    this.logger.info({ ...log, serial: zone.serial, messages, bytes, ms: Date.now() - t0 }, 'transfer done');
  }
}

/** The messages of a transfer answer, from an async generator. */
async function* drain<T>(it: Iterator<T> | AsyncIterator<T>): AsyncGenerator<T> {
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    yield r.value;
  }
}

/** An answer of one message. */
function once(msg: Buffer): Iterator<Buffer> {
  return [msg][Symbol.iterator]();
}

/** Header and question only, with this rcode. */
function short(q: Query, rcode: number): Buffer {
  const w = new MessageWriter(512);
  w.question(q.qname, q.qtype, q.qclass);
  return w.finish(q.id, 0x8000 | (q.flags & 0x7900) | rcode);
}

/** The serial of the SOA in an IXFR request's authority section (RFC 1995 §3), if readable. */
function ixfrSerial(msg: Buffer, q: Query): number | undefined {
  try {
    let pos = q.questionEnd;
    const an = msg.readUInt16BE(6);
    const ns = msg.readUInt16BE(8);
    for (let i = 0; i < an + ns; i++) {
      const { end } = readName(msg, pos);
      const type = msg.readUInt16BE(end);
      const rdlen = msg.readUInt16BE(end + 8);
      const rd = end + 10;
      if (i >= an && type === Type.SOA) {
        const rname = readName(msg, readName(msg, rd).end);
        return msg.readUInt32BE(rname.end);
      }
      pos = rd + rdlen;
    }
  } catch {
    // A malformed authority section: treat as no serial given.
  }
  return undefined;
}
