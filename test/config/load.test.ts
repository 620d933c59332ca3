import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig, type ConfigIssue } from '../../src/config/index.js';
import { answerOptions } from '../../src/config/answer-options.js';

const FILE = 'conf/inkan.yaml';

function issues(text: string): ConfigIssue[] {
  try {
    parseConfig(text, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    for (const i of e.issues) expect(i.file).toBe(FILE);
    return e.issues;
  }
  throw new Error('expected a ConfigError');
}

function one(text: string): ConfigIssue {
  const all = issues(text);
  expect(all).toHaveLength(1);
  return all[0];
}

describe('loadConfig defaults', () => {
  it('fills every default for an almost empty file', () => {
    const c = parseConfig('zones: []\n', FILE);
    expect(c.listen).toEqual([
      { family: 4, address: '127.0.0.1', port: 53 },
      { family: 6, address: '::1', port: 53 },
    ]);
    expect(c.zones).toEqual([]);
    expect(c.ednsMaxPayload).toBe(1232);
    expect(c.nsid).toBeUndefined();
    expect(c.additionalTargets).toBe(false);
    expect(c.responseCacheEntries).toBe(500_000);
    expect(c.tcp).toEqual({ idleTimeoutMs: 10_000, maxConnections: 1000 });
    expect(c.log).toEqual({ level: 'info', querySample: 0 });
  });

  it('accepts an empty document and empty sections', () => {
    expect(parseConfig('', FILE).zones).toEqual([]);
    expect(parseConfig('tcp:\nlog:\n', FILE).tcp.maxConnections).toBe(1000);
  });

  it('reads every key', () => {
    const c = parseConfig(
      [
        'listen: [192.0.2.1:53, "[2001:db8::1]:5353", 127.0.0.1:0, "[::1]"]',
        'zones:',
        '  - { name: example.com, file: zones/example.com.zone }',
        '  - { name: Example.NET., file: /abs/net.zone }',
        'edns-max-payload: 4096',
        'nsid: ns1.example',
        'additional-targets: true',
        'response-cache-entries: 0',
        'tcp: { idle-timeout: 500ms, max-connections: 5 }',
        'log: { level: debug, query-sample: 100 }',
      ].join('\n'),
      FILE,
    );
    expect(c.listen).toEqual([
      { family: 4, address: '192.0.2.1', port: 53 },
      { family: 6, address: '2001:db8::1', port: 5353 },
      { family: 4, address: '127.0.0.1', port: 0 },
      { family: 6, address: '::1', port: 53 },
    ]);
    expect(c.zones[0].file).toMatch(/\/conf\/zones\/example\.com\.zone$/);
    expect(c.zones[1]).toEqual({ name: 'Example.NET.', file: '/abs/net.zone', allowTransfer: [], notify: [], serial: 'increment' });
    expect(answerOptions(c)).toEqual({
      ednsMaxPayload: 4096, nsid: Buffer.from('ns1.example'), additionalMxSrv: true, responseCacheEntries: 0,
    });
    expect(c.tcp).toEqual({ idleTimeoutMs: 500, maxConnections: 5 });
    expect(c.log).toEqual({ level: 'debug', querySample: 100 });
  });

  it('reads nsid as hex and idle timeouts in every form', () => {
    expect(parseConfig('nsid: "hex:00ff10"', FILE).nsid).toEqual(Buffer.from([0, 0xff, 0x10]));
    expect(parseConfig('tcp: { idle-timeout: 3 }', FILE).tcp.idleTimeoutMs).toBe(3000);
    expect(parseConfig('tcp: { idle-timeout: 1.5 }', FILE).tcp.idleTimeoutMs).toBe(1500);
    expect(parseConfig('tcp: { idle-timeout: 10s }', FILE).tcp.idleTimeoutMs).toBe(10_000);
    expect(parseConfig('tcp: { idle-timeout: 2m }', FILE).tcp.idleTimeoutMs).toBe(120_000);
  });

  it('resolves zone files against the config file directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inkan-config-'));
    const path = join(dir, 'inkan.yaml');
    writeFileSync(path, 'zones:\n  - name: example.com\n    file: z/example.com.zone\n');
    const c = loadConfig(path);
    expect(c.file).toBe(path);
    expect(c.zones[0].file).toBe(join(dir, 'z/example.com.zone'));
  });

  it('keeps the meaning of the shipped inkan.yaml', () => {
    const c = loadConfig(new URL('../../inkan.yaml', import.meta.url).pathname);
    expect(c.listen).toEqual([
      { family: 4, address: '127.0.0.1', port: 5300 },
      { family: 6, address: '::1', port: 5300 },
    ]);
    expect(c.zones.map((z) => z.name)).toEqual(['example.com']);
    expect(c.zones[0].file).toMatch(/\/zones\/example\.com\.zone$/);
  });
});

describe('loadConfig errors name the file, the line and the key', () => {
  it('an unreadable file', () => {
    expect(() => loadConfig('/nonexistent/inkan.yaml')).toThrow(/^\/nonexistent\/inkan\.yaml: cannot read/);
  });

  it('unknown keys, top level and nested', () => {
    expect(one('zones: []\nlisten-on: [127.0.0.1]\n')).toMatchObject({ path: 'listen-on', line: 2 });
    expect(one('tcp:\n  idle: 5\n')).toMatchObject({ path: 'tcp.idle', line: 2 });
    expect(one('zones:\n  - name: a\n    file: a.zone\n    tsig: x\n')).toMatchObject({ path: 'zones[0].tsig', line: 4 });
  });

  it('formats as file:line: key: reason', () => {
    expect(() => parseConfig('\n\nedns-max-payload: 100\n', FILE)).toThrow(
      'conf/inkan.yaml:3: edns-max-payload: must be between 512 and 65535, got 100',
    );
  });

  it('wrong types', () => {
    expect(one('edns-max-payload: big')).toMatchObject({ path: 'edns-max-payload', line: 1 });
    expect(one('edns-max-payload: 1232.5')).toMatchObject({ path: 'edns-max-payload' });
    expect(one('additional-targets: yes')).toMatchObject({ path: 'additional-targets', reason: expect.stringMatching(/true or false/) });
    expect(one('response-cache-entries: -1')).toMatchObject({ path: 'response-cache-entries' });
    expect(one('nsid: 42')).toMatchObject({ path: 'nsid', reason: expect.stringMatching(/string/) });
    expect(one('nsid: "hex:abc"')).toMatchObject({ path: 'nsid' });
    expect(one('listen: 127.0.0.1:53')).toMatchObject({ path: 'listen', reason: expect.stringMatching(/list/) });
    expect(one('zones: {}')).toMatchObject({ path: 'zones' });
    expect(one('tcp: 5')).toMatchObject({ path: 'tcp', reason: expect.stringMatching(/mapping/) });
    expect(one('tcp: { max-connections: 0 }')).toMatchObject({ path: 'tcp.max-connections' });
    expect(one('tcp: { idle-timeout: soon }')).toMatchObject({ path: 'tcp.idle-timeout' });
    expect(one('tcp: { idle-timeout: 0 }')).toMatchObject({ path: 'tcp.idle-timeout' });
    expect(one('tcp: { idle-timeout: [1] }')).toMatchObject({ path: 'tcp.idle-timeout' });
    expect(one('log: { level: loud }')).toMatchObject({ path: 'log.level' });
    expect(one('log: { query-sample: 0.5 }')).toMatchObject({ path: 'log.query-sample' });
  });

  it('bad addresses', () => {
    for (const a of ['localhost:53', '127.0.0.1:99999', '127.0.0.1:x', '[::1', '[::g]:53', '300.1.1.1:53', '::1:53', '::1', '[::1]:', '']) {
      expect(one(`listen: ["${a}"]`)).toMatchObject({ path: 'listen[0]', line: 1 });
    }
    expect(one('listen: [127.0.0.1:53, "[::1]:53", 127.0.0.1:53]')).toMatchObject({
      path: 'listen[2]', reason: expect.stringMatching(/twice/),
    });
    expect(one('listen: []')).toMatchObject({ path: 'listen' });
  });

  it('zones: missing fields, bad and duplicate names', () => {
    expect(one('zones:\n  - name: a\n')).toMatchObject({ path: 'zones[0].file', line: 2 });
    expect(one('zones:\n  - file: a\n')).toMatchObject({ path: 'zones[0].name' });
    expect(one('zones:\n  - name: a..b\n    file: x\n')).toMatchObject({ path: 'zones[0].name', line: 2 });
    const dup = one('zones:\n  - name: example.com\n    file: a\n  - name: EXAMPLE.com.\n    file: b\n');
    expect(dup).toMatchObject({ path: 'zones[1].name', line: 4 });
    expect(dup.reason).toMatch(/duplicate zone "example\.com\." \(first at line 2\)/);
  });

  it('YAML syntax errors and duplicate keys carry a line', () => {
    expect(one('zones: []\nlisten: [127.0.0.1\n').line).toBeGreaterThanOrEqual(2);
    expect(one('zones: []\nzones: []\n')).toMatchObject({ line: 2 });
  });

  it('reports every problem at once', () => {
    const all = issues('edns-max-payload: 1\nnsid: 1\nbogus: 1\ntcp: { max-connections: x }\n');
    expect(all.map((i) => i.path)).toEqual(['bogus', 'edns-max-payload', 'nsid', 'tcp.max-connections']);
    expect(all.map((i) => i.line)).toEqual([3, 1, 2, 4]);
  });
});
