import type { Logger } from 'pino';
import type { ListenAddress } from '../config/types.js';

/** Who sent a query (access lists for transfers need it). */
export interface ClientInfo {
  address: string;
  port: number;
}

/** Whatever answers queries; the server only moves its bytes. null means send nothing. */
export interface QueryResponder {
  /**
   * With `shared`, the answer may be bytes the responder keeps (its response cache), valid
   * until the next respond(); a caller that holds them longer calls lent() first.
   */
  respond(msg: Buffer, tcp: boolean, client?: ClientInfo, shared?: boolean): Buffer | null;
  lent?(wire: Buffer): void;
  /**
   * For a zone transfer request over TCP: the messages to send, in order, produced as the
   * socket takes them. Undefined when `msg` is not a transfer request (then respond() answers).
   */
  transfer?(msg: Buffer, client: ClientInfo): Iterator<Buffer> | AsyncIterator<Buffer> | undefined;
}

export interface ServerAddress {
  family: 'IPv4' | 'IPv6';
  address: string;
  port: number;
}

export interface ServerOptions {
  listen: readonly ListenAddress[];
  responder: QueryResponder;
  logger?: Logger;
  /** Close a TCP connection that makes no progress for this long (RFC 7766 §6.2.3). */
  tcpIdleTimeoutMs?: number;
  /** TCP connections over this many, across all addresses, are closed at once. */
  tcpMaxConnections?: number;
  /** Log one query in every N; 0 (default) logs none. */
  querySample?: number;
  /** false: answer UDP through the public dgram API only (see udp-handle.ts). Default true. */
  udpFastPath?: boolean;
  /** How long close() lets TCP clients collect their answers before cutting them off. */
  drainTimeoutMs?: number;
}

export interface RunningServer {
  /** One entry per configured address, with the port actually bound (UDP and TCP share it). */
  addresses(): ServerAddress[];
  /** Open TCP connections right now. */
  tcpConnections(): number;
  /** Stops accepting, lets open TCP connections finish their answers, then resolves. */
  close(): Promise<void>;
}
