// Normalizing two servers' responses to the same query and listing how they differ.
//
// Compared: rcode; the flags aa, tc, rd, ra; the OPT record (present, version, payload, flags); the answer and
// authority sections as sets of RRs (owner, TTL, class, type, rdata); for referrals, the glue
// in the additional section. Not compared: the rest of the additional section (inkan gives
// minimal responses by design), section order (RRsets are sets, RFC 2181 §5), and the case of
// owner names (RFC 4343: names compare case-insensitively; NSD spells owners the way the query
// did because it compresses them into the question name).
import type { RR, Response } from './dig.js';

export interface Normalized {
  error?: string;
  rcode: string;
  flags: string;
  /** OPT in the response: "none", or its EDNS version and UDP payload size. */
  opt: string;
  answer: string[];
  authority: string[];
  /** Only for referrals: A/AAAA for the NS targets at or below the cut (RFC 9471 in-domain glue). */
  inDomainGlue?: string[];
  /** Only for referrals: A/AAAA for NS targets elsewhere (sibling glue, or in-zone servers). */
  otherGlue?: string[];
}

const COMPARED_FLAGS = ['aa', 'tc', 'rd', 'ra'];

export function lower(name: string): string {
  return name.toLowerCase();
}

export function rrText(rr: RR): string {
  return `${lower(rr.owner)} ${rr.ttl} ${rr.class} ${rr.type} ${rr.rdata}`;
}

function isAtOrBelow(name: string, ancestor: string): boolean {
  const n = lower(name);
  const a = lower(ancestor);
  return n === a || n.endsWith(`.${a}`) || a === '.';
}

/** NS owners in the authority section other than the zone apex: the response is a referral. */
export function referralCuts(r: Response, origin: string): string[] {
  return [...new Set(r.authority.filter((rr) => rr.type === 'NS' && lower(rr.owner) !== lower(origin)).map((rr) => lower(rr.owner)))];
}

function optSummary(r: Response): string {
  if (r.edns.length === 0) return 'none';
  const text = r.edns.join(' ');
  const version = /version: (\d+)/i.exec(text)?.[1] ?? '?';
  const udp = /udp(?: size)?: (\d+)/i.exec(text)?.[1] ?? '?';
  const flags = /flags: ?([a-z ]*)[;,]/i.exec(text)?.[1]?.trim() ?? '';
  return `version ${version} udp ${udp} flags [${flags}]`;
}

export function normalize(r: Response, origin: string): Normalized {
  if (r.error) return { error: r.error, rcode: '', flags: '', opt: '', answer: [], authority: [] };
  const n: Normalized = {
    rcode: r.rcode,
    flags: COMPARED_FLAGS.filter((f) => r.flags.has(f)).join(' '),
    opt: optSummary(r),
    answer: r.answer.map(rrText).sort(),
    authority: r.authority.map(rrText).sort(),
  };
  const cuts = referralCuts(r, origin);
  if (cuts.length > 0) {
    const targets = new Map<string, string>();
    for (const rr of r.authority) if (rr.type === 'NS') targets.set(lower(rr.rdata), lower(rr.owner));
    const glue = r.additional.filter((rr) => (rr.type === 'A' || rr.type === 'AAAA') && targets.has(lower(rr.owner)));
    n.inDomainGlue = glue.filter((rr) => isAtOrBelow(rr.owner, targets.get(lower(rr.owner))!)).map(rrText).sort();
    n.otherGlue = glue.filter((rr) => !isAtOrBelow(rr.owner, targets.get(lower(rr.owner))!)).map(rrText).sort();
  }
  return n;
}

function setDiff(field: string, a: string[], b: string[], aName: string, bName: string): string[] {
  const out: string[] = [];
  const sa = new Set(a);
  const sb = new Set(b);
  for (const x of a) if (!sb.has(x)) out.push(`${field}: only ${aName} has ${x}`);
  for (const x of b) if (!sa.has(x)) out.push(`${field}: only ${bName} has ${x}`);
  if (out.length === 0 && a.length !== b.length) out.push(`${field}: ${aName} has ${a.length} RRs, ${bName} has ${b.length} (duplicates)`);
  return out;
}

export type Field = 'rcode' | 'flags' | 'opt' | 'answer' | 'authority' | 'inDomainGlue' | 'otherGlue';
export const ALL_FIELDS: Field[] = ['rcode', 'flags', 'opt', 'answer', 'authority', 'inDomainGlue', 'otherGlue'];

/** Every difference between the reference's and the tested server's response, in plain words. */
export function differences(ref: Normalized, got: Normalized, refName: string, gotName: string, fields: Field[] = ALL_FIELDS): string[] {
  if (ref.error || got.error) {
    if (ref.error && got.error) return [];
    return [ref.error ? `${refName} gave no answer: ${ref.error}` : `${gotName} gave no answer: ${got.error}`];
  }
  const out: string[] = [];
  for (const f of fields) {
    if (f === 'answer' || f === 'authority' || f === 'inDomainGlue' || f === 'otherGlue') {
      out.push(...setDiff(f, ref[f] ?? [], got[f] ?? [], refName, gotName));
    } else if (ref[f] !== got[f]) {
      out.push(`${f}: ${refName} ${JSON.stringify(ref[f])}, ${gotName} ${JSON.stringify(got[f])}`);
    }
  }
  return out;
}

export function describeResponse(n: Normalized): string {
  if (n.error) return `  (no answer: ${n.error})`;
  const lines = [`  rcode ${n.rcode} flags [${n.flags}] opt ${n.opt}`];
  for (const s of ['answer', 'authority', 'inDomainGlue', 'otherGlue'] as const) {
    for (const rr of n[s] ?? []) lines.push(`  ${s}: ${rr}`);
  }
  return lines.join('\n');
}
