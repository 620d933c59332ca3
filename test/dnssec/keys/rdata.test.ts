import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePublicKeyFile } from '../../../src/dnssec/keys/files.js';
import {
  CDNSKEY_DELETE_RDATA, CDS_DELETE_RDATA, DigestType, dnskeyRdata, dnskeyText, dsRdata, dsText, parseDnskeyRdata, recordLine,
} from '../../../src/dnssec/keys/rdata.js';
import { createKey } from '../../../src/dnssec/keys/store.js';
import { keyTag } from '../../../src/dnssec/keys/tag.js';
import { rdataFromText, rdataToText } from '../../../src/zone/rdata/index.js';
import { tool } from '../../cli/run.js';

// The root zone's KSK-2017 (IANA root-anchors.xml): key tag 20326.
const ROOT_KSK_2017 =
  'AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3+/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kvArMtNROxVQuCaSnIDdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjyBxWezF0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+eoZG+SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+cn8HFRm+2hM8AnXGXws9555KrUB5qihylGa8subX2Nn6UwNR1AkUTV74bU=';

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

describe('DNSKEY and DS rdata', () => {
  it('DNSKEY: flags, protocol 3, algorithm, key', () => {
    const r = dnskeyRdata(256, 13, Buffer.alloc(64, 7));
    expect(r.subarray(0, 4)).toEqual(Buffer.from([1, 0, 3, 13]));
    expect(parseDnskeyRdata(r)).toEqual({ flags: 256, protocol: 3, algorithm: 13, publicKey: Buffer.alloc(64, 7) });
    expect(dnskeyText(r)).toBe(`256 3 13 ${Buffer.alloc(64, 7).toString('base64')}`);
  });

  it('DS SHA-256 of the root KSK-2017 is the one in root-anchors.xml', () => {
    const dnskey = dnskeyRdata(257, 8, Buffer.from(ROOT_KSK_2017, 'base64'));
    const ds = dsRdata('.', dnskey, keyTag(dnskey), DigestType.SHA256);
    expect(dsText(ds)).toBe('20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D');
    expect(recordLine('.', 'DS', ds)).toBe('. IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D');
  });

  it('digests the owner in lower case, and has SHA-384 digests of 48 octets', () => {
    const dnskey = dnskeyRdata(257, 13, Buffer.alloc(64, 1));
    expect(dsRdata('Example.COM', dnskey, 1)).toEqual(dsRdata('example.com.', dnskey, 1));
    expect(dsRdata('example.com', dnskey, 1, DigestType.SHA384).length).toBe(4 + 48);
    expect(() => dsRdata('example.com', dnskey, 1, 1 as never)).toThrow(/digest type 1/);
  });

  it('CDS and CDNSKEY DELETE are RFC 8078 "0 0 0 00" and "0 3 0 AA=="', () => {
    expect(dsText(CDS_DELETE_RDATA)).toBe('0 0 0 00');
    expect(dnskeyText(CDNSKEY_DELETE_RDATA)).toBe('0 3 0 AA==');
    expect(recordLine('example.com', 'CDS', CDS_DELETE_RDATA)).toBe('example.com. IN CDS 0 0 0 00');
    expect(recordLine('example.com', 'CDNSKEY', CDNSKEY_DELETE_RDATA, 3600)).toBe('example.com. 3600 IN CDNSKEY 0 3 0 AA==');
  });

  it('reads back through the zone file codecs (DS 43, CDS 59, DNSKEY 48, CDNSKEY 60)', () => {
    const dnskey = dnskeyRdata(257, 13, Buffer.alloc(64, 9));
    const ds = dsRdata('example.com', dnskey, keyTag(dnskey));
    const tokens = (t: string) => t.split(' ').map((text) => ({ text, quoted: false }));
    for (const type of [43, 59]) {
      expect(rdataFromText(type, tokens(dsText(ds)), [])).toEqual(ds);
      expect(rdataToText(type, ds).toUpperCase()).toBe(dsText(ds));
    }
    for (const type of [48, 60]) {
      expect(rdataFromText(type, tokens(dnskeyText(dnskey)), [])).toEqual(dnskey);
      expect(rdataToText(type, dnskey)).toBe(dnskeyText(dnskey));
    }
    expect(rdataFromText(59, tokens(dsText(CDS_DELETE_RDATA)), [])).toEqual(CDS_DELETE_RDATA);
    expect(rdataFromText(60, tokens(dnskeyText(CDNSKEY_DELETE_RDATA)), [])).toEqual(CDNSKEY_DELETE_RDATA);
  });
});

const dsfromkey = tool('dnssec-dsfromkey');
const keygen = tool('dnssec-keygen');
const key2ds = tool('ldns-key2ds');

describe.runIf(dsfromkey && keygen && key2ds)('DS against dnssec-dsfromkey and ldns-key2ds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inkan-ds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    // Keys made by BIND and keys made by inkan, side by side.
    run(keygen!, ['-K', dir, '-a', 'ECDSAP256SHA256', '-f', 'KSK', 'example.com']);
    run(keygen!, ['-K', dir, '-a', 'ED25519', 'Example.NET']);
    run(keygen!, ['-K', dir, '-a', 'RSASHA256', '-b', '2048', '-f', 'KSK', 'example.org']);
    run(keygen!, ['-K', dir, '-a', 'ECDSAP256SHA256', '.']);
    createKey(dir, 'inkan.example', { algorithm: 13 });
    createKey(dir, 'inkan.example', { algorithm: 15, role: 'zsk' });
    createKey(dir, 'inkan.example', { algorithm: 8, role: 'ksk' });
  });

  it('SHA-256 and SHA-384 digests are those of dnssec-dsfromkey, and of ldns-key2ds', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.key'));
    expect(files).toHaveLength(7);
    for (const f of files) {
      const path = join(dir, f);
      const pub = parsePublicKeyFile(readFileSync(path, 'utf8'), path);
      const tag = keyTag(pub.rdata);
      for (const [digest, flag] of [[DigestType.SHA256, 'SHA-256'], [DigestType.SHA384, 'SHA-384']] as const) {
        const ours = recordLine(pub.owner, 'DS', dsRdata(pub.owner, pub.rdata, tag, digest));
        // BIND keeps the owner's case from the .key file; inkan prints owners in lower case.
        expect(ours, f).toBe(run(dsfromkey!, ['-a', flag, path]).trim().replace(/^\S+/, (o) => o.toLowerCase()));
      }
      for (const [digest, flag] of [[DigestType.SHA256, '-2'], [DigestType.SHA384, '-4']] as const) {
        const ldns = run(key2ds!, ['-n', '-f', flag, path]).trim().split(/\s+/);
        const ours = dsText(dsRdata(pub.owner, pub.rdata, tag, digest)).split(' ');
        expect(ldns.slice(-4).map((w) => w.toUpperCase()), f).toEqual(ours);
      }
    }
  });

  it('CDS is the same as dnssec-dsfromkey -C', () => {
    const f = readdirSync(dir).find((n) => n.startsWith('Kinkan.example.+013'))!;
    const path = join(dir, f);
    const pub = parsePublicKeyFile(readFileSync(path, 'utf8'), path);
    const ours = recordLine(pub.owner, 'CDS', dsRdata(pub.owner, pub.rdata, keyTag(pub.rdata)));
    expect(run(dsfromkey!, ['-C', '-2', path]).trim().replace(/\s+/g, ' ')).toBe(ours);
  });
});
