// `inkan reload` against a running `inkan serve`: through the control socket, the whole
// configuration or single zones, with each zone's outcome printed and a bad zone kept out.
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import packet from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureInkanBuilt, MAIN, ServeProcess } from './run.js';
import { spawn } from 'node:child_process';

const zone = (origin: string, serial: number, www: string, extra = ''): string =>
  `$ORIGIN ${origin}.\n$TTL 300\n@ SOA ns1 hostmaster ${serial} 7200 3600 1209600 300\n@ NS ns1\nns1 A 127.0.0.1\nwww A ${www}\n${extra}`;

/** `inkan ARGS` without blocking this process (the server's log keeps being read). */
function inkan(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function askA(port: number, name: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const t = setTimeout(() => {
      s.close();
      reject(new Error('no answer'));
    }, 3000);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      const a = packet.decode(m).answers?.find((r) => r.type === 'A');
      resolve(a ? String(a.data) : undefined);
    });
    s.send(packet.encode({ type: 'query', id: 7, questions: [{ name, type: 'A' }] }), port, '127.0.0.1');
  });
}

describe('inkan reload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inkan-reload-'));
  const config = join(dir, 'inkan.yaml');
  const a = join(dir, 'a.zone');
  const b = join(dir, 'b.zone');
  let server: ServeProcess;
  let port = 0;

  beforeAll(async () => {
    ensureInkanBuilt();
    writeFileSync(a, zone('a.test', 1, '127.0.0.10'));
    writeFileSync(b, zone('b.test', 1, '127.0.0.20'));
    writeFileSync(config, ['listen: [127.0.0.1:0]', 'zones:', '  - { name: a.test, file: a.zone }', '  - { name: b.test, file: b.zone }', 'log: { level: info }', ''].join('\n'));
    server = new ServeProcess(config);
    const listening = await server.waitFor('listening');
    port = (listening.addresses as { port: number }[])[0].port;
  });

  afterAll(() => {
    server?.signal('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on a control socket in state-dir that only its owner may use', () => {
    const st = statSync(join(dir, 'state', 'inkan.sock'));
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
  });

  it('reloads everything and says which zones changed; unchanged ones keep their serial', async () => {
    writeFileSync(a, zone('a.test', 2, '127.0.0.11'));
    const r = await inkan(['reload', '--config', config]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['a.test. reloaded, serial 2', 'b.test. unchanged, serial 1']);
    expect(await askA(port, 'www.a.test')).toBe('127.0.0.11');
  });

  it('reloads only the zones named', async () => {
    writeFileSync(a, zone('a.test', 3, '127.0.0.12'));
    writeFileSync(b, zone('b.test', 2, '127.0.0.21'));
    const r = await inkan(['reload', '--config', config, 'b.test']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('b.test. reloaded, serial 2\n');
    expect(await askA(port, 'www.b.test')).toBe('127.0.0.21');
    expect(await askA(port, 'www.a.test')).toBe('127.0.0.11'); // a.test was not asked for
    expect(server.lines.find((l) => l.msg === 'reloaded' && Array.isArray(l.only))).toMatchObject({ only: ['b.test.'] });
  });

  it('prints a broken zone file:line, exits 1, and the previous version keeps serving', async () => {
    writeFileSync(a, zone('a.test', 4, '127.0.0.13', 'bad A 127.0.0.999\n'));
    const r = await inkan(['reload', '--config', config, 'a.test']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${a}:7: `);
    expect(r.stderr).toContain('a.test. not reloaded; the previous version keeps serving');
    expect(await askA(port, 'www.a.test')).toBe('127.0.0.11');
  });

  it('refuses a zone that is not configured, changing nothing', async () => {
    const r = await inkan(['reload', '--config', config, 'c.test']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not configured here: c.test.');
  });

  it('says so when no server runs with the configuration', async () => {
    const other = join(dir, 'other.yaml');
    writeFileSync(other, 'zones: []\nstate-dir: nowhere\n');
    const r = await inkan(['reload', '--config', other]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach .*nowhere\/inkan\.sock: no inkan is serving with this configuration/);
  });
});
