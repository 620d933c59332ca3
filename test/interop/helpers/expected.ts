// What the validating-resolver tests expect of one question (validate, secondary-validate,
// compact), and the check they share: validated data carries its signatures.
import { expect } from 'vitest';
import type { Response } from './dig.js';

/** One expected answer; each suite adds what else it checks (AD, the kind of proof). */
export interface ExpectedAnswer {
  what: string;
  name: string;
  type: string;
  rcode: 'NOERROR' | 'NXDOMAIN';
  /** Expected answer section (owner type rdata, lower case), RRSIGs aside; [] for a denial. */
  answer: string[];
}

/** Every record of the answer section has an RRSIG of its owner and type (CNAMEs synthesized from a DNAME aside). */
export function expectAnswerSigned(r: Response, ctx: string): void {
  const answer = r.answer.filter((rr) => rr.type !== 'RRSIG');
  const signed = new Set(r.answer.filter((rr) => rr.type === 'RRSIG').map((rr) => `${rr.owner.toLowerCase()} ${rr.rdata.split(' ')[0]}`));
  for (const rr of answer) {
    if (rr.type === 'CNAME' && answer.some((d) => d.type === 'DNAME')) continue;
    expect(signed.has(`${rr.owner.toLowerCase()} ${rr.type}`), `no RRSIG for ${rr.owner} ${rr.type}: ${ctx}`).toBe(true);
  }
}
