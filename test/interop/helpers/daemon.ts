// Starting and stopping a DNS server process, and waiting until it answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { buildQuery, parseHeader, udpExchange } from './raw.js';

export interface Daemon {
  name: string;
  port: number;
  proc: ChildProcess;
  /** stdout and stderr so far, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/** A daemon that runs from its own temporary directory, removed when it stops. */
export interface InDir extends Daemon {
  dir: string;
}

export function inDir(d: Daemon, dir: string): InDir {
  return {
    ...d,
    dir,
    stop: async () => {
      await d.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `d` once it answers for `zone`; if it never does, it is stopped and the error thrown. */
export async function answeringOrStopped<T extends Daemon>(d: T, zone: string): Promise<T> {
  try {
    await waitUntilAnswering(d, zone);
  } catch (e) {
    await d.stop();
    throw e;
  }
  return d;
}

export function startDaemon(name: string, cmd: string, args: string[], port: number, cwd?: string): Daemon {
  const proc = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  return {
    name,
    port,
    proc,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const kill9 = setTimeout(() => proc.kill('SIGKILL'), 3000);
        proc.once('exit', () => {
          clearTimeout(kill9);
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}

/** Polls with a SOA query over UDP until the server answers (any rcode) or `timeoutMs` passes. */
export async function waitUntilAnswering(d: Daemon, zone: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let id = 1;
  while (Date.now() < deadline) {
    if (d.proc.exitCode !== null || d.proc.signalCode !== null) {
      throw new Error(`${d.name} exited (${d.proc.exitCode ?? d.proc.signalCode}) before answering:\n${d.output()}`);
    }
    const q = buildQuery({ id, questions: [{ name: zone, type: 6 }] });
    const r = await udpExchange(d.port, q, 200);
    if (r && r.length >= 12 && parseHeader(r).id === id) return;
    id++;
    await new Promise((r2) => setTimeout(r2, 100));
  }
  throw new Error(`${d.name} did not answer on 127.0.0.1:${d.port} within ${timeoutMs} ms:\n${d.output()}`);
}
