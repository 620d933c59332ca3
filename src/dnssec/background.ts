// Keeps the signature cache ahead of the clock: signs each new zone version on the signing
// threads as soon as it loads, and again periodically, so the next window's signatures
// exist before any query needs them.
import type { Logger } from 'pino';
import { SigningPool } from './signing-pool.js';
import type { ZoneSigning } from './zone-signing.js';

export class BackgroundSigner {
  private pool: SigningPool | undefined;
  private current: ZoneSigning[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly logger: Logger,
    private readonly threads?: number,
  ) {}

  /** The signing threads, started on first use (zone loads sign on them as they read). */
  signingPool(): SigningPool {
    return (this.pool ??= new SigningPool(this.threads));
  }

  /** Serves these signed versions from now on, and makes their missing signatures. */
  track(signings: ZoneSigning[], all: ZoneSigning[]): Promise<void> {
    this.current = all;
    if (all.length && !this.timer) {
      // The shortest refresh among the zones, halved, bounded to [10 s, 1 h].
      const period = Math.min(3600, Math.max(10, Math.min(...all.map((s) => s.maker.refresh)) / 2));
      this.timer = setInterval(() => void this.round(this.current, 'refresh'), period * 1000);
      this.timer.unref();
    }
    return this.round(signings, 'load');
  }

  private round(signings: ZoneSigning[], why: string): Promise<void> {
    const done = new Map<ZoneSigning, () => void>();
    for (const s of signings) {
      if (why === 'load') s.signedInBackground = new Promise<void>((resolve) => done.set(s, resolve));
    }
    this.running = this.running.then(async () => {
      for (const s of signings) {
        try {
          await this.sign(s, why);
        } finally {
          // Cleared first: from here on, transfers of this version start at once.
          if (done.has(s)) s.signedInBackground = undefined;
          done.get(s)?.();
        }
      }
    });
    return this.running;
  }

  private async sign(s: ZoneSigning, why: string): Promise<void> {
    if (!this.current.includes(s)) return; // replaced by a newer version meanwhile
    const pool = this.signingPool();
    const t0 = Date.now();
    try {
      // A new version needs its current signatures first; the next window's follow in the
      // periodic rounds, long before that window begins.
      const made = await s.presign(pool, { ahead: why !== 'load' });
      if (made > 0 || why === 'load') {
        this.logger.info({ zone: s.zone.originKey, serial: s.zone.serial, signatures: made, ms: Date.now() - t0, why }, 'zone signed in the background');
      }
    } catch (err) {
      this.logger.error({ zone: s.zone.originKey, err }, 'background signing failed; answers sign on demand');
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.current = [];
    await this.running;
    await this.pool?.close();
  }
}
