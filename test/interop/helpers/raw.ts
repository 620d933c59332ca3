// Hand-built DNS packets for the cases dig cannot send (two questions, garbage) and for the
// readiness probe. Deliberately independent of inkan's own wire code.
import { createSocket } from 'node:dgram';

export function encodeName(name: string): Buffer {
  const parts: Buffer[] = [];
  for (const label of name.replace(/\.$/, '').split('.')) {
    if (label === '') continue;
    const b = Buffer.from(label, 'ascii');
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

export interface RawQuery {
  id?: number;
  questions: { name: string; type: number; class?: number }[];
  rd?: boolean;
  opcode?: number;
  /** Add an OPT record with this payload size (and version, default 0). */
  edns?: { payload: number; version?: number };
}

export function buildQuery(q: RawQuery): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id ?? 0x1234, 0);
  header.writeUInt16BE((q.rd ? 0x0100 : 0) | ((q.opcode ?? 0) << 11), 2);
  header.writeUInt16BE(q.questions.length, 4);
  header.writeUInt16BE(q.edns ? 1 : 0, 10);
  const parts: Buffer[] = [header];
  for (const qu of q.questions) {
    const tc = Buffer.alloc(4);
    tc.writeUInt16BE(qu.type, 0);
    tc.writeUInt16BE(qu.class ?? 1, 2);
    parts.push(encodeName(qu.name), tc);
  }
  if (q.edns) {
    const opt = Buffer.alloc(11);
    opt[0] = 0; // root
    opt.writeUInt16BE(41, 1);
    opt.writeUInt16BE(q.edns.payload, 3);
    opt[5] = 0; // extended rcode
    opt[6] = q.edns.version ?? 0;
    opt.writeUInt16BE(0, 7); // flags
    opt.writeUInt16BE(0, 9); // rdlength
    parts.push(opt);
  }
  return Buffer.concat(parts);
}

export interface RawHeader {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  rcode: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

export function parseHeader(b: Buffer): RawHeader {
  if (b.length < 12) throw new Error(`short DNS message (${b.length} octets)`);
  const f = b.readUInt16BE(2);
  return {
    id: b.readUInt16BE(0),
    qr: (f & 0x8000) !== 0,
    opcode: (f >> 11) & 0xf,
    aa: (f & 0x0400) !== 0,
    tc: (f & 0x0200) !== 0,
    rd: (f & 0x0100) !== 0,
    ra: (f & 0x0080) !== 0,
    rcode: f & 0xf,
    qdcount: b.readUInt16BE(4),
    ancount: b.readUInt16BE(6),
    nscount: b.readUInt16BE(8),
    arcount: b.readUInt16BE(10),
  };
}

/** Sends one datagram and waits for a reply; resolves null after `timeoutMs` without one. */
export function udpExchange(port: number, msg: Buffer, timeoutMs = 1000): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    let done = false;
    const finish = (v: Buffer | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.close();
      resolve(v);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    s.on('message', (m) => finish(m));
    s.on('error', () => finish(null));
    s.send(msg, port, '127.0.0.1');
  });
}
