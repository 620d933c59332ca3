import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyTag, revokedKeyTag } from '../../../src/dnssec/keys/tag.js';
import { parsePublicKeyFile } from '../../../src/dnssec/keys/files.js';
import { dnskeyRdata } from '../../../src/dnssec/keys/rdata.js';
import { tool } from '../../cli/run.js';

// The root zone's KSK-2017 (IANA root-anchors.xml): key tag 20326.
const ROOT_KSK_2017 =
  'AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3+/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kvArMtNROxVQuCaSnIDdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjyBxWezF0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+eoZG+SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+cn8HFRm+2hM8AnXGXws9555KrUB5qihylGa8subX2Nn6UwNR1AkUTV74bU=';

describe('key tag (RFC 4034 Appendix B)', () => {
  it('is 20326 for the root KSK-2017', () => {
    expect(keyTag(dnskeyRdata(257, 8, Buffer.from(ROOT_KSK_2017, 'base64')))).toBe(20326);
  });

  it('changes with the flags: the REVOKE bit gives another tag', () => {
    const rdata = dnskeyRdata(257, 8, Buffer.from(ROOT_KSK_2017, 'base64'));
    expect(revokedKeyTag(rdata)).toBe(keyTag(dnskeyRdata(257 | 0x80, 8, Buffer.from(ROOT_KSK_2017, 'base64'))));
    expect(revokedKeyTag(rdata)).not.toBe(20326);
    expect(rdata.readUInt16BE(0)).toBe(257); // the input is not changed
  });

  it('takes algorithm 1 tags from the modulus', () => {
    expect(keyTag(Buffer.from([1, 0, 3, 1, 0xaa, 0xbb, 0x12, 0x34, 0x56]))).toBe(0x1234);
  });

  it('handles long keys without overflow (4096-bit RSA of 0xff)', () => {
    const rdata = dnskeyRdata(257, 8, Buffer.alloc(515, 0xff));
    let ac = 0;
    for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i] : rdata[i] * 256;
    expect(keyTag(rdata)).toBe((ac + Math.floor(ac / 65536)) % 65536);
  });

  const keygen = tool('dnssec-keygen');
  describe.runIf(keygen)('matches the tags in dnssec-keygen file names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inkan-tag-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    it('for 12 keys of algorithms 13, 15 and 8, ZSK and KSK', () => {
      for (const alg of ['ECDSAP256SHA256', 'ED25519', 'RSASHA256']) {
        for (const ksk of [false, true]) {
          for (let i = 0; i < 2; i++) {
            const args = ['-K', dir, '-a', alg, ...(alg === 'RSASHA256' ? ['-b', '1024'] : []), ...(ksk ? ['-f', 'KSK'] : []), 'example.com'];
            const r = spawnSync(keygen!, args, { encoding: 'utf8' });
            expect(r.status, r.stderr).toBe(0);
          }
        }
      }
      const files = readdirSync(dir).filter((f) => f.endsWith('.key'));
      expect(files).toHaveLength(12);
      for (const f of files) {
        const pub = parsePublicKeyFile(readFileSync(join(dir, f), 'utf8'), f);
        expect(keyTag(pub.rdata), f).toBe(Number(/\+(\d{5})\.key$/.exec(f)![1]));
      }
    });
  });
});
