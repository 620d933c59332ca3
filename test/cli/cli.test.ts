import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureInkanBuilt, inkan, ROOT } from './run.js';

beforeAll(() => {
  ensureInkanBuilt();
});

const dir = mkdtempSync(join(tmpdir(), 'inkan-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inkan command line', () => {
  it('--help prints usage and exits 0', () => {
    for (const flag of ['--help', '-h']) {
      const r = inkan([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: inkan <command>/);
      expect(r.stdout).toMatch(/serve/);
      expect(r.stdout).toMatch(/check/);
    }
    expect(inkan(['check', '--help']).code).toBe(0);
  });

  it('--version prints the package.json version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = inkan(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`inkan ${version}`);
  });

  it('exits 2 with a clear message for an unknown command, flag or missing argument', () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['--frob'], /unknown option "--frob"/],
      [['serve', '--frob'], /serve: Unknown option '--frob'/],
      [['check'], /check: expects one zone file/],
      [['check', 'a.zone', 'b.zone'], /unexpected argument "b.zone"/],
      [['check', 'a.zone', '--origin'], /--origin/],
      [[], /Usage: inkan/],
    ];
    for (const [args, msg] of cases) {
      const r = inkan(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stdout).toBe('');
    }
  });

  it('check prints every error of a broken zone as file:line: reason and exits 1', () => {
    const file = join(dir, 'broken.example.zone');
    writeFileSync(
      file,
      [
        '$TTL 300',
        '@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300',
        '@ IN NS ns1',
        'ns1 IN A 192.0.2.300',
        'www IN NOSUCHTYPE x',
        '',
      ].join('\n'),
    );
    const r = inkan(['check', file]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${file}:4: `)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${file}:5: `)));
  });

  it('check on a missing file exits 1 naming the file', () => {
    const r = inkan(['check', join(dir, 'missing.zone')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing.zone');
  });

  it('check on a good zone prints a summary and the answers over 512 and 1232 bytes', () => {
    const file = join(dir, 'good.zone');
    const txt = (n: number): string => `big IN TXT "${'x'.repeat(200)}${n}"`;
    writeFileSync(
      file,
      [
        '$TTL 300',
        '@ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300',
        '@ IN NS ns1',
        'ns1 IN A 192.0.2.1',
        ...Array.from({ length: 8 }, (_, i) => txt(i)),
        'mid IN TXT "' + 'y'.repeat(250) + '" "' + 'y'.repeat(250) + '"',
        '',
      ].join('\n'),
    );
    const r = inkan(['check', file, '--origin', 'example.org']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`${file}: zone example.org. OK, serial 2024010101, 4 names, 5 RRsets`);
    expect(lines[1]).toBe('answers over 512 bytes: 2; over 1232 bytes: 1');
    expect(lines[2].split(/\s+/)).toEqual(['NAME', 'TYPE', 'BYTES', 'EXCEEDS']);
    expect(lines[3].split(/\s+/)).toEqual(['big.example.org.', 'TXT', expect.stringMatching(/^1[3-9]\d\d$/), '1232']);
    expect(lines[4].split(/\s+/)).toEqual(['mid.example.org.', 'TXT', expect.stringMatching(/^5[1-9]\d$/), '512']);
    // Then the DO=1 sizes: the same answers plus an RRSIG (P-256: 64-byte signature) each.
    expect(lines[5]).toMatch(/^signed \(DO=1, algorithm 13, nsec\): answers over 512 bytes: \d+; over 1232 bytes: 1$/);
    const signedMid = lines.slice(7).find((l) => l.startsWith('mid.example.org.'))!.split(/\s+/);
    expect(Number(signedMid[2]) - Number(lines[4].split(/\s+/)[2])).toBeGreaterThan(64 + 18 + 10);
  });

  it('check takes the origin from the file name', () => {
    const file = join(dir, 'example.net.zone');
    writeFileSync(file, '$TTL 300\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n');
    const r = inkan(['check', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/zone example\.net\. OK/);
  });

  it('serve with a broken config prints file:line: key: reason and exits 1', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'listen: [127.0.0.1:0]\nedns-max-payload: 10\n');
    const r = inkan(['serve', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:2: edns-max-payload: must be between 512 and 65535`);
  });
});
