// For `inkan check`: how big each answer of a zone is when nothing truncates it, so an
// operator sees which answers pass 512 bytes (old resolvers, mail servers) or 1232 (EDNS).
import { nameKey, nameToText, type Labels } from '../wire/name.js';
import { Type, typeToText } from '../wire/constants.js';
import { MessageWriter } from '../wire/writer.js';
import type { Zone } from '../zone/zone.js';
import { lookup } from './lookup.js';
import { sections } from './secure.js';

export interface AnswerSize { qname: string; qtype: string; bytes: number }

const OPT_SIZE = 11;
// A type no zone holds, to measure NODATA answers (and, signed, their proofs).
const ABSENT_TYPE = 65280;
/** Each answer is written here in turn and only its length kept: no 64 KiB buffer per answer. */
const SCRATCH = Buffer.allocUnsafe(65535);

function size(zone: Zone, qname: Labels, qtype: number, dnssec: boolean): number {
  const res = lookup(zone, qname, qtype, { tcp: true, additionalMxSrv: false });
  const s = sections(res, dnssec ? zone.security : undefined);
  const w = new MessageWriter(65535, false, SCRATCH);
  w.question(qname, qtype, 1);
  for (const set of s.answer) w.rrset(1, set);
  for (const set of s.authority) w.rrset(2, set);
  for (const a of res.additional) w.rrset(3, a.set);
  return w.offset + OPT_SIZE;
}

/**
 * Every answer of the zone whose full (TCP, with an OPT) size exceeds `limit` bytes, largest
 * first. With `dnssec` (the zone must be signed) the sizes are those of DO=1 answers, and
 * NODATA and NXDOMAIN answers are measured too: their denial proofs are what grows.
 */
export function oversizeAnswers(zone: Zone, limit: number, dnssec = false): AnswerSize[] {
  const out: AnswerSize[] = [];
  const add = (qname: Labels, qtype: number): void => {
    const bytes = size(zone, qname, qtype, dnssec);
    if (bytes > limit) out.push({ qname: nameToText(qname), qtype: qtype === ABSENT_TYPE ? '(NODATA)' : qtype === Type.A && qname !== zone.origin && !zone.node(nameKey(qname)) ? 'A (NXDOMAIN)' : typeToText(qtype), bytes });
  };
  for (const node of zone.ordered) {
    if (node.occluded) continue;
    for (const type of node.rrsets.keys()) add(node.labels, type);
    if (dnssec) add(node.labels, ABSENT_TYPE);
  }
  if (dnssec) add([Buffer.from('nxdomain-probe-zz'), ...zone.origin], Type.A);
  return out.sort((a, b) => b.bytes - a.bytes);
}
