// End to end: the built `inkan serve` answering real dig and kdig, and SIGHUP reloads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureInkanBuilt, ServeProcess, tool } from './run.js';

const dig = tool('dig');
const kdig = tool('kdig');

function zoneText(serial: number, www: string, extra: string[] = []): string {
  return [
    '$TTL 300',
    `@ IN SOA ns1 hostmaster ${serial} 7200 3600 1209600 300`,
    '@ IN NS ns1',
    'ns1 IN A 192.0.2.1',
    `www IN A ${www}`,
    // About 1.7 kB of TXT: over 512 without EDNS and over 1232 with it, so UDP answers truncate.
    ...Array.from({ length: 8 }, (_, i) => `big IN TXT "${String(i).repeat(200)}"`),
    ...extra,
    '',
  ].join('\n');
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

describe.runIf(dig && kdig)('inkan serve with dig and kdig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inkan-serve-'));
  const zoneFile = join(dir, 'example.com.zone');
  const otherFile = join(dir, 'other.zone');
  let inkan: ServeProcess;
  let port4 = 0;
  let port6 = 0;

  const ask = (name: string, type: string, ...opts: string[]): string =>
    run(dig!, [`@127.0.0.1`, '-p', String(port4), name, type, '+norec', '+time=2', '+tries=1', ...opts]);

  beforeAll(async () => {
    ensureInkanBuilt();
    writeFileSync(zoneFile, zoneText(1, '192.0.2.10'));
    writeFileSync(otherFile, 'this is not a zone file\n');
    writeFileSync(
      join(dir, 'inkan.yaml'),
      [
        'listen: [127.0.0.1:0, "[::1]:0"]',
        'zones:',
        '  - { name: example.com, file: example.com.zone }',
        '  - { name: other.test, file: other.zone }',
        'log: { level: info }',
        '',
      ].join('\n'),
    );
    inkan = new ServeProcess(join(dir, 'inkan.yaml'));
    const listening = await inkan.waitFor('listening');
    const addrs = listening.addresses as { family: string; port: number }[];
    port4 = addrs.find((a) => a.family === 'IPv4')!.port;
    port6 = addrs.find((a) => a.family === 'IPv6')!.port;
  });

  afterAll(() => {
    inkan?.signal('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs the broken zone with its file:line errors and serves the other', async () => {
    const errors = inkan.lines.filter((l) => l.zone === 'other.test.' && l.level === 50);
    expect(errors.some((l) => l.msg.startsWith(`${otherFile}:1: `))).toBe(true);
    expect(errors.some((l) => l.msg === 'zone not loaded; not served')).toBe(true);
    expect(inkan.lines.some((l) => l.msg === 'zone loaded' && l.zone === 'example.com.' && l.serial === 1)).toBe(true);
    expect(ask('www.other.test', 'A')).toMatch(/status: REFUSED/);
  });

  it('answers dig over UDP on IPv4 and IPv6', () => {
    expect(ask('www.example.com', 'A', '+short').trim()).toBe('192.0.2.10');
    const out = run(dig!, ['@::1', '-p', String(port6), 'example.com', 'SOA', '+norec', '+time=2', '+tries=1']);
    expect(out).toMatch(/status: NOERROR/);
    expect(out).toMatch(/flags: qr aa;/);
  });

  it('answers kdig over TCP, several queries on one connection', () => {
    const out = run(kdig!, [
      '@127.0.0.1', '-p', String(port4), '+tcp', '+keepopen', 'www.example.com', 'A', 'ns1.example.com', 'A',
    ]);
    expect(out).toMatch(/www\.example\.com\.\s+300\s+IN\s+A\s+192\.0\.2\.10/);
    expect(out).toMatch(/ns1\.example\.com\.\s+300\s+IN\s+A\s+192\.0\.2\.1\b/);
    expect(out).toMatch(/\(TCP\)/);
  });

  it('sets TC on a UDP answer too big for 512 bytes, and dig gets it whole over TCP on the same port', () => {
    const out = ask('big.example.com', 'TXT', '+noedns');
    expect(out).toMatch(/Truncated, retrying in TCP mode/);
    expect(out).toMatch(/ANSWER: 8,/);
    const udpOnly = ask('big.example.com', 'TXT', '+noedns', '+ignore');
    expect(udpOnly).toMatch(/flags: qr aa tc;/);
  });

  it('SIGHUP reloads a changed zone and picks up a fixed one', async () => {
    writeFileSync(zoneFile, zoneText(2, '192.0.2.20'));
    writeFileSync(otherFile, zoneText(1, '198.51.100.1'));
    inkan.signal('SIGHUP');
    const reloaded = await inkan.waitFor('reloaded', 1);
    expect(reloaded).toMatchObject({ zones: 2, failed: 0 });
    expect(ask('www.example.com', 'A', '+short').trim()).toBe('192.0.2.20');
    expect(ask('www.other.test', 'A', '+short').trim()).toBe('198.51.100.1');
  });

  it('SIGHUP with a broken zone logs file:line errors and keeps the previous version serving', async () => {
    writeFileSync(zoneFile, zoneText(3, '192.0.2.30', ['bad IN A 192.0.2.999']));
    inkan.signal('SIGHUP');
    const reloaded = await inkan.waitFor('reloaded', 2);
    expect(reloaded).toMatchObject({ zones: 2, failed: 1 });
    const lineNo = zoneText(3, '', []).split('\n').length;
    expect(inkan.lines.some((l) => l.level === 50 && l.msg.startsWith(`${zoneFile}:${lineNo}: `))).toBe(true);
    expect(inkan.lines.some((l) => l.msg === 'zone not reloaded; the previous version keeps serving')).toBe(true);
    expect(ask('www.example.com', 'A', '+short').trim()).toBe('192.0.2.20');
    expect(ask('example.com', 'SOA', '+short')).toMatch(/ 2 7200 3600 1209600 300/);
  });

  it('SIGHUP with a broken config keeps everything serving', async () => {
    writeFileSync(join(dir, 'inkan.yaml'), 'listen: [127.0.0.1:0]\nzones: [oops]\n');
    inkan.signal('SIGHUP');
    await inkan.waitFor('configuration not reloaded; the running configuration and zones stay');
    expect(inkan.lines.some((l) => l.level === 50 && l.msg.startsWith(`${join(dir, 'inkan.yaml')}:2: zones[0]`))).toBe(true);
    expect(ask('www.example.com', 'A', '+short').trim()).toBe('192.0.2.20');
  });

  it('SIGTERM stops it with exit code 0', async () => {
    inkan.signal('SIGTERM');
    expect(await inkan.exited).toBe(0);
    expect(inkan.lines.at(-1)?.msg, inkan.stderr).toBe("stopped");
  });
});
