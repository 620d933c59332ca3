// For `inkan check`: how big each answer of a zone is when nothing truncates it, so an
// operator sees which answers pass 512 bytes (old resolvers, mail servers) or 1232 (EDNS).
import { nameToText } from '../wire/name.js';
import { typeToText } from '../wire/constants.js';
import { MessageWriter } from '../wire/writer.js';
import type { Zone } from '../zone/zone.js';
import { lookup } from './lookup.js';

export interface AnswerSize { qname: string; qtype: string; bytes: number }

const OPT_SIZE = 11;

/** Every answer of the zone whose full (TCP, with an OPT) size exceeds `limit` bytes, largest first. */
export function oversizeAnswers(zone: Zone, limit: number): AnswerSize[] {
  const out: AnswerSize[] = [];
  for (const node of zone.ordered) {
    if (node.occluded) continue;
    for (const type of node.rrsets.keys()) {
      const res = lookup(zone, node.labels, type, { tcp: true, additionalMxSrv: false });
      const w = new MessageWriter(65535);
      w.question(node.labels, type, 1);
      for (const e of res.answer) w.rrset(1, e.set);
      for (const e of res.authority) w.rrset(2, e.set);
      for (const a of res.additional) w.rrset(3, a.set);
      const bytes = w.offset + OPT_SIZE;
      if (bytes > limit) out.push({ qname: nameToText(node.labels), qtype: typeToText(type), bytes });
    }
  }
  return out.sort((a, b) => b.bytes - a.bytes);
}
