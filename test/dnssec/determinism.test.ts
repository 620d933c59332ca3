// Two primaries with the same key and zone must produce the same signed zone: the same
// RRset signed twice, here or in another process, gives the same bytes.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const DIST = new URL('../../dist/', import.meta.url).href;

// Runs in a fresh node process against the build: signs one RRset at a fixed time.
const script = (alg: number) => `
import { createSigner } from '${DIST}dnssec/crypto/index.js';
import { RRsigMaker } from '${DIST}dnssec/rrsig.js';
import { SignatureCache } from '${DIST}dnssec/signature-cache.js';
import { DEFAULT_VALIDITY } from '${DIST}dnssec/window.js';
import { parseName } from '${DIST}wire/name.js';
const material = ${alg} === 13
  ? { algorithm: 13, privateKey: Buffer.alloc(32, 7) }
  : { algorithm: 15, privateKey: Buffer.alloc(32, 9) };
const key = { tag: 1, algorithm: ${alg}, signer: createSigner(material), id: 'k' };
const maker = new RRsigMaker(parseName('example.com.'), DEFAULT_VALIDITY, new SignatureCache(1e6), () => 1_800_000_000 + Math.floor(Math.random() * 1000));
const set = { owner: parseName('www.example.com.'), type: 1, ttl: 300, rdata: [Buffer.from([127, 0, 0, 1]), Buffer.from([127, 0, 0, 2])] };
const reversed = { ...set, rdata: [...set.rdata].reverse() };
process.stdout.write(maker.sign(set, [key])[0].toString('hex') + ' ' + maker.sign(reversed, [key])[0].toString('hex'));
`;

function signInChild(alg: number): string[] {
  return execFileSync(process.execPath, ['--input-type=module', '-e', script(alg)], { encoding: 'utf8' }).split(' ');
}

describe('deterministic signatures', () => {
  for (const alg of [13, 15]) {
    it(`algorithm ${alg}: same RRset, same window, two processes: same RRSIG bytes`, () => {
      const [a1, a2] = signInChild(alg);
      const [b1] = signInChild(alg);
      expect(a1.length).toBeGreaterThan(100);
      expect(a2).toBe(a1); // record order in the file does not matter: canonical order
      expect(b1).toBe(a1);
    });
  }
});
