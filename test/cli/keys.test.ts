// `inkan keygen` and `inkan ds`, run as an operator would.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureInkanBuilt, inkan, MAIN, tool } from './run.js';

beforeAll(() => {
  ensureInkanBuilt();
});

const root = mkdtempSync(join(tmpdir(), 'inkan-cli-keys-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => {
  const d = join(root, `d${n++}`);
  mkdirSync(d);
  return d;
};

describe('inkan keygen', () => {
  it('writes a CSK by default and prints its files, DNSKEY and DS', () => {
    const dir = freshDir();
    const r = inkan(['keygen', 'Example.COM', '--keys-dir', join(dir, 'keys')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    const m = /\/Kexample\.com\.\+013\+(\d{5})\.key$/.exec(lines[0]);
    expect(m).not.toBeNull();
    const base = lines[0].replace(/\.key$/, '');
    expect(lines.slice(0, 3)).toEqual([`${base}.key`, `${base}.private`, `${base}.state`]);
    expect(lines[3]).toMatch(/^example\.com\. IN DNSKEY 257 3 13 [A-Za-z0-9+/=]{88}$/);
    expect(lines[4]).toMatch(new RegExp(`^example\\.com\\. IN DS ${Number(m![1])} 13 2 [0-9A-F]{64}$`));
    expect(lines).toHaveLength(5);
    expect(statSync(`${base}.private`).mode & 0o777).toBe(0o600);
  });

  it('--algorithm and --role: an Ed25519 ZSK prints no DS; RSA by name', () => {
    const dir = freshDir();
    const z = inkan(['keygen', 'example.com', '--keys-dir', dir, '--algorithm', '15', '--role', 'zsk']);
    expect(z.code, z.stderr).toBe(0);
    expect(z.stdout).toMatch(/^example\.com\. IN DNSKEY 256 3 15 \S{44}$/m);
    expect(z.stdout).not.toMatch(/ DS /);
    const k = inkan(['keygen', 'example.com', '--keys-dir', dir, '-a', 'RSASHA256', '--role', 'KSK']);
    expect(k.code, k.stderr).toBe(0);
    expect(k.stdout).toMatch(/Kexample\.com\.\+008\+\d{5}\.private$/m);
    expect(k.stdout).toMatch(/^example\.com\. IN DNSKEY 257 3 8 /m);
    expect(readdirSync(dir)).toHaveLength(6);
  });

  it('finds the keys directory from --config (keys-dir, or keys/ beside the file)', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'inkan.yaml'), 'zones: []\nkeys-dir: my-keys\n');
    const r = inkan(['keygen', 'example.com', '--config', join(dir, 'inkan.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'my-keys'))).toHaveLength(3);
    // Run from a directory holding an inkan.yaml without keys-dir: keys/ beside it.
    const other = freshDir();
    writeFileSync(join(other, 'inkan.yaml'), 'zones: []\n');
    const r2 = spawnSync(process.execPath, [MAIN, 'keygen', 'example.com'], { cwd: other, encoding: 'utf8' });
    expect(r2.status, r2.stderr).toBe(0);
    expect(readdirSync(join(other, 'keys'))).toHaveLength(3);
  });

  it('a broken --config is exit 1 with the configuration error', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'bad.yaml'), 'frobnicate: 1\n');
    const r = inkan(['keygen', 'example.com', '--config', join(dir, 'bad.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/configuration not loaded/);
    expect(r.stderr).toMatch(/frobnicate/);
  });

  it('exits 2 for bad flags and arguments', () => {
    const cases: [string[], RegExp][] = [
      [['keygen'], /keygen: expects one zone name/],
      [['keygen', 'a.example', 'b.example'], /unexpected argument "b.example"/],
      [['keygen', 'example.com', '--algorithm', '7'], /keygen: unsupported algorithm "7"/],
      [['keygen', 'example.com', '--role', 'boss'], /keygen: unknown role "boss"/],
      [['keygen', 'example.com', '--frob'], /keygen: Unknown option '--frob'/],
      [['keygen', 'bad..name'], /keygen: bad zone name "bad..name"/],
      [['ds'], /ds: expects one zone name/],
      [['ds', 'example.com', '--sha512'], /ds: Unknown option '--sha512'/],
      [['ds', 'example.com', '--keys-dir'], /--keys-dir/],
    ];
    for (const [args, msg] of cases) {
      const r = inkan(args, root);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stdout).toBe('');
    }
  });

  it('--help works after the commands', () => {
    for (const c of ['keygen', 'ds']) {
      const r = inkan([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/keygen ZONE \[--algorithm 13\|15\|8\] \[--role csk\|ksk\|zsk\]/);
      expect(r.stdout).toMatch(/ds ZONE \[--sha384\] \[--cds\]/);
    }
  });
});

describe('inkan ds', () => {
  const dsfromkey = tool('dnssec-dsfromkey');

  it('prints the DS of each KSK and CSK, not of ZSKs; SHA-384 and CDS/CDNSKEY on request', () => {
    const dir = freshDir();
    const made = (args: string[]) => inkan(['keygen', 'example.com', '--keys-dir', dir, ...args]).stdout.trim().split('\n');
    const csk = made([]);
    const ksk = made(['-a', '15', '--role', 'ksk']);
    made(['-a', '15', '--role', 'zsk']);
    const r = inkan(['ds', 'EXAMPLE.com', '--keys-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    const expected = [csk[4], ksk[4]].sort((a, b) => Number(a.split(' ')[3]) - Number(b.split(' ')[3]));
    expect(r.stdout.trim().split('\n').sort()).toEqual(expected.sort());

    const all = inkan(['ds', 'example.com', '--keys-dir', dir, '--sha384', '--cds']).stdout.trim().split('\n');
    expect(all.filter((l) => / IN DS \d+ \d+ 2 /.test(l))).toHaveLength(2);
    expect(all.filter((l) => / IN DS \d+ \d+ 4 [0-9A-F]{96}$/.test(l))).toHaveLength(2);
    expect(all.filter((l) => / IN CDS /.test(l))).toHaveLength(4);
    expect(all.filter((l) => / IN CDNSKEY 257 3 (13|15) /.test(l))).toHaveLength(2);
    expect(all).toHaveLength(10);
    expect(all.find((l) => l.includes(' CDNSKEY 257 3 13 '))!.replace('CDNSKEY', 'DNSKEY')).toBe(csk[3]);
  });

  it.runIf(dsfromkey)('matches dnssec-dsfromkey on the same keys', () => {
    const dir = freshDir();
    const files = inkan(['keygen', 'example.com', '--keys-dir', dir, '-a', '8']).stdout.trim().split('\n');
    const ours = inkan(['ds', 'example.com', '--keys-dir', dir, '--sha384']).stdout.trim().split('\n');
    const bind = ['SHA-256', 'SHA-384'].map((a) => {
      const r = spawnSync(dsfromkey!, ['-a', a, files[0]], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim();
    });
    expect(ours).toEqual(bind);
  });

  it('exit 1 for a zone without keys, or whose key files are broken', () => {
    const dir = freshDir();
    const none = inkan(['ds', 'example.com', '--keys-dir', dir]);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(`ds: zone example.com. has no keys in ${dir}\n`);
    expect(none.stdout).toBe('');

    inkan(['keygen', 'example.com', '--keys-dir', dir, '--role', 'zsk']);
    inkan(['keygen', 'example.com', '--keys-dir', dir, '--role', 'zsk']);
    const zskOnly = inkan(['ds', 'example.com', '--keys-dir', dir]);
    expect(zskOnly.code).toBe(1);
    expect(zskOnly.stderr).toMatch(/has no current KSK or CSK/);

    writeFileSync(join(dir, 'Kexample.com.+013+00007.key'), 'example.com. IN DNSKEY 257 3 13 AAAA\n');
    const broken = inkan(['ds', 'example.com', '--keys-dir', dir]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^ds: .*Kexample\.com\.\+013\+00007\.key: the key's tag is \d+, not 7/);
  });
});
