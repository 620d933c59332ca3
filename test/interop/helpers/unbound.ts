// A validating unbound on a run-time port, pointed at local authoritative servers with
// stub-zones and given its trust anchors explicitly: no root hints, no auto trust anchor,
// and no upstream address outside 127.0.0.0/8 and ::1 (`do-not-query-address` lists the
// rest of both address families), so it never sends a query off the loopback.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, waitUntilAnswering } from './daemon.js';
import { freePort } from './ports.js';
import type { Server } from './servers.js';

export interface StubZone {
  zone: string;
  /** Port on 127.0.0.1 of the authoritative server for the zone. */
  port: number;
}

export interface UnboundOptions {
  /** Zones sent to local servers; a stub for "." is added to the first one unless given. */
  stubs: StubZone[];
  /** `trust-anchor:` lines, e.g. "secure.test. IN DS 1234 13 2 ABCD..." or a DNSKEY. */
  trustAnchors: string[];
  /** `trust-anchor-file:` paths: zone-file format, e.g. a BIND/inkan `K*.key` file. */
  trustAnchorFiles?: string[];
  /** More `server:` options, one per line (indented by two spaces). */
  extra?: string;
}

/**
 * The blocks covering every address of a family except `keep` (a prefix given as a BigInt
 * address and length): for each bit of the prefix, the sibling block that differs there.
 */
function complement(bits: number, keep: bigint, keepLen: number): { addr: bigint; len: number }[] {
  const out: { addr: bigint; len: number }[] = [];
  for (let len = 1; len <= keepLen; len++) {
    const shift = BigInt(bits - len);
    const prefix = (keep >> shift) ^ 1n; // the sibling at this depth
    out.push({ addr: prefix << shift, len });
  }
  return out;
}

function v4(a: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((a >> s) & 255n)).join('.');
}

function v6(a: bigint): string {
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((a >> s) & 0xffffn).toString(16));
  return groups.join(':');
}

/** Every address block except 127.0.0.0/8 and ::1/128, as `do-not-query-address` values. */
export function offLoopbackBlocks(): string[] {
  return [
    ...complement(32, 127n << 24n, 8).map((b) => `${v4(b.addr)}/${b.len}`),
    ...complement(128, 1n, 128).map((b) => `${v6(b.addr)}/${b.len}`),
  ];
}

export function unboundConfig(dir: string, port: number, opts: UnboundOptions): string {
  const stubs = [...opts.stubs];
  if (!stubs.some((s) => s.zone === '.' || s.zone === '')) stubs.push({ zone: '.', port: stubs[0]!.port });
  const q = (s: string) => JSON.stringify(s);
  return `server:
  interface: 127.0.0.1@${port}
  port: ${port}
  outgoing-interface: 127.0.0.1
  interface-automatic: no
  do-ip4: yes
  do-ip6: no
  do-udp: yes
  do-tcp: yes
  so-reuseport: no
  num-threads: 1
  chroot: ""
  username: ""
  directory: ${q(dir)}
  pidfile: ${q(join(dir, 'unbound.pid'))}
  use-syslog: no
  logfile: ""
  log-time-ascii: yes
  verbosity: 1
  val-log-level: 2
  log-servfail: yes
  ede: yes
  access-control: 127.0.0.0/8 allow
  module-config: "validator iterator"
  harden-dnssec-stripped: yes
  val-permissive-mode: no
  trust-anchor-signaling: no
  root-key-sentinel: no
  do-not-query-localhost: no
${offLoopbackBlocks()
  .map((b) => `  do-not-query-address: ${b}\n`)
  .join('')}  local-zone: "test." nodefault
${opts.trustAnchors.map((t) => `  trust-anchor: ${q(t)}\n`).join('')}${(opts.trustAnchorFiles ?? [])
  .map((f) => `  trust-anchor-file: ${q(f)}\n`)
  .join('')}${opts.extra ?? ''}
remote-control:
  control-enable: no
${stubs.map((s) => `stub-zone:\n  name: ${q(s.zone)}\n  stub-addr: 127.0.0.1@${s.port}\n`).join('')}`;
}

/** Starts `unbound -d` from a fresh temp directory; stop() kills it and removes the directory. */
export async function startUnbound(unboundPath: string, opts: UnboundOptions): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'inkan-interop-unbound-'));
  const port = await freePort();
  const conf = join(dir, 'unbound.conf');
  writeFileSync(conf, unboundConfig(dir, port, opts));
  const d = startDaemon('unbound', unboundPath, ['-d', '-c', conf], port, dir);
  const server: Server = {
    ...d,
    dir,
    stop: async () => {
      await d.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    // localhost is one of unbound's own local zones: answering it sends nothing upstream.
    await waitUntilAnswering(d, 'localhost');
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

/** Runs `check`; if it throws, the resolver's last validation log lines go into the message. */
export function withValidationLog(resolver: { output(): string }, check: () => void): void {
  try {
    check();
  } catch (e) {
    const log = resolver
      .output()
      .split('\n')
      .filter((l) => /validat|bogus|servfail|error|fail/i.test(l))
      .slice(-15)
      .join('\n');
    (e as Error).message += `\n--- unbound log (validation lines) ---\n${log}`;
    throw e;
  }
}
