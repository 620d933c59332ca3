// Key files moving both ways between BIND and inkan.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verify } from '../../../src/dnssec/crypto/index.js';
import {
  formatPrivateKeyFile, formatPublicKeyFile, formatStateFile, parseKeyFileName, parsePrivateKeyFile, parsePublicKeyFile, parseStateFile,
} from '../../../src/dnssec/keys/files.js';
import { dnskeyRdata } from '../../../src/dnssec/keys/rdata.js';
import { createKey, dsRecords, loadZoneKeys, type Key } from '../../../src/dnssec/keys/store.js';
import { keyTag } from '../../../src/dnssec/keys/tag.js';
import { formatKeyTime, formatReadableTime, parseKeyTime } from '../../../src/dnssec/keys/time.js';
import { parseName } from '../../../src/wire/name.js';
import { tool } from '../../cli/run.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'inkan-keyfiles-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function run(cmd: string, args: string[], cwd?: string): { stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stdout}${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

describe('key file formats', () => {
  it('times: YYYYMMDDHHMMSS in UTC and the ctime-like comment', () => {
    const t = parseKeyTime('20270204073700')!;
    expect(t.toISOString()).toBe('2027-02-04T07:37:00.000Z');
    expect(formatKeyTime(t)).toBe('20270204073700');
    expect(formatReadableTime(t)).toBe('Thu Feb  4 07:37:00 2027');
    expect(parseKeyTime('20271304073700')).toBeUndefined();
    expect(parseKeyTime('2027020407370')).toBeUndefined();
  });

  it('file names: zone lower-cased, 3-digit algorithm, 5-digit tag', () => {
    expect(parseKeyFileName('KExample.COM.+013+04242.private')).toEqual({
      zone: 'example.com.', algorithm: 13, tag: 4242, base: 'KExample.COM.+013+04242', ext: 'private',
    });
    expect(parseKeyFileName('K.+008+20326.key')?.zone).toBe('.');
    expect(parseKeyFileName('.Kexample.com.+013+04242.key.abc.tmp')).toBeUndefined();
    expect(parseKeyFileName('Kexample.com.+013+4242.key')).toBeUndefined();
  });

  it('writes the same layout as dnssec-keygen: .key header, .private v1.3, .state', () => {
    const t = new Date('2026-11-26T07:36:40Z');
    const rdata = dnskeyRdata(257, 13, Buffer.from('qAyOCy8kYUXr4cZYckqMG9x3PwrtBwHY+y3mHYKZOuBnZE27LEkuyQzbIVZ149GO7dcf9clzykBL/7ESOTNVtA==', 'base64'));
    const zone = parseName('example.com.');
    const timing = { created: t, publish: t, activate: t };
    expect(formatPublicKeyFile({ zone, rdata, tag: keyTag(rdata), timing })).toBe(
      [
        '; This is a key-signing key, keyid 55208, for example.com.',
        '; Created: 20261126073640 (Thu Nov 26 07:36:40 2026)',
        '; Publish: 20261126073640 (Thu Nov 26 07:36:40 2026)',
        '; Activate: 20261126073640 (Thu Nov 26 07:36:40 2026)',
        'example.com. IN DNSKEY 257 3 13 qAyOCy8kYUXr4cZYckqMG9x3PwrtBwHY+y3mHYKZOuBnZE27LEkuyQzb IVZ149GO7dcf9clzykBL/7ESOTNVtA==',
        '',
      ].join('\n'),
    );
    expect(formatPrivateKeyFile({ algorithm: 15, privateKey: Buffer.alloc(32, 1) }, timing)).toBe(
      [
        'Private-key-format: v1.3',
        'Algorithm: 15 (ED25519)',
        `PrivateKey: ${Buffer.alloc(32, 1).toString('base64')}`,
        'Created: 20261126073640',
        'Publish: 20261126073640',
        'Activate: 20261126073640',
        '',
      ].join('\n'),
    );
    const state = formatStateFile({ zone, tag: 55208, algorithm: 13, bits: 256, ksk: true, zsk: true, timing });
    expect(state).toBe(
      [
        '; This is the state of key 55208, for example.com.',
        'Algorithm: 13',
        'Length: 256',
        'Lifetime: 0',
        'KSK: yes',
        'ZSK: yes',
        'Generated: 20261126073640 (Thu Nov 26 07:36:40 2026)',
        'Published: 20261126073640 (Thu Nov 26 07:36:40 2026)',
        'Active: 20261126073640 (Thu Nov 26 07:36:40 2026)',
        '',
      ].join('\n'),
    );
    const back = parseStateFile(state, 'x.state');
    expect([back.ksk, back.zsk, back.algorithm, back.timing.activate?.getTime()]).toEqual([true, true, 13, t.getTime()]);
  });

  it('reads ldns-keygen layout too (tabs, TTL, trailing comment) and a TTL with units', () => {
    const pub = parsePublicKeyFile(
      'example.org.\t3600\tIN\tDNSKEY\t257 3 13 QLG7jVwg3RWHU0kfsSxWNjhukzHMpxj/oe/qaWnwlvWDboptNV5hfYrQ44MFDB3lBUU4DSsv3+uPdyW3f7VCIA== ;{id = 17742 (ksk), size = 256b}\n',
      'K.key',
    );
    expect([pub.ttl, pub.flags, pub.algorithm, keyTag(pub.rdata)]).toEqual([3600, 257, 13, 17742]);
    expect(parsePublicKeyFile('example.org. IN 1h DNSKEY 256 3 15 AAAA\n', 'k').ttl).toBe(3600);
  });

  it('names the file and the reason for broken files', () => {
    expect(() => parsePublicKeyFile('; only a comment\n', '/k/Kx.key')).toThrow(/^\/k\/Kx\.key: no DNSKEY record/);
    expect(() => parsePublicKeyFile('x. IN KEY 256 3 13 AAAA\n', 'f.key')).toThrow(/f\.key: a KEY record/);
    expect(() => parsePublicKeyFile('x. IN DNSKEY 256 2 13 AAAA\n', 'f.key')).toThrow(/f\.key: bad DNSKEY protocol/);
    expect(() => parsePublicKeyFile('x. IN DNSKEY 256 3 13 !!!!\n', 'f.key')).toThrow(/f\.key: bad or missing base64/);
    expect(() => parsePrivateKeyFile('Algorithm: 13\nPrivateKey: AAAA\n', 'p.private')).toThrow(/p\.private: missing "Private-key-format/);
    expect(() => parsePrivateKeyFile('Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\n', 'p.private')).toThrow(/p\.private: missing PrivateKey/);
    expect(() => parsePrivateKeyFile('Private-key-format: v1.3\nAlgorithm: 13\nPrivateKey: AAAA\n', 'p.private')).toThrow(/PrivateKey is 3 octets/);
    expect(() => parsePrivateKeyFile('Private-key-format: v1.3\nAlgorithm: 8\nModulus: AQAB\n', 'p.private')).toThrow(/p\.private: missing PublicExponent/);
    expect(() => parsePrivateKeyFile('Private-key-format: v1.3\nAlgorithm: 13\nPrivateKey: ' + Buffer.alloc(32).toString('base64') + '\nCreated: yesterday\n', 'p.private')).toThrow(/bad Created time/);
    expect(() => parseStateFile('KSK: maybe\n', 's.state')).toThrow(/s\.state: KSK: expected yes or no/);
  });

  it('reads a P-256 PrivateKey that BIND wrote without its leading zero octet (one key in 256)', () => {
    const scalar = Buffer.concat([Buffer.from([0]), Buffer.alloc(31, 0x5a)]);
    const text = `Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: ${scalar.subarray(1).toString('base64')}\n`;
    const f = parsePrivateKeyFile(text, 'short.private');
    expect(f.material).toEqual({ algorithm: 13, privateKey: scalar });
  });
});

const keygen = tool('dnssec-keygen');
const settime = tool('dnssec-settime');
const dsfromkey = tool('dnssec-dsfromkey');
const signzone = tool('dnssec-signzone');
const verifyZone = tool('dnssec-verify');

const ldnsKeygen = tool('ldns-keygen');

describe.runIf(ldnsKeygen)('ldns-keygen keys (Private-key-format v1.2, no timing)', () => {
  it('load as always-active keys, sign, and verify with their DNSKEY', () => {
    const dir = tempDir();
    run(ldnsKeygen!, ['-a', 'ECDSAP256SHA256', '-k', 'example.org'], dir);
    run(ldnsKeygen!, ['-a', 'ED25519', 'example.org'], dir);
    run(ldnsKeygen!, ['-a', 'RSASHA256', '-b', '1024', 'example.org'], dir);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ds'))) rmSync(join(dir, f));
    const zk = loadZoneKeys(dir, 'example.org');
    expect(zk.all.map((k) => k.algorithm).sort()).toEqual([13, 15, 8].sort());
    expect(zk.published).toHaveLength(3);
    for (const k of zk.all as Key[]) {
      expect(k.timing).toEqual({});
      const data = Buffer.from('data');
      expect(verify(k.algorithm, k.publicKey, data, k.signer.sign(data))).toBe(true);
    }
    // 13 has a KSK only, 15 and 8 a ZSK only: each signs alone.
    expect(zk.all.every((k) => k.role === 'csk' && k.roleFrom === 'alone')).toBe(true);
  });
});

const ZONE = ['$TTL 300', '@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300', '@ IN NS ns1', 'ns1 IN A 192.0.2.1', 'www IN AAAA 2001:db8::1', ''].join('\n');

describe.runIf(keygen && settime && dsfromkey && signzone && verifyZone)('BIND and inkan read each other\'s keys', () => {
  it('BIND-made keys (13 ZSK + KSK, 8 ZSK alone, an Ed25519 dnssec-policy CSK with .state) load, sign, and verify', () => {
    const dir = tempDir();
    const made = [
      run(keygen!, ['-K', dir, '-a', 'ECDSAP256SHA256', 'example.com']).stdout.trim(),
      run(keygen!, ['-K', dir, '-a', 'ECDSAP256SHA256', '-f', 'KSK', 'example.com']).stdout.trim(),
      run(keygen!, ['-K', dir, '-a', 'RSASHA256', '-b', '2048', 'example.com']).stdout.trim(),
    ];
    // A key made under a dnssec-policy: BIND writes a .state with KSK: yes, ZSK: yes.
    const conf = join(dir, 'named.conf');
    writeFileSync(conf, 'dnssec-policy "p" { keys { csk lifetime unlimited algorithm ed25519; }; };\n');
    const policyKey = run(keygen!, ['-K', dir, '-k', 'p', '-l', conf, 'Example.COM']).stdout.trim().split('\n').pop()!;
    expect(readdirSync(dir)).toContain(`${policyKey}.state`);

    const zk = loadZoneKeys(dir, 'EXAMPLE.com.');
    expect(zk.zone).toBe('example.com.');
    expect(zk.all).toHaveLength(4);
    const byBase = (b: string) => zk.all.find((k) => k.file.endsWith(`${b}.key`)) as Key;
    const [zsk13, ksk13, zsk8] = made.map(byBase);
    expect([zsk13.role, zsk13.roleFrom, zsk13.flags]).toEqual(['zsk', 'flags', 256]);
    expect([ksk13.role, ksk13.roleFrom, ksk13.flags]).toEqual(['ksk', 'flags', 257]);
    expect(zsk8.role).toBe('csk'); // RSA has a ZSK and no KSK: it signs everything, as BIND's signer would
    expect(zsk8.roleFrom).toBe('alone');
    expect([byBase(policyKey).role, byBase(policyKey).roleFrom]).toEqual(['csk', 'state']);
    for (const k of zk.all as Key[]) {
      expect(k.tag).toBe(Number(/\+(\d{5})$/.exec(k.file.replace(/\.key$/, ''))![1]));
      expect(k.timing.activate).toBeInstanceOf(Date);
      const data = Buffer.from(`signed data for ${k.tag}`);
      const sig = k.signer.sign(data);
      expect(verify(k.algorithm, k.publicKey, data, sig), k.file).toBe(true);
      expect(verify(k.algorithm, k.publicKey, Buffer.from('other data'), sig)).toBe(false);
    }
    const tags = (ks: Key[]) => ks.map((k) => k.tag).sort();
    expect(tags(zk.ksks)).toEqual(tags([ksk13, byBase(policyKey), zsk8]));
    expect(tags(zk.zsks)).toEqual(tags([zsk13, byBase(policyKey), zsk8]));
    expect(tags(zk.published as Key[])).toEqual(tags(zk.all as Key[]));
  });

  it('inkan-made keys: dnssec-settime reads them, dnssec-dsfromkey gives our DS, dnssec-signzone signs a zone that verifies', () => {
    for (const [algorithm, split] of [[13, false], [15, true], [8, true]] as const) {
      const dir = tempDir();
      const keys = split
        ? [createKey(dir, 'example.com', { algorithm, role: 'ksk' }), createKey(dir, 'example.com', { algorithm, role: 'zsk' })]
        : [createKey(dir, 'example.com', { algorithm })];
      for (const { key } of keys) {
        const base = key.file.replace(/\.key$/, '');
        const st = run(settime!, ['-p', 'all', base]);
        expect(st.stderr, base).toBe('');
        expect(st.stdout).toMatch(new RegExp(`Activate: ${formatReadableTime(key.timing.activate!).replace(/ +/g, ' +')}`));
        expect(st.stdout).toMatch(/Inactive: UNSET/);
        if (key.role !== 'zsk') expect(run(dsfromkey!, ['-2', key.file]).stdout.trim()).toBe(dsRecords(key)[0]);
      }
      const zoneFile = join(dir, 'example.com.zone');
      writeFileSync(zoneFile, ZONE);
      const signed = join(dir, 'signed.zone');
      // -S: find the keys in -K and use their timing; -z: a CSK signs everything.
      run(signzone!, ['-S', ...(split ? [] : ['-z']), '-K', dir, '-d', dir, '-o', 'example.com', '-f', signed, zoneFile]);
      const v = run(verifyZone!, [...(split ? [] : ['-z']), '-o', 'example.com', signed]);
      expect(v.stdout + v.stderr, `algorithm ${algorithm}`).toMatch(/Zone fully signed/);
    }
  });

  it('a BIND key file set copied in by hand is found by its zone, whatever the case of the file name', () => {
    const src = tempDir();
    const base = run(keygen!, ['-K', src, '-a', 'ECDSAP256SHA256', '-f', 'KSK', 'example.net']).stdout.trim();
    const dir = tempDir();
    const upper = base.replace('example.net', 'EXAMPLE.net');
    for (const ext of ['key', 'private']) copyFileSync(join(src, `${base}.${ext}`), join(dir, `${upper}.${ext}`));
    mkdirSync(join(dir, 'sub'));
    const zk = loadZoneKeys(dir, 'example.NET');
    expect(zk.all).toHaveLength(1);
    expect(zk.ksks[0].role).toBe('csk');
    expect(loadZoneKeys(dir, 'other.net').all).toHaveLength(0);
  });
});
