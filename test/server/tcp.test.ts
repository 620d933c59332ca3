import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer, ServerOptions } from '../../src/server/types.js';
import { Client, FakeResponder, frame, sleep, start, waitUntil } from './helpers.js';

describe('TCP listener (RFC 7766)', () => {
  let server: RunningServer | undefined;
  const clients: Client[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.socket.destroy();
    await server?.close();
    server = undefined;
  });

  async function setup(opts: Partial<ServerOptions> = {}): Promise<{ r: FakeResponder; port: number }> {
    const r = new FakeResponder();
    server = await start(r, opts);
    return { r, port: server.addresses()[0].port };
  }

  async function open(port: number, collect = true): Promise<Client> {
    const c = await Client.open(port, { collect });
    clients.push(c);
    return c;
  }

  it('shares the UDP port and passes tcp=true', async () => {
    const { r, port } = await setup();
    const c = await open(port);
    c.send('q1');
    expect(await c.waitFor(1)).toEqual(['ok:q1']);
    expect(r.calls[0].tcp).toBe(true);
  });

  it('answers pipelined queries in one segment, in order, on one connection', async () => {
    const { port } = await setup();
    const c = await open(port);
    c.send(Buffer.concat(['a', 'b', 'c', 'd'].map((q) => frame(q))));
    expect(await c.waitFor(4)).toEqual(['ok:a', 'ok:b', 'ok:c', 'ok:d']);
    c.send('e');
    expect(await c.waitFor(5)).toEqual(['ok:a', 'ok:b', 'ok:c', 'ok:d', 'ok:e']);
  });

  it('reassembles a frame split across segments, length bytes included', async () => {
    const { port } = await setup();
    const c = await open(port);
    const bytes = Buffer.concat([frame('split query'), frame('next')]);
    for (let i = 0; i < bytes.length; i++) {
      c.socket.write(bytes.subarray(i, i + 1));
      await sleep(1);
    }
    expect(await c.waitFor(2)).toEqual(['ok:split query', 'ok:next']);
  });

  it('passes a maximum-size (65535-byte) frame whole', async () => {
    const { r, port } = await setup();
    const c = await open(port);
    c.send(frame(Buffer.alloc(0xffff, 0x61)));
    await waitUntil(() => r.calls.length === 1);
    expect(r.calls[0].msg.length).toBe(0xffff);
  });

  it('keeps the connection after a dropped query or a responder error', async () => {
    const { port } = await setup();
    const c = await open(port);
    c.send('\xffdropped');
    c.send('THROW');
    c.send('after');
    expect(await c.waitFor(1)).toEqual(['ok:after']);
    expect(c.closed).toBe(false);
  });

  it('answers everything sent before the client half-closes, then closes', async () => {
    const { port } = await setup();
    const c = await open(port);
    c.socket.end(Buffer.concat([frame('x'), frame('y'), frame('z').subarray(0, 2)]));
    await c.closedAt;
    expect(c.answers).toEqual(['ok:x', 'ok:y']);
  });

  it('closes a connection that sends a zero-length message; others carry on', async () => {
    const { port } = await setup();
    const good = await open(port);
    const bad = await open(port);
    bad.send(Buffer.from([0, 0]));
    await bad.closedAt;
    good.send('fine');
    expect(await good.waitFor(1)).toEqual(['ok:fine']);
  });

  it('closes idle connections and half-written frames after the idle timeout, not others', async () => {
    const { r, port } = await setup({ tcpIdleTimeoutMs: 300 });
    const idle = await open(port);
    const half = await open(port);
    half.socket.write(Buffer.from([0xff, 0xff, 1, 2, 3]));
    const busy = await open(port);
    const t0 = Date.now();
    // A client that keeps asking is never idle.
    for (let i = 0; i < 8; i++) {
      busy.send(`q${i}`);
      await sleep(100);
    }
    await Promise.all([idle.closedAt, half.closedAt]);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(busy.closed).toBe(false);
    expect(await busy.waitFor(8)).toHaveLength(8);
    expect(r.calls.every((c) => c.msg.toString().startsWith('q'))).toBe(true);
    await busy.closedAt;
  });

  it('closes connections over the cap at once and keeps serving the others', async () => {
    const { port } = await setup({ tcpMaxConnections: 2 });
    const a = await open(port);
    const b = await open(port);
    await waitUntil(() => server!.tcpConnections() === 2);
    const c = await open(port);
    await c.closedAt;
    expect(c.answers).toEqual([]);
    a.send('a');
    b.send('b');
    expect(await a.waitFor(1)).toEqual(['ok:a']);
    expect(await b.waitFor(1)).toEqual(['ok:b']);
    a.socket.destroy();
    await waitUntil(() => server!.tcpConnections() === 1);
    const d = await open(port);
    d.send('d');
    expect(await d.waitFor(1)).toEqual(['ok:d']);
  });

  it('stops reading from a client that does not read its answers, and resumes when it does', async () => {
    const { r, port } = await setup();
    const n = 400;
    const c = await open(port, false);
    c.socket.pause();
    c.send(Buffer.concat(Array.from({ length: n }, () => frame('BIG'))));
    // 400 answers of 60 kB (24 MB) do not fit in the socket buffers: the server must wait.
    await sleep(500);
    const answeredWhileBlocked = r.calls.length;
    expect(answeredWhileBlocked).toBeLessThan(n);
    await sleep(200);
    expect(r.calls.length).toBe(answeredWhileBlocked);
    // Meanwhile other clients are served.
    const other = await open(port);
    other.send('hi');
    expect(await other.waitFor(1)).toEqual(['ok:hi']);

    c.collect();
    c.socket.resume();
    await c.waitFor(n, 10_000);
    expect(c.answers.every((a) => a.length === 60_000)).toBe(true);
  });

  it('close() stops accepting, lets a connection finish, and resolves', async () => {
    const { port } = await setup({ drainTimeoutMs: 2000 });
    const c = await open(port);
    c.send('before');
    await c.waitFor(1);
    const t0 = Date.now();
    await server!.close();
    await c.closedAt;
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(c.ended).toBe(true);
    await expect(Client.open(port)).rejects.toThrow(/ECONNREFUSED/);
    server = undefined;
  });

  it('close() cuts off a client that never reads after the drain timeout', async () => {
    const { port } = await setup({ drainTimeoutMs: 300 });
    const c = await open(port, false);
    c.socket.pause();
    c.send(Buffer.concat(Array.from({ length: 200 }, () => frame('BIG'))));
    await sleep(200);
    const t0 = Date.now();
    await server!.close();
    expect(Date.now() - t0).toBeLessThan(1500);
    server = undefined;
  });
});
