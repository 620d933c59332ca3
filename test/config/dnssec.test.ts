import { describe, expect, it } from 'vitest';
import { parseConfig, ConfigError } from '../../src/config/index.js';

const zone = (dnssec: string) => `zones:\n  - name: example.com\n    file: z.zone\n    dnssec: ${dnssec}\n`;

describe('dnssec config', () => {
  it('turns signing on with defaults (ECDSA P-256 CSK, NSEC, 14d/7d)', () => {
    const c = parseConfig(zone('on'), '/etc/inkan/inkan.yaml');
    expect(c.zones[0].dnssec).toMatchObject({ algorithm: 13, split: false, denial: 'nsec', validity: 14 * 86400, refresh: 7 * 86400 });
    expect(c.keysDir).toBe('/etc/inkan/keys');
    expect(parseConfig(zone('off'), 'x.yaml').zones[0].dnssec).toBeUndefined();
    expect(parseConfig(zone('true'), 'x.yaml').zones[0].dnssec?.algorithm).toBe(13);
  });

  it('reads every option', () => {
    const c = parseConfig(zone('\n      algorithm: ed25519\n      keys: ksk+zsk\n      denial: nsec3\n      nsec3-iterations: 0\n      nsec3-salt: aabb\n      nsec3-opt-out: true\n      validity: 2h\n      refresh: 30m'), 'x.yaml');
    expect(c.zones[0].dnssec).toMatchObject({ algorithm: 15, split: true, denial: 'nsec3', validity: 7200, refresh: 1800 });
    expect(c.zones[0].dnssec!.nsec3).toEqual({ iterations: 0, salt: Buffer.from('aabb', 'hex'), optOut: true });
  });

  it('names file, line and key for bad values', () => {
    const bad = () => parseConfig(zone('\n      algorithm: 5\n      denial: nsec5\n      validity: 1d\n      refresh: 2d\n      colour: blue'), 'z.yaml');
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toMatch(/z\.yaml:5: zones\[0\]\.dnssec\.algorithm: must be 13/);
      expect(msg).toMatch(/z\.yaml:6: zones\[0\]\.dnssec\.denial/);
      expect(msg).toMatch(/validity \(86400s\) must be longer than refresh/);
      expect(msg).toMatch(/colour/);
    }
  });
});
