// Deliberate, RFC-backed differences between a reference server and the server under test.
// Each rule covers an explicit set of queries (chosen from the query, never from the answer)
// and asserts what the tested server must do there instead of matching the reference.
import { differences, type Normalized } from './compare.js';
import type { Rule } from './differential.js';
import type { Case } from './queries.js';

const NAME_RDATA_TYPES = new Set(['CNAME', 'DNAME', 'NS', 'PTR', 'MX', 'SRV', 'SOA', 'KX', 'AFSDB', 'RP']);

/** Lower-cases rdata of types whose rdata is names (and numbers): for case-blind comparison. */
export function foldRdataNames(rrs: string[]): string[] {
  return rrs
    .map((rr) => {
      const f = rr.split(' ');
      return NAME_RDATA_TYPES.has(f[3]!) ? rr.toLowerCase() : rr;
    })
    .sort();
}

function fold(n: Normalized): Normalized {
  return { ...n, answer: foldRdataNames(n.answer), authority: foldRdataNames(n.authority) };
}

function rrsetsOf(section: string[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const rr of section) {
    const [owner, , , type] = rr.split(' ');
    const key = `${owner} ${type}`;
    const list = m.get(key) ?? [];
    list.push(rr);
    m.set(key, list);
  }
  return m;
}

/**
 * RFC 8482 §4.1: a server may answer ANY with any one RRset of the name (or a synthesized
 * HINFO); which one is its choice. Both NSD and Knot do this too, over UDP and TCP alike.
 * Over TCP, RFC 8482 §4.4 also allows the conventional answer with every RRset.
 * Asserted instead: same rcode, flags and authority as the reference; the same CNAME/DNAME
 * chain (RFC 1034 §4.3.2 step 3a: ANY matches a CNAME, which is then not followed); after
 * it one RRset owned by the chain's last name (over TCP: one, or all of that name's
 * RRsets), each identical (TTL and rdata) to the reference's answer for that type.
 */
export function anyRule(title: string, refName: string, gotName: string, zoneTypes: Map<string, Set<string>>): Rule {
  const isChain = (rr: string) => ['CNAME', 'DNAME'].includes(rr.split(' ')[3]!);
  zoneTypes = new Map([...zoneTypes].map(([k, v]) => [k.toLowerCase(), v]));
  return {
    title,
    reason: 'RFC 8482 §4.1: ANY is answered with one RRset of the server\'s choosing',
    matches: (c) => c.type === 'ANY',
    check(ref, got, c, ctx) {
      const p = differences(ref, got, refName, gotName, ['rcode', 'flags', 'opt', 'authority']);
      // A CNAME/DNAME chain leading to the name is not the server's choice: it must match.
      const refChain = ref.answer.filter(isChain);
      const gotChain = got.answer.filter(isChain);
      p.push(...differences({ ...ref, answer: foldRdataNames(refChain) }, { ...got, answer: foldRdataNames(gotChain) }, refName, gotName, ['answer']));
      let target = c.name.toLowerCase();
      for (let hops = 0; hops < 10; hops++) {
        const next = gotChain.find((rr) => rr.startsWith(`${target} `) && rr.split(' ')[3] === 'CNAME');
        if (!next) break;
        target = next.split(' ').at(-1)!.toLowerCase();
      }
      const refRest = ref.answer.filter((rr) => !isChain(rr));
      const gotRest = got.answer.filter((rr) => !isChain(rr));
      if ((refRest.length === 0) !== (gotRest.length === 0)) {
        p.push(...differences({ ...ref, answer: refRest }, { ...got, answer: gotRest }, refName, gotName, ['answer']));
        return p;
      }
      const sets = rrsetsOf(gotRest);
      if (sets.size > 1) {
        // RFC 8482 §4.4: over TCP a conventional (complete) ANY answer is allowed too.
        const wildcard = `*.${target.split('.').slice(1).join('.')}`;
        const all = zoneTypes.get(target) ?? zoneTypes.get(wildcard);
        const types = [...sets.keys()].map((k) => k.split(' ')[1]!).sort();
        const complete = all !== undefined && types.join(' ') === [...all].sort().join(' ');
        if (c.mode !== 'tcp') p.push(`${gotName} answered ANY over UDP with ${sets.size} RRsets (${types.join(', ')}), not one`);
        else if (!complete) p.push(`${gotName} answered ANY over TCP with ${types.join(', ')}: neither one RRset nor all of ${[...(all ?? [])].join(', ')}`);
      }
      for (const [key, rrs] of sets) {
        const [owner, type] = key.split(' ') as [string, string];
        if (owner !== target) p.push(`${gotName}'s ANY answer is owned by ${owner}, not ${target}`);
        if (type === 'HINFO' && rrs.some((r) => r.includes('"RFC8482"'))) continue; // RFC 8482 §4.2 synthesized HINFO
        const want = ctx.refAnswer(target, type, 'tcp') ?? ctx.refAnswer(target, type, 'udp');
        if (want) {
          const wantRest = want.answer.filter((rr) => !isChain(rr));
          p.push(...differences({ ...want, answer: wantRest }, { ...want, answer: rrs }, `${refName} (${type} query)`, `${gotName} (ANY)`, ['answer']));
        } else if (refRest.some((r) => r.split(' ')[3] === type)) {
          p.push(...differences({ ...ref, answer: refRest }, { ...got, answer: gotRest }, refName, gotName, ['answer']));
        } else {
          p.push(`no reference answer for ${target} ${type} to check ${gotName}'s ANY answer against`);
        }
      }
      return p;
    },
  };
}

/**
 * RFC 9471 §3: when the in-domain glue (addresses of name servers at or below the cut) does
 * not all fit in a referral over UDP, the server must set TC so the resolver retries over
 * TCP; NSD instead sends what fits (it drops the AAAA glue) without TC. Covers the
 * big-referral delegation asked without EDNS or with a 512-octet EDNS payload.
 * Asserted instead: same rcode as the reference, TC set, and any NS it did include is
 * from the delegation's NS set.
 */
export function rfc9471Rule(title: string, refName: string, gotName: string): Rule {
  return {
    title,
    reason: 'RFC 9471 §3: in-domain glue that does not fit sets TC (the reference drops it silently)',
    matches: (c: Case) => /(^|\.)big-referral\.diff\.test\.$/i.test(c.name) && (c.mode === 'udp-noedns' || c.mode === 'udp-512'),
    check(ref: Normalized, got: Normalized) {
      const p = differences(ref, got, refName, gotName, ['rcode']);
      if (!got.flags.split(' ').includes('tc')) p.push(`${gotName} did not set TC although the in-domain glue does not fit (flags: ${got.flags})`);
      const refNs = new Set(ref.authority);
      for (const rr of got.authority) if (!refNs.has(rr)) p.push(`${gotName} authority has ${rr}, not in ${refName}'s referral`);
      return p;
    },
  };
}

/**
 * RFC 4343 §4.1: the case of names in rdata is not significant but should be preserved.
 * inkan (like BIND) sends a name in rdata as the zone file spells it (`cmixed CNAME MiXeD`)
 * and a DNAME-synthesized CNAME (RFC 6672 §2.2) with the query's own spelling of the part
 * below the DNAME owner; NSD and Knot fold names to lower case. Covers queries whose answer
 * carries such a name. Asserted instead: everything equal with rdata names compared
 * case-blind, and each synthesized CNAME target spelled exactly as this query spelled it
 * (a response cache must not hand one client another client's spelling).
 */
export function rdataCaseRule(title: string, refName: string, gotName: string): Rule {
  return {
    title,
    reason: 'RFC 4343 §4.1: rdata name case is preserved (inkan, BIND) or folded (NSD, Knot); compared case-blind',
    matches: (c: Case) => /^cmixed\.diff\.test\.$/i.test(c.name) || /(^|\.)(dn|dnout)\.diff\.test\.$/i.test(c.name),
    check(ref: Normalized, got: Normalized, c: Case) {
      const p = differences(fold(ref), fold(got), refName, gotName);
      const dname = got.answer.find((rr) => rr.split(' ')[3] === 'DNAME');
      if (dname) {
        const [owner, , , , target] = dname.split(' ') as [string, string, string, string, string];
        const below = c.name.slice(0, c.name.length - owner.length); // keeps the query's case
        const want = `${below}${target}`;
        for (const rr of got.answer) {
          const f = rr.split(' ');
          if (f[3] === 'CNAME' && f[0] === c.name.toLowerCase() && f[4] !== want) {
            p.push(`${gotName}'s synthesized CNAME target is ${f[4]}, not the query's spelling ${want}`);
          }
        }
      }
      return p;
    },
  };
}
