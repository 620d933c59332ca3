import type { Socket as UdpSocket } from 'node:dgram';
import type { Server } from 'node:net';
import { silentLogger } from '../log.js';
import type { Config } from '../config/types.js';
import { bindPair } from './bind.js';
import { QueryLog } from './query-log.js';
import { ConnectionSet, closeTcpServer, createTcpServer } from './tcp.js';
import type { ConnectionContext } from './tcp-connection.js';
import { serveUdp } from './udp.js';
import type { QueryResponder, RunningServer, ServerAddress, ServerOptions } from './types.js';
import type { Logger } from 'pino';

const DEFAULT_IDLE_MS = 10_000;
const DEFAULT_MAX_CONNECTIONS = 1000;
const DEFAULT_DRAIN_MS = 5_000;

/** Server options taken from a loaded config. */
export function serverOptions(config: Config, responder: QueryResponder, logger?: Logger): ServerOptions {
  return {
    listen: config.listen,
    responder,
    logger,
    tcpIdleTimeoutMs: config.tcp.idleTimeoutMs,
    tcpMaxConnections: config.tcp.maxConnections,
    querySample: config.log.querySample,
  };
}

/** Binds UDP and TCP on every address; if any bind fails, closes what was opened and rejects. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const logger = opts.logger ?? silentLogger;
  const queries = new QueryLog(logger, opts.querySample ?? 0);
  const ctx: ConnectionContext = {
    responder: opts.responder,
    logger,
    queries,
    idleTimeoutMs: opts.tcpIdleTimeoutMs ?? DEFAULT_IDLE_MS,
  };
  const conns = new ConnectionSet(opts.tcpMaxConnections ?? DEFAULT_MAX_CONNECTIONS);
  const udps: UdpSocket[] = [];
  const tcps: Server[] = [];
  const bound: ServerAddress[] = [];

  const shutdown = async (): Promise<void> => {
    for (const u of udps) {
      try {
        u.close();
      } catch {
        // Already closed after a socket error.
      }
    }
    const stopped = Promise.all(tcps.map(closeTcpServer));
    const open = [...conns.open];
    for (const c of open) c.drain();
    const drained = Promise.all(open.map((c) => c.closed));
    let deadline: NodeJS.Timeout | undefined;
    const cutoff = new Promise<void>((resolve) => {
      deadline = setTimeout(() => {
        for (const c of conns.open) c.destroy();
        resolve();
      }, opts.drainTimeoutMs ?? DEFAULT_DRAIN_MS);
    });
    await Promise.race([drained, cutoff]);
    clearTimeout(deadline);
    await stopped;
  };

  try {
    for (const a of opts.listen) {
      const pair = await bindPair(a, () => createTcpServer(ctx, conns), ctx);
      udps.push(pair.udp);
      tcps.push(pair.tcp);
      const path = serveUdp(pair.udp, opts.responder, logger, queries, opts.udpFastPath ?? true);
      if (path === 'dgram' && opts.udpFastPath !== false) {
        logger.warn({ node: process.version }, 'udp: this Node lacks the native handle inkan knows; answering through dgram.send (about 15% slower)');
      }
      bound.push({ family: a.family === 6 ? 'IPv6' : 'IPv4', address: a.address, port: pair.port });
    }
  } catch (err) {
    await shutdown();
    throw err;
  }

  let closing: Promise<void> | undefined;
  return {
    addresses: () => bound.map((b) => ({ ...b })),
    tcpConnections: () => conns.open.size,
    close: () => (closing ??= shutdown()),
  };
}
