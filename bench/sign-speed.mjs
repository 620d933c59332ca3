#!/usr/bin/env node
// Signatures per second, one core, for DNSSEC algorithms 13 (ECDSA P-256/SHA-256) and
// 15 (Ed25519): inkan's deterministic signers beside node:crypto, @noble/curves and
// `openssl speed`, plus the cost of each step of inkan's P-256 route.
//
//   npm run build && node bench/sign-speed.mjs [--seconds 2] [--rounds 3] [--no-openssl]
//
// Each contender runs `rounds` times for `seconds`, interleaved with the others so that a
// busy machine slows all of them alike; the table shows the best round and the median.
import { createHash, createECDH, generateKeyPairSync, randomBytes, sign as nodeSign } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { createSigner, generateKey, signMany } from '../dist/dnssec/crypto/index.js';
import { Rfc6979Nonces } from '../dist/dnssec/crypto/rfc6979.js';
import { invEuclid, invLehmer } from '../dist/dnssec/crypto/modinv.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : dflt; };
const SECONDS = opt('--seconds', 2);
const ROUNDS = opt('--rounds', 3);
const TARGET = { 13: 20_000, 15: 24_000 };

// RRSIG signed data is RRSIG rdata + canonical RRset: typically 100-300 bytes.
const MSGS = Array.from({ length: 1024 }, () => randomBytes(200));

/**
 * Runs fn(msg) for about `seconds` of wall time; returns calls per CPU-second of this process
 * (user + system), so that other work on a shared machine does not count against a signer.
 */
function rate(fn, seconds, batch = 0) {
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const c0 = process.cpuUsage();
  let n = 0;
  for (;;) {
    if (batch) {
      for (let i = 0; i < 1024; i += batch) fn(MSGS.slice(i, i + batch));
      n += 1024;
    } else {
      for (let i = 0; i < 256; i++) fn(MSGS[(n + i) & 1023]);
      n += 256;
    }
    if (process.hrtime.bigint() >= end) {
      const c = process.cpuUsage(c0);
      return n / ((c.user + c.system) / 1e6);
    }
  }
}

const k13 = generateKey(13);
const k15 = generateKey(15);
const inkan13 = createSigner(k13);
const inkan15 = createSigner(k15);
const node13 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const node15 = generateKeyPairSync('ed25519').privateKey;

const contenders = [
  { alg: 13, name: 'inkan (RFC 6979, deterministic)', fn: (m) => inkan13.sign(m) },
  { alg: 13, name: 'inkan signMany, batches of 64', batch: 64, fn: (ms) => signMany(inkan13, ms) },
  { alg: 13, name: 'node:crypto (random nonce)', fn: (m) => nodeSign('sha256', m, { key: node13, dsaEncoding: 'ieee-p1363' }) },
  { alg: 13, name: '@noble/curves (RFC 6979)', fn: (m) => p256.sign(m, k13.privateKey, { lowS: false }), seconds: 0.5 },
  { alg: 15, name: 'inkan', fn: (m) => inkan15.sign(m) },
  { alg: 15, name: 'node:crypto', fn: (m) => nodeSign(null, m, node15) },
  { alg: 15, name: '@noble/curves', fn: (m) => ed25519.sign(m, k15.privateKey), seconds: 0.5 },
];
for (const c of contenders) { rate(c.fn, 0.2, c.batch); c.rates = []; } // warm up the JIT
for (let r = 0; r < ROUNDS; r++) for (const c of contenders) c.rates.push(rate(c.fn, c.seconds ?? SECONDS, c.batch));

// Steps of inkan's P-256 route, measured apart (same inputs each call).
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const h1 = createHash('sha256').update(MSGS[0]).digest();
const kBuf = new Rfc6979Nonces(k13.privateKey, h1).next();
const kBig = BigInt('0x' + kBuf.toString('hex'));
const ecdh = createECDH('prime256v1');
const d = BigInt('0x' + k13.privateKey.toString('hex'));
const steps = [
  ['SHA-256 of the signed data', (m) => createHash('sha256').update(m).digest()],
  ['RFC 6979 nonce (5 x createHmac)', () => new Rfc6979Nonces(k13.privateKey, h1).next()],
  ['k·G natively (ECDH setPrivateKey + getPublicKey)', () => { ecdh.setPrivateKey(kBuf); return ecdh.getPublicKey('hex', 'compressed'); }],
  ['k⁻¹: Lehmer inverse (used)', () => invLehmer(kBig, N)],
  ['k⁻¹: Euclid inverse (for comparison)', () => invEuclid(kBig, N)],
  ['s = b·(kb)⁻¹·(z + r·d), r||s to bytes (BigInt)', () => {
    const kb = (kBig * 0x1234567890abcdefn) % N; const r = kb ^ 0xffffn;
    const s = (((kb * 0x1234567890abcdefn) % N) * ((kBig + r * d) % N)) % N;
    return Buffer.from(r.toString(16).padStart(64, '0') + s.toString(16).padStart(64, '0'), 'hex');
  }],
];
const stepRates = steps.map(([name, fn]) => { rate(fn, 0.1); return [name, Math.max(rate(fn, 0.5), rate(fn, 0.5))]; });

let openssl = null;
if (!args.includes('--no-openssl')) {
  try {
    const out = execFileSync('openssl', ['speed', '-seconds', '3', 'ecdsap256', 'ed25519'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const pick = (re) => { const m = out.match(re); return m ? Number(m[1]) : null; };
    openssl = {
      13: pick(/\(nistp256\)\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)/),
      15: pick(/\(Ed25519\)\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)/),
    };
  } catch { openssl = null; }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x) => (x == null ? '-' : Math.round(x).toLocaleString('en-US'));
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log(`node ${process.version}, OpenSSL ${process.versions.openssl}, ${ROUNDS} rounds x ${SECONDS}s, 200-byte messages, signatures per CPU-second of one thread`);
console.log(`load average at start: ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
console.log(`${pad('alg', 4)}${pad('signer', 36)}${lpad('best sig/s', 12)}${lpad('median', 10)}${lpad('µs/sig', 9)}${lpad('x target', 10)}`);
for (const alg of [13, 15]) {
  const rows = contenders.filter((c) => c.alg === alg).map((c) => [c.name, Math.max(...c.rates), median(c.rates)]);
  if (openssl) rows.push(['openssl speed (C, for reference)', openssl[alg], null]);
  for (const [name, best, med] of rows) {
    const tgt = best == null ? '-' : (best / TARGET[alg]).toFixed(2);
    console.log(`${pad(alg, 4)}${pad(name, 36)}${lpad(f(best), 12)}${lpad(f(med), 10)}${lpad(best ? (1e6 / best).toFixed(1) : '-', 9)}${lpad(tgt, 10)}`);
  }
}
console.log(`\ntargets: 13 >= ${f(TARGET[13])}/s, 15 >= ${f(TARGET[15])}/s (deterministic, one core)`);
const byName = (alg, name) => Math.max(...contenders.find((c) => c.alg === alg && c.name.startsWith(name)).rates);
const i13 = byName(13, 'inkan (RFC'), i15 = byName(15, 'inkan');
console.log(`inkan 13: ${(i13 / TARGET[13]).toFixed(2)}x target, ${(i13 / byName(13, 'node')).toFixed(2)}x node random-nonce, ${(i13 / byName(13, '@noble')).toFixed(1)}x noble` +
  (openssl?.[13] ? `, ${(i13 / openssl[13]).toFixed(2)}x openssl` : ''));
console.log(`inkan 13 signMany: ${(byName(13, 'inkan signMany') / TARGET[13]).toFixed(2)}x target`);
console.log(`inkan 15: ${(i15 / TARGET[15]).toFixed(2)}x target, ${(i15 / byName(15, 'node')).toFixed(2)}x node, ${(i15 / byName(15, '@noble')).toFixed(1)}x noble` +
  (openssl?.[15] ? `, ${(i15 / openssl[15]).toFixed(2)}x openssl` : ''));
console.log('\ninkan P-256 route, step by step (each measured alone):');
let total = 0;
for (const [name, r] of stepRates) {
  const us = 1e6 / r;
  if (!name.includes('comparison')) total += us;
  console.log(`  ${pad(name, 50)}${lpad(us.toFixed(2), 7)} µs ${lpad(f(r), 11)}/s`);
}
console.log(`  ${pad('sum of the used steps', 50)}${lpad(total.toFixed(2), 7)} µs ${lpad(f(1e6 / total), 11)}/s  (whole signer: ${(1e6 / i13).toFixed(2)} µs)`);
