// PLACEHOLDER: being written.
import type { Zone } from '../zone/zone.js';
export interface AnswerSize { qname: string; qtype: string; bytes: number }
/** Every answer of the zone whose full (TCP) size exceeds `limit` bytes, largest first. */
export function oversizeAnswers(zone: Zone, limit: number): AnswerSize[] {
  void zone; void limit;
  return [];
}
