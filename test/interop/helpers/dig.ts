// Running real dig (batch mode) and kdig, and parsing their text output into responses.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RR {
  owner: string;
  ttl: number;
  class: string;
  type: string;
  /** Presentation form as printed, fields joined by one space. */
  rdata: string;
}

export interface Response {
  /** The dig/kdig arguments that produced it (for messages). */
  cmd: string;
  /** Set when no answer arrived (timeout, connection refused, ...). */
  error?: string;
  rcode: string;
  flags: Set<string>;
  /** EDNS pseudo-section lines (empty without OPT). */
  edns: string[];
  question: string[];
  answer: RR[];
  authority: RR[];
  additional: RR[];
  /** "UDP" or "TCP" as reported by the tool. */
  transport?: string;
  /** The tool retried over TCP after a truncated UDP answer. */
  retriedTcp: boolean;
  raw: string;
}

export function parseRR(line: string): RR | undefined {
  const f = line.trim().split(/\s+/);
  if (f.length < 4) return undefined;
  const [owner, ttl, cls, type, ...rest] = f as [string, string, string, string, ...string[]];
  if (!/^\d+$/.test(ttl)) return undefined;
  return { owner, ttl: Number(ttl), class: cls, type, rdata: rest.join(' ') };
}

/** Parses the output of one dig or kdig query (both print the same section layout). */
export function parseResponse(text: string, cmd = ''): Response {
  const r: Response = {
    cmd,
    rcode: '',
    flags: new Set(),
    edns: [],
    question: [],
    answer: [],
    authority: [],
    additional: [],
    retriedTcp: /Truncated, retrying in TCP mode|retrying over TCP/i.test(text),
    raw: text,
  };
  type Section = 'none' | 'edns' | 'question' | 'answer' | 'authority' | 'additional';
  let section = 'none' as Section;
  let sawHeader = false;
  for (const line of text.split('\n')) {
    const status = /->>HEADER<<- opcode: \w+[,;] status: (\w+)/.exec(line);
    if (status) {
      // After dig's TCP retry, the second header replaces the first.
      sawHeader = true;
      r.rcode = status[1]!;
      r.answer = [];
      r.authority = [];
      r.additional = [];
      r.edns = [];
      r.question = [];
      section = 'none';
      continue;
    }
    const flags = /^;; [Ff]lags:([^;]*);/.exec(line);
    if (flags) {
      r.flags = new Set(flags[1]!.trim().split(/\s+/).filter(Boolean));
      continue;
    }
    const server = /^;; SERVER: .*\((UDP|TCP)\)/.exec(line) ?? /^;; From .*\((UDP|TCP)\)/.exec(line);
    if (server) {
      r.transport = server[1];
      continue;
    }
    if (/^;; (OPT|EDNS) PSEUDOSECTION:/.test(line)) {
      section = 'edns';
      continue;
    }
    const sec = /^;; (QUESTION|ANSWER|AUTHORITY|ADDITIONAL) SECTION:/.exec(line);
    if (sec) {
      section = sec[1]!.toLowerCase() as typeof section;
      continue;
    }
    if (line.trim() === '') {
      if (section !== 'edns') section = 'none';
      continue;
    }
    if (section === 'edns') {
      if (line.startsWith(';')) {
        r.edns.push(line.replace(/^;+\s*/, ''));
        continue;
      }
      section = 'none' as Section;
    }
    if (section === 'question') {
      r.question.push(line.replace(/^;+\s*/, '').trim().split(/\s+/).join(' '));
      continue;
    }
    if (section === 'answer' || section === 'authority' || section === 'additional') {
      if (line.startsWith(';')) continue;
      const rr = parseRR(line);
      if (rr) r[section].push(rr);
    }
  }
  if (!sawHeader) {
    const err = /;; (communications error[^\n]*|connection timed out[^\n]*|no servers could be reached|[^\n]*(refused|timed out|failed)[^\n]*)/i.exec(text);
    r.error = err ? err[1] : `no response parsed from:\n${text.slice(0, 500)}`;
  }
  return r;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      // dig exits non-zero when some query in a batch failed; the output still tells which.
      if (err && !stdout) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout + (stderr ? `\n${stderr}` : ''));
    });
  });
}

export interface DigQuery {
  name: string;
  type: string;
  /** dig options for this query, e.g. ['+tcp'] or ['+noedns', '+ignore']. */
  options: string[];
}

/**
 * Runs the queries with `dig -f` against 127.0.0.1:port. dig applies transport options only
 * from its command line (not per batch line), so queries are grouped by option set; large
 * groups are split into chunks run in parallel. Results come back in query order.
 */
export async function digBatch(dig: string, port: number, queries: DigQuery[], chunk = 60): Promise<Response[]> {
  const dir = mkdtempSync(join(tmpdir(), 'inkan-dig-'));
  try {
    const groups = new Map<string, number[]>();
    queries.forEach((q, i) => {
      const key = q.options.join(' ');
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(i);
    });
    const results: Response[] = new Array(queries.length);
    const jobs: Promise<void>[] = [];
    let n = 0;
    for (const [key, idxs] of groups) {
      for (let s = 0; s < idxs.length; s += chunk) {
        const part = idxs.slice(s, s + chunk);
        const file = join(dir, `batch-${n++}.txt`);
        writeFileSync(file, part.map((i) => `${queries[i]!.name} ${queries[i]!.type}\n`).join(''));
        const args = ['@127.0.0.1', '-p', String(port), '+cmd', '+time=2', '+tries=2', ...key.split(' ').filter(Boolean), '-f', file];
        jobs.push(
          run(dig, args, 120_000).then((out) => {
            const blocks = out.split(/^(?=; <<>> DiG )/m).filter((b) => b.startsWith('; <<>> DiG '));
            if (blocks.length !== part.length) {
              throw new Error(`dig printed ${blocks.length} answers for ${part.length} queries (${args.join(' ')})`);
            }
            part.forEach((qi, k) => {
              const q = queries[qi]!;
              results[qi] = parseResponse(blocks[k]!, `dig -p ${port} ${key} ${q.name} ${q.type}`);
            });
          }),
        );
      }
    }
    await Promise.all(jobs);
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One dig query (options may include +tcp, +noedns, +nsid ...). */
export async function dig(digPath: string, port: number, args: string[]): Promise<Response> {
  const all = ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', '+retry=0', ...args];
  return parseResponse(await run(digPath, all, 20_000), `dig ${all.join(' ')}`);
}

/** One kdig query. */
export async function kdig(kdigPath: string, port: number, args: string[]): Promise<Response> {
  const all = ['@127.0.0.1', '-p', String(port), '+time=2', '+retry=0', ...args];
  return parseResponse(await run(kdigPath, all, 20_000), `kdig ${all.join(' ')}`);
}
