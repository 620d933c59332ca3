import { createSocket, type Socket } from 'node:dgram';
import type { Logger } from 'pino';
import type { QueryLog } from './query-log.js';
import type { QueryResponder } from './types.js';
import { rawUdpHandle, type RawUdpHandle } from './udp-handle.js';

const UDP_RECV_BUFFER = 4 * 1024 * 1024;

/** Binds a UDP socket; rejects if the bind fails (address in use, not configured here, ...). */
export function bindUdp(family: 4 | 6, address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // ipv6Only so that "0.0.0.0:53" and "[::]:53" can both be configured.
    const sock = createSocket({ type: family === 6 ? 'udp6' : 'udp4', ipv6Only: family === 6 });
    const onError = (err: Error): void => {
      sock.close();
      reject(err);
    };
    sock.once('error', onError);
    sock.bind(port, address, () => {
      sock.off('error', onError);
      try {
        // The default (~200 kB) drops bursts; Linux caps this at net.core.rmem_max silently.
        sock.setRecvBufferSize(UDP_RECV_BUFFER);
      } catch {
        // Keep the default where the system refuses.
      }
      resolve(sock);
    });
  });
}

/**
 * One respond() per datagram. Nothing a client sends, and no responder bug, ends the process.
 * Uses the socket's native handle directly when this Node has the one we know (see
 * udp-handle.ts), else the public dgram API; `fast: false` forces the latter.
 */
export function serveUdp(sock: Socket, responder: QueryResponder, logger: Logger, queries: QueryLog, fast = true): 'fast' | 'dgram' {
  sock.on('error', (err) => logger.error({ err }, 'udp socket error'));
  const raw = fast ? rawUdpHandle(sock) : undefined;
  if (raw) {
    serveRaw(raw, responder, logger, queries);
    return 'fast';
  }
  const onSent = (err: Error | null): void => {
    if (err) logger.debug({ err }, 'udp send failed');
  };
  sock.on('message', (msg, rinfo) => {
    const out = answer(responder, msg, rinfo, logger, queries, false);
    // One callback for every send: a closure per datagram is garbage on the hot path.
    if (out) sock.send(out, rinfo.port, rinfo.address, onSent);
  });
  return 'dgram';
}

function serveRaw(raw: RawUdpHandle, responder: QueryResponder, logger: Logger, queries: QueryLog): void {
  raw.onMessage((msg, rinfo) => {
    const out = answer(responder, msg, rinfo, logger, queries, true);
    if (!out) return;
    const sent = raw.send(out, rinfo.port, rinfo.address);
    // Queued, not yet sent: the bytes must stay as they are until the kernel has them.
    if (sent === 0) responder.lent?.(out);
    else if (sent < 0) logger.debug({ errno: sent, client: rinfo.address }, 'udp send failed');
  }, (errno) => logger.error({ errno }, 'udp receive failed'));
}

function answer(
  responder: QueryResponder,
  msg: Buffer,
  rinfo: { address: string; port: number },
  logger: Logger,
  queries: QueryLog,
  shared: boolean,
): Buffer | null {
  let out: Buffer | null;
  try {
    out = responder.respond(msg, false, rinfo, shared);
  } catch (err) {
    logger.error({ err, client: rinfo.address }, 'responder failed on a udp query');
    return null;
  }
  if (queries.enabled && queries.sample()) queries.write('udp', rinfo.address, rinfo.port, msg, out);
  return out;
}
