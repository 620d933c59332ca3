import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/types.js';
import type { ServerOptions } from '../../src/server/types.js';
import { FakeResponder, start as startWith } from './helpers.js';

function ask(port: number, msg: string, host = '127.0.0.1', timeoutMs = 300): Promise<string | null> {
  return new Promise((resolve) => {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const t = setTimeout(() => {
      s.close();
      resolve(null);
    }, timeoutMs);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(m.toString('latin1'));
    });
    s.send(Buffer.from(msg, 'latin1'), port, host);
  });
}

describe.each([
  { path: 'native handle', udpFastPath: true },
  { path: 'dgram API', udpFastPath: false },
])('UDP listener ($path)', ({ udpFastPath }) => {
  const start = (r: FakeResponder, opts: Partial<ServerOptions> = {}): ReturnType<typeof startWith> =>
    startWith(r, { udpFastPath, ...opts });
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers each datagram once, with tcp=false', async () => {
    const r = new FakeResponder();
    server = await start(r);
    const [a] = server.addresses();
    expect(a).toMatchObject({ family: 'IPv4', address: '127.0.0.1' });
    expect(a.port).toBeGreaterThan(0);
    expect(await ask(a.port, 'hello')).toBe('ok:hello');
    expect(r.calls).toEqual([{ msg: Buffer.from('hello'), tcp: false }]);
  });

  it('sends nothing when the responder drops, and survives a responder that throws', async () => {
    const r = new FakeResponder();
    server = await start(r);
    const { port } = server.addresses()[0];
    expect(await ask(port, '\xffdrop')).toBeNull();
    expect(await ask(port, 'THROW')).toBeNull();
    expect(await ask(port, '')).toBe('ok:');
    expect(await ask(port, 'still here')).toBe('ok:still here');
  });

  it('listens on IPv6 and on several addresses, each with its own port', async () => {
    server = await start(new FakeResponder(), {
      listen: [
        { family: 4, address: '127.0.0.1', port: 0 },
        { family: 6, address: '::1', port: 0 },
      ],
    });
    const [v4, v6] = server.addresses();
    expect(v6).toMatchObject({ family: 'IPv6', address: '::1' });
    expect(await ask(v4.port, 'four')).toBe('ok:four');
    expect(await ask(v6.port, 'six', '::1')).toBe('ok:six');
  });

  it('rejects, having closed everything, when an address cannot be bound', async () => {
    const first = await start(new FakeResponder());
    const { port } = first.addresses()[0];
    try {
      await expect(
        start(new FakeResponder(), {
          listen: [
            { family: 4, address: '127.0.0.1', port: 0 },
            { family: 4, address: '127.0.0.1', port },
          ],
        }),
      ).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});

/** Answers from one buffer it rewrites for every query, as the response cache does. */
class SharedResponder extends FakeResponder {
  private readonly buf = Buffer.alloc(8);
  readonly sharedCalls: boolean[] = [];
  lentCount = 0;

  override respond(msg: Buffer, tcp: boolean, _client?: unknown, shared?: boolean): Buffer | null {
    this.sharedCalls.push(shared === true);
    if (!shared) return super.respond(msg, tcp);
    this.buf.fill(0x2e);
    msg.copy(this.buf, 0, 0, Math.min(8, msg.length));
    return this.buf;
  }

  lent(): void {
    this.lentCount++;
  }
}

describe('UDP answers shared with the responder', () => {
  it('asks for shared answers only on the native path, and each client gets its own bytes', async () => {
    for (const udpFastPath of [true, false]) {
      const r = new SharedResponder();
      const server = await startWith(r, { udpFastPath });
      try {
        const { port } = server.addresses()[0];
        const answers = await Promise.all(['one', 'two', 'three', 'four'].map((m) => ask(port, m)));
        if (udpFastPath) expect(answers).toEqual(['one.....', 'two.....', 'three...', 'four....']);
        else expect(answers).toEqual(['ok:one', 'ok:two', 'ok:three', 'ok:four']);
        expect(r.sharedCalls).toEqual(Array(4).fill(udpFastPath));
      } finally {
        await server.close();
      }
    }
  });
});
