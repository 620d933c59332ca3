// Whole-zone signing on the signing threads (presign): the threads build the canonical form,
// digest and signature from a packed batch; what they make must be byte for byte what the
// main thread makes itself, for every algorithm, both denials and a KSK + ZSK pair.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DNSSEC_DEFAULTS, type DnssecConfig } from '../../src/config/types.js';
import { loadSignedZone } from '../../src/dnssec/load-signed.js';
import { SignatureCache } from '../../src/dnssec/signature-cache.js';
import { signedZoneLines } from '../../src/dnssec/signed-zone-text.js';
import { SigningPool } from '../../src/dnssec/signing-pool.js';
import { encodeRRsets, decodeRRsets } from '../../src/dnssec/rrset-batch.js';
import { prepareBatch, signPrepared, FACT_BYTES } from '../../src/dnssec/batch-signing.js';
import { canonicalRRset } from '../../src/dnssec/canonical.js';
import { digestOf } from '../../src/dnssec/rrsig.js';
import { silentLogger } from '../../src/log.js';

const ZONE = new URL('../interop/fixtures/diff.test.zone', import.meta.url).pathname;
const NOW = 1_800_000_000;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function load(cfg: DnssecConfig, keysDir: string) {
  const cache = new SignatureCache(64e6);
  const { signing } = loadSignedZone(ZONE, 'diff.test', cfg, { keysDir, cache, logger: silentLogger, now: () => NOW });
  return { signing, cache };
}

const CASES: [string, Partial<DnssecConfig>][] = [
  ['algorithm 13, nsec', { algorithm: 13, denial: 'nsec' }],
  ['algorithm 15, nsec3', { algorithm: 15, denial: 'nsec3' }],
  ['algorithm 8, nsec', { algorithm: 8, denial: 'nsec' }],
  ['algorithm 13, KSK + ZSK', { algorithm: 13, split: true }],
];

describe('presign on signing threads', () => {
  for (const [name, over] of CASES) {
    it(`${name}: the threads' RRSIGs equal the main thread's, byte for byte`, async () => {
      const keysDir = mkdtempSync(join(tmpdir(), 'inkan-presign-'));
      dirs.push(keysDir);
      const cfg = { ...DNSSEC_DEFAULTS, nsec3: { ...DNSSEC_DEFAULTS.nsec3 }, ...over } as DnssecConfig;
      const here = load(cfg, keysDir);
      const expected = [...signedZoneLines(here.signing)];

      const threads = load(cfg, keysDir);
      const pool = new SigningPool(2);
      try {
        const made = await threads.signing.presign(pool, { ahead: false, batch: 7 });
        expect(made).toBe(threads.cache.stats().signed);
        const before = threads.cache.stats().misses;
        expect([...signedZoneLines(threads.signing)]).toEqual(expected);
        // Every signature the zone text needed was already made by the threads.
        expect(threads.cache.stats().misses).toBe(before);
        // A second round finds everything cached and sends nothing.
        expect(await threads.signing.presign(pool, { ahead: false })).toBe(0);
      } finally {
        await pool.close();
      }
    }, 30_000);
  }

  it('packs RRsets into one buffer and back unchanged; digests and rdata match the maker', () => {
    const keysDir = mkdtempSync(join(tmpdir(), 'inkan-presign-'));
    dirs.push(keysDir);
    const { signing } = load({ ...DNSSEC_DEFAULTS, nsec3: { ...DNSSEC_DEFAULTS.nsec3 } }, keysDir);
    const sets = [...signing.signed()];
    const back = decodeRRsets(encodeRRsets(sets));
    expect(back.map((s) => [s.owner, s.type, s.ttl, s.rdata])).toEqual(sets.map((s) => [s.owner, s.type, s.ttl, s.rdata]));

    const batch = prepareBatch(encodeRRsets(sets), signing.maker.policy.refresh);
    const facts = Buffer.from(batch.facts);
    const key = signing.keys.zsks[0];
    const tasks: number[] = [];
    sets.forEach((s, i) => {
      expect(facts.toString('base64', i * FACT_BYTES, i * FACT_BYTES + 32)).toBe(digestOf(canonicalRRset(s.owner, s.type, s.ttl, s.rdata)));
      const w = signing.maker.window(s);
      expect(w.start).toBe(signing.maker.windowsAt(facts.readUInt32BE(i * FACT_BYTES + 32), NOW, false)[0].start);
      tasks.push(i, 0, w.inception, w.expiration);
    });
    const packed = Buffer.from(signPrepared(batch, [{ id: key.id, tag: key.tag, algorithm: key.algorithm }], () => key.signer, signing.maker.signerName, Uint32Array.from(tasks)));
    let o = 0;
    for (const s of sets) {
      const len = packed.readUInt16BE(o);
      expect(packed.subarray(o + 2, o + 2 + len)).toEqual(signing.maker.sign(s, [key])[0]);
      o += 2 + len;
    }
    expect(o).toBe(packed.length);
  });
});
