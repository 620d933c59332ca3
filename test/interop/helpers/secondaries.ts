// inkan as a hidden primary with real secondaries pulling from it (issue 5): inkan started
// with signed zones, transfer ACLs and TSIG keys on a port the system picks (read back from
// its "listening" log line); BIND named and NSD as secondaries of it on run-time ports, each
// from a fresh temp directory; a small TCP client for transfers dig cannot make (a skewed
// TSIG clock) and for checking rcodes and TSIG errors exactly.
//
// Nothing leaves the loopback: the secondaries are told their primary is 127.0.0.1, named
// runs with `notify no` and no forwarders or recursion, NSD has no notify targets, and the
// zones' name server addresses are in 127/8.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answeringOrStopped, inDir, startDaemon, waitUntilAnswering, type Daemon, type InDir } from './daemon.js';
import { dig } from './dig.js';
import { freePort } from './ports.js';
import { ensureInkanBuilt, nsdServerSection } from './servers.js';
import { keyring, locateTsig, signResponse, verifyRequest, type TsigKey } from '../../../src/transfer/tsig.js';

/** A TSIG key as the configs of all three servers spell it. */
export interface XfrKey {
  /** Without the trailing dot. */
  name: string;
  algorithm: string;
  /** Base64. */
  secret: string;
}

export type Running = InDir;

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `inkan-interop-${prefix}-`));
}

// ---- inkan, the primary ----

export interface PrimaryZone {
  name: string;
  file: string;
  /** The zone's `dnssec:` value in YAML flow form, e.g. `{ algorithm: 13, denial: nsec }`. */
  dnssec?: string;
  /** allow-transfer entries. */
  allowTransfer: string[];
}

export interface PrimaryOptions {
  zones: PrimaryZone[];
  keys: XfrKey[];
}

/** JSON log lines of a daemon's output so far (other lines skipped). */
export function logLines(d: Daemon): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of d.output().split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a partial line
    }
  }
  return out;
}

/** Waits for a log line with this msg (and matching `match`); returns it. */
export async function waitForLog(
  d: Daemon,
  msg: string,
  match: (j: Record<string, unknown>) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = logLines(d).find((j) => j.msg === msg && match(j));
    if (hit) return hit;
    if (d.proc.exitCode !== null || d.proc.signalCode !== null) throw new Error(`${d.name} exited before logging "${msg}":\n${d.output()}`);
    if (Date.now() > deadline) throw new Error(`${d.name} never logged "${msg}":\n${d.output().slice(-5000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `inkan serve` on 127.0.0.1 port 0 with info logs (transfers and refusals are logged); the
 * port the system chose is read from the "listening" line.
 */
export async function startInkanPrimary(opts: PrimaryOptions): Promise<Running> {
  const cli = ensureInkanBuilt();
  const dir = tempDir('primary');
  const keysDir = join(dir, 'keys');
  mkdirSync(keysDir);
  const q = (s: string) => JSON.stringify(s);
  const yaml = `listen:
  - 127.0.0.1:0
keys-dir: ${keysDir}
tsig-keys:
${opts.keys.map((k) => `  - { name: ${k.name}, algorithm: ${k.algorithm}, secret: ${q(k.secret)} }\n`).join('')}zones:
${opts.zones
  .map(
    (z) => `  - name: ${z.name}
    file: ${z.file}
${z.dnssec ? `    dnssec: ${z.dnssec}\n` : ''}    allow-transfer: [${z.allowTransfer.map(q).join(', ')}]
`,
  )
  .join('')}log:
  level: info
`;
  writeFileSync(join(dir, 'inkan.yaml'), yaml);
  const d = startDaemon('inkan', process.execPath, [cli, 'serve', '--config', join(dir, 'inkan.yaml')], 0, dir);
  const running = inDir(d, dir);
  try {
    const line = await waitForLog(d, 'listening', () => true, 30_000);
    const addrs = line.addresses as { address: string; port: number }[] | undefined;
    const port = addrs?.find((a) => a.address === '127.0.0.1')?.port;
    if (!port) throw new Error(`no 127.0.0.1 port in ${JSON.stringify(line)}`);
    const r: Running = { ...running, port };
    await waitUntilAnswering(r, opts.zones[0]?.name ?? '.');
    return r;
  } catch (e) {
    await running.stop();
    throw e;
  }
}

// ---- the secondaries ----

export interface SecondaryOptions {
  zones: string[];
  primaryPort: number;
  key: XfrKey;
}

export interface NamedSecondary extends Running {
  /** Runs `rndc` against this named (its own key and control port); resolves with the output. */
  rndc(args: string[]): Promise<string>;
}

/**
 * BIND named as a secondary: TSIG to the primary, `notify no`, no recursion or validation,
 * zones kept as text files, transfers out allowed to 127.0.0.1 (so the test can dump its copy),
 * and an rndc control channel on 127.0.0.1 (pass `rndcPath` to use it).
 */
export async function startNamedSecondary(namedPath: string, opts: SecondaryOptions & { rndcPath?: string }): Promise<NamedSecondary> {
  const dir = tempDir('named');
  const port = await freePort();
  const controlPort = await freePort();
  const rndcSecret = randomBytes(32).toString('base64');
  const rndcKey = `key "rndc-key" {\n  algorithm hmac-sha256;\n  secret "${rndcSecret}";\n};\n`;
  writeFileSync(join(dir, 'rndc.conf'), `${rndcKey}options {\n  default-key "rndc-key";\n  default-server 127.0.0.1;\n  default-port ${controlPort};\n};\n`);
  const conf = `${rndcKey}key "${opts.key.name}" {
  algorithm ${opts.key.algorithm};
  secret "${opts.key.secret}";
};
options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  session-keyfile "${dir}/session.key";
  managed-keys-directory "${dir}";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  query-source address 127.0.0.1;
  transfer-source 127.0.0.1;
  notify-source 127.0.0.1;
  recursion no;
  dnssec-validation no;
  notify no;
  minimal-responses yes;
  allow-transfer { 127.0.0.1; };
  automatic-interface-scan no;
};
controls { inet 127.0.0.1 port ${controlPort} allow { 127.0.0.1; } keys { "rndc-key"; }; };
${opts.zones
  .map(
    (z) => `zone "${z}" {
  type secondary;
  primaries { 127.0.0.1 port ${opts.primaryPort} key "${opts.key.name}"; };
  file "${z}.db";
  masterfile-format text;
  notify no;
};
`,
  )
  .join('')}`;
  writeFileSync(join(dir, 'named.conf'), conf);
  const user = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  const d = startDaemon('named', namedPath, ['-g', '-4', '-n', '1', ...user, '-c', join(dir, 'named.conf')], port, dir);
  const rndc = (args: string[]) =>
    new Promise<string>((resolve, reject) => {
      if (!opts.rndcPath) return reject(new Error('startNamedSecondary: no rndcPath given'));
      execFile(opts.rndcPath, ['-c', join(dir, 'rndc.conf'), ...args], { timeout: 10_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`rndc ${args.join(' ')}: ${err.message}\n${stdout}${stderr}`));
        else resolve(stdout + stderr);
      });
    });
  return answeringOrStopped({ ...inDir(d, dir), rndc }, opts.zones[0]!);
}

/**
 * NSD as a secondary: `request-xfr` with the key, NOTIFY accepted from the primary only, no
 * notify targets; with no zone file it asks the primary at startup. `provide-xfr` to
 * 127.0.0.1 lets the test dump its copy.
 */
export async function startNsdSecondary(nsdPath: string, opts: SecondaryOptions): Promise<Running> {
  const dir = tempDir('nsd-secondary');
  const port = await freePort();
  const conf = `${nsdServerSection(dir, port, 2, true)}
remote-control:
  control-enable: no
key:
  name: ${opts.key.name}
  algorithm: ${opts.key.algorithm}
  secret: "${opts.key.secret}"
${opts.zones
  .map(
    (z) => `zone:
  name: ${z}
  zonefile: ${z}.zone
  request-xfr: 127.0.0.1@${opts.primaryPort} ${opts.key.name}
  allow-notify: 127.0.0.1 ${opts.key.name}
  provide-xfr: 127.0.0.1 NOKEY
`,
  )
  .join('')}`;
  writeFileSync(join(dir, 'nsd.conf'), conf);
  const d = startDaemon('nsd', nsdPath, ['-d', '-c', join(dir, 'nsd.conf')], port, dir);
  return answeringOrStopped(inDir(d, dir), opts.zones[0]!);
}

/** The SOA serial a server answers for `zone` (undefined when it has none yet). */
export async function servedSerial(digPath: string, port: number, zone: string): Promise<number | undefined> {
  const r = await dig(digPath, port, [zone, 'SOA', '+norec']);
  const soa = r.rcode === 'NOERROR' ? r.answer.find((a) => a.type === 'SOA') : undefined;
  return soa ? Number(soa.rdata.split(' ')[2]) : undefined;
}

/** Polls until the server answers `serial` for `zone`; throws after `timeoutMs` with `why()`. */
export async function waitForSerial(
  digPath: string,
  d: Daemon,
  zone: string,
  serial: number,
  timeoutMs: number,
  why: () => string = () => d.output(),
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: number | undefined;
  while (Date.now() < deadline) {
    if (d.proc.exitCode !== null || d.proc.signalCode !== null) throw new Error(`${d.name} exited:\n${why()}`);
    last = await servedSerial(digPath, d.port, zone);
    if (last === serial) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${d.name} (port ${d.port}) did not serve ${zone} serial ${serial} within ${timeoutMs} ms (last: ${last ?? 'none'}):\n${why().slice(-6000)}`);
}

// ---- a stand-in for a missing feature ----

export interface Shim {
  port: number;
  /** UDP answers the shim had to sign. */
  signed: number;
  stop(): Promise<void>;
}

/**
 * A relay in front of inkan for secondaries whose refresh needs what inkan does not do yet:
 * UDP queries are passed to inkan, and an answer to a TSIG-signed query that came back
 * unsigned is signed here (RFC 8945 §5.3) with the query's key; TCP (the transfers
 * themselves, signed by inkan) is piped through untouched. Used only when the test has
 * shown inkan's own answer unsigned, and reported by the test that checks it.
 */
export async function startTsigShim(inkanPort: number, keys: TsigKey[]): Promise<Shim> {
  const port = await freePort();
  const ring = keyring(keys);
  const shim: Shim = { port, signed: 0, stop: async () => undefined };
  const udp = createSocket('udp4');
  udp.on('message', (req, from) => {
    const up = createSocket('udp4');
    const timer = setTimeout(() => up.close(), 5000);
    up.on('message', (answer) => {
      clearTimeout(timer);
      up.close();
      const now = Math.floor(Date.now() / 1000);
      const v = verifyRequest(req, ring, now);
      let out: Buffer = answer;
      if (v.status === 'ok' && locateTsig(answer).kind === 'none') {
        out = signResponse(answer, v.key, v.mac, now);
        shim.signed++;
      }
      udp.send(out, from.port, from.address);
    });
    up.send(req, inkanPort, '127.0.0.1');
  });
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', () => resolve()));
  const sockets = new Set<Socket>();
  const tcp = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: inkanPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => tcp.listen({ host: '127.0.0.1', port }, () => resolve()));
  shim.stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      tcp.close(() => udp.close(() => resolve()));
    });
  return shim;
}

// ---- a TCP client for transfers ----

/**
 * Sends one request over TCP and collects the response messages until the transfer ends: a
 * message with an rcode, a message whose answer section closes the transfer (`isLast`), the
 * server closing, or `timeoutMs`.
 */
export function tcpExchange(
  port: number,
  request: Buffer,
  isLast: (msg: Buffer, all: Buffer[]) => boolean,
  opts: {
    localAddress?: string;
    timeoutMs?: number;
    /** After this many messages, stop reading until `during()` settles (the server must wait). */
    pauseAfter?: number;
    during?: () => Promise<void>;
  } = {},
): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const msgs: Buffer[] = [];
    let buf = Buffer.alloc(0);
    const sock = createConnection({ host: '127.0.0.1', port, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
    const done = (err?: Error) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(msgs);
    };
    const timer = setTimeout(() => done(new Error(`no end of transfer within ${opts.timeoutMs ?? 10_000} ms (${msgs.length} messages)`)), opts.timeoutMs ?? 10_000);
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(request.length);
      sock.write(Buffer.concat([len, request]));
    });
    let paused = false;
    const drain = () => {
      while (!paused && buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const m = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + m.length);
        msgs.push(Buffer.from(m));
        if ((m.readUInt16BE(2) & 0xf) !== 0 || isLast(m, msgs)) return done();
        if (opts.during && msgs.length === opts.pauseAfter) {
          paused = true;
          sock.pause();
          opts.during().then(
            () => {
              paused = false;
              sock.resume();
              drain();
            },
            (e: Error) => done(e),
          );
        }
      }
    };
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      drain();
    });
    sock.on('error', (e) => done(e));
    sock.on('close', () => done());
  });
}
