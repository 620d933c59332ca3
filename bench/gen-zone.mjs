#!/usr/bin/env node
// Generate a deterministic benchmark zone for origin bench.test. plus dnsperf query files.
//
//   node bench/gen-zone.mjs --names 10000 --out bench/data/10k
//   node bench/gen-zone.mjs --records 1000000 --out bench/data/1m --no-queries
//
// Writes into --out:
//   bench.test.zone     the zone (SOA, apex NS + in-zone glue, A/AAAA/MX/TXT per name,
//                       some CNAMEs, some delegations with glue, a wildcard)
//   queries-mix.txt     ~70% existing name+type, ~15% NODATA, ~15% NXDOMAIN
//   queries-flood.txt   every line a new random nonexistent <label>.bench.test. A
//   stats.json          counts (names, records, query classes)
//
// Everything is derived from --seed (default 1), so two runs give identical files.
// Addresses: IPv4 only in 127.0.0.0/8, IPv6 only in 2001:db8::/32 (documentation);
// nothing here is ever contacted, but no record points anywhere real either.

import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = parseArgs(process.argv.slice(2));
const ORIGIN = 'bench.test.';
const names = args.names ? Number(args.names) : 0;
const records = args.records ? Number(args.records) : 0;
if (!names && !records) usage('give --names N or --records N');
const out = resolve(args.out ?? usage('give --out DIR'));
const seed = Number(args.seed ?? 1);
const mixCount = Number(args['mix-queries'] ?? 200_000);
const floodCount = Number(args['flood-queries'] ?? 2_000_000);
const withQueries = !args['no-queries'];

mkdirSync(out, { recursive: true });

// ---- deterministic PRNG (mulberry32) --------------------------------------------------
function prng(s) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(seed);
const int = (n) => Math.floor(rnd() * n);
const pick = (arr) => arr[int(arr.length)];

const WORDS = [
  'www', 'mail', 'api', 'shop', 'blog', 'cdn', 'vpn', 'git', 'wiki', 'app', 'img', 'static',
  'dev', 'test', 'stage', 'portal', 'login', 'auth', 'db', 'cache', 'edge', 'node', 'host',
  'srv', 'web', 'mx', 'smtp', 'imap', 'pop', 'ftp', 'files', 'docs', 'status', 'metrics',
  'office', 'print', 'media', 'video', 'news', 'store', 'pay', 'help', 'support', 'intra',
];
const SUFFIX = 'abcdefghijklmnopqrstuvwxyz0123456789';
function randLabel(len) {
  let s = '';
  for (let i = 0; i < len; i++) s += SUFFIX[int(26)]; // letters only for the first run
  return s;
}
function randAlnum(len) {
  let s = '';
  for (let i = 0; i < len; i++) s += SUFFIX[int(36)];
  return s;
}
const v4 = () => `127.${1 + int(254)}.${int(256)}.${1 + int(254)}`;
const v6 = () => `2001:db8:${int(65536).toString(16)}:${int(65536).toString(16)}::${(1 + int(65535)).toString(16)}`;

// ---- zone ----------------------------------------------------------------------------
const zonePath = join(out, 'bench.test.zone');
const zw = createWriteStream(zonePath, { highWaterMark: 1 << 20 });
let buf = '';
let recordCount = 0;
function rr(line) {
  buf += line + '\n';
  recordCount++;
  if (buf.length > 1 << 20) { zw.write(buf); buf = ''; }
}

rr(`$ORIGIN ${ORIGIN}`); recordCount--;
rr('$TTL 3600'); recordCount--;
rr('@ 3600 IN SOA ns1.bench.test. hostmaster.bench.test. 2026112601 7200 3600 1209600 300');
rr('@ IN NS ns1');
rr('@ IN NS ns2');
rr('@ IN A 127.0.0.10');
rr('@ IN MX 10 mail');
rr('@ IN TXT "v=spf1 mx -all"');
rr('ns1 IN A 127.0.0.53');
rr('ns2 IN A 127.0.1.53');
rr('mail IN A 127.0.0.25');
rr('wild IN TXT "wildcard parent"');
rr('*.wild IN A 127.0.9.9');
rr('*.wild IN TXT "synthesised from a wildcard"');

// Per existing name we remember what it has, so the query files can ask for existing
// types and NODATA types. Kept compact: name string + bitmask of types.
const T = { A: 1, AAAA: 2, MX: 4, TXT: 8, CNAME: 16, NS: 32 };
const qnames = ['bench.test.', 'ns1.bench.test.', 'ns2.bench.test.', 'mail.bench.test.', 'wild.bench.test.'];
const qmask = [T.A | T.MX | T.TXT | T.NS, T.A, T.A, T.A, T.TXT];
const used = new Set(['ns1', 'ns2', 'mail', 'wild', '@']);
const hosts = []; // names with an A record, targets for CNAME and MX
const delegations = [];

function freshName(i) {
  // Realistic-looking owner names, 1 to 3 labels, unique by construction (index suffix).
  const r = rnd();
  const base = `${pick(WORDS)}-${i.toString(36)}`;
  if (r < 0.6) return base;
  if (r < 0.9) return `${pick(WORDS)}.${base}`;
  return `${pick(WORDS)}.${randLabel(3 + int(5))}.${base}`;
}

let i = 0;
while (names ? i < names : recordCount < records) {
  const owner = freshName(i++);
  if (used.has(owner)) continue;
  used.add(owner);
  const fq = `${owner}.${ORIGIN}`;
  const r = rnd();
  if (r < 0.05 && hosts.length > 0) {
    // CNAME to an existing in-zone host (some chains are two long naturally).
    rr(`${owner} IN CNAME ${pick(hosts)}`);
    qnames.push(fq); qmask.push(T.CNAME);
  } else if (r < 0.07) {
    // Delegation with in-bailiwick glue: a referral for anything at or below it.
    rr(`${owner} IN NS ns1.${owner}`);
    rr(`${owner} IN NS ns2.${owner}`);
    rr(`ns1.${owner} IN A ${v4()}`);
    rr(`ns2.${owner} IN A ${v4()}`);
    if (rnd() < 0.5) rr(`ns1.${owner} IN AAAA ${v6()}`);
    delegations.push(fq);
    qnames.push(fq); qmask.push(T.NS);
  } else {
    let m = 0;
    if (rnd() < 0.92) {
      const n = rnd() < 0.8 ? 1 : 2 + int(3);
      for (let k = 0; k < n; k++) rr(`${owner} IN A ${v4()}`);
      m |= T.A;
      hosts.push(owner);
    }
    if (rnd() < 0.45) {
      const n = rnd() < 0.85 ? 1 : 2;
      for (let k = 0; k < n; k++) rr(`${owner} IN AAAA ${v6()}`);
      m |= T.AAAA;
    }
    if (rnd() < 0.12) {
      rr(`${owner} IN MX 10 ${hosts.length ? pick(hosts) : 'mail'}`);
      if (rnd() < 0.5) rr(`${owner} IN MX 20 mail`);
      m |= T.MX;
    }
    if (rnd() < 0.2 || m === 0) {
      const kind = int(3);
      const txt =
        kind === 0 ? `"v=spf1 ip4:${v4()} -all"` :
        kind === 1 ? `"site-verification=${randAlnum(32)}"` :
                     `"owner=${pick(WORDS)}" "rev=${int(1000)}"`;
      rr(`${owner} IN TXT ${txt}`);
      m |= T.TXT;
    }
    qnames.push(fq); qmask.push(m);
  }
}
zw.write(buf);
await new Promise((ok, fail) => zw.end((e) => (e ? fail(e) : ok())));

const stats = {
  origin: ORIGIN, seed, names: used.size, records: recordCount,
  delegations: delegations.length, zone: zonePath,
};

// ---- query files -----------------------------------------------------------------------
if (withQueries) {
  const ALL = ['A', 'AAAA', 'MX', 'TXT'];
  const counts = { existing: 0, nodata: 0, nxdomain: 0, wildcard: 0 };
  let q = '';
  for (let n = 0; n < mixCount; n++) {
    const r = rnd();
    if (r < 0.70) {
      // An existing name with one of its own types (wildcard names count as existing).
      if (rnd() < 0.02) {
        q += `${randLabel(6)}.wild.${ORIGIN} ${rnd() < 0.7 ? 'A' : 'TXT'}\n`; counts.wildcard++;
        continue;
      }
      const k = int(qnames.length);
      const m = qmask[k];
      const have = Object.keys(T).filter((t) => m & T[t]);
      let t = pick(have);
      if (t === 'CNAME' || t === 'NS') t = rnd() < 0.7 ? 'A' : 'AAAA'; // CNAME chase / referral
      q += `${qnames[k]} ${t}\n`; counts.existing++;
    } else if (r < 0.85) {
      // NODATA: an existing name, a type it does not have (CNAME/delegation names excluded).
      let k, m;
      do { k = int(qnames.length); m = qmask[k]; } while (m & (T.CNAME | T.NS) && k > 0);
      const missing = ALL.filter((t) => !(m & T[t]));
      q += `${qnames[k]} ${missing.length ? pick(missing) : 'SRV'}\n`; counts.nodata++;
    } else {
      // NXDOMAIN: a name that cannot exist here (labels contain no '-', generated ones do),
      // either directly under the apex or under an existing non-delegated name.
      const t = pick(['A', 'A', 'A', 'AAAA', 'MX', 'TXT']);
      if (rnd() < 0.6) q += `${randLabel(5 + int(6))}.${ORIGIN} ${t}\n`;
      else {
        let k;
        do { k = int(qnames.length); } while (qmask[k] & (T.CNAME | T.NS) || qnames[k].startsWith('wild.'));
        q += `${randLabel(4)}x.${qnames[k]} ${t}\n`;
      }
      counts.nxdomain++;
    }
  }
  writeFileSync(join(out, 'queries-mix.txt'), q);
  stats.mix = { queries: mixCount, ...counts };

  // Flood: unique names by construction (a counter mixed into a random label).
  const fw = createWriteStream(join(out, 'queries-flood.txt'), { highWaterMark: 1 << 20 });
  let f = '';
  for (let n = 0; n < floodCount; n++) {
    f += `${randLabel(4)}${n.toString(36)}${randLabel(3)}.${ORIGIN} A\n`;
    if (f.length > 1 << 20) { fw.write(f); f = ''; }
  }
  fw.write(f);
  await new Promise((ok, fail) => fw.end((e) => (e ? fail(e) : ok())));
  stats.flood = { queries: floodCount };
}

writeFileSync(join(out, 'stats.json'), JSON.stringify(stats, null, 2) + '\n');
console.log(JSON.stringify(stats));

function parseArgs(argv) {
  const o = {};
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (!a.startsWith('--')) usage(`unexpected argument ${a}`);
    const key = a.slice(2);
    if (key.startsWith('no-')) o[key] = true;
    else o[key] = argv[++k];
  }
  return o;
}
function usage(msg) {
  console.error(`gen-zone: ${msg}
usage: node bench/gen-zone.mjs (--names N | --records N) --out DIR [--seed S]
       [--mix-queries N] [--flood-queries N] [--no-queries]`);
  process.exit(2);
}
