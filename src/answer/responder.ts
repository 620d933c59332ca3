// PLACEHOLDER: being written.
import type { ZoneStore } from '../zone/store.js';
import type { AnswerOptions } from './options.js';
export class Responder {
  constructor(private store: ZoneStore, readonly opts: AnswerOptions) {}
  /** Answers one DNS message; null means drop it silently. */
  respond(msg: Buffer, tcp: boolean): Buffer | null {
    void msg; void tcp; void this.store;
    return null;
  }
  /** Serves a new set of zone versions; cached responses are dropped. */
  setStore(store: ZoneStore): void {
    this.store = store;
  }
}
