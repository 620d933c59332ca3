// The control socket: how `inkan reload` reaches a running server (as rndc or knotc do),
// and gets an answer back, where a signal could only be sent and hoped for. A Unix socket
// in the state directory, mode 0600, one JSON line each way.
import { chmodSync, mkdirSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';

export interface ControlRequest {
  command: 'reload';
  /** Zone names to reload from their files; none: the configuration and every zone (as SIGHUP). */
  zones: string[];
}

export interface ControlResult {
  ok: boolean;
  /** Zones now served under a new serial. */
  reloaded: { zone: string; serial: number }[];
  /** Zones read again and found as they were: same serial, no NOTIFY. */
  unchanged: { zone: string; serial: number }[];
  /** Zones not reloaded, each error as `file:line: reason`; the previous version keeps serving. */
  failed: { zone: string; errors: string[] }[];
  /** Why nothing was done (a bad configuration, a bad request). */
  error?: string;
}

/** The answer to a request that was not carried out at all. */
export function refused(error: string): ControlResult {
  return { ok: false, reloaded: [], unchanged: [], failed: [], error };
}

const MAX_REQUEST = 64 * 1024;

export interface ControlServer {
  close(): Promise<void>;
}

/**
 * Listens on `path`. A socket file left by a process that is gone is replaced; one a live
 * inkan answers on is left alone (undefined: this server has no control socket).
 */
export async function startControl(path: string, handle: (req: ControlRequest) => ControlResult, logger: Logger): Promise<ControlServer | undefined> {
  if (await answers(path)) {
    logger.error({ socket: path }, 'control socket in use by another inkan; `inkan reload` reaches that one, not this one');
    return undefined;
  }
  try {
    unlinkSync(path);
  } catch {
    // Nothing left behind.
  }
  const server = createServer((sock) => serveOne(sock, handle, logger));
  try {
    mkdirSync(dirname(path), { recursive: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    chmodSync(path, 0o600);
  } catch (err) {
    logger.error({ err, socket: path }, 'no control socket; `inkan reload` will not reach this server (SIGHUP still reloads)');
    server.close();
    return undefined;
  }
  server.unref();
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        try {
          unlinkSync(path);
        } catch {
          // Already gone.
        }
      }),
  };
}

function serveOne(sock: Socket, handle: (req: ControlRequest) => ControlResult, logger: Logger): void {
  let buf = '';
  sock.setEncoding('utf8');
  sock.setTimeout(10_000, () => sock.destroy());
  sock.on('error', () => undefined);
  sock.on('data', (d: string) => {
    buf += d;
    if (buf.length > MAX_REQUEST) return void sock.destroy();
    const nl = buf.indexOf('\n');
    if (nl < 0) return;
    let result: ControlResult;
    try {
      result = handle(parseRequest(buf.slice(0, nl)));
    } catch (err) {
      result = refused((err as Error).message);
      logger.warn({ err }, 'control request refused');
    }
    sock.end(JSON.stringify(result) + '\n');
  });
}

function parseRequest(line: string): ControlRequest {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new Error('not a JSON request');
  }
  const r = v as Partial<ControlRequest>;
  if (r?.command !== 'reload') throw new Error(`unknown command ${JSON.stringify(r?.command)}`);
  if (!Array.isArray(r.zones) || !r.zones.every((z) => typeof z === 'string')) throw new Error('zones must be a list of names');
  return { command: 'reload', zones: r.zones };
}

/** Sends one request to the server listening on `path` and returns its answer. */
export function requestControl(path: string, req: ControlRequest, timeoutMs = 120_000): Promise<ControlResult> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    let buf = '';
    sock.setEncoding('utf8');
    sock.setTimeout(timeoutMs, () => sock.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'));
    sock.on('data', (d: string) => (buf += d));
    sock.on('error', reject);
    sock.on('end', () => {
      try {
        resolve(JSON.parse(buf) as ControlResult);
      } catch {
        reject(new Error('the server closed the connection without an answer'));
      }
    });
  });
}

/** True when a server accepts connections on `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection(path);
    sock.on('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.on('error', () => resolve(false));
  });
}
