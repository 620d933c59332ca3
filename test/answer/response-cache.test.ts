import packet from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { ResponseCache } from '../../src/answer/response-cache.js';

type Opts = { name?: string; type?: string; id?: number; edns?: number | false; flags?: number; nsid?: boolean };
function query({ name = 'www.example.com', type = 'A', id = 1, edns = 1232, flags = 0, nsid = false }: Opts = {}): Buffer {
  const additionals = edns === false ? [] : [{ type: 'OPT', name: '.', udpPayloadSize: edns, flags, options: nsid ? [{ code: 3, data: Buffer.alloc(0) }] : [] }];
  return packet.encode({ type: 'query', id, questions: [{ name, type: type as 'A' }], additionals } as packet.Packet);
}

/** Probes and finds in one step, as the responder does. */
function lookup(c: ResponseCache, msg: Buffer, tcp = false): Buffer | undefined {
  return c.probe(msg, tcp, 1232) ? c.find(msg) : undefined;
}

/** An answer as the responder makes it: the header, the question echoed, then `text`. */
function put(c: ResponseCache, msg: Buffer, text: string, tcp = false): void {
  expect(c.probe(msg, tcp, 1232)).toBe(true);
  expect(c.find(msg)).toBeUndefined();
  const qend = 12 + msg.subarray(12).indexOf(0) + 5;
  const wire = Buffer.concat([msg.subarray(0, qend), Buffer.from(text)]);
  // Twice: the first answer to a question only notes it (see the doorkeeper test).
  c.store(wire);
  c.store(wire);
}

/** What an answer carries after its question. */
const text = (wire: Buffer | undefined): string | undefined => {
  if (!wire) return undefined;
  return wire.subarray(12 + wire.subarray(12).indexOf(0) + 5).toString();
};

const hit = (c: ResponseCache, msg: Buffer, tcp = false): string | undefined => text(lookup(c, msg, tcp));

describe('ResponseCache', () => {
  it('finds an answer by the question whatever its letter case and ID', () => {
    const c = new ResponseCache(10);
    put(c, query(), 'www');
    expect(hit(c, query({ name: 'WWW.Example.COM', id: 77 }))).toBe('www');
    expect(c.stats()).toMatchObject({ hits: 1, misses: 1, size: 1 });
  });

  it('keeps apart what changes the answer: name, type, DO, NSID, payload size, transport, EDNS', () => {
    const c = new ResponseCache(100);
    const variants: [string, Buffer, boolean][] = [
      ['plain', query(), false],
      ['other name', query({ name: 'ww.example.com' }), false],
      ['other name, same length', query({ name: 'wwx.example.com' }), false],
      ['@, not a letter', query({ name: 'a@b.example.com' }), false],
      ['`, @ with bit 0x20', query({ name: 'a`b.example.com' }), false],
      ['AAAA', query({ type: 'AAAA' }), false],
      ['DO', query({ flags: packet.DNSSEC_OK }), false],
      ['NSID', query({ nsid: true }), false],
      ['512', query({ edns: 512 }), false],
      ['no EDNS', query({ edns: false }), false],
      ['TCP', query(), true],
    ];
    for (const [label, msg, tcp] of variants) put(c, msg, label, tcp);
    for (const [label, msg, tcp] of variants) expect(hit(c, msg, tcp)).toBe(label);
    // Payload sizes above the server's maximum are one size.
    expect(hit(c, query({ edns: 4096 }))).toBe('plain');
    put(c, query({ edns: 1000 }), '1000');
    expect(hit(c, query({ edns: 1000 }))).toBe('1000');
  });

  it('does not take messages that are not plain queries', () => {
    const c = new ResponseCache(10);
    const notify = query();
    notify[2] |= 0x20; // opcode 4
    const twoQuestions = query();
    twoQuestions[5] = 2;
    const trailing = Buffer.concat([query({ edns: false }), Buffer.from([0])]);
    const compressed = Buffer.from(query({ name: 'a', edns: false }));
    compressed[12] = 0xc0;
    const ednsVersion1 = query();
    ednsVersion1[ednsVersion1.length - 5] = 1;
    for (const m of [notify, twoQuestions, trailing, compressed, ednsVersion1, query().subarray(0, 20)]) {
      expect(c.probe(m, false, 1232)).toBe(false);
    }
  });

  it('keeps between half of maxEntries and maxEntries, the recently used ones', () => {
    const c = new ResponseCache(4);
    for (const n of ['a', 'b', 'c', 'd', 'e']) put(c, query({ name: `${n}.example` }), n);
    expect(hit(c, query({ name: 'a.example' }))).toBeUndefined();
    expect(hit(c, query({ name: 'b.example' }))).toBeUndefined();
    // c lives in the old generation; a hit moves it back to the young one and it survives.
    expect(hit(c, query({ name: 'c.example' }))).toBe('c');
    put(c, query({ name: 'f.example' }), 'f');
    expect(hit(c, query({ name: 'c.example' }))).toBe('c');
    expect(hit(c, query({ name: 'd.example' }))).toBeUndefined();
    expect(hit(c, query({ name: 'e.example' }))).toBe('e');
    expect(c.stats().size).toBeLessThanOrEqual(4);
    expect(c.stats().size).toBeGreaterThanOrEqual(2);
  });

  it('forgets answers older than its maximum age', async () => {
    const c = new ResponseCache(10, 40);
    put(c, query(), 'old');
    await new Promise((r) => setTimeout(r, 30));
    put(c, query({ name: 'other.example' }), 'new'); // starts a new generation
    await new Promise((r) => setTimeout(r, 30));
    expect(hit(c, query())).toBeUndefined();
  });

  it('gives lent bytes to the borrower and keeps a copy of its own', () => {
    const c = new ResponseCache(10);
    put(c, query(), 'answer');
    const first = lookup(c, query())!;
    c.lent(first);
    first.fill(0x58, first.length - 6);
    const second = lookup(c, query())!;
    expect(second).not.toBe(first);
    expect(text(second)).toBe('answer');
    // Bytes not from the last hit are not the cache's business.
    c.lent(Buffer.from(second));
    expect(lookup(c, query())).toBe(second);
  });

  it('caches a question the second time it is answered, so never-repeated names cost nothing', () => {
    const c = new ResponseCache(1000);
    const wire = (m: Buffer): Buffer => Buffer.concat([m, Buffer.from('answer')]);
    const flood = Array.from({ length: 500 }, (_, i) => query({ name: `r${i}x.example.com`, edns: false }));
    for (const m of flood) {
      expect(c.probe(m, false, 1232)).toBe(true);
      expect(c.find(m)).toBeUndefined();
      c.store(wire(m));
    }
    expect(c.stats().size).toBe(0);
    const again = flood[flood.length - 1]; // the last: no later name can have taken its slot
    c.probe(again, false, 1232);
    expect(c.find(again)).toBeUndefined();
    c.store(wire(again));
    expect(c.stats().size).toBe(1);
    expect(hit(c, again)).toBe('answer');
  });

  it('ends up holding every question of a cycle that fits a generation, however their hashes fall', () => {
    // A cycle within one generation (half the entries) stays whole, not one within maxEntries.
    const c = new ResponseCache(8000);
    const qs = Array.from({ length: 3000 }, (_, i) => query({ name: `host${i}.example.com`, edns: false }));
    const pass = (): number => {
      let hits = 0;
      for (const m of qs) {
        c.probe(m, false, 1232);
        if (c.find(m)) hits++;
        else c.store(Buffer.concat([m, Buffer.from('answer')]));
      }
      return hits;
    };
    expect(pass()).toBe(0);
    pass();
    expect(pass()).toBeGreaterThanOrEqual(2970);
  });

  it('is off with 0 entries', () => {
    expect(new ResponseCache(0).enabled).toBe(false);
  });
});
