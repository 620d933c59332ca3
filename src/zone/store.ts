// The set of zone versions being served, found by the longest matching apex.
import { Type } from '../wire/constants.js';
import type { Zone } from './zone.js';

export class ZoneStore {
  private readonly byApex = new Map<string, Zone>();

  constructor(readonly zones: readonly Zone[]) {
    for (const z of zones) this.byApex.set(z.originKey, z);
  }

  get(originKey: string): Zone | undefined {
    return this.byApex.get(originKey);
  }

  /**
   * `suffixKeys[i]` is the key of the query name without its first i labels. The deepest
   * zone wins, except that DS at a zone's apex belongs to the parent zone when we serve it.
   */
  find(suffixKeys: readonly string[], qtype: number): Zone | undefined {
    for (let i = 0; i < suffixKeys.length; i++) {
      const z = this.byApex.get(suffixKeys[i]);
      if (!z) continue;
      if (i === 0 && qtype === Type.DS) {
        for (let j = 1; j < suffixKeys.length; j++) {
          const parent = this.byApex.get(suffixKeys[j]);
          if (parent) return parent;
        }
      }
      return z;
    }
    return undefined;
  }
}
