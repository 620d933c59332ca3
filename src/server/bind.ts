import type { Socket as UdpSocket } from 'node:dgram';
import type { AddressInfo, Server } from 'node:net';
import type { ListenAddress } from '../config/types.js';
import { closeTcpServer, listenTcp } from './tcp.js';
import type { ConnectionContext } from './tcp-connection.js';
import { bindUdp } from './udp.js';

const PORT_ZERO_ATTEMPTS = 8;

export interface BoundPair {
  udp: UdpSocket;
  tcp: Server;
  port: number;
}

/**
 * UDP and TCP on one address and port. For port 0 the system picks the UDP port and TCP
 * takes the same number, so a client falling back to TCP after TC=1 finds us; if that
 * number is taken for TCP we start over with a fresh UDP port.
 */
export async function bindPair(a: ListenAddress, makeTcp: () => Server, ctx: ConnectionContext): Promise<BoundPair> {
  for (let attempt = 1; ; attempt++) {
    const udp = await bindUdp(a.family, a.address, a.port);
    const port = udp.address().port;
    const tcp = makeTcp();
    try {
      await listenTcp(tcp, a.family, a.address, port, ctx);
      return { udp, tcp, port: (tcp.address() as AddressInfo).port };
    } catch (err) {
      udp.close();
      await closeTcpServer(tcp);
      const code = (err as NodeJS.ErrnoException).code;
      if (a.port !== 0 || code !== 'EADDRINUSE' || attempt >= PORT_ZERO_ATTEMPTS) throw err;
    }
  }
}
