import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTool, IN_CI } from '../interop/helpers/tools.js';

export { ensureInkanBuilt } from '../interop/helpers/servers.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MAIN = join(ROOT, 'dist/cli/main.js');

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `inkan ARGS` to completion. */
export function inkan(args: string[], cwd = ROOT): Result {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Path of `tool`, or undefined to skip. Under CI=true a missing tool is an error, never a skip. */
export function tool(name: string): string | undefined {
  const found = findTool(name);
  if (!found && IN_CI) throw new Error(`${name} is not installed (CI=true: this test must run, not skip)`);
  return found;
}

export interface LogLine {
  msg: string;
  level: number;
  [k: string]: unknown;
}

/** A running `inkan serve`, its JSON log lines collected as they arrive. */
export class ServeProcess {
  readonly lines: LogLine[] = [];
  stderr = '';
  private partial = '';
  readonly exited: Promise<number | null>;
  private readonly child;

  constructor(configPath: string) {
    this.child = spawn(process.execPath, [MAIN, 'serve', '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (d: string) => {
      const parts = (this.partial + d).split('\n');
      this.partial = parts.pop() ?? '';
      for (const p of parts) if (p.trim()) this.lines.push(JSON.parse(p) as LogLine);
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (d: string) => (this.stderr += d));
    // 'close', not 'exit': 'exit' can come before the last stdout data has been read.
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Waits for the n-th log line (counting from 1) with this msg. */
  async waitFor(msg: string, nth = 1, ms = 10_000): Promise<LogLine> {
    const until = Date.now() + ms;
    for (;;) {
      const hits = this.lines.filter((l) => l.msg === msg);
      if (hits.length >= nth) return hits[nth - 1];
      if (Date.now() > until) {
        throw new Error(`no "${msg}" log line (#${nth}); log so far:\n${this.lines.map((l) => JSON.stringify(l)).join('\n')}\n${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }
}

