// The differential test: the same queries (sent with real dig) to a reference server and to
// the server under test, responses compared field by field. A deliberate difference is never
// absorbed by loosening the comparison: it is a named Rule that covers an explicit set of
// queries, states the RFC reason, and asserts what the tested server must do instead.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { digBatch, type Response } from './dig.js';
import { describeResponse, differences, normalize, type Normalized } from './compare.js';
import { caseLabel, toDigQuery, type Case } from './queries.js';
import type { Server } from './servers.js';

export interface Rule {
  /** Test-name prefix, e.g. "follows RFC 8482 (NSD differs)". */
  title: string;
  /** Why the servers may differ, with the RFC. */
  reason: string;
  /** The queries the rule covers: decided from the query alone, never from the answers. */
  matches(c: Case): boolean;
  /** What the tested server must do instead of matching the reference; returns the problems. */
  check(ref: Normalized, got: Normalized, c: Case, ctx: RuleContext): string[];
}

export interface RuleContext {
  raw: { ref: Response; got: Response };
  /** The reference server's normalized answer to another query of the set, if it was asked. */
  refAnswer(name: string, type: string, mode?: Case['mode']): Normalized | undefined;
}

export interface DifferentialOptions {
  refName: string;
  gotName: string;
  origin: string;
  digPath: () => string;
  startRef: () => Promise<Server>;
  startGot: () => Promise<Server>;
  cases: Case[];
  rules: Rule[];
}

interface Outcome {
  ref: Response;
  got: Response;
}

/** Declares one test per query; call inside a describe(). */
export function defineDifferential(o: DifferentialOptions): void {
  let ref: Server | undefined;
  let got: Server | undefined;
  let outcomes: Outcome[] | undefined;
  let setupError: unknown;

  beforeAll(async () => {
    try {
      [ref, got] = await Promise.all([o.startRef(), o.startGot()]);
      const qs = o.cases.map(toDigQuery);
      const [r, g] = await Promise.all([digBatch(o.digPath(), ref.port, qs), digBatch(o.digPath(), got.port, qs)]);
      outcomes = r.map((x, i) => ({ ref: x, got: g[i]! }));
    } catch (e) {
      setupError = e;
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([ref?.stop(), got?.stop()]);
  });

  const outcome = (i: number): Outcome => {
    if (setupError) throw setupError;
    if (!outcomes) throw new Error('differential setup did not run');
    return outcomes[i]!;
  };

  o.cases.forEach((c, i) => {
    const rule = o.rules.find((r) => r.matches(c));
    const name = rule ? `${rule.title}: ${caseLabel(c)}` : caseLabel(c);
    it(name, () => {
      const { ref: rr, got: gr } = outcome(i);
      const nr = normalize(rr, o.origin);
      const ng = normalize(gr, o.origin);
      const ctx: RuleContext = {
        raw: { ref: rr, got: gr },
        refAnswer: (name, type, mode = 'tcp') => {
          const j = o.cases.findIndex((x) => x.name.toLowerCase() === name.toLowerCase() && x.type === type && x.mode === mode);
          return j < 0 ? undefined : normalize(outcome(j).ref, o.origin);
        },
      };
      const problems = rule ? rule.check(nr, ng, c, ctx) : differences(nr, ng, o.refName, o.gotName);
      // The harness checks itself: dig must have used the transport the mode asks for.
      const transport = c.mode === 'tcp' ? 'TCP' : 'UDP';
      for (const [who, r] of [[o.refName, rr], [o.gotName, gr]] as const) {
        if (!r.error && r.transport !== transport) problems.push(`harness: ${who} was asked over ${r.transport ?? '?'}, not ${transport}`);
        if (r.retriedTcp) problems.push(`harness: dig retried ${who}'s query over TCP`);
      }
      const context = `\n${o.refName}:\n${describeResponse(nr)}\n${o.gotName}:\n${describeResponse(ng)}\n` +
        (rule ? `rule: ${rule.reason}\n` : '') + `query: ${gr.cmd}`;
      expect(problems, context).toEqual([]);
    });
  });
}
