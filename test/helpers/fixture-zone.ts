import { zone, SOA, type Rec } from './records.js';

/** A zone with one of each case the lookup must handle. */
export function exampleZone(extra: Rec[] = []) {
  return zone('example.com.', [
    SOA(3600, 300),
    ['@', 3600, 'NS', 'ns1.example.com.'],
    ['@', 3600, 'NS', 'ns2.example.com.'],
    ['@', 3600, 'MX', { preference: 10, exchange: 'mail.example.com.' }],
    ['ns1', 3600, 'A', '127.0.0.1'],
    ['ns2', 3600, 'A', '127.0.0.2'],
    ['ns2', 3600, 'AAAA', '::2'],
    ['www', 300, 'A', '127.0.0.10'],
    ['www', 300, 'AAAA', '::10'],
    ['mail', 300, 'A', '127.0.0.25'],
    ['Mixed.Case', 300, 'A', '127.0.0.11'],
    ['a.b.c', 300, 'TXT', ['deep']],
    ['alias', 300, 'CNAME', 'www.example.com.'],
    ['alias2', 300, 'CNAME', 'alias.example.com.'],
    ['dangling', 300, 'CNAME', 'nothing.example.com.'],
    ['outside', 300, 'CNAME', 'www.example.net.'],
    ['loop1', 300, 'CNAME', 'loop2.example.com.'],
    ['loop2', 300, 'CNAME', 'loop1.example.com.'],
    ['*.wild', 300, 'A', '127.0.0.42'],
    ['*.wild', 300, 'TXT', ['wild']],
    ['sub.wild', 300, 'TXT', ['exists']],
    ['x.ent.wild', 300, 'A', '127.0.0.43'],
    ['*.cwild', 300, 'CNAME', 'www.example.com.'],
    ['dn', 300, 'DNAME', 'example.net.'],
    ['child', 3600, 'NS', 'ns.child.example.com.'],
    ['child', 3600, 'NS', 'ns.other.example.'],
    ['child', 3600, 'DS', { keyTag: 12345, algorithm: 13, digestType: 2, digest: Buffer.alloc(32, 1) }],
    ['ns.child', 3600, 'A', '127.0.0.53'],
    ['deep.ns.child', 3600, 'TXT', ['occluded']],
    ['sibling', 3600, 'NS', 'ns1.example.com.'],
    ['nogl', 3600, 'NS', 'ns.elsewhere.example.'],
    ...extra,
  ]);
}
