// Free ports chosen at run time: a port is free when both a TCP and a UDP socket can bind it.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

function bindTcp(port: number): Promise<{ port: number; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('no address'));
      resolve({ port: addr.port, close: () => new Promise((r) => srv.close(() => r())) });
    });
  });
}

function bindUdp(port: number): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', (e) => {
      s.close();
      reject(e);
    });
    s.bind(port, '127.0.0.1', () => resolve(() => new Promise((r) => s.close(() => r()))));
  });
}

const handedOut = new Set<number>();

/** A port on 127.0.0.1 that is free for both UDP and TCP right now. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const tcp = await bindTcp(0);
    if (handedOut.has(tcp.port)) {
      await tcp.close();
      continue;
    }
    try {
      const closeUdp = await bindUdp(tcp.port);
      await closeUdp();
      await tcp.close();
      handedOut.add(tcp.port);
      return tcp.port;
    } catch {
      await tcp.close();
    }
  }
  throw new Error('could not find a port free for both UDP and TCP on 127.0.0.1');
}
