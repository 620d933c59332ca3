import { createServer, type Server, type Socket } from 'node:net';
import { TcpConnection, type ConnectionContext } from './tcp-connection.js';

/** Every open connection of a server, across its addresses, for the cap and for draining. */
export class ConnectionSet {
  readonly open = new Set<TcpConnection>();
  constructor(readonly max: number) {}
}

export function createTcpServer(ctx: ConnectionContext, conns: ConnectionSet): Server {
  // allowHalfOpen: a client may send its queries and FIN; it still gets every answer.
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket: Socket) => {
    if (conns.open.size >= conns.max) {
      ctx.logger.debug({ client: socket.remoteAddress }, 'tcp connection cap reached, closing new connection');
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    const conn = new TcpConnection(socket, ctx);
    conns.open.add(conn);
    void conn.closed.then(() => conns.open.delete(conn));
  });
  return server;
}

/** Listens; rejects if the bind fails. Later errors are logged, never thrown. */
export function listenTcp(server: Server, family: 4 | 6, address: string, port: number, ctx: ConnectionContext): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ host: address, port, ipv6Only: family === 6, exclusive: true }, () => {
      server.off('error', onError);
      server.on('error', (err) => ctx.logger.error({ err }, 'tcp listener error'));
      resolve();
    });
  });
}

export function closeTcpServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}
