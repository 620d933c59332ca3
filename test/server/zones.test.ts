import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadZones } from '../../src/server/zones.js';

const dir = mkdtempSync(join(tmpdir(), 'inkan-zones-'));
const good = (serial: number): string =>
  `$TTL 300\n@ IN SOA ns1 hostmaster ${serial} 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n`;

describe('loadZones', () => {
  it('serves the zones that load and reports each error of the others as file:line: reason', () => {
    writeFileSync(join(dir, 'a.zone'), good(1));
    writeFileSync(join(dir, 'b.zone'), good(1) + 'x IN A nope\ny IN MX x\n');
    const r = loadZones([
      { name: 'A.example', file: join(dir, 'a.zone') },
      { name: 'b.example.', file: join(dir, 'b.zone') },
      { name: 'c.example', file: join(dir, 'missing.zone') },
    ]);
    expect([...r.zones.keys()]).toEqual(['a.example.']);
    expect(r.failures.map((f) => [f.name, f.keptPrevious])).toEqual([['b.example.', false], ['c.example.', false]]);
    expect(r.failures[0].errors).toEqual([
      expect.stringMatching(new RegExp(`^${join(dir, 'b.zone')}:5: `)),
      expect.stringMatching(new RegExp(`^${join(dir, 'b.zone')}:6: `)),
    ]);
    expect(r.failures[1].errors[0]).toContain('missing.zone');
  });

  it('on reload keeps the previous version of a zone that now fails, and drops unconfigured zones', () => {
    writeFileSync(join(dir, 'a.zone'), good(1));
    writeFileSync(join(dir, 'd.zone'), good(7));
    const first = loadZones([
      { name: 'a.example', file: join(dir, 'a.zone') },
      { name: 'd.example', file: join(dir, 'd.zone') },
    ]);
    writeFileSync(join(dir, 'a.zone'), 'garbage\n');
    const second = loadZones([{ name: 'a.example', file: join(dir, 'a.zone') }], first.zones);
    expect([...second.zones.keys()]).toEqual(['a.example.']);
    expect(second.zones.get('a.example.')).toBe(first.zones.get('a.example.'));
    expect(second.failures).toMatchObject([{ name: 'a.example.', keptPrevious: true }]);
  });
});
