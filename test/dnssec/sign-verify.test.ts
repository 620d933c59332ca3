// The signed zone, as online answers would carry it, checked by two independent verifiers.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DNSSEC_DEFAULTS, type DnssecConfig } from '../../src/config/types.js';
import { loadSignedZone } from '../../src/dnssec/load-signed.js';
import { SignatureCache } from '../../src/dnssec/signature-cache.js';
import { signedZoneLines } from '../../src/dnssec/signed-zone-text.js';
import { silentLogger } from '../../src/log.js';
import { checkTools, describeWithTools } from '../interop/helpers/tools.js';

const ZONE = new URL('../interop/fixtures/diff.test.zone', import.meta.url).pathname;
const tools = checkTools(['ldns-verify-zone', 'dnssec-verify']);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function signTo(cfg: DnssecConfig): string {
  const dir = mkdtempSync(join(tmpdir(), 'inkan-sign-'));
  dirs.push(dir);
  const { signing } = loadSignedZone(ZONE, 'diff.test', cfg, { keysDir: dir, cache: new SignatureCache(64e6), logger: silentLogger });
  const out = join(dir, 'signed.zone');
  writeFileSync(out, [...signedZoneLines(signing)].join('\n') + '\n');
  return out;
}

const run = (cmd: string, args: string[]) => {
  try {
    return { ok: true, out: execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
};

describeWithTools(tools, 'signed zone verified by ldns-verify-zone and dnssec-verify', () => {
  for (const algorithm of [13, 15] as const) {
    for (const denial of ['nsec', 'nsec3'] as const) {
      it(`algorithm ${algorithm}, ${denial}`, () => {
        const file = signTo({ ...DNSSEC_DEFAULTS, algorithm, denial, nsec3: { ...DNSSEC_DEFAULTS.nsec3 } });
        const ldns = run(tools.paths['ldns-verify-zone'], [file]);
        expect(ldns.out).not.toMatch(/error|bogus|missing/i);
        expect(ldns.ok, ldns.out).toBe(true);
        // -z: a CSK carries the KSK flag and signs everything; dnssec-verify must not look for a separate ZSK.
        const bind = run(tools.paths['dnssec-verify'], ['-z', '-o', 'diff.test', file]);
        expect(bind.ok, bind.out).toBe(true);
        expect(bind.out).toMatch(/Zone fully signed/);
      });
    }
  }

  it('a KSK + ZSK pair verifies without -z: the KSK signs only the DNSKEY RRset', () => {
    const file = signTo({ ...DNSSEC_DEFAULTS, split: true, nsec3: { ...DNSSEC_DEFAULTS.nsec3 } });
    const bind = run(tools.paths['dnssec-verify'], ['-o', 'diff.test', file]);
    expect(bind.ok, bind.out).toBe(true);
    expect(bind.out).toMatch(/Zone fully signed/);
    const ldns = run(tools.paths['ldns-verify-zone'], [file]);
    expect(ldns.ok, ldns.out).toBe(true);
  });

  it('NSEC3 with opt-out verifies too', () => {
    const file = signTo({ ...DNSSEC_DEFAULTS, denial: 'nsec3', nsec3: { iterations: 0, salt: Buffer.alloc(0), optOut: true } });
    const ldns = run(tools.paths['ldns-verify-zone'], [file]);
    expect(ldns.ok, ldns.out).toBe(true);
    // -z: a CSK carries the KSK flag and signs everything; dnssec-verify must not look for a separate ZSK.
        const bind = run(tools.paths['dnssec-verify'], ['-z', '-o', 'diff.test', file]);
    expect(bind.ok, bind.out).toBe(true);
  });
});
