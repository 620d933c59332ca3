// TSIG against BIND: keys made by tsig-keygen; (a) our signRequest and stream verifier
// against named serving a zone with `allow-transfer { key ...; }` (a transfer in many small
// messages, and named's BADSIG/BADKEY/BADTIME/BADTRUNC/FORMERR answers); (b) dig -y against a
// small TCP server in this file that answers with verifyRequest, TsigStream and
// tsigErrorResponse. Under CI=true a missing named/dig/tsig-keygen fails the suite.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkTools, describeWithTools } from '../interop/helpers/tools.js';
import { freePort } from '../interop/helpers/ports.js';
import { startDaemon, waitUntilAnswering, type Daemon } from '../interop/helpers/daemon.js';
import { Rcode } from '../../src/wire/constants.js';
import { nameToWire, parseName, readName } from '../../src/wire/name.js';
import {
  TsigError,
  TsigStream,
  TsigStreamVerifier,
  formatKeyText,
  keyToDigArg,
  keyring,
  locateTsig,
  parseKeyText,
  signRequest,
  signResponse,
  tsigErrorResponse,
  verifyRequest,
  verifyResponse,
  type TsigAlgorithm,
  type TsigKey,
} from '../../src/transfer/tsig.js';
import { encodeTsig } from '../../src/transfer/tsig-record.js';

const tools = checkTools(['named', 'dig', 'kdig', 'tsig-keygen']);
const ALGS: TsigAlgorithm[] = ['hmac-sha256', 'hmac-sha512', 'hmac-sha1', 'hmac-sha384', 'hmac-sha224'];
const ZONE = 'example.test.';
const HOSTS = 400;
const now = () => Math.floor(Date.now() / 1000);

// ---- small wire helpers (independent of the transfer code) ------------------------------

function rr(name: string, type: number, rdata: Buffer, ttl = 300): Buffer {
  const f = Buffer.alloc(10);
  f.writeUInt16BE(type, 0);
  f.writeUInt16BE(1, 2);
  f.writeUInt32BE(ttl, 4);
  f.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([nameToWire(parseName(name)), f, rdata]);
}

function soaRdata(serial: number): Buffer {
  const nums = Buffer.alloc(20);
  [serial, 3600, 600, 86400, 300].forEach((v, i) => nums.writeUInt32BE(v, i * 4));
  return Buffer.concat([nameToWire(parseName('ns1.' + ZONE)), nameToWire(parseName('hostmaster.' + ZONE)), nums]);
}

function query(id: number, qname: string, qtype: number): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(1, 4);
  const q = Buffer.alloc(4);
  q.writeUInt16BE(qtype, 0);
  q.writeUInt16BE(1, 2);
  return Buffer.concat([h, nameToWire(parseName(qname)), q]);
}

/** Types of the answer records of a message. */
function answerTypes(msg: Buffer): number[] {
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  let p = 12;
  for (let i = 0; i < qd; i++) p = readName(msg, p).end + 4;
  const types: number[] = [];
  for (let i = 0; i < an; i++) {
    const n = readName(msg, p).end;
    types.push(msg.readUInt16BE(n));
    p = n + 10 + msg.readUInt16BE(n + 8);
  }
  return types;
}

/** Sends one request over TCP and collects reply messages until `done` says so (or the peer closes). */
function tcpExchange(port: number, msg: Buffer, done: (replies: Buffer[]) => boolean, timeoutMs = 10_000): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    const replies: Buffer[] = [];
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`timeout after ${replies.length} message(s)`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(replies);
    };
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(msg.length, 0);
      sock.write(Buffer.concat([len, msg]));
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        replies.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
        if (done(replies)) return finish();
      }
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', finish);
  });
}

const axfrDone = (replies: Buffer[]) => replies.flatMap(answerTypes).filter((t) => t === 6).length >= 2 || (replies[0] !== undefined && (replies[0].readUInt16BE(2) & 0xf) !== 0);

/** Runs dig without blocking the event loop (the server it talks to may be in this process). */
function dig(args: string[], prog: 'dig' | 'kdig' = 'dig'): Promise<{ out: string; status: number | null }> {
  return new Promise((resolve) => {
    execFile(tools.paths[prog], [prog === 'dig' ? '+tries=1' : '+retry=0', '+time=5', ...args], { encoding: 'utf8', timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ out: stdout + stderr, status: err ? (typeof err.code === 'number' ? err.code : -1) : 0 });
    });
  });
}

// ---- fixture ------------------------------------------------------------------------------

let dir = '';
let keys: Record<string, TsigKey> = {};
let named: Daemon | undefined;
let ourServer: Server | undefined;
let ourPort = 0;
/** How the in-test server behaves; tests change it. */
const mode = { skew: 0, signEvery: 1, minMacLength: 0, corrupt: -1, seen: [] as string[] };

describeWithTools(tools, 'TSIG interop with BIND (named, dig, tsig-keygen)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inkan-tsig-'));
    keys = {};
    let keyText = '';
    for (const alg of ALGS) {
      const text = execFileSync(tools.paths['tsig-keygen'], ['-a', alg, `key-${alg}`], { encoding: 'utf8' });
      const [k] = parseKeyText(text, `tsig-keygen -a ${alg}`);
      expect(k.algorithm).toBe(alg);
      expect(formatKeyText(k)).toBe(text); // we read and print tsig-keygen's format exactly
      keys[alg] = k;
      keyText += text;
    }
    writeFileSync(join(dir, 'keys.conf'), keyText);
    const zone = [`$TTL 300`, `@ IN SOA ns1 hostmaster 1 3600 600 86400 300`, `@ IN NS ns1`, `ns1 IN A 127.0.0.1`];
    for (let i = 0; i < HOSTS; i++) zone.push(`host${i} IN A 192.0.2.${i % 250}`);
    writeFileSync(join(dir, 'example.zone'), zone.join('\n') + '\n');
    const port = await freePort();
    writeFileSync(
      join(dir, 'named.conf'),
      `include "${dir}/keys.conf";
options {
  directory "${dir}"; pid-file "${dir}/named.pid"; session-keyfile "${dir}/session.key";
  listen-on port ${port} { 127.0.0.1; }; listen-on-v6 { none; };
  recursion no; dnssec-validation no; notify no;
  transfer-message-size 1024;
};
controls { };
zone "example.test" { type primary; file "${dir}/example.zone";
  allow-transfer { ${ALGS.map((a) => `key key-${a};`).join(' ')} }; };
`,
    );
    named = startDaemon('named', tools.paths.named, ['-g', '-n', '1', '-c', join(dir, 'named.conf')], port, dir);
    await waitUntilAnswering(named, ZONE);

    ourPort = await freePort();
    ourServer = createServer((s) => serve(s));
    await new Promise<void>((r) => ourServer!.listen(ourPort, '127.0.0.1', () => r()));
  });

  afterAll(async () => {
    await named?.stop();
    await new Promise<void>((r) => (ourServer ? ourServer.close(() => r()) : r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // ---- (a) our client side against named ----------------------------------------------------

  for (const alg of ALGS) {
    it(`named: our signed AXFR request (${alg}) gets the zone, and every message of named's answer verifies`, async () => {
      const k = keys[alg];
      const { wire, mac } = signRequest(query(0x1111, ZONE, 252), k, now());
      const replies = await tcpExchange(named!.port, wire, axfrDone);
      expect(replies.length).toBeGreaterThan(5); // transfer-message-size 1024: many envelopes
      const v = new TsigStreamVerifier(k, mac);
      const signed = replies.map((m) => v.verify(m, now()));
      v.finish();
      expect(signed.every((s) => s.error === 0)).toBe(true);
      expect(replies.flatMap(answerTypes).length).toBe(HOSTS + 4);
      // a flipped bit anywhere in the middle of the transfer is caught
      const bad = replies.map((m) => Buffer.from(m));
      bad[3][40] ^= 1;
      const v2 = new TsigStreamVerifier(k, mac);
      expect(() => bad.forEach((m) => v2.verify(m, now()))).toThrow(/does not verify|TSIG/);
    });
  }

  it('named: a signed SOA query whose ID changed after signing verifies (original ID)', async () => {
    const k = keys['hmac-sha256'];
    const { wire, mac } = signRequest(query(0x2222, ZONE, 6), k, now());
    wire.writeUInt16BE(0x3333, 0);
    const [resp] = await tcpExchange(named!.port, wire, (r) => r.length >= 1);
    expect(resp.readUInt16BE(2) & 0xf).toBe(Rcode.NOERROR);
    expect(verifyResponse(resp, k, mac, now())).toMatchObject({ signed: true, error: 0 });
  });

  it('named: wrong secret is BADSIG, unknown key is BADKEY, both answered unsigned', async () => {
    const k = keys['hmac-sha256'];
    const wrong = { ...k, secret: Buffer.alloc(32, 7) };
    const a = signRequest(query(1, ZONE, 252), wrong, now());
    const [r1] = await tcpExchange(named!.port, a.wire, (r) => r.length >= 1);
    expect(r1.readUInt16BE(2) & 0xf).toBe(Rcode.NOTAUTH);
    expect(verifyResponse(r1, wrong, a.mac, now())).toMatchObject({ signed: false, error: TsigError.BADSIG });
    const other = { ...k, name: parseName('no-such-key.') };
    const b = signRequest(query(2, ZONE, 252), other, now());
    const [r2] = await tcpExchange(named!.port, b.wire, (r) => r.length >= 1);
    expect(r2.readUInt16BE(2) & 0xf).toBe(Rcode.NOTAUTH);
    expect(verifyResponse(r2, other, b.mac, now())).toMatchObject({ signed: false, error: TsigError.BADKEY });
  });

  it("named: a request signed 1000 s ago is BADTIME, signed, with named's clock in Other Data", async () => {
    const k = keys['hmac-sha512'];
    const then = now() - 1000;
    const { wire, mac } = signRequest(query(3, ZONE, 6), k, then);
    const [resp] = await tcpExchange(named!.port, wire, (r) => r.length >= 1);
    expect(resp.readUInt16BE(2) & 0xf).toBe(Rcode.NOTAUTH);
    const r = verifyResponse(resp, k, mac, then);
    expect(r).toMatchObject({ signed: true, error: TsigError.BADTIME });
    expect(Math.abs((r.serverTime ?? 0) - now())).toBeLessThan(5);
    expect(r.record?.timeSigned).toBe(then); // named echoes our Time Signed, as tsigErrorResponse does
  });

  it("named: a truncated request MAC is answered (BADTRUNC by named's policy) and the answer covers the truncated MAC", async () => {
    const k = keys['hmac-sha256'];
    const { wire, mac } = signRequest(query(4, ZONE, 6), k, now());
    const loc = locateTsig(wire);
    if (loc.kind !== 'found') throw new Error('no TSIG');
    const short = mac.subarray(0, 16);
    const truncated = Buffer.concat([wire.subarray(0, loc.offset), encodeTsig({ ...loc.record, mac: short })]);
    const [resp] = await tcpExchange(named!.port, truncated, (r) => r.length >= 1);
    expect(resp.readUInt16BE(2) & 0xf).toBe(Rcode.NOTAUTH);
    expect(verifyResponse(resp, k, short, now())).toMatchObject({ signed: true, error: TsigError.BADTRUNC });
    // below the RFC floor (10 octets of a 32-octet hash): named says FORMERR, as verifyRequest does
    const tooShort = Buffer.concat([wire.subarray(0, loc.offset), encodeTsig({ ...loc.record, mac: mac.subarray(0, 10) })]);
    const [r2] = await tcpExchange(named!.port, tooShort, (r) => r.length >= 1);
    expect(r2.readUInt16BE(2) & 0xf).toBe(Rcode.FORMERR);
    expect(verifyRequest(tooShort, keyring([k]), now())).toMatchObject({ status: 'error', rcode: Rcode.FORMERR });
  });

  it('named: a TSIG that is not the last record is FORMERR, as verifyRequest says', async () => {
    const k = keys['hmac-sha256'];
    const { wire } = signRequest(query(5, ZONE, 6), k, now());
    const extra = rr('x.' + ZONE, 1, Buffer.from([192, 0, 2, 1]));
    const bad = Buffer.concat([wire, extra]);
    bad.writeUInt16BE(2, 10);
    const [resp] = await tcpExchange(named!.port, bad, (r) => r.length >= 1);
    expect(resp.readUInt16BE(2) & 0xf).toBe(Rcode.FORMERR);
    expect(verifyRequest(bad, keyring([k]), now())).toMatchObject({ status: 'error', rcode: Rcode.FORMERR });
  });

  // ---- (b) dig against our server -----------------------------------------------------------

  const digAt = (k: TsigKey | string, qname: string, qtype: string, extra: string[] = []): Promise<{ out: string; status: number | null }> =>
    dig(['-y', typeof k === 'string' ? k : keyToDigArg(k), '@127.0.0.1', '-p', String(ourPort), qname, qtype, ...extra]);

  const setMode = (m: Partial<typeof mode>) => Object.assign(mode, { skew: 0, signEvery: 1, minMacLength: 0, corrupt: -1, seen: [] }, m);

  for (const alg of ALGS) {
    it(`dig -y ${alg}: AXFR from verifyRequest + TsigStream verifies on every message`, async () => {
      setMode({});
      const { out, status } = await digAt(keys[alg], ZONE, 'AXFR');
      expect(status).toBe(0);
      expect(out).not.toMatch(/Couldn't verify|tsig verify failure|WARNING -- Some TSIG|Transfer failed/i);
      expect(out).toMatch(new RegExp(`XFR size: ${HOSTS + 4} records \\(messages 9,`));
      expect(out).toMatch(/^host399\.example\.test\.\s+300\s+IN\s+A\s+192\.0\.2\.149$/m);
      expect(mode.seen).toEqual(['ok']);
    });
  }

  it('dig: AXFR with only every third message signed (RFC 8945 §5.3.1) still verifies', async () => {
    setMode({ signEvery: 3 });
    const { out, status } = await digAt(keys['hmac-sha256'], ZONE, 'AXFR');
    expect(status).toBe(0);
    expect(out).not.toMatch(/Couldn't verify|tsig verify failure|WARNING -- Some TSIG|Transfer failed/i);
    expect(out).toMatch(/XFR size: 404 records \(messages 9,/);
    // dig prints the TSIG of signed messages only: messages 1, 4, 7 and the last
    expect(out.match(/\sANY\s+TSIG\s/g)?.length).toBe(4);
  });

  it('dig: a corrupted MAC in the fifth message is caught (the checks above can fail)', async () => {
    setMode({ corrupt: 4 });
    const { out } = await digAt(keys['hmac-sha256'], ZONE, 'AXFR');
    // dig keeps reading: message 5 fails, and message 6 too (its MAC chains on the bad one)
    expect(out.match(/Couldn't verify signature: tsig verify failure/g)?.length).toBe(2);
    expect(out).toMatch(/WARNING -- Some TSIG could not be validated/);
  });

  // kdig 3.2 checks the TSIG of the first message of a transfer only (a bad MAC further on goes
  // unnoticed), so the whole-stream proof is dig's above; kdig is a second reader of the first.
  it('kdig -y: AXFR accepted (every message signed, and every third); a corrupted first MAC is refused', async () => {
    const k = keys['hmac-sha512'];
    const args = ['-y', keyToDigArg(k), '@127.0.0.1', '-p', String(ourPort), ZONE, 'AXFR'];
    for (const signEvery of [1, 3]) {
      setMode({ signEvery });
      const { out, status } = await dig(args, 'kdig');
      expect(status, out).toBe(0);
      expect(out).toMatch(/;; Received \d+ B \(9 messages, 404 records\)/);
      expect(out).not.toMatch(/;; (ERROR|WARNING)/);
    }
    setMode({ corrupt: 0 });
    const bad = await dig(args, 'kdig');
    expect(bad.out).toMatch(/;; Received 0 B/);
    expect(bad.out).not.toMatch(/404 records/);
  });

  it('kdig -y with a wrong secret and to a skewed server: BADSIG, BADTIME', async () => {
    const k = keys['hmac-sha256'];
    setMode({});
    const a = await dig(['+tcp', '-y', keyToDigArg({ ...k, secret: Buffer.alloc(32, 1) }), '@127.0.0.1', '-p', String(ourPort), ZONE, 'SOA'], 'kdig');
    expect(a.out).toMatch(/BADSIG/);
    setMode({ skew: 1000 });
    const b = await dig(['+tcp', '-y', keyToDigArg(k), '@127.0.0.1', '-p', String(ourPort), ZONE, 'SOA'], 'kdig');
    expect(b.out).toMatch(/BADTIME/);
    expect(mode.seen).toEqual(['BADTIME']);
  });

  it('dig +tcp SOA: the signed response shows in the TSIG pseudosection with NOERROR', async () => {
    setMode({});
    const { out } = await digAt(keys['hmac-sha512'], ZONE, 'SOA', ['+tcp']);
    expect(out).toMatch(/status: NOERROR/);
    expect(out).toMatch(/;; TSIG PSEUDOSECTION:\nkey-hmac-sha512\.\s+0\s+ANY\s+TSIG\s+hmac-sha512\. \d+ 300 64 .+ \d+ NOERROR 0/);
    expect(out).not.toMatch(/Couldn't verify|WARNING -- Some TSIG/);
  });

  it('dig with a wrong secret: NOTAUTH, BADSIG, unsigned', async () => {
    setMode({});
    const k = keys['hmac-sha256'];
    const { out } = await digAt({ ...k, secret: Buffer.alloc(32, 1) }, ZONE, 'SOA', ['+tcp']);
    expect(out).toMatch(/status: NOTAUTH/);
    expect(out).toMatch(/TSIG\s+hmac-sha256\. \d+ 300 0 \d+ BADSIG 0/);
    expect(out).toMatch(/Couldn't verify signature: tsig indicates error/);
    expect(mode.seen).toEqual(['BADSIG']);
  });

  it('dig with an unknown key or hmac-md5: NOTAUTH, BADKEY, algorithm echoed', async () => {
    setMode({});
    const k = keys['hmac-sha256'];
    const a = await digAt({ ...k, name: parseName('stranger.') }, ZONE, 'AXFR');
    expect(a.out).toMatch(/stranger\.\s+0\s+ANY\s+TSIG\s+hmac-sha256\. \d+ 300 0 \d+ BADKEY 0/);
    expect(a.out).toMatch(/Transfer failed|tsig indicates error/);
    const b = await digAt(`hmac-md5:key-hmac-sha256:${k.secret.toString('base64')}`, ZONE, 'SOA', ['+tcp']);
    expect(b.out).toMatch(/status: NOTAUTH/);
    expect(b.out).toMatch(/TSIG\s+hmac-md5\.sig-alg\.reg\.int\. \d+ 300 0 \d+ BADKEY 0/);
    expect(mode.seen).toEqual(['BADKEY', 'BADKEY']);
  });

  it("dig to a server whose clock is 1000 s ahead: NOTAUTH, BADTIME, signed, with the server's time", async () => {
    setMode({ skew: 1000 });
    const before = now();
    const { out } = await digAt(keys['hmac-sha1'], ZONE, 'SOA', ['+tcp']);
    expect(out).toMatch(/status: NOTAUTH/);
    const m = /TSIG\s+hmac-sha1\. (\d+) 300 20 \S+ \d+ BADTIME 6 (\S+)/.exec(out);
    expect(m, out).not.toBeNull();
    expect(Math.abs(Number(m![1]) - before)).toBeLessThan(5); // the request's Time Signed, echoed
    expect(mode.seen).toEqual(['BADTIME']);
    // dig verified the signed error answer: it complains about the error, not the signature
    expect(out).not.toMatch(/tsig verify failure|bad signature/i);
  });

  it('dig -y hmac-sha256-128 (16-octet MAC) is accepted; hmac-sha256-80 (10 octets) is FORMERR', async () => {
    setMode({});
    const k = keys['hmac-sha256'];
    const a = await digAt(`hmac-sha256-128:key-hmac-sha256:${k.secret.toString('base64')}`, ZONE, 'SOA', ['+tcp']);
    expect(a.out).toMatch(/status: NOERROR/);
    expect(a.out).not.toMatch(/Couldn't verify|WARNING -- Some TSIG/);
    const b = await digAt(`hmac-sha256-80:key-hmac-sha256:${k.secret.toString('base64')}`, ZONE, 'SOA', ['+tcp']);
    expect(b.out).toMatch(/status: FORMERR/);
    // with a local policy of full-length MACs the truncated request gets a signed BADTRUNC
    setMode({ minMacLength: 32 });
    const c = await digAt(`hmac-sha256-128:key-hmac-sha256:${k.secret.toString('base64')}`, ZONE, 'SOA', ['+tcp']);
    expect(c.out).toMatch(/status: NOTAUTH/);
    expect(c.out).toMatch(/TSIG\s+hmac-sha256\. \d+ 300 32 \S+ \d+ BADTRUNC 0/);
    expect(mode.seen).toEqual(['BADTRUNC']);
  });
});

// ---- the in-test server ----------------------------------------------------------------------

const ERROR_NAMES: Record<number, string> = { 16: 'BADSIG', 17: 'BADKEY', 18: 'BADTIME', 22: 'BADTRUNC' };

function zoneMessages(): Buffer[][] {
  const records = [rr(ZONE, 6, soaRdata(1)), rr(ZONE, 2, nameToWire(parseName('ns1.' + ZONE))), rr('ns1.' + ZONE, 1, Buffer.from([127, 0, 0, 1]))];
  for (let i = 0; i < HOSTS; i++) records.push(rr(`host${i}.${ZONE}`, 1, Buffer.from([192, 0, 2, i % 250])));
  records.push(rr(ZONE, 6, soaRdata(1)));
  const out: Buffer[][] = [];
  for (let i = 0; i < records.length; i += 50) out.push(records.slice(i, i + 50));
  return out; // 404 records in 9 messages
}

function answer(req: Buffer, questionEnd: number, rcode: number, records: Buffer[]): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(req.readUInt16BE(0), 0);
  h.writeUInt16BE(0x8400 | (req.readUInt16BE(2) & 0x7900) | rcode, 2);
  h.writeUInt16BE(1, 4);
  h.writeUInt16BE(records.length, 6);
  return Buffer.concat([h, req.subarray(12, questionEnd), ...records]);
}

function respond(req: Buffer, send: (m: Buffer) => void): void {
  const t = now() + mode.skew;
  const q = readName(req, 12);
  const questionEnd = q.end + 4;
  const qtype = req.readUInt16BE(q.end);
  const v = verifyRequest(req, keyring(Object.values(keys)), t, { minMacLength: mode.minMacLength });
  if (v.status === 'none') return send(answer(req, questionEnd, Rcode.REFUSED, []));
  if (v.status === 'error') {
    mode.seen.push(ERROR_NAMES[v.error] ?? `rcode ${v.rcode}`);
    return send(tsigErrorResponse(answer(req, questionEnd, v.rcode, []), v, t));
  }
  mode.seen.push('ok');
  if (qtype !== 252) return send(signResponse(answer(req, questionEnd, 0, [rr(ZONE, 6, soaRdata(1))]), v.key, v.mac, t));
  const stream = new TsigStream(v.key, v.mac);
  const msgs = zoneMessages();
  msgs.forEach((recs, i) => {
    const m = answer(req, questionEnd, 0, recs);
    const last = i === msgs.length - 1;
    const out = i % mode.signEvery === 0 || last ? stream.sign(m, t) : stream.passUnsigned(m);
    if (i === mode.corrupt) out[out.length - 20] ^= 1; // inside the MAC
    send(out);
  });
}

function serve(sock: Socket): void {
  let buf = Buffer.alloc(0);
  const send = (m: Buffer) => {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(m.length, 0);
    sock.write(Buffer.concat([len, m]));
  };
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
      buf = buf.subarray(2 + msg.length);
      respond(msg, send);
    }
  });
  sock.on('error', () => sock.destroy());
}
