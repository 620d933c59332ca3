import { createSocket } from 'node:dgram';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import type { RunningServer } from '../../src/server/types.js';
import { Client, start, waitUntil } from './helpers.js';

/** A query for www.example.com A with the given ID. */
function query(id: number): Buffer {
  const name = Buffer.from([3, 0x77, 0x77, 0x77, 7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0]);
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(1, 4);
  return Buffer.concat([h, name, Buffer.from([0, 1, 0, 1])]);
}

/** Answers with the query, QR set, rcode NXDOMAIN. */
const responder = {
  respond(msg: Buffer): Buffer {
    const out = Buffer.from(msg);
    out[2] |= 0x80;
    out[3] = (out[3] & 0xf0) | 3;
    return out;
  },
};

function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

function sendUdp(port: number, msgs: Buffer[]): Promise<void> {
  const s = createSocket('udp4');
  let got = 0;
  return new Promise((resolve) => {
    s.on('message', () => {
      if (++got === msgs.length) {
        s.close();
        resolve();
      }
    });
    for (const m of msgs) s.send(m, port, '127.0.0.1');
  });
}

describe('per-query logging', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('is off by default', async () => {
    const { lines, stream } = capture();
    server = await start(responder, { logger: createLogger('info', stream) });
    await sendUdp(server.addresses()[0].port, [query(1), query(2)]);
    expect(lines.filter((l) => l.msg === 'query')).toEqual([]);
  });

  it('logs one query in N, with name, type, rcode and transport', async () => {
    const { lines, stream } = capture();
    server = await start(responder, { logger: createLogger('info', stream), querySample: 3 });
    const { port } = server.addresses()[0];
    await sendUdp(port, Array.from({ length: 9 }, (_, i) => query(i + 1)));
    await waitUntil(() => lines.filter((l) => l.msg === 'query').length === 3);
    const first = lines.find((l) => l.msg === 'query')!;
    expect(first).toMatchObject({
      transport: 'udp', client: '127.0.0.1', qname: 'www.example.com.', qtype: 'A', rcode: 3, tc: false, bytes: 33,
    });

    const c = await Client.open(port);
    for (let i = 0; i < 3; i++) c.send(query(100 + i).toString('latin1'));
    await c.waitFor(3);
    c.socket.destroy();
    await waitUntil(() => lines.filter((l) => l.msg === 'query').length === 4);
    expect(lines.filter((l) => l.msg === 'query').at(-1)).toMatchObject({ transport: 'tcp', qname: 'www.example.com.' });
  });

  it('survives logging a query that is not DNS', async () => {
    const { lines, stream } = capture();
    server = await start({ respond: () => null }, { logger: createLogger('info', stream), querySample: 1 });
    const s = createSocket('udp4');
    s.send(Buffer.from('junk'), server.addresses()[0].port, '127.0.0.1');
    s.send(Buffer.from('0123456789ab\x3f\x3f'), server.addresses()[0].port, '127.0.0.1');
    await waitUntil(() => lines.filter((l) => l.msg === 'query').length === 2);
    s.close();
    expect(lines.filter((l) => l.msg === 'query')[1]).toMatchObject({ id: 0x3031, answered: 0 });
  });
});
