// Signing while the zone file is read (early-signing.ts): what the signing threads make ahead
// must change nothing in what is served. An RRset the file adds to later, an owner that turns
// out to be a delegation, glue below it: their early signatures are dropped, never stored.
import { mkdtempSync, rmSync, writeFileSync, appendFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DNSSEC_DEFAULTS, type DnssecConfig } from '../../src/config/types.js';
import { loadSignedZone } from '../../src/dnssec/load-signed.js';
import { SignatureCache } from '../../src/dnssec/signature-cache.js';
import { signedZoneLines } from '../../src/dnssec/signed-zone-text.js';
import { SigningPool } from '../../src/dnssec/signing-pool.js';
import { ZoneLoadError } from '../../src/zone/load.js';
import { silentLogger } from '../../src/log.js';

const NOW = 1_800_000_000;
const dir = mkdtempSync(join(tmpdir(), 'inkan-early-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// `a` comes back after other names (its A RRset grows); `sub` shows its DS first and its NS
// (which makes it a cut) only later; `ns.sub` is glue, below the cut.
const FILE = join(dir, 'early.test.zone');
writeFileSync(FILE, `$ORIGIN early.test.
$TTL 3600
@ SOA ns1 host 1 7200 3600 1209600 300
@ NS ns1
ns1 A 127.0.0.53
a A 127.0.0.1
sub DS 12345 13 2 ${'ab'.repeat(32)}
ns.sub A 127.0.0.2
b A 127.0.0.3
b TXT "b"
a A 127.0.0.4
sub NS ns.sub
${Array.from({ length: 300 }, (_, i) => `n${i} A 127.0.1.${i % 250}`).join('\n')}
a TXT "late"
`);

function load(file: string, cfg: DnssecConfig, keysDir: string, pool?: SigningPool, batch = 8) {
  const cache = new SignatureCache(64e6);
  // Small batches, so that some go out while the file is read and some wait for the end.
  const early = pool ? { pool: () => pool, at: () => NOW, batch } : undefined;
  const { signing } = loadSignedZone(file, 'early.test', cfg, { keysDir, cache, logger: silentLogger, now: () => NOW, early });
  return { signing, cache };
}

describe('signing while the zone file is read', () => {
  // Batches of one RRset: more than the 256 batches two threads may have out at a time, so
  // the rest wait in the queue for replies.
  for (const [over, batch] of [[{ algorithm: 13, denial: 'nsec' }, 8], [{ algorithm: 15, denial: 'nsec3', split: true }, 8], [{ algorithm: 13, denial: 'nsec' }, 1]] as [Partial<DnssecConfig>, number][]) {
    it(`serves exactly what a load without it serves (${JSON.stringify(over)}, batches of ${batch})`, async () => {
      const keysDir = mkdtempSync(join(dir, 'keys-'));
      const cfg = { ...DNSSEC_DEFAULTS, nsec3: { ...DNSSEC_DEFAULTS.nsec3 }, ...over } as DnssecConfig;
      const pool = new SigningPool(2);
      try {
        const plain = load(FILE, cfg, keysDir);
        const plainMade = await plain.signing.presign(pool, { ahead: false });
        const expected = [...signedZoneLines(plain.signing)];

        // Which batches went out while the file was read (to a chosen thread), which at the end.
        const sends: (number | undefined)[] = [];
        const signAhead = pool.signAhead.bind(pool);
        pool.signAhead = (keys, rrsets, speculation, on) => {
          sends.push(on);
          return signAhead(keys, rrsets, speculation, on);
        };
        const early = load(FILE, cfg, keysDir, pool, batch);
        expect(sends.some((on) => on !== undefined)).toBe(true);
        expect(sends.some((on) => on === undefined)).toBe(true);
        const ahead = await early.signing.early!.settled;
        const made = await early.signing.presign(pool, { ahead: false });
        // The threads signed the zone's own RRsets and its chain as they came; presign the rest.
        expect(ahead).toBeGreaterThan(550);
        expect(made).toBe(plainMade);
        const before = early.cache.stats().misses;
        expect([...signedZoneLines(early.signing)]).toEqual(expected);
        expect(early.cache.stats().misses).toBe(before);
        // Nothing stale or unserved was stored: the same entries as without early signing.
        expect(early.cache.stats().entries).toBe(plain.cache.stats().entries);
      } finally {
        await pool.close();
      }
    }, 30_000);
  }

  it('a zone file that fails to load still names its line, and the threads go on working', async () => {
    const bad = join(dir, 'bad.test.zone');
    writeFileSync(bad, readFileSync(FILE, 'latin1').replace('$ORIGIN early.test.', '$ORIGIN early.test.'));
    appendFileSync(bad, 'broken A not-an-address\n');
    const keysDir = mkdtempSync(join(dir, 'keys-'));
    const cfg = { ...DNSSEC_DEFAULTS, nsec3: { ...DNSSEC_DEFAULTS.nsec3 } } as DnssecConfig;
    const pool = new SigningPool(2);
    try {
      expect(() => load(bad, cfg, keysDir, pool)).toThrow(ZoneLoadError);
      try {
        load(bad, cfg, keysDir, pool);
      } catch (err) {
        expect((err as Error).message).toMatch(/bad\.test\.zone:\d+/);
      }
      const good = load(FILE, cfg, keysDir, pool);
      await good.signing.presign(pool, { ahead: false });
      expect([...signedZoneLines(good.signing)].some((l) => l.includes('RRSIG'))).toBe(true);
    } finally {
      await pool.close();
    }
  }, 30_000);
});
