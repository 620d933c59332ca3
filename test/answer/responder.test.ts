import { describe, expect, it } from 'vitest';
import { seeded } from '../helpers/seeded.js';
import packet from 'dns-packet';
import { exampleZone } from '../helpers/fixture-zone.js';
import { AA, TC, ask, flag, query, rcodeOf, responder } from '../helpers/ask.js';
import type { Rec } from '../helpers/records.js';

const bigTxt: Rec[] = Array.from({ length: 20 }, (_, i): Rec => ['big', 300, 'TXT', [`record number ${i} with some padding text`]]);
const manyGlue: Rec[] = [];
for (let i = 0; i < 30; i++) {
  manyGlue.push(['fat', 3600, 'NS', `ns${i}.fat.example.com.`]);
  manyGlue.push([`ns${i}.fat`, 3600, 'AAAA', `2001:db8::${i + 1}`]);
}
const z = exampleZone([...bigTxt, ...manyGlue]);
const r = responder([z]);

function optOf(p: packet.Packet) {
  return p.additionals?.find((a) => a.type === 'OPT') as unknown as { udpPayloadSize: number; flags: number; options: { code: number; data: Buffer }[]; extendedRcode: number } | undefined;
}

describe('EDNS (RFC 6891)', () => {
  it('echoes an OPT with our payload size and no OPT without EDNS', () => {
    const p = ask(r, 'www.example.com', 'A', { edns: 4096 });
    expect(optOf(p)?.udpPayloadSize).toBe(1232);
    expect(optOf(ask(r, 'www.example.com', 'A'))).toBeUndefined();
  });

  it('echoes the DO bit', () => {
    const p = ask(r, 'www.example.com', 'A', { edns: 1232, do: true });
    expect((optOf(p)!.flags & packet.DNSSEC_OK) !== 0).toBe(true);
    const q = ask(r, 'www.example.com', 'A', { edns: 1232 });
    expect((optOf(q)!.flags & packet.DNSSEC_OK) !== 0).toBe(false);
  });

  it('answers BADVERS to EDNS version 1', () => {
    const msg = query('www.example.com', 'A', { edns: 1232 });
    msg[msg.length - 5] = 1; // version byte of the OPT TTL
    const out = r.respond(msg, false)!;
    const p = packet.decode(out);
    expect(p.answers).toHaveLength(0);
    const opt = optOf(p)!;
    expect(((out.readUInt32BE(out.length - 6) >>> 24) << 4) | (out[3] & 0xf)).toBe(16);
    expect(opt).toBeDefined();
  });

  it('answers FORMERR to two OPT records', () => {
    const one = query('www.example.com', 'A', { edns: 1232 });
    const opt = one.subarray(one.length - 11);
    const two = Buffer.concat([one, opt]);
    two.writeUInt16BE(2, 10);
    expect(rcodeOf(packet.decode(r.respond(two, false)!))).toBe('FORMERR');
  });

  it('answers NSID only when configured and asked', () => {
    const withNsid = responder([z], { nsid: Buffer.from('inkan-1') });
    const p = ask(withNsid, 'www.example.com', 'A', { edns: 1232, nsid: true });
    expect(optOf(p)!.options).toMatchObject([{ code: 3, data: Buffer.from('inkan-1') }]);
    expect(optOf(ask(withNsid, 'www.example.com', 'A', { edns: 1232 }))!.options).toHaveLength(0);
    expect(optOf(ask(r, 'www.example.com', 'A', { edns: 1232, nsid: true }))!.options).toHaveLength(0);
  });
});

describe('truncation', () => {
  it('sets TC over UDP without EDNS when the answer passes 512 bytes, keeping whole RRsets only', () => {
    const p = ask(r, 'big.example.com', 'TXT');
    expect(flag(p, TC)).toBe(true);
    expect(p.raw.length).toBeLessThanOrEqual(512);
    expect(p.answers).toHaveLength(0);
  });

  it('gives the whole answer over TCP', () => {
    const p = ask(r, 'big.example.com', 'TXT', { tcp: true });
    expect(flag(p, TC)).toBe(false);
    expect(p.answers).toHaveLength(20);
  });

  it('fits the answer in the negotiated EDNS size, capped by the server maximum', () => {
    const p = ask(r, 'big.example.com', 'TXT', { edns: 4096 });
    expect(p.raw.length).toBeGreaterThan(512);
    expect(p.raw.length).toBeLessThanOrEqual(1232);
    expect(flag(p, TC)).toBe(false);
    const small = responder([z], { ednsMaxPayload: 1232 });
    expect(ask(small, 'big.example.com', 'TXT', { edns: 600 }).raw.length).toBeLessThanOrEqual(600);
  });

  it('sets TC when glue for in-domain name servers does not fit (RFC 9471)', () => {
    const p = ask(r, 'x.fat.example.com', 'A');
    expect(flag(p, AA)).toBe(false);
    expect(flag(p, TC)).toBe(true);
    expect(p.raw.length).toBeLessThanOrEqual(512);
    const full = ask(r, 'x.fat.example.com', 'A', { tcp: true });
    expect(flag(full, TC)).toBe(false);
    expect(full.additionals).toHaveLength(30);
  });

  it('drops optional additional data silently', () => {
    const many: Rec[] = [];
    for (let i = 0; i < 40; i++) {
      many.push(['@', 3600, 'MX', { preference: i, exchange: `m${i}.example.com.` }]);
      many.push([`m${i}`, 3600, 'AAAA', `2001:db8::${i + 1}`]);
    }
    const mx = responder([exampleZone(many)], { additionalMxSrv: true });
    const p = ask(mx, 'example.com', 'MX', { edns: 1232 });
    expect(flag(p, TC)).toBe(false);
    expect(p.answers!.length).toBe(41);
    expect(p.additionals!.length).toBeLessThan(42);
  });
});

describe('bad input', () => {
  it('drops responses (QR=1) and runts', () => {
    const msg = query('www.example.com', 'A');
    msg[2] |= 0x80;
    expect(r.respond(msg, false)).toBeNull();
    expect(r.respond(Buffer.alloc(5), false)).toBeNull();
  });

  it('answers FORMERR to qdcount 2 and to a compression loop', () => {
    const msg = query('www.example.com', 'A');
    msg.writeUInt16BE(2, 4);
    expect(rcodeOf(packet.decode(r.respond(msg, false)!))).toBe('FORMERR');
    const loop = Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    const out = r.respond(loop, false)!;
    expect(out[3] & 0xf).toBe(1);
    expect(out.readUInt16BE(0)).toBe(1);
  });

  it('answers NOTIMP to an unknown opcode', () => {
    const msg = query('www.example.com', 'A');
    msg[2] = (msg[2] & 0x87) | (3 << 3);
    const out = r.respond(msg, false)!;
    expect(out[3] & 0xf).toBe(4);
    expect((out[2] >> 3) & 0xf).toBe(3);
  });

  it('never throws on random bytes and still answers afterwards', () => {
    const next = seeded(12345);
    const rand = () => next(0x7fffffff) / 0x7fffffff;
    const base = query('www.example.com', 'A', { edns: 1232 });
    for (let i = 0; i < 20000; i++) {
      const m = Buffer.from(i % 2 ? base : Buffer.alloc(12 + Math.floor(rand() * 60)));
      const flips = 1 + Math.floor(rand() * 6);
      for (let f = 0; f < flips; f++) m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
      m[2] &= 0x7f;
      const out = r.respond(m, i % 3 === 0);
      if (out) expect(out.readUInt16BE(0)).toBe(m.readUInt16BE(0));
    }
    expect(ask(r, 'www.example.com', 'A').answers).toHaveLength(1);
  });
});

describe('response cache', () => {
  it('answers a repeated question from cache with the new ID, RD bit and question case', () => {
    const c = responder([exampleZone()]);
    // The second answer to a question is the one cached.
    ask(c, 'www.example.com', 'A', { id: 1, edns: 1232 });
    const first = ask(c, 'www.example.com', 'A', { id: 1, edns: 1232 });
    const before = c.cacheStats.hits;
    const msg = query('WWW.example.COM', 'A', { id: 777, edns: 1232 });
    msg[2] &= ~0x01; // RD=0
    const out = c.respond(msg, false)!;
    expect(c.cacheStats.hits).toBe(before + 1);
    const p = packet.decode(out);
    expect(p.id).toBe(777);
    expect(p.questions?.[0].name).toBe('WWW.example.COM');
    expect((p.flags! & packet.RECURSION_DESIRED) !== 0).toBe(false);
    expect(p.answers).toEqual(first.answers!.map((a) => ({ ...a, name: 'WWW.example.COM' })));
  });

  it('keeps DO, payload size and transport apart', () => {
    const c = responder([z]);
    expect(flag(ask(c, 'big.example.com', 'TXT'), TC)).toBe(true);
    expect(flag(ask(c, 'big.example.com', 'TXT', { tcp: true }), TC)).toBe(false);
    expect(flag(ask(c, 'big.example.com', 'TXT', { edns: 1232 }), TC)).toBe(false);
    const d = ask(c, 'www.example.com', 'A', { edns: 1232, do: true });
    const nd = ask(c, 'www.example.com', 'A', { edns: 1232 });
    expect((optOf(d)!.flags & packet.DNSSEC_OK) !== 0).toBe(true);
    expect((optOf(nd)!.flags & packet.DNSSEC_OK) !== 0).toBe(false);
  });

  it('is emptied when the zones change', () => {
    const c = responder([exampleZone()]);
    ask(c, 'www.example.com', 'A');
    ask(c, 'www.example.com', 'A');
    expect(c.cacheStats.size).toBeGreaterThan(0);
    c.setStore(new (require_store())([exampleZone([['new', 60, 'A', '127.0.0.99']])]));
    expect(c.cacheStats.size).toBe(0);
    expect(ask(c, 'new.example.com', 'A').answers?.[0].data).toBe('127.0.0.99');
  });
});

import { ZoneStore } from '../../src/zone/store.js';
function require_store() {
  return ZoneStore;
}

describe('name compression', () => {
  it('compresses owners and rdata names against the question', () => {
    const p = ask(r, 'example.com', 'NS');
    // question 17 + 2 NS records each: pointer(2)+10+rdata "ns1"+pointer(6) = 18
    expect(p.raw.length).toBe(12 + 17 + 2 * 18);
    expect(p.answers!.map((a) => a.data).sort()).toEqual(['ns1.example.com', 'ns2.example.com']);
  });
});
