// A server's copy of a zone, taken with dig AXFR and normalized so copies from inkan, named,
// NSD and knotd compare line for line; and the two validators run on such a copy.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRR, type RR } from './dig.js';
import type { XfrKey } from './secondaries.js';

export function run(cmd: string, args: string[], timeoutMs = 30_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, out: stdout + stderr });
    });
  });
}

export interface ZoneCopy {
  serial: number;
  /** One line per record, `owner ttl class type rdata`, owner lower-cased (RFC 4343), sorted. */
  lines: string[];
}

/** One record as a comparable line; secondaries may spell owners in another case. */
export const rrLine = (r: RR) => `${r.owner.toLowerCase()} ${r.ttl} ${r.class} ${r.type} ${r.rdata}`;

/** The zone as `port` transfers it (dig +onesoa: the closing SOA left out; TSIG records dropped). */
export async function zoneCopy(digPath: string, port: number, zone: string, key?: XfrKey): Promise<ZoneCopy> {
  const tsig = key ? ['-y', `${key.algorithm}:${key.name}:${key.secret}`] : [];
  const d = await run(digPath, ['@127.0.0.1', '-p', String(port), ...tsig, zone, 'AXFR', '+onesoa', '+time=10', '+tries=1']);
  if (/Transfer failed|tsig verify failure|Couldn't verify|communications error/i.test(d.out)) {
    throw new Error(`AXFR of ${zone} from port ${port} failed:\n${d.out.slice(-2000)}`);
  }
  const rrs = d.out
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith(';'))
    .map((l) => parseRR(l))
    .filter((r): r is RR => r !== undefined && r.type !== 'TSIG');
  const soa = rrs.find((r) => r.type === 'SOA');
  if (!soa) throw new Error(`AXFR of ${zone} from port ${port} has no SOA:\n${d.out.slice(-2000)}`);
  return { serial: Number(soa.rdata.split(' ')[2]), lines: rrs.map(rrLine).sort() };
}

/** The RRSIG lines of a copy. */
export const rrsigs = (c: ZoneCopy) => c.lines.filter((l) => l.split(' ')[3] === 'RRSIG');

/** Lines in a and not in b (at most `max`). */
export function missingFrom(a: string[], b: string[], max = 20): string[] {
  const set = new Set(b);
  return a.filter((x) => !set.has(x)).slice(0, max);
}

/**
 * dnssec-verify (-z: any key may sign) and ldns-verify-zone on a copy; resolves with the
 * complaints, empty when both accept it.
 */
export async function verifyCopy(zone: string, copy: ZoneCopy): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'inkan-interop-verify-'));
  try {
    const file = join(dir, `${zone}.zone`);
    writeFileSync(file, copy.lines.join('\n') + '\n');
    const [dv, lv] = await Promise.all([run('dnssec-verify', ['-z', '-o', zone, file]), run('ldns-verify-zone', [file])]);
    const problems: string[] = [];
    if (dv.code !== 0 || !/Zone fully signed/.test(dv.out)) problems.push(`dnssec-verify (${dv.code}):\n${dv.out.slice(-1500)}`);
    if (lv.code !== 0) problems.push(`ldns-verify-zone (${lv.code}):\n${lv.out.slice(-1500)}`);
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
