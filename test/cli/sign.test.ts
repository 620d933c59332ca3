import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureInkanBuilt, inkan, tool } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'inkan-signcli-'));
const config = join(dir, 'inkan.yaml');
beforeAll(() => {
  ensureInkanBuilt();
  writeFileSync(join(dir, 'example.org.zone'), [
    '$TTL 300',
    '@ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300',
    '@ IN NS ns1',
    'ns1 IN A 127.0.0.1',
    'www IN A 127.0.0.2',
    '*.wild IN TXT "w"',
    'sub IN NS ns.sub',
    'ns.sub IN A 127.0.0.3',
    '',
  ].join('\n'));
  writeFileSync(config, 'keys-dir: keys\nzones:\n  - name: example.org\n    file: example.org.zone\n    dnssec:\n      denial: nsec3\nlog:\n  level: warn\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inkan sign', () => {
  it('writes the signed zone atomically and ldns-verify-zone accepts it', () => {
    const out = join(dir, 'signed.zone');
    const r = inkan(['sign', 'example.org', '--config', config, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/signed, serial 2024010101/);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/\tNSEC3PARAM\t1 0 0 -/);
    expect(text).toMatch(/\tDNSKEY\t257 3 13 /);
    expect(statSync(join(dir, 'keys')).isDirectory()).toBe(true);
    const verify = tool('ldns-verify-zone');
    if (!verify) return;
    expect(execFileSync(verify, [out], { encoding: 'utf8' })).toMatch(/Zone is verified and complete/);
  });

  it('prints to stdout without --out, the same zone each time (deterministic)', () => {
    const a = inkan(['sign', 'example.org', '--config', config]);
    const b = inkan(['sign', 'example.org', '--config', config]);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('www.example.org.\t300\tIN\tRRSIG\tA 13 3 300 ');
    expect(a.stdout).toBe(b.stdout);
  });

  it('fails clearly for a zone not in the config, and for a broken zone file', () => {
    const r = inkan(['sign', 'nope.example', '--config', config]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/zone nope\.example\. is not in/);
    writeFileSync(join(dir, 'bad.yaml'), 'zones:\n  - name: bad.example\n    file: bad.zone\n    dnssec: on\n');
    writeFileSync(join(dir, 'bad.zone'), '$TTL 300\n@ IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 999.0.0.1\n');
    const b = inkan(['sign', 'bad.example', '--config', join(dir, 'bad.yaml')]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/bad\.zone:4: /);
  });
});
