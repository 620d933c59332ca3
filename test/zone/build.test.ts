import { describe, expect, it } from 'vitest';
import { buildZone } from '../../src/zone/build.js';
import { parseName } from '../../src/wire/name.js';
import { records, SOA, type Rec } from '../helpers/records.js';

const origin = 'example.com.';
const base: Rec[] = [SOA(), ['@', 3600, 'NS', 'ns1.example.com.'], ['ns1', 3600, 'A', '127.0.0.1']];
const build = (recs: Rec[]) => buildZone(records(origin, recs), parseName(origin), 'test.zone');
const reasons = (recs: Rec[]) => build(recs).errors.map((e) => e.message);

describe('zone build and checks (as named-checkzone)', () => {
  it('builds a valid zone with empty non-terminals in canonical order', () => {
    const z = build([...base, ['a.b.c', 60, 'TXT', ['x']], ['Z', 60, 'A', '127.0.0.9'], ['*', 60, 'A', '127.0.0.8']]).zone!;
    expect(z.ordered.map((n) => n.key)).toEqual([
      'example.com.', '*.example.com.', 'c.example.com.', 'b.c.example.com.', 'a.b.c.example.com.', 'ns1.example.com.', 'z.example.com.',
    ]);
    expect(z.node('b.c.example.com.')!.rrsets.size).toBe(0);
    expect(z.serial).toBe(2026112601);
    expect(z.negativeTtl).toBe(300);
  });

  it('finds the canonical predecessor of a missing name (the NSEC that covers it)', () => {
    const z = build([...base, ['b', 60, 'A', '127.0.0.2'], ['d', 60, 'A', '127.0.0.4']]).zone!;
    expect(z.ordered[z.predecessorIndex(parseName('c.example.com.'))].key).toBe('b.example.com.');
    expect(z.ordered[z.predecessorIndex(parseName('a.b.example.com.'))].key).toBe('b.example.com.');
    expect(z.ordered[z.predecessorIndex(parseName('zzz.example.com.'))].key).toBe('ns1.example.com.');
  });

  it('merges records into RRsets, drops duplicates and keeps the first TTL', () => {
    const z = build([...base, ['w', 60, 'A', '127.0.0.2'], ['w', 120, 'A', '127.0.0.3'], ['W', 60, 'A', '127.0.0.2']]).zone!;
    const set = z.node('w.example.com.')!.rrsets.get(1)!;
    expect(set.rdata).toHaveLength(2);
    expect(set.ttl).toBe(60);
  });

  it('marks cuts and the names below them', () => {
    const z = build([...base, ['sub', 60, 'NS', 'ns.sub.example.com.'], ['ns.sub', 60, 'A', '127.0.0.5']]).zone!;
    expect(z.node('sub.example.com.')!.cut).toBe(true);
    expect(z.node('ns.sub.example.com.')!.occluded).toBe(true);
    expect(z.apex.cut).toBe(false);
  });

  it('requires one SOA at the apex', () => {
    expect(reasons(base.slice(1))).toEqual(['test.zone:0: no SOA record at the zone apex example.com.']);
    const two = reasons([...base, ['@', 3600, 'SOA', { ...(SOA()[3] as object), serial: 9 }]]);
    expect(two).toEqual(['test.zone:1: 2 SOA records at the apex; exactly one is allowed']);
    expect(reasons([...base, ['x', 3600, 'SOA', SOA()[3]]])).toEqual(['test.zone:4: SOA record at x.example.com., which is not the zone apex']);
  });

  it('requires NS at the apex', () => {
    expect(reasons([SOA()])).toEqual(['test.zone:1: no NS records at the zone apex example.com.']);
  });

  it('rejects CNAME beside other data and at the apex', () => {
    expect(reasons([...base, ['w', 60, 'CNAME', 'x.example.com.'], ['w', 60, 'A', '127.0.0.1']])).toEqual([
      'test.zone:5: CNAME and other data at w.example.com. (A beside CNAME)',
    ]);
    expect(reasons([...base, ['@', 60, 'CNAME', 'x.example.net.']])[0]).toContain('CNAME at the zone apex');
  });

  it('rejects out-of-zone records, naming the line', () => {
    expect(reasons([...base, ['www.example.org.', 60, 'A', '127.0.0.1']])).toEqual([
      'test.zone:4: out-of-zone record: www.example.org. is not in example.com.',
    ]);
  });

  it('rejects in-zone name servers without addresses (missing glue)', () => {
    expect(reasons([...base, ['sub', 60, 'NS', 'ns.sub.example.com.']])).toEqual([
      'test.zone:4: NS target ns.sub.example.com. of sub.example.com. has no A or AAAA record (missing glue)',
    ]);
    expect(reasons([SOA(), ['@', 3600, 'NS', 'ns9.example.com.']])).toEqual([
      'test.zone:2: NS target ns9.example.com. of example.com. has no A or AAAA record (no address records)',
    ]);
    expect(build([...base, ['sub', 60, 'NS', 'ns.example.net.']]).errors).toEqual([]);
  });

  it('reports every error at once', () => {
    expect(reasons([SOA(), ['w', 60, 'CNAME', 'x.example.com.'], ['w', 60, 'TXT', ['t']], ['a.example.org.', 60, 'A', '127.0.0.1']])).toHaveLength(3);
  });
});
