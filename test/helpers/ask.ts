import packet, { type Packet } from 'dns-packet';
import { Responder } from '../../src/answer/responder.js';
import { DEFAULT_ANSWER_OPTIONS, type AnswerOptions } from '../../src/answer/options.js';
import { ZoneStore } from '../../src/zone/store.js';
import type { Zone } from '../../src/zone/zone.js';

export interface AskOptions { tcp?: boolean; edns?: number | false; do?: boolean; id?: number; nsid?: boolean }

export function query(name: string, type: string, o: AskOptions = {}): Buffer {
  const additionals: packet.Answer[] = [];
  if (o.edns !== false && o.edns !== undefined) {
    additionals.push({
      type: 'OPT', name: '.', udpPayloadSize: o.edns, flags: o.do ? packet.DNSSEC_OK : 0,
      options: o.nsid ? [{ code: 3, data: Buffer.alloc(0) }] : [],
    } as unknown as packet.Answer);
  }
  return packet.encode({
    type: 'query', id: o.id ?? 4242, flags: packet.RECURSION_DESIRED,
    questions: [{ name, type: type as packet.RecordType, class: 'IN' }], additionals,
  });
}

export function responder(zones: Zone[], opts: Partial<AnswerOptions> = {}): Responder {
  return new Responder(new ZoneStore(zones), { ...DEFAULT_ANSWER_OPTIONS, ...opts });
}

export function ask(r: Responder, name: string, type: string, o: AskOptions = {}): Packet & { raw: Buffer } {
  const out = r.respond(query(name, type, o), o.tcp ?? false);
  if (!out) throw new Error('no response');
  return Object.assign(packet.decode(out), { raw: out });
}

export function rcodeOf(p: Packet): string {
  return (p as unknown as { rcode: string }).rcode;
}

export const flag = (p: Packet, f: number) => ((p.flags ?? 0) & f) !== 0;
export const AA = packet.AUTHORITATIVE_ANSWER;
export const TC = packet.TRUNCATED_RESPONSE;
