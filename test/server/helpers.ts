import { connect, type Socket } from 'node:net';
import { startServer } from '../../src/server/server.js';
import type { QueryResponder, RunningServer, ServerOptions } from '../../src/server/types.js';

/**
 * Answers "ok:" + the query. A query starting with 0xff is dropped, "THROW" throws, and
 * "BIG" gets a 60000-byte answer, so tests can steer it from the client side.
 */
export class FakeResponder implements QueryResponder {
  readonly calls: { msg: Buffer; tcp: boolean }[] = [];

  respond(msg: Buffer, tcp: boolean): Buffer | null {
    this.calls.push({ msg: Buffer.from(msg), tcp });
    if (msg[0] === 0xff) return null;
    const text = msg.toString('latin1');
    if (text === 'THROW') throw new Error('responder bug');
    if (text === 'BIG') return Buffer.alloc(60_000, 0x42);
    return Buffer.concat([Buffer.from('ok:'), msg]);
  }
}

export async function start(responder: QueryResponder, opts: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer({ listen: [{ family: 4, address: '127.0.0.1', port: 0 }], responder, ...opts });
}

export function frame(payload: Buffer | string): Buffer {
  const p = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  const len = Buffer.alloc(2);
  len.writeUInt16BE(p.length);
  return Buffer.concat([len, p]);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A TCP test client that collects every framed answer and notes when the server closes. */
export class Client {
  readonly answers: string[] = [];
  private buf = Buffer.alloc(0);
  ended = false;
  closed = false;
  readonly closedAt: Promise<void>;

  private constructor(readonly socket: Socket, collect: boolean) {
    if (collect) this.collect();
    socket.on('end', () => (this.ended = true));
    socket.on('error', () => {});
    this.closedAt = new Promise((r) => socket.on('close', () => {
      this.closed = true;
      r();
    }));
  }

  static open(port: number, opts: { collect?: boolean } = {}): Promise<Client> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new Client(s, opts.collect ?? true)));
      s.once('error', reject);
    });
  }

  collect(): void {
    this.socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 2 && this.buf.length >= 2 + this.buf.readUInt16BE(0)) {
        const n = this.buf.readUInt16BE(0);
        this.answers.push(this.buf.subarray(2, 2 + n).toString('latin1'));
        this.buf = this.buf.subarray(2 + n);
      }
    });
  }

  send(bytes: Buffer | string): void {
    this.socket.write(typeof bytes === 'string' ? frame(bytes) : bytes);
  }

  async waitFor(n: number, ms = 3000): Promise<string[]> {
    const until = Date.now() + ms;
    while (this.answers.length < n) {
      if (Date.now() > until) throw new Error(`got ${this.answers.length} answers, wanted ${n}`);
      await sleep(5);
    }
    return this.answers;
  }
}

export async function waitUntil(cond: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(5);
  }
}
