// inkan as a hidden primary that NOTIFYs its secondaries. A secondary's port is known only once
// it runs, and it needs inkan's port to start: so inkan starts first without notify targets,
// and `reload` later rewrites its configuration (adding them, or with an edited zone file)
// and sends SIGHUP, as an operator would.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, waitUntilAnswering } from './daemon.js';
import { logLines, waitForLog, type PrimaryZone, type Running, type XfrKey } from './secondaries.js';
import { ensureInkanBuilt } from './servers.js';

export interface NotifyingZone extends PrimaryZone {
  /** NOTIFY targets as inkan spells them: `127.0.0.1:PORT key NAME`. */
  notify?: string[];
}

export interface HiddenPrimary extends Running {
  /** Writes the configuration anew with these zones, sends SIGHUP, waits for "reloaded". */
  reload(zones: NotifyingZone[]): Promise<void>;
}

function yamlOf(dir: string, keys: XfrKey[], zones: NotifyingZone[]): string {
  const q = (s: string) => JSON.stringify(s);
  const list = (xs: string[]) => `[${xs.map(q).join(', ')}]`;
  return `listen:
  - 127.0.0.1:0
keys-dir: ${join(dir, 'keys')}
state-dir: ${join(dir, 'state')}
tsig-keys:
${keys.map((k) => `  - { name: ${k.name}, algorithm: ${k.algorithm}, secret: ${q(k.secret)} }\n`).join('')}zones:
${zones
  .map(
    (z) => `  - name: ${z.name}
    file: ${z.file}
${z.dnssec ? `    dnssec: ${z.dnssec}\n` : ''}    allow-transfer: ${list(z.allowTransfer)}
    notify: ${list(z.notify ?? [])}
`,
  )
  .join('')}log:
  level: info
`;
}

/** `inkan serve` on 127.0.0.1 port 0 (read back from its "listening" line), info logs. */
export async function startHiddenPrimary(keys: XfrKey[], zones: NotifyingZone[]): Promise<HiddenPrimary> {
  const cli = ensureInkanBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'inkan-interop-hidden-'));
  mkdirSync(join(dir, 'keys'));
  const config = join(dir, 'inkan.yaml');
  writeFileSync(config, yamlOf(dir, keys, zones));
  const d = startDaemon('inkan', process.execPath, [cli, 'serve', '--config', config], 0, dir);
  const stop = async () => {
    await d.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const line = await waitForLog(d, 'listening', () => true, 30_000);
    const port = (line.addresses as { address: string; port: number }[]).find((a) => a.address === '127.0.0.1')?.port;
    if (!port) throw new Error(`no 127.0.0.1 port in ${JSON.stringify(line)}`);
    const p: HiddenPrimary = {
      ...d,
      port,
      dir,
      stop,
      reload: async (next) => {
        const before = logLines(d).filter((j) => j.msg === 'reloaded').length;
        writeFileSync(config, yamlOf(dir, keys, next));
        d.proc.kill('SIGHUP');
        const deadline = Date.now() + 20_000;
        while (logLines(d).filter((j) => j.msg === 'reloaded').length <= before) {
          if (Date.now() > deadline) throw new Error(`inkan did not log "reloaded":\n${d.output().slice(-4000)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      },
    };
    await waitUntilAnswering(p, zones[0]!.name);
    return p;
  } catch (e) {
    await stop();
    throw e;
  }
}
