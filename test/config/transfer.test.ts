import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { aclAllows, parseAclEntry } from '../../src/transfer/acl.js';

const SECRET = Buffer.alloc(32, 1).toString('base64');

describe('transfer settings', () => {
  it('reads tsig-keys, allow-transfer and notify', () => {
    const c = parseConfig(`tsig-keys:
  - { name: xfr-key, algorithm: hmac-sha512, secret: "${SECRET}" }
zones:
  - name: example.com
    file: z.zone
    allow-transfer: [127.0.0.1, "10.0.0.0/8 key xfr-key", "key xfr-key"]
    notify: ["127.0.0.1:5301", "[::1]:5302 key xfr-key"]
`, '/etc/inkan.yaml');
    expect(c.tsigKeys).toHaveLength(1);
    expect(c.tsigKeys[0].algorithm).toBe('hmac-sha512');
    const z = c.zones[0];
    expect(z.allowTransfer.map((e) => e.text)).toEqual(['127.0.0.1', '10.0.0.0/8 key xfr-key', 'key xfr-key']);
    expect(z.notify).toMatchObject([{ family: 4, address: '127.0.0.1', port: 5301 }, { family: 6, address: '::1', port: 5302, key: { algorithm: 'hmac-sha512' } }]);
    expect(z.notify[0].key).toBeUndefined();
  });

  it('names the key for unknown TSIG keys, bad addresses and bad secrets', () => {
    const bad = `tsig-keys:
  - { name: k1, secret: "not base64!" }
zones:
  - name: example.com
    file: z.zone
    allow-transfer: ["10.0.0.0/33", "key nokey"]
    notify: ["127.0.0.1:0", "127.0.0.1:53 key other"]
`;
    let msg = '';
    try {
      parseConfig(bad, 'x.yaml');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/x\.yaml:2: tsig-keys\[0\]\.secret/);
    expect(msg).toMatch(/zones\[0\]\.allow-transfer\[0\]: prefix length in "10\.0\.0\.0\/33" must be 0\.\.32/);
    expect(msg).toMatch(/"key nokey" names a TSIG key that tsig-keys does not define/);
    expect(msg).toMatch(/zones\[0\]\.notify\[0\]: port 0/);
    expect(msg).toMatch(/key other\. is not defined in tsig-keys/);
  });
});

describe('allow-transfer entries', () => {
  const acl = ['127.0.0.1', '10.0.0.0/8 key xfr-key', 'key admin', '2001:db8::/32'].map(parseAclEntry);
  it('admits an address, a prefix with its key, a key alone, and v6 prefixes', () => {
    expect(aclAllows(acl, '127.0.0.1', undefined)).toBe(true);
    expect(aclAllows(acl, '::ffff:127.0.0.1', undefined)).toBe(true);
    expect(aclAllows(acl, '127.0.0.2', undefined)).toBe(false);
    expect(aclAllows(acl, '10.1.2.3', undefined)).toBe(false);
    expect(aclAllows(acl, '10.1.2.3', 'xfr-key.')).toBe(true);
    expect(aclAllows(acl, '192.0.2.7', 'admin.')).toBe(true);
    expect(aclAllows(acl, '2001:db8:1::5', undefined)).toBe(true);
    expect(aclAllows(acl, '2001:db9::5', undefined)).toBe(false);
    expect(aclAllows([], '127.0.0.1', undefined)).toBe(false);
  });
});

describe('serial policy', () => {
  it('defaults to increment, accepts the four policies, refuses keep for signed zones', () => {
    const z = (extra: string) => `zones:\n  - name: example.com\n    file: z.zone\n${extra}`;
    expect(parseConfig(z(''), 'x.yaml').zones[0].serial).toBe('increment');
    expect(parseConfig(z('    serial: unixtime\n'), 'x.yaml').zones[0].serial).toBe('unixtime');
    expect(parseConfig(z('    serial: keep\n'), 'x.yaml').zones[0].serial).toBe('keep');
    expect(() => parseConfig(z('    serial: keep\n    dnssec: on\n'), 'x.yaml')).toThrow(/x\.yaml:4: zones\[0\]\.serial: keep cannot be used with dnssec/);
    expect(() => parseConfig(z('    serial: random\n'), 'x.yaml')).toThrow(/must be one of keep, increment, unixtime, dateserial/);
    expect(parseConfig(z('') + 'state-dir: /var/lib/inkan\n', 'x.yaml').stateDir).toBe('/var/lib/inkan');
  });
});
