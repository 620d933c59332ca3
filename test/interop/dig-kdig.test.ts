// Interop with real clients: dig (BIND) and kdig (Knot) against inkan alone, plus raw
// packets for what no client sends (two questions, garbage).
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seeded } from '../helpers/seeded.js';
import { dig, kdig, type Response } from './helpers/dig.js';
import { buildQuery, parseHeader, udpExchange } from './helpers/raw.js';
import { DIFF_ZONE, FIXTURES, startInkan, type Server } from './helpers/servers.js';
import { checkTools, describeWithTools } from './helpers/tools.js';

const tools = checkTools(['dig', 'kdig']);
const NEG_ZONE = join(FIXTURES, 'neg.test.zone');

function soaMinimum(soa: string): number {
  return Number(soa.split(' ').at(-1));
}

function edns(r: Response): string {
  return r.edns.join('\n');
}

describeWithTools(tools, 'interop: dig and kdig against inkan', () => {
  let inkan: Server;
  const d = (...args: string[]) => dig(tools.paths.dig!, inkan.port, args);
  const k = (...args: string[]) => kdig(tools.paths.kdig!, inkan.port, args);

  beforeAll(async () => {
    inkan = await startInkan({
      zones: [
        { name: 'diff.test', file: DIFF_ZONE },
        { name: 'neg.test', file: NEG_ZONE },
      ],
      nsid: 'inkan-test',
    });
  }, 60_000);
  afterAll(async () => {
    await inkan?.stop();
  });

  describe('header and question', () => {
    it('sets AA on an authoritative answer (dig and kdig)', async () => {
      for (const r of [await d('www.diff.test', 'A'), await k('www.diff.test', 'A')]) {
        expect(r.rcode, r.raw).toBe('NOERROR');
        expect([...r.flags].sort(), r.raw).toEqual(['aa', 'qr', 'rd']);
        expect(r.answer.map((rr) => rr.rdata).sort()).toEqual(['127.0.0.80', '127.0.0.81']);
      }
    });

    it('clears AA on a referral and sends the in-domain glue (RFC 1034 §4.3.2 step 3b)', async () => {
      const r = await d('+norec', 'host.sub.diff.test', 'A');
      expect(r.rcode).toBe('NOERROR');
      expect(r.flags.has('aa'), r.raw).toBe(false);
      expect(r.answer).toEqual([]);
      expect(r.authority.map((rr) => `${rr.type} ${rr.rdata}`).sort()).toEqual(['NS ns1.sub.diff.test.', 'NS ns2.sub.diff.test.']);
      expect(r.additional.map((rr) => `${rr.owner} ${rr.type} ${rr.rdata}`).sort()).toEqual([
        'ns1.sub.diff.test. A 127.0.0.10',
        'ns2.sub.diff.test. A 127.0.0.11',
        'ns2.sub.diff.test. AAAA 2001:db8::11',
      ]);
    });

    // kdig 3.2 lower-cases the name before sending it, so only dig can check this.
    it('echoes the question with its case over UDP and TCP (also after a cached lower-case query)', async () => {
      await d('www.diff.test', 'TXT');
      await d('+tcp', 'www.diff.test', 'TXT');
      for (const name of ['WwW.DiFf.TeSt.', 'WWW.DIFF.TEST.', 'www.Diff.test.']) {
        const r1 = await d(name, 'TXT');
        expect(r1.question, r1.raw).toEqual([`${name} IN TXT`]);
        const r2 = await d(name, 'TXT', '+tcp');
        expect(r2.question, r2.raw).toEqual([`${name} IN TXT`]);
        expect(r2.transport).toBe('TCP');
      }
    });

    it('answers minimally: no NS in the authority section, nothing but OPT in additional', async () => {
      for (const [name, type] of [['www.diff.test', 'A'], ['diff.test', 'MX'], ['_sip._tcp.diff.test', 'SRV']] as const) {
        const r = await d(name, type);
        expect(r.answer.length, r.raw).toBeGreaterThan(0);
        expect(r.authority, r.raw).toEqual([]);
        expect(r.additional, r.raw).toEqual([]);
      }
    });

    it('keeps RD as sent and never sets RA (authoritative only)', async () => {
      const rd = await d('www.diff.test', 'A');
      expect(rd.flags.has('rd')).toBe(true);
      expect(rd.flags.has('ra')).toBe(false);
      const norec = await d('+norec', 'www.diff.test', 'A');
      expect(norec.flags.has('rd')).toBe(false);
      expect(norec.flags.has('ra')).toBe(false);
    });
  });

  describe('negative answers (RFC 2308)', () => {
    it('NXDOMAIN carries the SOA with TTL min(SOA TTL 3600, MINIMUM 300) = 300', async () => {
      const r = await d('nope.diff.test', 'A');
      expect(r.rcode).toBe('NXDOMAIN');
      expect(r.flags.has('aa')).toBe(true);
      expect(r.answer).toEqual([]);
      expect(r.authority).toHaveLength(1);
      const soa = r.authority[0]!;
      expect(soa.type).toBe('SOA');
      expect(soa.owner.toLowerCase()).toBe('diff.test.');
      expect(soaMinimum(soa.rdata)).toBe(300);
      expect(soa.ttl).toBe(300);
    });

    it('NODATA carries the same SOA; an empty non-terminal is NODATA, not NXDOMAIN', async () => {
      for (const [name, type] of [['www.diff.test', 'MX'], ['b.c.diff.test', 'A']] as const) {
        const r = await k(name, type);
        expect(r.rcode, r.raw).toBe('NOERROR');
        expect(r.answer).toEqual([]);
        expect(r.authority.map((rr) => `${rr.type} ${rr.ttl}`)).toEqual(['SOA 300']);
      }
    });

    it('uses the SOA TTL when it is below MINIMUM: min(60, 600) = 60', async () => {
      for (const [name, rcode] of [['nope.neg.test', 'NXDOMAIN'], ['host.neg.test', 'NOERROR']] as const) {
        const r = await d(name, 'TXT');
        expect(r.rcode, r.raw).toBe(rcode);
        expect(r.authority.map((rr) => `${rr.type} ${rr.ttl}`), r.raw).toEqual(['SOA 60']);
        expect(soaMinimum(r.authority[0]!.rdata)).toBe(600);
      }
    });

    it('answers REFUSED without AA for a name in none of its zones', async () => {
      for (const r of [await d('www.example.com', 'A'), await k('www.example.com', 'A'), await d('test.', 'SOA')]) {
        expect(r.rcode, r.raw).toBe('REFUSED');
        expect(r.flags.has('aa')).toBe(false);
        expect(r.answer).toEqual([]);
        expect(r.authority).toEqual([]);
      }
    });
  });

  describe('TCP and truncation', () => {
    it('answers over TCP (kdig +tcp)', async () => {
      const r = await k('+tcp', 'bigtxt.diff.test', 'TXT');
      expect(r.transport, r.raw).toBe('TCP');
      expect(r.rcode).toBe('NOERROR');
      expect(r.flags.has('tc')).toBe(false);
      expect(r.answer).toHaveLength(40);
    });

    it('answers several queries on one TCP connection (kdig +keepopen, RFC 7766 §6.2.1)', async () => {
      const out = await k('+tcp', '+keepopen', 'www.diff.test', 'A', 'mail.diff.test', 'AAAA', 'nope.diff.test', 'A');
      const statuses = [...out.raw.matchAll(/status: (\w+)/g)].map((m) => m[1]);
      expect(statuses, out.raw).toEqual(['NOERROR', 'NOERROR', 'NXDOMAIN']);
      expect([...out.raw.matchAll(/\(TCP\)/g)]).toHaveLength(3);
    });

    it('sets TC on a UDP answer too big for 512 octets without EDNS (dig +ignore)', async () => {
      const r = await d('+notcp', '+noedns', '+ignore', 'biga.diff.test', 'A');
      expect(r.transport).toBe('UDP');
      expect(r.flags.has('tc'), r.raw).toBe(true);
      expect(r.edns).toEqual([]);
      // RFC 2181 §9: no partial RRset in a truncated answer.
      expect([0, 40]).toContain(r.answer.length);
    });

    it('gives the whole RRset after dig\'s default fallback to TCP', async () => {
      const r = await d('+notcp', '+noedns', 'biga.diff.test', 'A');
      expect(r.retriedTcp, r.raw).toBe(true);
      expect(r.transport).toBe('TCP');
      expect(r.flags.has('tc')).toBe(false);
      expect(r.answer).toHaveLength(40);
    });

    it('fits 40 A records into the default EDNS payload (1232) but truncates at +bufsize=512', async () => {
      const big = await d('+notcp', '+ignore', 'biga.diff.test', 'A');
      expect(big.flags.has('tc'), big.raw).toBe(false);
      expect(big.answer).toHaveLength(40);
      const small = await d('+notcp', '+ignore', '+bufsize=512', 'biga.diff.test', 'A');
      expect(small.flags.has('tc'), small.raw).toBe(true);
    });

    it('truncates a 2.5 KB TXT RRset even with EDNS, kdig retries over TCP and gets it all', async () => {
      const udp = await d('+notcp', '+ignore', 'bigtxt.diff.test', 'TXT');
      expect(udp.flags.has('tc'), udp.raw).toBe(true);
      const r = await k('bigtxt.diff.test', 'TXT');
      expect(r.answer, r.raw).toHaveLength(40);
    });
  });

  describe('EDNS (RFC 6891)', () => {
    it('answers with OPT only when asked with OPT, advertising its own payload size (1232)', async () => {
      for (const size of [512, 1232, 4096]) {
        const r = await d('+notcp', `+bufsize=${size}`, 'www.diff.test', 'A');
        expect(edns(r), r.raw).toMatch(/version: 0, flags:; udp: 1232/);
      }
      const k1 = await k('+bufsize=4096', 'www.diff.test', 'A');
      expect(edns(k1), k1.raw).toMatch(/Version: 0; flags: ; UDP size: 1232 B/);
      const none = await d('+noedns', 'www.diff.test', 'A');
      expect(none.edns, none.raw).toEqual([]);
    });

    it('ignores an unknown EDNS option (RFC 6891 §6.1.2)', async () => {
      const r = await d('+ednsopt=65001:abcd', 'www.diff.test', 'A');
      expect(r.rcode, r.raw).toBe('NOERROR');
      expect(r.answer).toHaveLength(2);
      expect(edns(r)).not.toMatch(/65001/);
    });

    it('copies the DO bit into its OPT (RFC 3225 §3)', async () => {
      const r = await d('+dnssec', 'www.diff.test', 'A');
      expect(edns(r), r.raw).toMatch(/flags: do;/);
      const k1 = await k('+dnssec', 'www.diff.test', 'A');
      expect(edns(k1), k1.raw).toMatch(/flags: do;/);
    });

    it('answers BADVERS with an OPT of version 0 to EDNS version 1 (dig +edns=1)', async () => {
      const r = await d('+edns=1', '+noednsnegotiation', 'www.diff.test', 'A');
      expect(r.rcode, r.raw).toBe('BADVERS');
      expect(edns(r)).toMatch(/version: 0/);
      expect(r.answer).toEqual([]);
      const kr = await k('+edns=1', 'www.diff.test', 'A');
      expect(kr.rcode, kr.raw).toBe('BADVERS');
    });

    it('returns the configured NSID (RFC 5001) to dig +nsid and kdig +nsid, and only when asked', async () => {
      const r = await d('+nsid', 'www.diff.test', 'A');
      expect(edns(r), r.raw).toMatch(/NSID: 69 6e 6b 61 6e 2d 74 65 73 74 \("inkan-test"\)/);
      const kr = await k('+nsid', 'www.diff.test', 'A');
      expect(edns(kr), kr.raw).toMatch(/NSID: 696E6B616E2D74657374 "inkan-test"/i);
      const no = await d('www.diff.test', 'A');
      expect(edns(no), no.raw).not.toMatch(/NSID/);
    });
  });

  describe('answers that follow a chain', () => {
    it('answers ANY at a CNAME with the CNAME alone (RFC 1034 §4.3.2 step 3a: ANY matches CNAME)', async () => {
      for (const transport of ['+notcp', '+tcp']) {
        const r = await d(transport, 'c1.diff.test', 'ANY');
        expect(r.answer.map((rr) => `${rr.owner} ${rr.type} ${rr.rdata}`), r.raw).toEqual(['c1.diff.test. CNAME c2.diff.test.']);
      }
    });

    it('answers a CNAME query below a DNAME with the DNAME and the synthesized CNAME only (RFC 6672 §3.2)', async () => {
      const r = await d('www.dn.diff.test', 'CNAME');
      expect(r.rcode).toBe('NOERROR');
      expect(r.answer.map((rr) => `${rr.owner} ${rr.type} ${rr.rdata}`), r.raw).toEqual([
        'dn.diff.test. DNAME dtarget.diff.test.',
        'www.dn.diff.test. CNAME www.dtarget.diff.test.',
      ]);
      expect(r.authority, r.raw).toEqual([]);
    });

    it('synthesizes the DNAME CNAME from this query\'s spelling, not an earlier cached one', async () => {
      const first = await d('MaIl.Dn.diff.test', 'A');
      expect(first.answer.find((rr) => rr.type === 'CNAME' && rr.owner === 'MaIl.Dn.diff.test.')?.rdata, first.raw).toBe('MaIl.dtarget.diff.test.');
      const second = await d('mail.dn.diff.test', 'A');
      expect(second.answer.find((rr) => rr.type === 'CNAME')?.rdata, second.raw).toBe('mail.dtarget.diff.test.');
    });
  });

  describe('malformed input', () => {
    it('answers FORMERR to a query with two questions (RFC 1035 §4.1.2; RFC 9619)', async () => {
      const q = buildQuery({
        id: 0x4242,
        rd: true,
        questions: [
          { name: 'www.diff.test', type: 1 },
          { name: 'mail.diff.test', type: 1 },
        ],
      });
      const r = await udpExchange(inkan.port, q);
      expect(r, 'no answer to a two-question query').not.toBeNull();
      const h = parseHeader(r!);
      expect(h.id).toBe(0x4242);
      expect(h.qr).toBe(true);
      expect(h.rcode).toBe(1);
      expect(h.ancount).toBe(0);
    });

    it('answers FORMERR to a query without a question', async () => {
      const r = await udpExchange(inkan.port, buildQuery({ id: 0x4343, questions: [] }));
      expect(r, 'no answer to a query with QDCOUNT 0').not.toBeNull();
      const h = parseHeader(r!);
      expect(h.id).toBe(0x4343);
      expect(h.rcode).toBe(1);
    });

    it('answers NOTIMP to an opcode it does not implement (STATUS, RFC 1035 §4.1.1)', async () => {
      const r = await udpExchange(inkan.port, buildQuery({ id: 0x4444, opcode: 2, questions: [{ name: 'www.diff.test', type: 1 }] }));
      expect(r, 'no answer to opcode STATUS').not.toBeNull();
      const h = parseHeader(r!);
      expect(h.id).toBe(0x4444);
      expect(h.opcode).toBe(2);
      expect(h.rcode).toBe(4);
    });

    it('survives garbage datagrams and still answers', async () => {
      const garbage: Buffer[] = [
        Buffer.alloc(0),
        Buffer.from([1]),
        Buffer.from([0x12, 0x34, 0x01]),
        Buffer.alloc(11, 0xff),
        Buffer.alloc(12, 0),
        Buffer.alloc(512, 0xff),
        // a response (QR=1) must not be answered, or two servers could loop
        Buffer.concat([Buffer.from([0x12, 0x34, 0x84, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from('03777777046469666604746573740000010001', 'hex')]),
        // a question whose label runs past the end
        Buffer.concat([Buffer.from([0x12, 0x35, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([63, 0x61, 0x62])]),
        // a compression pointer to itself
        Buffer.concat([Buffer.from([0x12, 0x36, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([0xc0, 12, 0, 1, 0, 1])]),
        // counts claiming 65535 records
        Buffer.from([0x12, 0x37, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      ];
      const byte = seeded(7);
      for (let i = 0; i < 20; i++) {
        const b = Buffer.alloc(20 + i * 7);
        for (let j = 0; j < b.length; j++) b[j] = byte(256);
        garbage.push(b);
      }
      for (const g of garbage) {
        const r = await udpExchange(inkan.port, g, 150);
        if (r) {
          // If it answers at all, it is a well-formed error response to that ID, never an answer.
          const h = parseHeader(r);
          expect(h.qr).toBe(true);
          if (g.length >= 2) expect(h.id).toBe(g.readUInt16BE(0));
          expect(h.ancount).toBe(0);
          expect(g.length >= 3 && (g[2]! & 0x80) !== 0, `answered a response packet ${g.toString('hex')}`).toBe(false);
        }
      }
      expect(inkan.proc.exitCode).toBeNull();
      const ok = await d('www.diff.test', 'A');
      expect(ok.rcode, ok.raw).toBe('NOERROR');
    });

    it('answers queries pipelined in one TCP segment and a query split across segments (RFC 7766 §6.2.1, §8)', async () => {
      const frame = (id: number, name: string) => {
        const m = buildQuery({ id, questions: [{ name, type: 1 }] });
        const len = Buffer.alloc(2);
        len.writeUInt16BE(m.length);
        return Buffer.concat([len, m]);
      };
      const ids = await new Promise<number[]>((resolve, reject) => {
        const got: number[] = [];
        let buf = Buffer.alloc(0);
        const s = createConnection({ host: '127.0.0.1', port: inkan.port }, () => {
          s.write(Buffer.concat([frame(101, 'www.diff.test'), frame(102, 'mail.diff.test'), frame(103, 'nope.diff.test')]));
          const split = frame(104, 'ns1.diff.test');
          s.write(split.subarray(0, 1));
          setTimeout(() => s.write(split.subarray(1, 9)), 50);
          setTimeout(() => s.write(split.subarray(9)), 100);
        });
        const timer = setTimeout(() => {
          s.destroy();
          resolve(got);
        }, 2000);
        s.on('data', (d) => {
          buf = Buffer.concat([buf, d]);
          while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
            const m = buf.subarray(2, 2 + buf.readUInt16BE(0));
            got.push(parseHeader(m).id);
            buf = buf.subarray(2 + m.length);
          }
          if (got.length === 4) {
            clearTimeout(timer);
            s.destroy();
            resolve(got);
          }
        });
        s.on('error', reject);
      });
      expect(ids.sort()).toEqual([101, 102, 103, 104]);
    });

    it('survives garbage on a TCP connection and still answers over TCP', async () => {
      await new Promise<void>((resolve) => {
        const s = createConnection({ host: '127.0.0.1', port: inkan.port }, () => {
          // a length prefix of 5 then 5 garbage octets, then a length bigger than what follows
          s.write(Buffer.from([0, 5, 1, 2, 3, 4, 5, 0xff, 0xff, 1, 2]));
          setTimeout(() => s.destroy(), 200);
        });
        s.on('error', () => resolve());
        s.on('close', () => resolve());
      });
      expect(inkan.proc.exitCode).toBeNull();
      const r = await k('+tcp', 'www.diff.test', 'A');
      expect(r.rcode, r.raw).toBe('NOERROR');
      expect(r.answer).toHaveLength(2);
    });
  });
});
