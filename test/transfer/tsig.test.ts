// TSIG unit tests: keys, request verification and its errors, truncated MACs, responses
// (including the error answers of RFC 8945 §5.3.2) and multi-message streams. The same code
// is checked against BIND's named and dig in tsig-interop.test.ts.
import { describe, expect, it } from 'vitest';
import { seeded } from '../helpers/seeded.js';
import { Rcode } from '../../src/wire/constants.js';
import { nameToWire, parseName } from '../../src/wire/name.js';
import {
  TSIG_ALGORITHMS,
  TsigError,
  TsigStream,
  TsigStreamVerifier,
  TsigVerifyError,
  formatKeyText,
  keyFromConfig,
  keyToDigArg,
  keyring,
  locateTsig,
  parseKeyText,
  signRequest,
  signResponse,
  tsigErrorResponse,
  tsigRecordLength,
  verifyRequest,
  verifyResponse,
  type TsigAlgorithm,
  type TsigFailure,
  type TsigKey,
  type TsigOk,
} from '../../src/transfer/tsig.js';
import { encodeTsig } from '../../src/transfer/tsig-record.js';

const NOW = 1_790_000_000;

function key(alg: TsigAlgorithm = 'hmac-sha256', name = 'xfr-key.', secret = 'c2VjcmV0LWtleS1mb3ItdGVzdHMtMDEyMzQ1Njc4OTA='): TsigKey {
  return { name: parseName(name), algorithm: alg, secret: Buffer.from(secret, 'base64') };
}

function rr(name: string, type: number, rdata: Buffer, cls = 1, ttl = 300): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(cls, 2);
  fixed.writeUInt32BE(ttl, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([nameToWire(parseName(name)), fixed, rdata]);
}

function message(opts: { id?: number; flags?: number; qname?: string; qtype?: number; an?: Buffer[]; ar?: Buffer[] } = {}): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(opts.id ?? 0x4321, 0);
  h.writeUInt16BE(opts.flags ?? 0, 2);
  h.writeUInt16BE(1, 4);
  h.writeUInt16BE(opts.an?.length ?? 0, 6);
  h.writeUInt16BE(opts.ar?.length ?? 0, 10);
  const q = Buffer.alloc(4);
  q.writeUInt16BE(opts.qtype ?? 252, 0);
  q.writeUInt16BE(1, 2);
  return Buffer.concat([h, nameToWire(parseName(opts.qname ?? 'example.test.')), q, ...(opts.an ?? []), ...(opts.ar ?? [])]);
}

const A = (n: number) => Buffer.from([192, 0, 2, n & 0xff]);

/** Rewrites the TSIG of a signed message with a different MAC (truncated, padded, ...). */
function withMac(wire: Buffer, mac: Buffer): Buffer {
  const loc = locateTsig(wire);
  if (loc.kind !== 'found') throw new Error('no TSIG');
  return Buffer.concat([wire.subarray(0, loc.offset), encodeTsig({ ...loc.record, mac })]);
}

describe('TSIG keys', () => {
  const keygen = `key "xfr-key" {\n\talgorithm hmac-sha256;\n\tsecret "YCPLYvcb9FHZeB2iDZg5P7u4v48WUXofrJ7zjwvIY2k=";\n};\n`;

  it('reads tsig-keygen output and prints it back the same', () => {
    const [k] = parseKeyText(keygen);
    expect(k.algorithm).toBe('hmac-sha256');
    expect(k.name.map(String)).toEqual(['xfr-key']);
    expect(k.secret.length).toBe(32);
    expect(formatKeyText(k)).toBe(keygen);
    expect(keyToDigArg(k)).toBe('hmac-sha256:xfr-key:YCPLYvcb9FHZeB2iDZg5P7u4v48WUXofrJ7zjwvIY2k=');
  });

  it('reads several keys with comments, unquoted names and any case', () => {
    const text = `# keys\nkey a.example { algorithm HMAC-SHA512; secret "AAAA"; };\n/* two\n lines */ key "b" { secret "BBBB"; algorithm hmac-sha1.; }; // end\n`;
    const keys = parseKeyText(text);
    expect(keys.map((k) => [k.name.map(String).join('.'), k.algorithm])).toEqual([
      ['a.example', 'hmac-sha512'],
      ['b', 'hmac-sha1'],
    ]);
  });

  it('names file and line in errors', () => {
    expect(() => parseKeyText('key "k" {\n algorithm hmac-md5;\n secret "AAAA";\n};', 'k.conf')).toThrow(/^k\.conf:2: algorithm: hmac-md5 is not supported/);
    expect(() => parseKeyText('key "k" {\n algorithm hmac-sha256;\n secret "A*AA";\n};', 'k.conf')).toThrow(/^k\.conf:3: secret: secret is not valid base64/);
    expect(() => parseKeyText('key "k" { algorithm hmac-sha256; };', 'k.conf')).toThrow(/k\.conf:1: key "k" has no secret/);
    expect(() => parseKeyText('options { };', 'k.conf')).toThrow(/k\.conf:1: expected a "key" statement/);
    expect(() => parseKeyText('key "k" { algorithm hmac-sha256; secret "AAAA" };', 'x')).toThrow(/expected ";"/);
    expect(() => parseKeyText('key "k" { algorithm hmac-sha256; secret "AAAA"; };\nkey "K." { algorithm hmac-sha1; secret "AAAA"; };')).toThrow(/defined twice/);
    expect(() => parseKeyText('key "k" { algorithm hmac-sha256-128; secret "AAAA"; };')).toThrow(/truncated/);
  });

  it('validates the config shape { name, algorithm, secret }', () => {
    const k = keyFromConfig({ name: 'xfr-key', secret: 'YCPLYvcb9FHZeB2iDZg5P7u4v48WUXofrJ7zjwvIY2k=' });
    expect(k.algorithm).toBe('hmac-sha256');
    expect(keyFromConfig({ name: 'k.', algorithm: 'hmac-sha384', secret: 'AAAA' }).algorithm).toBe('hmac-sha384');
    const bad = (v: unknown) => {
      try {
        keyFromConfig(v);
      } catch (e) {
        return `${(e as { path: string }).path} | ${(e as Error).message}`;
      }
      return 'no error';
    };
    expect(bad('k')).toMatch(/^ \| a TSIG key must be a mapping/);
    expect(bad({ secret: 'AAAA' })).toMatch(/^name \| name: missing/);
    expect(bad({ name: 'k', algorithm: 'hmac-md5', secret: 'AAAA' })).toMatch(/^algorithm \| .*hmac-md5 is not supported/);
    expect(bad({ name: 'k', algorithm: 'rot13', secret: 'AAAA' })).toMatch(/unknown TSIG algorithm "rot13"/);
    expect(bad({ name: 'k' })).toMatch(/^secret \| secret: missing/);
    expect(bad({ name: 'k', secret: '' })).toMatch(/secret is empty/);
    expect(bad({ name: 'k', secret: 'AAAA', extra: 1 })).toMatch(/^extra \| .*unknown field/);
    expect(bad({ name: 'a..b', secret: 'AAAA' })).toMatch(/^name \| .*empty label/);
  });
});

describe('TSIG requests', () => {
  for (const alg of TSIG_ALGORITHMS) {
    it(`signs and verifies with ${alg}`, () => {
      const k = key(alg);
      const { wire, mac } = signRequest(message(), k, NOW);
      const v = verifyRequest(wire, keyring([k]), NOW + 10);
      expect(v.status).toBe('ok');
      const ok = v as TsigOk;
      expect(ok.key).toBe(k);
      expect(ok.mac.equals(mac)).toBe(true);
      expect(ok.tsigOffset).toBe(message().length);
      expect(wire.readUInt16BE(10)).toBe(1);
      expect(wire.length - message().length).toBe(tsigRecordLength(k));
    });
  }

  it('reports no TSIG, and ignores other additional records', () => {
    expect(verifyRequest(message(), () => undefined, NOW).status).toBe('none');
    const opt = Buffer.from([0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0]);
    expect(verifyRequest(message({ ar: [opt] }), () => undefined, NOW).status).toBe('none');
    // OPT before TSIG is the usual order
    const k = key();
    expect(verifyRequest(signRequest(message({ ar: [opt] }), k, NOW).wire, keyring([k]), NOW).status).toBe('ok');
  });

  it('uses the original ID, so a changed message ID still verifies; key names are case-blind', () => {
    const k = key();
    const wire = Buffer.from(signRequest(message({ id: 7 }), k, NOW).wire);
    wire.writeUInt16BE(9999, 0);
    expect(verifyRequest(wire, keyring([key('hmac-sha256', 'XFR-Key.')]), NOW).status).toBe('ok');
  });

  it('BADKEY: unknown key, algorithm mismatch, hmac-md5', () => {
    const k = key();
    const wire = signRequest(message(), k, NOW).wire;
    const unknown = verifyRequest(wire, keyring([key('hmac-sha256', 'other.')]), NOW) as TsigFailure;
    expect([unknown.status, unknown.rcode, unknown.error]).toEqual(['error', Rcode.NOTAUTH, TsigError.BADKEY]);
    expect(unknown.key).toBeUndefined();
    const mismatch = verifyRequest(wire, keyring([key('hmac-sha512')]), NOW) as TsigFailure;
    expect(mismatch.error).toBe(TsigError.BADKEY);
    // hmac-md5 in wire form: recognized as unsupported
    const loc = locateTsig(wire);
    if (loc.kind !== 'found') throw new Error('no TSIG');
    const md5 = Buffer.concat([wire.subarray(0, loc.offset), encodeTsig({ ...loc.record, algorithm: parseName('HMAC-MD5.SIG-ALG.REG.INT.') })]);
    const v = verifyRequest(md5, keyring([k]), NOW) as TsigFailure;
    expect(v.error).toBe(TsigError.BADKEY);
    // the answer is unsigned and echoes key and algorithm names
    const ans = tsigErrorResponse(message({ flags: 0x8000 }), v, NOW);
    expect(ans.readUInt16BE(2) & 0xf).toBe(Rcode.NOTAUTH);
    const back = locateTsig(ans);
    if (back.kind !== 'found') throw new Error('no TSIG in answer');
    expect(back.record.mac.length).toBe(0);
    expect(back.record.error).toBe(TsigError.BADKEY);
    expect(back.record.algorithm.map(String).join('.')).toBe('hmac-md5.sig-alg.reg.int');
  });

  it('BADSIG: a changed byte or a wrong secret; answered unsigned, which the client sees as BADSIG', () => {
    const k = key();
    const { wire, mac } = signRequest(message(), k, NOW);
    const bad = Buffer.from(wire);
    bad[14] ^= 0x20; // case of a question label: covered by the MAC
    const v = verifyRequest(bad, keyring([k]), NOW) as TsigFailure;
    expect([v.rcode, v.error]).toEqual([Rcode.NOTAUTH, TsigError.BADSIG]);
    const wrong = verifyRequest(wire, keyring([key('hmac-sha256', 'xfr-key.', 'AAAA')]), NOW) as TsigFailure;
    expect(wrong.error).toBe(TsigError.BADSIG);
    expect(wrong.key).toBeUndefined();
    const ans = tsigErrorResponse(message({ flags: 0x8000 }), v, NOW);
    const r = verifyResponse(ans, k, mac, NOW);
    expect(r).toMatchObject({ signed: false, error: TsigError.BADSIG });
    // signResponse with error BADSIG also leaves the MAC out
    const r2 = locateTsig(signResponse(message({ flags: 0x8000 }), k, mac, NOW, { error: TsigError.BADSIG }));
    expect(r2.kind === 'found' && r2.record.mac.length).toBe(0);
  });

  it('BADTIME outside the fudge; the answer is signed, echoes the request time and carries ours', () => {
    const k = key();
    const { wire, mac } = signRequest(message(), k, NOW, { fudge: 300 });
    expect(verifyRequest(wire, keyring([k]), NOW + 300).status).toBe('ok');
    expect(verifyRequest(wire, keyring([k]), NOW - 300).status).toBe('ok');
    const v = verifyRequest(wire, keyring([k]), NOW + 301) as TsigFailure;
    expect([v.rcode, v.error]).toEqual([Rcode.NOTAUTH, TsigError.BADTIME]);
    expect(v.key).toBe(k);
    const ans = tsigErrorResponse(message({ flags: 0x8000 }), v, NOW + 301);
    const r = verifyResponse(ans, k, mac, NOW);
    expect(r).toMatchObject({ signed: true, error: TsigError.BADTIME, serverTime: NOW + 301 });
    expect(r.record?.timeSigned).toBe(NOW);
  });

  it('truncated MACs (RFC 8945 §5.2.2.1): allowed lengths verify, too short or too long is FORMERR', () => {
    const k = key();
    const { wire, mac } = signRequest(message(), k, NOW);
    const ring = keyring([k]);
    expect(verifyRequest(withMac(wire, mac.subarray(0, 16)), ring, NOW).status).toBe('ok');
    expect(verifyRequest(withMac(wire, mac.subarray(0, 20)), ring, NOW).status).toBe('ok');
    const short = verifyRequest(withMac(wire, mac.subarray(0, 15)), ring, NOW) as TsigFailure;
    expect([short.rcode, short.error]).toEqual([Rcode.FORMERR, 0]);
    expect(short.reason).toMatch(/too short/);
    const long = verifyRequest(withMac(wire, Buffer.concat([mac, Buffer.alloc(1)])), ring, NOW) as TsigFailure;
    expect(long.rcode).toBe(Rcode.FORMERR);
    const zero = verifyRequest(withMac(wire, Buffer.alloc(0)), ring, NOW) as TsigFailure;
    expect(zero.rcode).toBe(Rcode.FORMERR);
    // a truncated but wrong MAC is BADSIG
    const wrongTrunc = Buffer.from(mac.subarray(0, 16));
    wrongTrunc[15] ^= 1;
    expect((verifyRequest(withMac(wire, wrongTrunc), ring, NOW) as TsigFailure).error).toBe(TsigError.BADSIG);
    // hmac-sha1: the floor is 10 octets (half of 20)
    const k1 = key('hmac-sha1');
    const s1 = signRequest(message(), k1, NOW);
    expect(verifyRequest(withMac(s1.wire, s1.mac.subarray(0, 10)), keyring([k1]), NOW).status).toBe('ok');
    expect(verifyRequest(withMac(s1.wire, s1.mac.subarray(0, 9)), keyring([k1]), NOW).status).toBe('error');
    // local policy: BADTRUNC, signed
    const t = verifyRequest(withMac(wire, mac.subarray(0, 16)), ring, NOW, { minMacLength: 32 }) as TsigFailure;
    expect([t.rcode, t.error]).toEqual([Rcode.NOTAUTH, TsigError.BADTRUNC]);
    const ans = tsigErrorResponse(message({ flags: 0x8000 }), t, NOW);
    expect(verifyResponse(ans, k, mac.subarray(0, 16), NOW)).toMatchObject({ signed: true, error: TsigError.BADTRUNC });
  });

  it('the response to a truncated request covers the truncated request MAC', () => {
    const k = key();
    const { wire, mac } = signRequest(message(), k, NOW);
    const v = verifyRequest(withMac(wire, mac.subarray(0, 16)), keyring([k]), NOW) as TsigOk;
    expect(v.mac.length).toBe(16);
    const resp = signResponse(message({ flags: 0x8400 }), k, v.mac, NOW);
    expect(verifyResponse(resp, k, mac.subarray(0, 16), NOW).signed).toBe(true);
    expect(() => verifyResponse(resp, k, mac, NOW)).toThrow(TsigVerifyError);
  });

  it('FORMERR: TSIG not last, two TSIGs, TSIG outside the additional section, bad rdata', () => {
    const k = key();
    const ring = keyring([k]);
    const { wire } = signRequest(message(), k, NOW);
    const tsig = wire.subarray(message().length);
    const extra = rr('x.example.test.', 1, A(1));
    const notLast = message({ ar: [tsig, extra] });
    expect(verifyRequest(notLast, ring, NOW)).toMatchObject({ status: 'error', rcode: Rcode.FORMERR, reason: expect.stringMatching(/not the last/) });
    expect(verifyRequest(message({ ar: [tsig, tsig] }), ring, NOW)).toMatchObject({ rcode: Rcode.FORMERR });
    expect(verifyRequest(message({ an: [tsig] }), ring, NOW)).toMatchObject({ rcode: Rcode.FORMERR });
    const cut = Buffer.from(wire.subarray(0, wire.length - 3));
    expect(verifyRequest(cut, ring, NOW)).toMatchObject({ rcode: Rcode.FORMERR });
    const classIn = Buffer.from(wire);
    classIn.writeUInt16BE(1, message().length + nameToWire(k.name).length + 2);
    expect(verifyRequest(classIn, ring, NOW)).toMatchObject({ rcode: Rcode.FORMERR, reason: expect.stringMatching(/class/) });
    // a FORMERR answer gets no TSIG
    const v = verifyRequest(notLast, ring, NOW) as TsigFailure;
    const ans = tsigErrorResponse(message({ flags: 0x8000 }), v, NOW);
    expect(ans.readUInt16BE(2) & 0xf).toBe(Rcode.FORMERR);
    expect(locateTsig(ans).kind).toBe('none');
  });
});

describe('TSIG on damaged input', () => {
  it('never throws: every truncation and 5000 random byte changes of a signed request give a verdict', () => {
    const k = key();
    const ring = keyring([k]);
    const opt = Buffer.from([0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0]);
    const { wire } = signRequest(message({ ar: [opt] }), k, NOW);
    for (let n = 0; n < wire.length; n++) {
      const v = verifyRequest(wire.subarray(0, n), ring, NOW);
      expect(v.status === 'error' || v.status === 'none').toBe(true);
    }
    const rand = seeded(12345);
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const m = Buffer.from(wire);
      for (let j = 0, n = 1 + rand(3); j < n; j++) m[rand(m.length)] = rand(256);
      const v = verifyRequest(m, ring, NOW);
      seen.add(v.status === 'error' ? `${v.rcode}/${v.error}` : v.status);
      if (v.status !== 'error') continue;
      // and the error answer can always be built
      expect(() => tsigErrorResponse(message({ flags: 0x8000 }), v, NOW)).not.toThrow();
    }
    expect(seen.has(`${Rcode.NOTAUTH}/${TsigError.BADSIG}`)).toBe(true);
    expect(seen.has(`${Rcode.FORMERR}/0`)).toBe(true);
  });
});

describe('TSIG streams (RFC 8945 §5.3.1)', () => {
  function envelopes(n: number): Buffer[] {
    return Array.from({ length: n }, (_, i) => message({ id: 77, flags: 0x8400, an: [rr(`h${i}.example.test.`, 1, A(i))] }));
  }

  it('every message signed, each MAC chained to the previous one', () => {
    const k = key('hmac-sha512');
    const req = signRequest(message({ id: 77 }), k, NOW);
    const srv = verifyRequest(req.wire, keyring([k]), NOW) as TsigOk;
    const stream = new TsigStream(k, srv.mac);
    const signed = envelopes(5).map((m, i) => stream.sign(m, NOW + i));
    const client = new TsigStreamVerifier(k, req.mac);
    for (const m of signed) expect(client.verify(m, NOW + 5).signed).toBe(true);
    client.finish();
    // the same messages in another order do not verify
    const c2 = new TsigStreamVerifier(k, req.mac);
    c2.verify(signed[0], NOW);
    expect(() => c2.verify(signed[2], NOW)).toThrow(/does not verify/);
    // nor does the second message verified as a first one
    expect(() => new TsigStreamVerifier(k, req.mac).verify(signed[1], NOW)).toThrow(TsigVerifyError);
  });

  it('a changed byte in a later message is BADSIG', () => {
    const k = key();
    const req = signRequest(message(), k, NOW);
    const stream = new TsigStream(k, req.mac);
    const signed = envelopes(3).map((m) => stream.sign(m, NOW));
    const loc = locateTsig(signed[2]);
    if (loc.kind !== 'found') throw new Error('no TSIG');
    signed[2][loc.offset - 1] ^= 1; // last octet of the A record
    const c = new TsigStreamVerifier(k, req.mac);
    c.verify(signed[0], NOW);
    c.verify(signed[1], NOW);
    expect(() => c.verify(signed[2], NOW)).toThrow(expect.objectContaining({ fault: 'BADSIG' }));
  });

  it('up to 99 unsigned messages between signed ones; the 100th must be signed, and the last', () => {
    const k = key('hmac-sha1');
    const req = signRequest(message(), k, NOW);
    const stream = new TsigStream(k, req.mac);
    const env = envelopes(103);
    expect(() => stream.passUnsigned(env[0])).toThrow(/first/);
    const out = [stream.sign(env[0], NOW), ...env.slice(1, 100).map((m) => stream.passUnsigned(m)), stream.sign(env[100], NOW)];
    const c = new TsigStreamVerifier(k, req.mac);
    const flags = out.map((m) => c.verify(m, NOW).signed);
    expect(flags.filter((s) => !s).length).toBe(99);
    c.finish();
    // 100 unsigned in a row is refused
    const c2 = new TsigStreamVerifier(k, req.mac);
    c2.verify(out[0], NOW);
    for (let i = 1; i < 100; i++) c2.verify(out[i], NOW);
    expect(() => c2.verify(env[101], NOW)).toThrow(/more than 99 unsigned/);
    // ending on an unsigned message is refused
    const c3 = new TsigStreamVerifier(k, req.mac);
    c3.verify(out[0], NOW);
    c3.verify(out[1], NOW);
    expect(() => c3.finish()).toThrow(/not signed/);
    // the first message must be signed
    expect(() => new TsigStreamVerifier(k, req.mac).verify(env[0], NOW)).toThrow(/first/);
  });

  it('the client checks time, key name and algorithm of responses', () => {
    const k = key();
    const req = signRequest(message(), k, NOW);
    const resp = signResponse(message({ flags: 0x8400 }), k, req.mac, NOW);
    expect(() => verifyResponse(resp, k, req.mac, NOW + 1000)).toThrow(expect.objectContaining({ fault: 'BADTIME' }));
    expect(() => verifyResponse(resp, key('hmac-sha256', 'other.'), req.mac, NOW)).toThrow(expect.objectContaining({ fault: 'BADKEY' }));
    expect(() => verifyResponse(resp, key('hmac-sha384'), req.mac, NOW)).toThrow(expect.objectContaining({ fault: 'BADKEY' }));
    expect(() => verifyResponse(message({ flags: 0x8400 }), k, req.mac, NOW)).toThrow(expect.objectContaining({ fault: 'UNSIGNED' }));
  });
});
