// AXFR (RFC 5936): one zone version, SOA first and last, every record (signatures and the
// NSEC/NSEC3 chain included, as online answers carry them), in messages of up to 16 KiB
// with name compression. The version is fixed when the transfer starts, so a reload or a
// re-sign during the transfer cannot mix two versions.
import { MessageWriter, type WireRRset } from '../wire/writer.js';
import type { Labels } from '../wire/name.js';
import type { Zone } from '../zone/zone.js';
import { zoneContent } from '../dnssec/signed-zone-text.js';

/**
 * A compression pointer reaches only the first 16 KiB of a message (14 bits), so bigger
 * messages carry their later names whole: 64 KiB messages made a 100k-name signed zone
 * 57.0 MB where NSD and BIND send ~51 MB (they use ~16 KiB too).
 */
const MAX_MESSAGE = 16384;

export interface TransferQuestion {
  id: number;
  /** Second header word of the request (opcode and RD are echoed). */
  flags: number;
  qname: Labels;
  qtype: number;
  qclass: number;
  /** The request's EDNS, echoed in the first message (RFC 6891 §7). */
  edns?: { dnssecOk: boolean };
}

const OPT_LENGTH = 11;

/**
 * Every transfer writes its messages here and copies each out when finished: a writer is
 * never alive across a yield (finish() comes first), so transfers running side by side can
 * share it. One 16 KiB buffer less per message (3123 for a 100k-name signed zone).
 */
const SCRATCH = Buffer.allocUnsafe(MAX_MESSAGE);

/**
 * The messages of a full zone transfer, unsigned; `room` bytes are kept free in each for a
 * TSIG the caller appends. Only the first message repeats the question (RFC 5936 §2.2).
 */
export function axfrMessages(zone: Zone, q: TransferQuestion, room = 0): Generator<Buffer> {
  const soa = zone.soa;
  return transferMessages((function* () {
    yield soa;
    for (const set of zoneContent(zone)) if (set !== soa) yield set;
    yield soa;
  })(), q, room);
}

/** Packs records into transfer messages (AXFR and IXFR alike), one record at a time. */
export function* transferMessages(sets: Iterable<WireRRset>, q: TransferQuestion, room = 0): Generator<Buffer> {
  const flags = 0x8000 | (q.flags & 0x7900) | 0x0400; // QR, opcode, RD kept; AA
  let w = new MessageWriter(MAX_MESSAGE - room, true, SCRATCH);
  w.question(q.qname, q.qtype, q.qclass);
  let first = true;
  const finish = (): Buffer => {
    if (first && q.edns) w.opt(1232, 0, q.edns.dnssecOk, []);
    first = false;
    return w.finish(q.id, flags);
  };
  let pending = false;
  for (const set of sets) {
    for (const rd of set.rdata) {
      const one: WireRRset = { owner: set.owner, type: set.type, ttl: set.ttl, rdata: [rd] };
      // The first message keeps room for the OPT it ends with.
      if (w.rrset(1, one, first && q.edns ? OPT_LENGTH : 0)) {
        pending = true;
        continue;
      }
      yield finish();
      w = new MessageWriter(MAX_MESSAGE - room, true, SCRATCH);
      if (!w.rrset(1, one)) throw new Error('a record larger than a DNS message');
    }
  }
  if (pending) yield finish();
}
