// Knot DNS (knotd) as a secondary of inkan, from a fresh temp directory on a run-time port:
// transfers from the primary with the TSIG key, NOTIFY accepted only from 127.0.0.1 signed
// with that key, no notify targets of its own, and unsigned transfers out to 127.0.0.1 so
// the test can dump its copy. Info logs go to stderr: they say AXFR or IXFR for each transfer.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answeringOrStopped, inDir, startDaemon } from './daemon.js';
import { freePort } from './ports.js';
import type { Running, SecondaryOptions } from './secondaries.js';

export async function startKnotSecondary(knotdPath: string, opts: SecondaryOptions): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'inkan-interop-knot-secondary-'));
  const port = await freePort();
  // knotd does not make its database directory: without it, a received IXFR cannot be kept
  // in the journal and knotd falls back to AXFR ("failed to store changes (not exists)").
  mkdirSync(join(dir, 'db'));
  const conf = `server:
  listen: 127.0.0.1@${port}
  rundir: "${dir}"
${process.getuid?.() === 0 ? '  user: root\n' : ''}log:
  - target: stderr
    any: info
database:
  storage: "${dir}/db"
key:
  - id: ${opts.key.name}
    algorithm: ${opts.key.algorithm}
    secret: ${opts.key.secret}
remote:
  - id: inkan
    address: 127.0.0.1@${opts.primaryPort}
    key: ${opts.key.name}
acl:
  - id: notify-from-inkan
    address: 127.0.0.1
    key: ${opts.key.name}
    action: notify
  - id: dump
    address: 127.0.0.1
    action: transfer
template:
  - id: default
    storage: "${dir}"
    file: "%s.zone"
    # the zone file is written right after each transfer (a copy on disk to look at)
    zonefile-sync: 0
zone:
${opts.zones.map((z) => `  - domain: ${z}\n    master: inkan\n    acl: [notify-from-inkan, dump]\n`).join('')}`;
  writeFileSync(join(dir, 'knot.conf'), conf);
  const d = startDaemon('knotd', knotdPath, ['-c', join(dir, 'knot.conf')], port, dir);
  return answeringOrStopped(inDir(d, dir), opts.zones[0]!);
}
