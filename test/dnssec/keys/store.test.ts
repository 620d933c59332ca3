// The key store: permissions, no overwrite, atomic writes, clear errors, first keys of a zone.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/log.js';
import type { PrivateKeyMaterial } from '../../../src/dnssec/algorithm.js';
import { createSigner } from '../../../src/dnssec/crypto/index.js';
import { FileExistsError, writeNewFile } from '../../../src/dnssec/keys/atomic.js';
import { formatPrivateKeyFile, KeyFileError } from '../../../src/dnssec/keys/files.js';
import { dnskeyRdata } from '../../../src/dnssec/keys/rdata.js';
import { createKey, ensureZoneKeys, isActive, isPublished, loadZoneKeys, type Key, type PublicKey } from '../../../src/dnssec/keys/store.js';
import { keyTag } from '../../../src/dnssec/keys/tag.js';

// generateKey can be made to return chosen keys first (for the tag collision test).
const planned = vi.hoisted(() => ({ keys: [] as PrivateKeyMaterial[] }));
vi.mock('../../../src/dnssec/crypto/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/dnssec/crypto/index.js')>();
  return { ...real, generateKey: (alg: 8 | 13 | 15, opts?: { rsaBits?: number }) => planned.keys.shift() ?? real.generateKey(alg, opts) };
});

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'inkan-keystore-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const mode = (f: string) => statSync(f).mode & 0o777;
const P256_KEY: PrivateKeyMaterial = { algorithm: 13, privateKey: Buffer.from('B8NUFEM1n2f+UiPFlK/T3Qwz3YxOs1e3opyFIDunyMo=', 'base64') };

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const dest = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: createLogger('info', dest as never) };
}

describe('writeNewFile', () => {
  it('creates the file with the mode asked, even under a permissive umask, and leaves no temporary file', () => {
    const dir = tempDir();
    const old = process.umask(0);
    try {
      writeNewFile(join(dir, 'secret'), 'x', 0o600);
      writeNewFile(join(dir, 'public'), 'y', 0o644);
    } finally {
      process.umask(old);
    }
    expect(mode(join(dir, 'secret'))).toBe(0o600);
    expect(mode(join(dir, 'public'))).toBe(0o644);
    expect(readdirSync(dir).sort()).toEqual(['public', 'secret']);
  });

  it('never replaces an existing file: it throws FileExistsError, the old content stays, no temporary file', () => {
    const dir = tempDir();
    const f = join(dir, 'Kexample.com.+013+12345.private');
    writeFileSync(f, 'precious', { mode: 0o640 });
    expect(() => writeNewFile(f, 'new', 0o600)).toThrow(FileExistsError);
    expect(readFileSync(f, 'utf8')).toBe('precious');
    expect(mode(f)).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['Kexample.com.+013+12345.private']);
  });
});

describe('createKey', () => {
  it('writes .key, .private (0600) and .state; nothing else; they load back as the same key', () => {
    const dir = join(tempDir(), 'keys');
    const old = process.umask(0);
    let made;
    try {
      made = createKey(dir, 'Example.com', { algorithm: 13, now: new Date('2026-01-02T03:04:05.678Z') });
    } finally {
      process.umask(old);
    }
    const { key, files } = made;
    expect(mode(dir)).toBe(0o700);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['key', 'private', 'state'].map((e) => `Kexample.com.+013+${String(key.tag).padStart(5, '0')}.${e}`));
    expect(readdirSync(dir).sort()).toEqual(files.map((f) => f.slice(dir.length + 1)).sort());
    expect(mode(key.privateFile)).toBe(0o600);
    expect(mode(key.file)).toBe(0o644);
    expect(key.timing.created?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect([key.flags, key.role, key.algorithm]).toEqual([257, 'csk', 13]);
    const loaded = loadZoneKeys(dir, 'example.com').all[0] as Key;
    // The private key travels with the Key for signing threads, but never into logs or JSON.
    expect(loaded.material.algorithm).toBe(13);
    expect(createSigner(loaded.material).publicKey).toEqual(key.publicKey);
    expect(key.material).toBeDefined();
    expect(Object.keys(loaded)).not.toContain('material');
    expect('material' in { ...loaded }).toBe(false);
    expect(loaded.dnskeyRdata).toEqual(key.dnskeyRdata);
    expect([loaded.tag, loaded.role, loaded.roleFrom, loaded.timing]).toEqual([key.tag, 'csk', 'state', key.timing]);
  });

  it('ksk and zsk roles: flags 257 and 256, and the .state says which', () => {
    const dir = tempDir();
    const ksk = createKey(dir, 'example.com', { algorithm: 15, role: 'ksk' }).key;
    const zsk = createKey(dir, 'example.com', { algorithm: 15, role: 'zsk' }).key;
    expect([ksk.flags, zsk.flags]).toEqual([257, 256]);
    expect(readFileSync(ksk.stateFile!, 'utf8')).toMatch(/KSK: yes\nZSK: no\n/);
    expect(readFileSync(zsk.stateFile!, 'utf8')).toMatch(/KSK: no\nZSK: yes\n/);
    const zk = loadZoneKeys(dir, 'example.com');
    expect(zk.ksks.map((k) => k.tag)).toEqual([ksk.tag]);
    expect(zk.zsks.map((k) => k.tag)).toEqual([zsk.tag]);
  });

  it('on a tag taken by a key already there, makes another key and leaves the old files alone', () => {
    const dir = tempDir();
    const tag = keyTag(dnskeyRdata(257, 13, createSigner(P256_KEY).publicKey));
    const taken = join(dir, `Kexample.com.+013+${String(tag).padStart(5, '0')}.private`);
    writeFileSync(taken, 'precious', { mode: 0o600 });
    planned.keys.push(P256_KEY, P256_KEY);
    const { key } = createKey(dir, 'example.com', { algorithm: 13 });
    expect(planned.keys).toHaveLength(0);
    expect(key.tag).not.toBe(tag);
    expect(readFileSync(taken, 'utf8')).toBe('precious');
    expect(readdirSync(dir)).toHaveLength(4);
  });

  it('a tag taken by another algorithm or another zone is no obstacle', () => {
    const dir = tempDir();
    const tag = keyTag(dnskeyRdata(257, 13, createSigner(P256_KEY).publicKey));
    writeFileSync(join(dir, `Kexample.net.+013+${String(tag).padStart(5, '0')}.key`), 'other zone');
    planned.keys.push(P256_KEY);
    expect(createKey(dir, 'example.com', { algorithm: 13 }).key.tag).toBe(tag);
  });
});

describe('loadZoneKeys', () => {
  it('a missing directory is a zone without keys', () => {
    const zk = loadZoneKeys(join(tempDir(), 'nowhere'), 'example.com');
    expect([zk.all, zk.ksks, zk.zsks, zk.published]).toEqual([[], [], [], []]);
  });

  it('a private part that does not match the public key is an error naming the .private file', () => {
    const dir = tempDir();
    const { key } = createKey(dir, 'example.com', { algorithm: 13 });
    const other: PrivateKeyMaterial = { algorithm: 13, privateKey: Buffer.alloc(32, 7) };
    rmSync(key.privateFile);
    writeFileSync(key.privateFile, formatPrivateKeyFile(other, key.timing), { mode: 0o600 });
    expect(() => loadZoneKeys(dir, 'example.com')).toThrow(KeyFileError);
    expect(() => loadZoneKeys(dir, 'example.com')).toThrow(`${key.privateFile}: the private key does not match the public key in ${key.file}`);
  });

  it('a file name whose tag is not the key\'s, an unreadable file, a lone .private: errors naming the file', () => {
    const dir = tempDir();
    const { key } = createKey(dir, 'example.com', { algorithm: 15 });
    const wrong = key.file.replace(/\+\d{5}\.key$/, '+00001.key');
    renameSync(key.file, wrong);
    expect(() => loadZoneKeys(dir, 'example.com')).toThrow(new RegExp(`${key.privateFile.replace(/[.+]/g, '\\$&')}: there is no .*\\.key beside it`));
    renameSync(key.privateFile, wrong.replace(/key$/, 'private'));
    rmSync(key.stateFile!);
    expect(() => loadZoneKeys(dir, 'example.com')).toThrow(/\+00001\.key: the key's tag is \d+, not 1 as the file name says/);
    rmSync(wrong);
    rmSync(wrong.replace(/key$/, 'private'));

    const { key: k2 } = createKey(dir, 'example.com', { algorithm: 13 });
    rmSync(k2.privateFile);
    mkdirSync(k2.privateFile); // reading it fails (EISDIR), even as root
    expect(() => loadZoneKeys(dir, 'example.com')).toThrow(new RegExp(`^${k2.privateFile.replace(/[.+]/g, '\\$&')}: cannot read`));
  });

  it('a .key without .private is a published key that never signs (an imported or offline key)', () => {
    const dir = tempDir();
    const { key } = createKey(dir, 'example.com', { algorithm: 13, role: 'zsk' });
    const { key: ksk } = createKey(dir, 'example.com', { algorithm: 13, role: 'ksk' });
    rmSync(ksk.privateFile);
    const zk = loadZoneKeys(dir, 'example.com');
    expect(zk.published.map((k) => k.tag).sort()).toEqual([key.tag, ksk.tag].sort());
    expect(zk.ksks).toEqual([]);
    expect(zk.zsks.map((k) => k.tag)).toEqual([key.tag]);
    expect('signer' in zk.all.find((k) => k.tag === ksk.tag)!).toBe(false);
  });

  it('timing: published from Publish to Delete, active from Activate to Inactive', () => {
    const at = (s: string) => new Date(s);
    const k = (timing: PublicKey['timing']) => ({ timing }) as PublicKey;
    const key = k({ publish: at('2026-01-01Z'), activate: at('2026-01-10Z'), inactive: at('2026-02-01Z'), delete: at('2026-03-01Z') });
    const check = (d: string) => [isPublished(key, at(d)), isActive(key, at(d))];
    expect(check('2025-12-31Z')).toEqual([false, false]);
    expect(check('2026-01-05Z')).toEqual([true, false]);
    expect(check('2026-01-10Z')).toEqual([true, true]);
    expect(check('2026-02-15Z')).toEqual([true, false]);
    expect(check('2026-03-01Z')).toEqual([false, false]);
    expect([isPublished(k({}), at('2026-01-01Z')), isActive(k({}), at('2026-01-01Z'))]).toEqual([true, true]);
    expect(isActive(k({ publish: at('2026-01-01Z') }), at('2026-06-01Z'))).toBe(false);
  });

  it('keys whose time has not come are loaded but neither sign nor appear', () => {
    const dir = tempDir();
    const later = new Date(Date.now() + 86400_000);
    createKey(dir, 'example.com', { algorithm: 13, now: later });
    const zk = loadZoneKeys(dir, 'example.com');
    expect([zk.all.length, zk.published.length, zk.ksks.length]).toEqual([1, 0, 0]);
    expect(loadZoneKeys(dir, 'example.com', { now: later }).ksks).toHaveLength(1);
  });
});

describe('ensureZoneKeys', () => {
  it('creates one CSK for a zone without keys and logs the DS; the second call creates nothing', () => {
    const dir = join(tempDir(), 'keys');
    const { lines, logger } = logCapture();
    const zk = ensureZoneKeys(dir, 'example.com', { algorithm: 13, split: false }, logger);
    expect(zk.ksks).toHaveLength(1);
    expect(zk.zsks).toEqual(zk.ksks);
    expect(zk.ksks[0].role).toBe('csk');
    const ds = lines.find((l) => l.msg === 'created DNSSEC keys; submit the DS records to the parent');
    expect(ds?.ds).toEqual([expect.stringMatching(new RegExp(`^example\\.com\\. IN DS ${zk.ksks[0].tag} 13 2 [0-9A-F]{64}$`))]);
    const again = ensureZoneKeys(dir, 'EXAMPLE.COM.', { algorithm: 13, split: false }, logger);
    expect(again.all.map((k) => k.tag)).toEqual([zk.ksks[0].tag]);
    expect(readdirSync(dir)).toHaveLength(3);
  });

  it('split: a KSK and a ZSK', () => {
    const dir = tempDir();
    const { logger } = logCapture();
    const zk = ensureZoneKeys(dir, 'example.org', { algorithm: 15, split: true }, logger);
    expect(zk.ksks.map((k) => [k.role, k.flags, k.algorithm])).toEqual([['ksk', 257, 15]]);
    expect(zk.zsks.map((k) => [k.role, k.flags, k.algorithm])).toEqual([['zsk', 256, 15]]);
  });

  it('key files with none active: an error, and no new key', () => {
    const dir = tempDir();
    const { logger } = logCapture();
    createKey(dir, 'example.com', { algorithm: 13, now: new Date(Date.now() + 86400_000) });
    expect(() => ensureZoneKeys(dir, 'example.com', { algorithm: 13, split: false }, logger)).toThrow(/has key files but no active KSK or CSK/);
    expect(readdirSync(dir)).toHaveLength(3);
  });

  it('a broken key stops it: nothing is created beside it', () => {
    const dir = tempDir();
    const { logger } = logCapture();
    writeFileSync(join(dir, 'Kexample.com.+013+00001.key'), 'garbage\n');
    expect(() => ensureZoneKeys(dir, 'example.com', { algorithm: 13, split: false }, logger)).toThrow(/Kexample\.com\.\+013\+00001\.key: /);
    expect(readdirSync(dir)).toEqual(['Kexample.com.+013+00001.key']);
  });
});
