// PLACEHOLDER: being written; the real Zone lands in the next commit.
import type { Labels } from '../wire/name.js';
export class Zone {
  constructor(readonly origin: Labels, readonly originKey: string) {}
}
