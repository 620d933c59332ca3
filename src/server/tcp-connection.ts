import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { FrameReader } from './frame-reader.js';
import type { QueryLog } from './query-log.js';
import type { QueryResponder } from './types.js';

export interface ConnectionContext {
  responder: QueryResponder;
  logger: Logger;
  queries: QueryLog;
  idleTimeoutMs: number;
}

/**
 * One client on TCP (RFC 7766): any number of length-framed queries, each answered as soon
 * as it is whole, in order. When the client stops reading, we stop reading too, so the
 * output held for it stays around one socket buffer. A connection that makes no progress
 * (no whole query in, no answer drained out) for the idle timeout is closed; that also
 * covers a client that sends half a frame and stops.
 */
export class TcpConnection {
  private readonly reader = new FrameReader();
  private readonly timer: NodeJS.Timeout;
  private blocked = false;
  private peerEnded = false;
  private draining = false;
  private finished = false;
  /** A zone transfer being sent: more messages come from it as the socket drains. */
  private stream: Iterator<Buffer> | AsyncIterator<Buffer> | undefined;
  /** Waiting for the next message of an asynchronous transfer. */
  private awaiting = false;
  readonly closed: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly ctx: ConnectionContext,
  ) {
    socket.setNoDelay(true);
    this.timer = setTimeout(() => this.onIdle(), ctx.idleTimeoutMs);
    this.closed = new Promise((resolve) => socket.once('close', () => {
      clearTimeout(this.timer);
      resolve();
    }));
    socket.on('data', (chunk: Buffer) => {
      if (this.finished) return;
      this.reader.push(chunk);
      this.pump();
    });
    socket.on('end', () => {
      this.peerEnded = true;
      this.pump();
    });
    socket.on('drain', () => {
      this.blocked = false;
      this.timer.refresh();
      if (!this.finished) socket.resume();
      this.pump();
    });
    socket.on('error', (err) => ctx.logger.debug({ err, client: socket.remoteAddress }, 'tcp connection error'));
  }

  /** Server shutdown: answer what has fully arrived, then close our side. */
  drain(): void {
    this.draining = true;
    this.pump();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private pump(): void {
    if (this.finished) return;
    while (!this.blocked && !this.awaiting) {
      if (this.stream) {
        this.continueStream();
        if (this.finished) return;
        continue;
      }
      const frame = this.reader.next();
      if (frame === undefined) break;
      this.timer.refresh();
      if (frame.length === 0) {
        // Not a DNS message; a client that sends one is broken, not worth guessing about.
        this.ctx.logger.debug({ client: this.socket.remoteAddress }, 'zero-length tcp message, closing');
        this.socket.destroy();
        return;
      }
      this.answer(frame);
    }
    if (!this.blocked && !this.awaiting && !this.stream && (this.peerEnded || this.draining)) {
      // A frame still incomplete after the client's FIN can never complete: drop it.
      this.finished = true;
      this.reader.clear();
      this.socket.end();
    }
  }

  private client(): { address: string; port: number } {
    return { address: this.socket.remoteAddress ?? '', port: this.socket.remotePort ?? 0 };
  }

  /** Sends the next message of a transfer; the transfer ends when its iterator does. */
  private continueStream(): void {
    let next: IteratorResult<Buffer> | Promise<IteratorResult<Buffer>>;
    try {
      next = this.stream!.next();
    } catch (err) {
      this.failStream(err);
      return;
    }
    if (next instanceof Promise) {
      // An asynchronous transfer (one waiting for its signatures): hold the connection until
      // the message is there, then go on pumping.
      this.awaiting = true;
      // Waiting is progress, not idleness: a large zone may take seconds to sign.
      const keepAlive = setInterval(() => this.timer.refresh(), 1000);
      next.then(
        (r) => {
          clearInterval(keepAlive);
          this.awaiting = false;
          this.streamed(r);
          this.pump();
        },
        (err) => {
          clearInterval(keepAlive);
          this.awaiting = false;
          this.failStream(err);
        },
      );
      return;
    }
    this.streamed(next);
  }

  /** Half a transfer is useless to the client: close, so it retries cleanly. */
  private failStream(err: unknown): void {
    this.ctx.logger.error({ err, client: this.socket.remoteAddress }, 'zone transfer failed; closing the connection');
    this.stream = undefined;
    this.finished = true;
    this.socket.destroy();
  }

  private streamed(next: IteratorResult<Buffer>): void {
    if (this.finished) return;
    if (next.done) {
      this.stream = undefined;
      return;
    }
    this.timer.refresh();
    this.send(next.value);
  }

  private answer(frame: Buffer): void {
    let out: Buffer | null;
    try {
      const stream = this.ctx.responder.transfer?.(frame, this.client());
      if (stream) {
        this.stream = stream;
        return;
      }
      out = this.ctx.responder.respond(frame, true, this.client());
    } catch (err) {
      this.ctx.logger.error({ err, client: this.socket.remoteAddress }, 'responder failed on a tcp query');
      return;
    }
    const q = this.ctx.queries;
    if (q.enabled && q.sample()) q.write('tcp', this.socket.remoteAddress ?? '', this.socket.remotePort ?? 0, frame, out);
    if (out) this.send(out);
  }

  private send(out: Buffer): void {
    if (out.length > 0xffff) {
      this.ctx.logger.error({ bytes: out.length }, 'responder produced a message too long for tcp; not sent');
      return;
    }
    const len = Buffer.allocUnsafe(2);
    len.writeUInt16BE(out.length, 0);
    // Corked so length and message leave in one segment.
    this.socket.cork();
    this.socket.write(len);
    const more = this.socket.write(out);
    this.socket.uncork();
    if (!more) {
      this.blocked = true;
      this.socket.pause();
    }
  }

  private onIdle(): void {
    this.ctx.logger.debug({ client: this.socket.remoteAddress }, 'tcp idle timeout');
    this.socket.destroy();
  }
}
