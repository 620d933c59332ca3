// RFC 8945 §5: a signed question (a secondary's SOA check, say) gets a signed answer.
import { describe, expect, it } from 'vitest';
import packet from 'dns-packet';
import { exampleZone } from '../helpers/fixture-zone.js';
import { query, responder } from '../helpers/ask.js';
import { Transfers } from '../../src/transfer/transfers.js';
import { keyring, signRequest, verifyResponse, type TsigKey } from '../../src/transfer/tsig.js';
import { parseName } from '../../src/wire/name.js';
import { silentLogger } from '../../src/log.js';

const key: TsigKey = { name: parseName('xfr-key.'), algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 3) };
const other: TsigKey = { ...key, name: parseName('nobody.') };
const now = () => Math.floor(Date.now() / 1000);

describe('signed queries', () => {
  const r = responder([exampleZone()]);
  r.transfers = new Transfers({ allow: new Map(), keys: keyring([key]) }, silentLogger);

  it('answers a signed SOA query with a signed answer the client verifies', () => {
    for (const tcp of [false, true]) {
      const { wire, mac } = signRequest(query('example.com', 'SOA', { edns: 1232 }), key, now());
      const out = r.respond(wire, tcp)!;
      const check = verifyResponse(out, key, mac, now());
      expect(check.signed).toBe(true);
      expect(check.error).toBe(0);
      const p = packet.decode(out);
      expect(p.answers?.[0].type).toBe('SOA');
    }
  });

  it('answers an unknown key with NOTAUTH/BADKEY and no data', () => {
    const { wire, mac } = signRequest(query('example.com', 'SOA'), other, now());
    const out = r.respond(wire, false)!;
    expect(out[3] & 0xf).toBe(9);
    expect(out.readUInt16BE(6)).toBe(0);
    expect(verifyResponse(out, other, mac, now()).error).toBe(17);
  });

  it('never serves a signed question from the response cache', () => {
    const { wire } = signRequest(query('www.example.com', 'A'), key, now());
    const a = r.respond(wire, false)!;
    const b = r.respond(wire, false)!;
    expect(a.length).toBeGreaterThan(60);
    expect(r.cacheStats.hits).toBe(0);
    expect(b.length).toBe(a.length);
  });
});
