// inkan as a primary that is stopped and started again on the same port, with the same
// configuration, keys and state-dir (served serials, IXFR journal): what an operator's
// restart is. The port is chosen once, so the secondaries' configuration stays right.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, waitUntilAnswering, type Daemon } from './daemon.js';
import { freePort } from './ports.js';
import { waitForLog, type PrimaryZone, type XfrKey } from './secondaries.js';
import { ensureInkanBuilt } from './servers.js';

export interface RestartablePrimary {
  port: number;
  /** Holds inkan.yaml, keys/ and state/; kept across restarts, removed by `remove`. */
  dir: string;
  /** The running inkan, or the last one when stopped (its output stays readable). */
  daemon: Daemon;
  /** Stops inkan (SIGTERM) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts inkan again as it was; resolves once it answers. */
  start(): Promise<void>;
  /** Stops inkan and removes its directory. */
  remove(): Promise<void>;
}

export async function startRestartablePrimary(keys: XfrKey[], zones: PrimaryZone[]): Promise<RestartablePrimary> {
  const cli = ensureInkanBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'inkan-interop-restart-'));
  mkdirSync(join(dir, 'keys'));
  const port = await freePort();
  const q = (s: string) => JSON.stringify(s);
  const config = join(dir, 'inkan.yaml');
  writeFileSync(
    config,
    `listen:
  - 127.0.0.1:${port}
keys-dir: ${join(dir, 'keys')}
state-dir: ${join(dir, 'state')}
tsig-keys:
${keys.map((k) => `  - { name: ${k.name}, algorithm: ${k.algorithm}, secret: ${q(k.secret)} }\n`).join('')}zones:
${zones
  .map((z) => `  - name: ${z.name}\n    file: ${z.file}\n${z.dnssec ? `    dnssec: ${z.dnssec}\n` : ''}    allow-transfer: [${z.allowTransfer.map(q).join(', ')}]\n`)
  .join('')}log:
  level: info
`,
  );
  const p: RestartablePrimary = {
    port,
    dir,
    daemon: undefined as unknown as Daemon,
    stop: () => p.daemon.stop(),
    start: async () => {
      p.daemon = startDaemon('inkan', process.execPath, [cli, 'serve', '--config', config], port, dir);
      await waitForLog(p.daemon, 'listening', () => true, 30_000);
      await waitUntilAnswering(p.daemon, zones[0]?.name ?? '.');
    },
    remove: async () => {
      await p.daemon?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await p.start();
  } catch (e) {
    await p.remove();
    throw e;
  }
  return p;
}
