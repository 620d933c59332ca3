// journal-max-bytes: the bound of each zone's IXFR journal in state-dir.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';

describe('journal-max-bytes', () => {
  const z = `zones:\n  - name: example.com\n    file: z.zone\n`;
  it('defaults to 16 MiB, takes a byte count, refuses what is not one', () => {
    expect(parseConfig(z, 'x.yaml').journalMaxBytes).toBe(16 * 1024 * 1024);
    expect(parseConfig(`${z}journal-max-bytes: 1000000\n`, 'x.yaml').journalMaxBytes).toBe(1_000_000);
    expect(parseConfig(`${z}journal-max-bytes: 0\n`, 'x.yaml').journalMaxBytes).toBe(0);
    expect(() => parseConfig(`${z}journal-max-bytes: -1\n`, 'x.yaml')).toThrow(/x\.yaml:4: journal-max-bytes/);
    expect(() => parseConfig(`${z}journal-max-bytes: 16M\n`, 'x.yaml')).toThrow(/journal-max-bytes/);
  });
});
