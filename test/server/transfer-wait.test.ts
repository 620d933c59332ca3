// A transfer of a version still being signed in the background waits for the signatures
// instead of making them on the thread that answers, and other queries go on meanwhile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import packet from 'dns-packet';
import { DNSSEC_DEFAULTS } from '../../src/config/types.js';
import { loadSignedZone } from '../../src/dnssec/load-signed.js';
import { SignatureCache } from '../../src/dnssec/signature-cache.js';
import { ZoneSigning } from '../../src/dnssec/zone-signing.js';
import { Transfers } from '../../src/transfer/transfers.js';
import { parseAclEntry } from '../../src/transfer/acl.js';
import { silentLogger } from '../../src/log.js';
import { query, responder } from '../helpers/ask.js';
import { Client, frame, sleep, start } from './helpers.js';

const FILE = new URL('../../zones/example.com.zone', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'inkan-xfrwait-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('transfers wait for background signing', () => {
  it('holds the AXFR until the version is signed, answering other queries meanwhile', async () => {
    const { zone } = loadSignedZone(FILE, 'example.com.', { ...DNSSEC_DEFAULTS }, { keysDir: join(dir, 'keys'), cache: new SignatureCache(64e6), logger: silentLogger });
    let release!: () => void;
    const signing = zone.security as ZoneSigning;
    signing.signedInBackground = new Promise<void>((r) => (release = r));
    const r = responder([zone]);
    r.transfers = new Transfers({ allow: new Map([['example.com.', [parseAclEntry('127.0.0.1')]]]), keys: () => undefined }, silentLogger);
    const server = await start(r);
    try {
      const port = server.addresses()[0].port;
      const xfr = await Client.open(port);
      xfr.send(frame(query('example.com', 'AXFR')));
      const other = await Client.open(port);
      other.send(frame(query('www.example.com', 'A')));
      await other.waitFor(1);
      await sleep(200);
      expect(xfr.answers).toHaveLength(0);
      release();
      const [m] = await xfr.waitFor(1);
      const p = packet.decode(Buffer.from(m, 'latin1'));
      const types = (p.answers ?? []).map((a) => a.type);
      expect(types[0]).toBe('SOA');
      expect(types.at(-1)).toBe('SOA');
      expect(types).toContain('RRSIG');
      expect(types).toContain('NSEC');
      xfr.socket.destroy();
      other.socket.destroy();
    } finally {
      await server.close();
    }
  });
});
