#!/usr/bin/env node
// The ceiling of Node itself for UDP DNS: a bare dgram loop that answers every datagram
// with one fixed, precomputed response (bench.test. A 127.0.0.1), patching only the ID.
// No parsing, no lookup. Whatever inkan does costs on top of this.
//
//   node bench/bare-udp.mjs --port 5353 [--address 127.0.0.1]

import dgram from 'node:dgram';

const argv = process.argv.slice(2);
const opt = (k, d) => { const i = argv.indexOf(`--${k}`); return i >= 0 ? argv[i + 1] : d; };
const port = Number(opt('port', 5353));
const address = opt('address', '127.0.0.1');

// Header: ID 0, QR|AA, RD=0, NOERROR, 1 question, 1 answer.
// Question bench.test. A IN; answer: pointer to the question name, A IN TTL 3600, 127.0.0.1.
const qname = Buffer.from([5, ...Buffer.from('bench'), 4, ...Buffer.from('test'), 0]);
const TEMPLATE = Buffer.concat([
  Buffer.from([0, 0, 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 0]),
  qname, Buffer.from([0, 1, 0, 1]),
  Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 127, 0, 0, 1]),
]);
const LEN = TEMPLATE.length;

const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
sock.on('message', (msg, rinfo) => {
  if (msg.length < 12) return;
  const out = Buffer.allocUnsafe(LEN); // a copy: send() may keep the buffer until sent
  TEMPLATE.copy(out);
  out[0] = msg[0];
  out[1] = msg[1];
  sock.send(out, 0, LEN, rinfo.port, rinfo.address);
});
sock.on('error', (e) => { console.error(`bare-udp: ${e.message}`); process.exit(1); });
sock.bind(port, address, () => console.error(`bare-udp: listening on ${address}:${port}`));
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => { sock.close(); process.exit(0); });
