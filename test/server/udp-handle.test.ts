import { createSocket, type Socket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { rawUdpHandle } from '../../src/server/udp-handle.js';

/** A stand-in with the internals rawUdpHandle() looks for; its send() returns what a test sets. */
function fakeSocket(result: () => number): { sock: Socket; reqs: object[]; sent: Buffer[] } {
  const reqs: object[] = [];
  const sent: Buffer[] = [];
  const handle = {
    onmessage: () => {},
    send(req: object, list: Buffer[], count: number): number {
      expect(count).toBe(1);
      reqs.push(req);
      sent.push(Buffer.from(list[0]));
      return result();
    },
  };
  const sock = { [Symbol('state symbol')]: { handle } } as unknown as Socket;
  return { sock, reqs, sent };
}

describe('rawUdpHandle', () => {
  it('finds the native handle of a real dgram socket on this Node and sends through it', async () => {
    const server = createSocket('udp4');
    const client = createSocket('udp4');
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', r));
    try {
      const raw = rawUdpHandle(server);
      expect(raw).toBeDefined();
      const got = new Promise<string>((r) => client.once('message', (m) => r(m.toString())));
      const echoed = new Promise<string>((r) => raw!.onMessage((msg, rinfo) => {
        expect(raw!.send(Buffer.from(`re:${msg}`), rinfo.port, rinfo.address)).toBe(`re:${msg}`.length + 1);
        r(msg.toString());
      }, () => {}));
      client.send('ping', server.address().port, '127.0.0.1');
      expect(await echoed).toBe('ping');
      expect(await got).toBe('re:ping');
      // An address of the wrong family is an errno, not an exception.
      expect(raw!.send(Buffer.from('x'), 9, '::1')).toBeLessThan(0);
    } finally {
      server.close();
      client.close();
    }
  });

  it('reuses its request object while sends complete at once, and gives a queued send its own', () => {
    let next = 5;
    const f = fakeSocket(() => next);
    const raw = rawUdpHandle(f.sock)!;
    expect(raw).toBeDefined();
    const queued = Buffer.from('queued');
    expect(raw.send(Buffer.from('a'), 1, '127.0.0.1')).toBe(5);
    expect(raw.send(Buffer.from('b'), 1, '127.0.0.1')).toBe(5);
    next = 0;
    expect(raw.send(queued, 1, '127.0.0.1')).toBe(0);
    next = 5;
    raw.send(Buffer.from('c'), 1, '127.0.0.1');
    expect(f.reqs[0]).toBe(f.reqs[1]);
    expect(f.reqs[2]).toBe(f.reqs[0]);
    // The queued send keeps its bytes alive through its request; later sends use a new one.
    expect((f.reqs[2] as { buf?: Buffer }).buf).toBe(queued);
    expect(f.reqs[3]).not.toBe(f.reqs[2]);
    expect(f.sent.map(String)).toEqual(['a', 'b', 'queued', 'c']);
  });

  it('says undefined for a socket without the internals it knows', () => {
    expect(rawUdpHandle({} as Socket)).toBeUndefined();
    const noSend = { [Symbol('state symbol')]: { handle: { onmessage: () => {} } } } as unknown as Socket;
    expect(rawUdpHandle(noSend)).toBeUndefined();
  });
});
