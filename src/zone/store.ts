// PLACEHOLDER: being written.
import type { Zone } from './zone.js';
export class ZoneStore {
  constructor(readonly zones: Zone[]) {}
}
