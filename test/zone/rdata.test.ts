import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Type, typeFromText, typeToText } from '../../src/wire/constants.js';
import { nameToText, parseName } from '../../src/wire/name.js';
import { parseMasterFile, parseMasterText } from '../../src/zone/masterfile.js';
import { checkRdata, RdataError, rdataToText } from '../../src/zone/rdata/index.js';
import { sigTimeText } from '../../src/zone/rdata/rrsig.js';
import { seeded } from '../helpers/seeded.js';

const ORIGIN = parseName('example.com.');

/** Parses one record "TYPE rdata" owned by x.example.com. and returns its rdata as hex. */
function wire(rr: string): string {
  const r = parseMasterText(`x 300 IN ${rr}\n`, 't.zone', ORIGIN);
  expect(r.errors.map((e) => e.message)).toEqual([]);
  expect(r.records).toHaveLength(1);
  return r.records[0].rdata.toString('hex');
}

/** The reason given for one bad record "TYPE rdata". */
function reason(rr: string): string {
  const r = parseMasterText(`x 300 IN ${rr}\n`, 't.zone', ORIGIN);
  expect(r.records).toHaveLength(0);
  expect(r.errors).toHaveLength(1);
  expect(r.errors[0].file).toBe('t.zone');
  expect(r.errors[0].line).toBe(1);
  return r.errors[0].reason;
}

/** Text → wire → text, then that text → wire again must give the same octets. */
function roundTrip(rr: string): string {
  const type = typeFromText(rr.split(/\s+/)[0])!;
  const first = wire(rr);
  const text = rdataToText(type, Buffer.from(first, 'hex'));
  expect(wire(`${rr.split(/\s+/)[0]} ${text}`)).toBe(first);
  return text;
}

const FIXTURES = join(import.meta.dirname, 'fixtures');
// Under CI=true (which installs every tool) a missing one fails the file instead of skipping.
const has = (tool: string) => {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
  if (!found && /^(1|true|yes)$/i.test(process.env.CI ?? '')) throw new Error(`${tool} is not installed; CI=true makes that a failure`);
  return found;
};

// Expected octets were produced by BIND's `named-rrchecker -u -o example.com` for the same text.
const EXAMPLES: [string, string][] = [
  ['A 192.0.2.1', 'c0000201'],
  ['AAAA 2001:db8::1', '20010db8000000000000000000000001'],
  ['AAAA ::ffff:192.0.2.25', '00000000000000000000ffffc0000219'],
  ['AAAA ::', '00000000000000000000000000000000'],
  ['AAAA 1::', '00010000000000000000000000000000'],
  ['AAAA ABCD:EF01::fF', 'abcdef010000000000000000000000ff'],
  ['AAAA 1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
  ['AAAA 1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
  ['AAAA 1::2:3:4:5:6:7', '00010000000200030004000500060007'],
  ['AAAA 64:ff9b::192.0.2.33', '0064ff9b0000000000000000c0000221'],
  ['NS ns1', '036e7331076578616d706c6503636f6d00'],
  ['CNAME Www.Example.COM.', '03577777074578616d706c6503434f4d00'],
  ['DNAME new.example.net.', '036e6577076578616d706c65036e657400'],
  ['PTR host.example.net.', '04686f7374076578616d706c65036e657400'],
  ['MX 10 mail', '000a046d61696c076578616d706c6503636f6d00'],
  ['AFSDB 1 afs.example.net.', '000103616673076578616d706c65036e657400'],
  ['RP admin info', '0561646d696e076578616d706c6503636f6d0004696e666f076578616d706c6503636f6d00'],
  ['SOA ns1 hostmaster 2024010101 2h 1H 1w 1d', '036e7331076578616d706c6503636f6d000a686f73746d6173746572076578616d706c6503636f6d0078a3f17500001c2000000e1000093a8000015180'],
  ['TXT "a" b ""', '0161016200'],
  ['TXT "\\065\\"\\\\" semi\\;colon', '0341225c0a73656d693b636f6c6f6e'],
  ['SPF "v=spf1 -all"', '0b763d73706631202d616c6c'],
  ['HINFO "PC" Linux', '025043054c696e7578'],
  ['SRV 10 60 5060 sip', '000a003c13c403736970076578616d706c6503636f6d00'],
  ['NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp', '0064000a0153075349502b44325500045f736970045f756470076578616d706c6503636f6d00'],
  ['URI 10 1 "ftp://a"', '000a00016674703a2f2f61'],
  ['CAA 0 issue "ca.net"', '0005697373756563612e6e6574'],
  ['CAA 128 tbs "Unknown"', '8003746273556e6b6e6f776e'],
  ['SSHFP 2 1 ( 0123456789abcdef0123456789abcdef01234567 )', '02010123456789abcdef0123456789abcdef01234567'],
  ['TLSA 3 1 1 ABCDEF', '030101abcdef'],
  ['SMIMEA 3 0 1 abcdef01', '030001abcdef01'],
  ['OPENPGPKEY AQID BA==', '01020304'],
  ['DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118', 'ec4505012bb183af5f22588179a53b0a98631fad1a292118'],
  ['CDS 0 0 0 00', '0000000000'],
  ['DNSKEY 257 3 13 AQID BAUG', '0101030d010203040506'],
  ['CDNSKEY 0 3 0 AA==', '0000030000'],
  ['NSEC3PARAM 1 0 10 aabb', '0100000a02aabb'],
  ['NSEC3PARAM 1 0 0 -', '0100000000'],
  ['SVCB 0 svc.example.net.', '000003737663076578616d706c65036e657400'],
  ['HTTPS 1 . port=8443 alpn=h2,h3', '000100000100060268320268330003000220fb'],
  ['SVCB 16 foo.example.org. mandatory=ipv6hint,alpn alpn="h2" ipv6hint=2001:db8::1,2001:db8::53:1 ipv4hint=192.0.2.1 no-default-alpn', '001003666f6f076578616d706c65036f7267000000000400010006000100030268320002000000040004c00002010006002020010db800000000000000000000000120010db8000000000000000000530001'],
  ['HTTPS 1 . ech=AEn+DQ== key65000=abc', '000100000500040049fe0dfde80003616263'],
  ['LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m', '000016138b3cf018810cbce0009895b8'],
  ['LOC 42 21 54 N 71 06 18 W -24m 30m', '0033161389172dd070be15f000988d20'],
  ['LOC 37 S 122 W 10.5m', '00121613780f878065d2570000989a9a'],
  ['LOC 0 0 0.001 S 180 0 0 W 42849672.95m 90000000m 1m 0.5m', '009912517fffffff59604e00ffffffff'],
  ['NSEC www.example.com. A AAAA RRSIG NSEC TYPE65000', '03777777076578616d706c6503636f6d000006400000080003fd1e000000000000000000000000000000000000000000000000000000000080'],
  ['NSEC3 1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG', '0101000c04aabbccdd1417f3df17b2b2adaef615257de4d2020b80ac6c7c0006400000000002'],
  ['RRSIG A 13 3 3600 20240201000000 20240101000000 12345 example.com. AQID', '00010d0300000e1065badf00659200803039076578616d706c6503636f6d00010203'],
  ['ZONEMD 2018031900 1 1 FEBE3D4CE2EC2FFA4BA99D46CD69D6D29711E55217057BEE7EB1A7B641A47BA7FED2DD5B97AE499FAFA4F22C6BD647DE', '7848b91c0101febe3d4ce2ec2ffa4ba99d46cd69d6d29711e55217057bee7eb1a7b641a47ba7fed2dd5b97ae499fafa4f22c6bd647de'],
  ['CSYNC 66 3 A NS AAAA', '000000420003000460000008'],
  ['CSYNC 1 0', '000000010000'],
  ['DHCID AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=', '000201636fc0b8271c82825bb1ac5c41cf5351aa69b4febd94e8f17cdb95000da48c40'],
  ['CERT PGP 0 0 AQID', '0003000000010203'],
  ['CERT 65535 1 RSASHA256 AQID', 'ffff000108010203'],
  ['IPSECKEY 10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==', '0a0102c0000226010351537986ed35533b6064478eeeb27b5bd74dae149b6e81ba3a0521af82ab7801'],
  ['IPSECKEY 10 0 2 . AQID', '0a0002010203'],
  ['IPSECKEY 10 3 2 gw.example.net. AQID', '0a0302026777076578616d706c65036e657400010203'],
  ['IPSECKEY 10 2 2 2001:db8::1 AQID', '0a020220010db8000000000000000000000001010203'],
  ['APL 1:192.168.32.0/21 !1:192.168.38.0/28 2:2001:db8::/32 1:0.0.0.0/0', '00011503c0a82000011c83c0a8260002200420010db800010000'],
];

describe('wire form of every type, as BIND encodes it', () => {
  it.each(EXAMPLES)('%s', (rr, hex) => {
    expect(wire(rr)).toBe(hex);
  });

  it.each(EXAMPLES)('%s survives rdataToText and back', (rr) => {
    roundTrip(rr);
  });
});

describe('rdataToText', () => {
  const text = (rr: string) => {
    const type = rr.split(' ')[0];
    return rdataToText(Type[type as keyof typeof Type], Buffer.from(wire(rr), 'hex'));
  };

  it('prints names absolute with case kept', () => {
    expect(text('CNAME Www.Example.COM.')).toBe('Www.Example.COM.');
    expect(text('MX 10 mail')).toBe('10 mail.example.com.');
    expect(text('SOA ns1 hostmaster 1 2h 1H 1w 1d')).toBe('ns1.example.com. hostmaster.example.com. 1 7200 3600 604800 86400');
  });

  it('quotes character-strings and escapes what needs it', () => {
    expect(text('TXT "a\\"b" c\\\\d "\\009\\255" ""')).toBe('"a\\"b" "c\\\\d" "\\009\\255" ""');
  });

  it('prints addresses in their canonical forms', () => {
    expect(text('AAAA 2001:0db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(text('AAAA 2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(text('AAAA ::')).toBe('::');
    expect(text('AAAA ::ffff:c000:219')).toBe('::ffff:192.0.2.25');
  });

  it('prints SvcParams in key order with list escapes', () => {
    expect(text('HTTPS 1 . port=443 alpn=h2,h3 mandatory=port')).toBe('1 . mandatory=port alpn="h2,h3" port=443');
    expect(text('SVCB 1 . alpn=a\\\\,b,c no-default-alpn key9=x')).toBe('1 . alpn="a\\\\,b,c" no-default-alpn key9="x"');
  });

  it('prints LOC as BIND does', () => {
    expect(text('LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m')).toBe('52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m');
    expect(text('LOC 0 N 0 E 0 0.5m 0.05m 90000000m')).toBe('0 0 0.000 N 0 0 0.000 E 0.00m 0.50m 0.05m 90000000m');
    expect(text('LOC 42 21 54 N 71 06 18 W -24m 30m')).toBe('42 21 54.000 N 71 6 18.000 W -24.00m 30m 10000m 10m');
    expect(text('LOC 37 S 122 W 10.5m')).toBe('37 0 0.000 S 122 0 0.000 W 10.50m 1m 10000m 10m');
  });

  it('prints DNSSEC types with mnemonics, base64, base32hex and times', () => {
    expect(text('NSEC www.example.com. A AAAA RRSIG NSEC TYPE65000')).toBe('www.example.com. A AAAA RRSIG NSEC TYPE65000');
    expect(text('NSEC3 1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG')).toBe('1 1 12 AABBCCDD 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG');
    expect(text('NSEC3PARAM 1 0 0 -')).toBe('1 0 0 -');
    expect(text('RRSIG A ECDSAP256SHA256 3 3600 20240201000000 1704067200 12345 example.com. AQID')).toBe(
      'A 13 3 3600 20240201000000 20240101000000 12345 example.com. AQID',
    );
    expect(text('DS 60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118')).toBe('60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118');
    expect(text('DNSKEY 257 3 13 AQID BAUG')).toBe('257 3 13 AQIDBAUG');
    expect(text('CERT 3 0 8 AQID')).toBe('PGP 0 RSASHA256 AQID');
    expect(text('CERT 65535 1 200 AQID')).toBe('65535 1 200 AQID');
  });

  it('uses the RFC 3597 form for unknown types and for rdata its type cannot read', () => {
    expect(rdataToText(65432, Buffer.from('abcdef', 'hex'))).toBe('\\# 3 ABCDEF');
    expect(rdataToText(65432, Buffer.alloc(0))).toBe('\\# 0');
    expect(rdataToText(Type.A, Buffer.from('0a0000', 'hex'))).toBe('\\# 3 0A0000');
    expect(rdataToText(Type.MX, Buffer.from('000a03666f6f', 'hex'))).toBe('\\# 6 000A03666F6F');
  });

  it('checkRdata rejects malformed rdata of known types and accepts any unknown type', () => {
    expect(() => checkRdata(Type.AAAA, Buffer.alloc(4))).toThrow(RdataError);
    expect(() => checkRdata(Type.A, Buffer.alloc(5))).toThrow('1 octets of trailing rdata');
    expect(() => checkRdata(Type.TXT, Buffer.from('05616263', 'hex'))).toThrow('truncated');
    expect(() => checkRdata(65000, Buffer.alloc(3))).not.toThrow();
  });
});

describe('field details', () => {
  it('accepts TTL units in SOA timers', () => {
    expect(wire('SOA . . 0 1h30m 2D 1W 90s').slice(-32)).toBe('00001518' + '0002a300' + '00093a80' + '0000005a');
  });

  it('takes the largest 255-octet TXT string and several strings', () => {
    const long = 'x'.repeat(255);
    expect(wire(`TXT ${long} "${long}"`)).toBe(('ff' + '78'.repeat(255)).repeat(2));
  });

  it('keeps UTF-8 and \\DDD octets in TXT exactly', () => {
    expect(wire('TXT "\\228\\184\\173" "中"')).toBe('03e4b8ad03e4b8ad');
  });

  it('sorts SvcParams by key whatever the written order', () => {
    expect(wire('HTTPS 1 . port=8443 alpn=h2,h3')).toBe(wire('HTTPS 1 . alpn=h2,h3 port=8443'));
  });

  it('reads a mnemonic DNSSEC algorithm', () => {
    expect(wire('DNSKEY 256 3 ED25519 AQID')).toBe('0100030f010203');
  });

  it('takes an IPSECKEY without a key when the algorithm is 0 (RFC 4025 §2.6)', () => {
    expect(wire('IPSECKEY 10 1 0 192.0.2.1')).toBe('0a0100c0000201');
  });

  it('allows spaces inside base64 and hex', () => {
    expect(wire('OPENPGPKEY AQ ID')).toBe('010203');
    expect(wire('TLSA 3 1 1 ab cd ef')).toBe('030101abcdef');
  });

  it('writes generic rdata for known and unknown types', () => {
    expect(wire('TYPE65432 \\# 3 abcdef')).toBe('abcdef');
    expect(wire('TYPE65432 \\# 3 ab cd ef')).toBe('abcdef');
    expect(wire('TYPE65433 \\# 0')).toBe('');
    expect(wire('A \\# 4 0a000001')).toBe('0a000001');
    expect(wire('TYPE1 10.0.0.1')).toBe('0a000001');
  });
});

describe('bad fields name what is wrong', () => {
  it.each([
    ['A 1.2.3', 'bad IPv4 address "1.2.3"'],
    ['A 1.2.3.256', 'bad IPv4 address "1.2.3.256"'],
    ['A 1.2.3.4 5', 'unexpected extra field "5"'],
    ['A', 'missing IPv4 address'],
    ['AAAA 2001:db8::g', 'bad IPv6 address "2001:db8::g"'],
    ['AAAA 1:2:3:4:5:6:7:8:9', 'bad IPv6 address "1:2:3:4:5:6:7:8:9"'],
    ['MX 65536 mail', 'bad preference "65536": expected an integer 0..65535'],
    ['MX 10', 'missing mail exchanger'],
    ['NS a..b', 'bad name server: empty label in name "a..b"'],
    ['SOA ns1 hostmaster 1 2 3 4', 'missing minimum'],
    ['SOA ns1 hostmaster 4294967296 2 3 4 5', 'bad serial "4294967296": expected an integer 0..4294967295'],
    ['SOA ns1 hostmaster 1 2x 3 4 5', 'bad refresh "2x": expected seconds or a duration like 1h30m'],
    ['TXT', 'missing text: TXT needs at least one string'],
    [`TXT "${'y'.repeat(256)}"`, 'string 1 is 256 octets; a character-string holds at most 255'],
    ['TXT "bad \\3"', 'bad escape "\\3" in "bad \\3"'],
    ['HINFO "PC"', 'missing OS'],
    ['SRV 1 2 70000 x', 'bad port "70000": expected an integer 0..65535'],
    ['NAPTR 100 10 "S" "SIP" ""', 'missing replacement'],
    ['URI 10 1 ftp://a', 'URI target must be a quoted string, got ftp://a'],
    ['URI 10 1 ""', 'URI target is empty'],
    ['CAA 0 is-sue "x"', 'bad CAA tag "is-sue": letters and digits only'],
    ['CAA 256 issue "x"', 'bad flags "256": expected an integer 0..255'],
    ['SSHFP 1 1 abc', 'bad fingerprint: "abc" is not an even number of hex digits'],
    ['SSHFP 1 2 abcd', 'fingerprint type 2 needs 32 octets, got 2'],
    ['TLSA 3 1 1 zz', 'bad certificate association data: "zz" is not an even number of hex digits'],
    ['DS 1 13 2 abcd', 'digest type 2 needs 32 octets, got 2'],
    ['DS 1 NOPE 2 abcd', 'bad algorithm "NOPE": expected a number 0..255 or a mnemonic'],
    ['DS 1 13 9', 'missing digest'],
    ['DNSKEY 257 2 13 AQID', 'bad protocol 2: DNSKEY protocol must be 3'],
    ['DNSKEY 257 3 13 AQI*', 'bad public key: not valid base64'],
    ['DNSKEY 257 3 13', 'missing public key'],
    ['OPENPGPKEY', 'missing public key'],
    ['NSEC3PARAM 1 0 10 xyz', 'bad salt: "xyz" is not an even number of hex digits'],
    ['NSEC www.example.com. A BOGUS', 'unknown type "BOGUS" in type bitmap'],
    ['NSEC3 1 1 12 - 2vptu5timamqttgl4luu9kg21e0aor3z A', 'bad next hashed owner: not base32hex'],
    ['RRSIG A 13 3 3600 2024020100000 20240101000000 1 example.com. AQID', 'bad signature expiration "2024020100000": expected YYYYMMDDHHmmSS or seconds'],
    ['SVCB 1 . alpn=h2 alpn=h3', 'SvcParam alpn given twice'],
    ['SVCB 1 . port=1 key3=2', 'SvcParam key3 given twice'],
    ['SVCB 1 . mandatory=alpn port=1', 'mandatory lists alpn, which is not present'],
    ['SVCB 1 . mandatory=mandatory', 'mandatory must not list itself'],
    ['SVCB 1 . bogus=1', 'unknown SvcParam key "bogus"'],
    ['SVCB 1 . key65535=1', 'unknown SvcParam key "key65535"'],
    ['SVCB 1 . port=http', 'bad port "http"'],
    ['SVCB 1 . no-default-alpn=x', 'SvcParam no-default-alpn takes no value'],
    ['SVCB 1 . alpn', 'SvcParam alpn needs a value'],
    ['SVCB 1 . alpn=h2,,h3', 'empty item in alpn list'],
    ['SVCB 1 . ipv4hint=1.2.3.4,::1', 'bad IPv4 address "::1"'],
    ['SVCB 1 . ipv6hint=1.2.3.4', 'bad IPv6 address "1.2.3.4"'],
    ['LOC 91 N 0 E 0m', 'latitude out of range'],
    ['LOC 90 1 N 0 E 0m', 'latitude out of range'],
    ['LOC 10 60 N 0 E 0m', 'latitude out of range'],
    ['LOC 10 X 0 E 0m', 'bad latitude: expected degrees [minutes [seconds]] N|S'],
    ['LOC 10 N 181 E 0m', 'longitude out of range'],
    ['LOC 10 N 10 E -100000.01m', 'altitude out of range'],
    ['LOC 10 N 10 E 1.234m', 'bad altitude "1.234"'],
    ['LOC 10 N 10 E 0m 90000000.01m', 'size out of range'],
    ['LOC 10 N 10 E', 'missing altitude'],
    ['A \\# 3 0a0000', 'rdata is truncated'],
    ['A \\# 5 0a000001', 'generic rdata length is 5 but 4 octets of hex follow'],
    ['TYPE65432 \\# 2 abcdef', 'generic rdata length is 2 but 3 octets of hex follow'],
    ['TYPE65432 \\# 1 xy', 'bad generic rdata: "xy" is not an even number of hex digits'],
    ['ZONEMD 1 1 1 abcd', 'hash algorithm 1 needs 48 octets, got 2'],
    ['ZONEMD 1 1 9 abcd', 'digest is 2 octets; ZONEMD needs at least 12'],
    ['CSYNC 1 0 A FOO', 'unknown type "FOO" in type bitmap'],
    ['CERT XYZ 0 0 AQID', 'bad certificate type "XYZ"'],
    ['IPSECKEY 10 0 2 gw AQID', 'gateway type 0 needs "." as gateway, got "gw"'],
    ['IPSECKEY 10 4 2 . AQID', 'bad gateway type "4": expected an integer 0..3'],
    ['IPSECKEY 10 1 2 192.0.2.1', 'missing public key'],
    ['APL 3:1.2.3.4/8', 'bad APL item "3:1.2.3.4/8": expected [!]1:IPv4/prefix or [!]2:IPv6/prefix'],
    ['APL 1:1.2.3.4/33', 'bad APL item "1:1.2.3.4/33": prefix longer than the address'],
    ['TYPE65432 abcdef', 'no text format for this type; write it as \\# <length> <hex>'],
    ['MX \\# 3 000a03', 'bad name in rdata: label runs past the end of the message'],
  ])('%s', (rr, why) => {
    expect(reason(rr)).toBe(why);
  });
});

/** A zone of the same records in RFC 3597 form: BIND reading it must see what it saw in the original. */
function genericZone(file: string, render: (type: number, rdata: Buffer) => string): string {
  const r = parseMasterFile(file, ORIGIN);
  expect(r.errors.map((e) => e.message)).toEqual([]);
  return r.records.map((x) => `${nameToText(x.owner)} ${x.ttl} IN ${render(x.type, x.rdata)}`).join('\n') + '\n';
}

function compile(file: string): string {
  const out = spawnSync('named-compilezone', ['-i', 'none', '-k', 'ignore', '-f', 'text', '-F', 'text', '-s', 'full', '-o', '-', 'example.com', file], {
    encoding: 'latin1',
  });
  expect(out.status, out.stderr).toBe(0);
  expect(out.stdout).toMatch(/IN SOA/);
  return out.stdout;
}

describe.skipIf(!has('named-compilezone'))('cross-check against BIND', () => {
  const fixture = join(FIXTURES, 'alltypes.zone');
  const dir = mkdtempSync(join(tmpdir(), 'inkan-rdata-'));

  it('BIND reads our wire octets (as \\# generic rdata) as the same records it reads from the text', () => {
    const generic = join(dir, 'generic.zone');
    writeFileSync(generic, genericZone(fixture, (t, rd) => `TYPE${t} \\# ${rd.length} ${rd.toString('hex')}`), 'latin1');
    expect(compile(generic)).toBe(compile(fixture));
  });

  it('BIND reads our rdataToText output as the same records', () => {
    const printed = join(dir, 'printed.zone');
    const text = genericZone(fixture, (t, rd) => `${typeToText(t)} ${rdataToText(t, rd)}`);
    const generic = text.split('\n').filter((l) => l.includes('\\#'));
    expect(generic).toEqual(['generic.example.com. 3600 IN TYPE65432 \\# 3 ABCDEF', 'generic.example.com. 3600 IN TYPE65433 \\# 0']);
    writeFileSync(printed, text, 'latin1');
    expect(compile(printed)).toBe(compile(fixture));
  });

  it.skipIf(!has('named-rrchecker'))('each record matches named-rrchecker octet for octet', () => {
    const r = parseMasterFile(fixture, ORIGIN);
    const lines = readFileSync(fixture, 'latin1').split('\n');
    expect(r.records.length).toBeGreaterThan(40);
    for (const rec of r.records) {
      const text = `IN ${typeToText(rec.type)} ${rdataToText(rec.type, rec.rdata)}`;
      const out = spawnSync('named-rrchecker', ['-u', '-o', 'example.com'], { input: text + '\n', encoding: 'latin1' });
      const hex = out.stdout.trim().split(/\s+/).slice(4).join('').toLowerCase();
      expect({ line: lines[rec.line - 1], hex }).toEqual({ line: lines[rec.line - 1], hex: rec.rdata.toString('hex') });
    }
  });

  it.skipIf(!has('ldns-read-zone'))('ldns reads our rdataToText output as the same records', () => {
    const printed = join(dir, 'printed-ldns.zone');
    writeFileSync(printed, genericZone(fixture, (t, rd) => `${typeToText(t)} ${rdataToText(t, rd)}`), 'latin1');
    const read = (f: string) => {
      const out = spawnSync('ldns-read-zone', [f], { encoding: 'latin1' });
      expect(out.status, out.stderr).toBe(0);
      return out.stdout;
    };
    expect(read(printed)).toBe(read(fixture));
  });
});

describe('RRSIG times as text', () => {
  it('sigTimeText gives what Date.toISOString gives, over the whole u32 range', () => {
    const viaDate = (v: number) => new Date(v * 1000).toISOString().replace(/[-T:]/g, '').slice(0, 14);
    const rnd = seeded(4034);
    // Edges: the epoch, day and leap-day boundaries (2000-02-29, 2100 is no leap year), the last u32.
    const values = [0, 1, 59, 60, 3599, 3600, 86399, 86400, 951782399, 951782400, 951868800, 4107542399, 4107542400, 4107628800, 0xffffffff];
    for (let i = 0; i < 20000; i++) values.push(rnd(0x10000) * 0x10000 + rnd(0x10000));
    for (const v of values) expect(sigTimeText(v), String(v)).toBe(viaDate(v));
    expect(sigTimeText(0xffffffff)).toBe('21060207062815');
  });
});
