import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import packet from 'dns-packet';
import { Notifier } from '../../src/transfer/notify.js';
import { verifyRequest, signResponse, keyring, type TsigKey } from '../../src/transfer/tsig.js';
import { parseName } from '../../src/wire/name.js';
import { exampleZone } from '../helpers/fixture-zone.js';

const key: TsigKey = { name: parseName('xfr-key.'), algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 5) };

function logCollector() {
  const lines: { msg: string; [k: string]: unknown }[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

/** A secondary that ignores the first `drop` NOTIFYs, then answers each. */
async function secondary(drop: number, sign = false) {
  const sock = createSocket('udp4');
  const got: Buffer[] = [];
  sock.on('message', (msg, r) => {
    got.push(msg);
    if (got.length <= drop) return;
    let reply = Buffer.from(msg.subarray(0, 12 + (msg.length > 12 ? questionLength(msg) : 0)));
    reply.writeUInt16BE(got.length > 0 ? 1 : 0, 4);
    reply.writeUInt16BE(0, 6);
    reply.writeUInt16BE(0, 8);
    reply.writeUInt16BE(0, 10);
    reply[2] |= 0x80;
    if (sign) {
      const v = verifyRequest(msg, keyring([key]), Math.floor(Date.now() / 1000));
      if (v.status === 'ok') reply = signResponse(reply, key, v.mac, Math.floor(Date.now() / 1000));
    }
    sock.send(reply, r.port, r.address);
  });
  await new Promise<void>((res) => sock.bind(0, '127.0.0.1', res));
  closers.push(() => sock.close());
  return { port: sock.address().port, got };
}

function questionLength(msg: Buffer): number {
  let o = 12;
  while (msg[o] !== 0) o += msg[o] + 1;
  return o + 5 - 12;
}

const until = async (f: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('NOTIFY (RFC 1996)', () => {
  it('sends NOTIFY with the SOA, retries until acknowledged, and logs it', async () => {
    const s = await secondary(2);
    const { logger, lines } = logCollector();
    const n = new Notifier(logger, { retryMs: 20 });
    closers.push(() => n.close());
    const zone = exampleZone();
    n.notify(zone, [{ family: 4, address: '127.0.0.1', port: s.port }]);
    await until(() => lines.some((l) => l.msg === 'notify acknowledged'));
    expect(s.got).toHaveLength(3);
    const p = packet.decode(s.got[0]);
    expect(p.opcode).toBe('NOTIFY');
    expect(p.flags! & packet.AUTHORITATIVE_ANSWER).toBeTruthy();
    expect(p.questions).toEqual([{ name: 'example.com', type: 'SOA', class: 'IN' }]);
    expect(p.answers?.[0]).toMatchObject({ type: 'SOA', data: { serial: 2026112601 } });
    expect(n.outstanding).toBe(0);
    expect(lines.find((l) => l.msg === 'notify acknowledged')).toMatchObject({ zone: 'example.com.', serial: 2026112601 });
  });

  it('signs NOTIFY with TSIG when the target has a key, and checks the signed reply', async () => {
    const s = await secondary(0, true);
    const { logger, lines } = logCollector();
    const n = new Notifier(logger, { retryMs: 50 });
    closers.push(() => n.close());
    n.notify(exampleZone(), [{ family: 4, address: '127.0.0.1', port: s.port, key }]);
    await until(() => lines.some((l) => l.msg === 'notify acknowledged'));
    expect(verifyRequest(s.got[0], keyring([key]), Math.floor(Date.now() / 1000)).status).toBe('ok');
  });

  it('gives up after the last try and says so', async () => {
    const s = await secondary(100);
    const { logger, lines } = logCollector();
    const n = new Notifier(logger, { retryMs: 5, tries: 3 });
    closers.push(() => n.close());
    n.notify(exampleZone(), [{ family: 4, address: '127.0.0.1', port: s.port }]);
    await until(() => lines.some((l) => l.msg === 'notify not acknowledged; giving up'));
    expect(s.got).toHaveLength(3);
    expect(n.outstanding).toBe(0);
  });
});
