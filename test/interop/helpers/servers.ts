// The three servers of the differential test, each started from a fresh temp directory on a
// port chosen at run time: NSD (the reference), Knot (a second opinion that validates the
// harness itself) and inkan.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { answeringOrStopped, inDir, startDaemon, type Daemon, type InDir } from './daemon.js';
import { freePort } from './ports.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES = resolve(REPO_ROOT, 'test/interop/fixtures');
export const DIFF_ZONE = join(FIXTURES, 'diff.test.zone');

export type Server = InDir;

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `inkan-interop-${prefix}-`));
}

function finish(d: Daemon, dir: string, zone: string): Promise<Server> {
  return answeringOrStopped(inDir(d, dir), zone);
}

export interface NsdOptions {
  /** NSD's minimal-responses option: yes gives the same section contents inkan always gives. */
  minimalResponses?: boolean;
  extra?: string;
}

/** The `server:` section of a test NSD living in `dir` (no chroot, no user switch). */
export function nsdServerSection(dir: string, port: number, verbosity: number, minimalResponses: boolean): string {
  return `server:
  ip-address: 127.0.0.1
  port: ${port}
  username: ""
  chroot: ""
  zonesdir: "${dir}"
  pidfile: "${dir}/nsd.pid"
  zonelistfile: "${dir}/zone.list"
  xfrdfile: "${dir}/xfrd.state"
  xfrdir: "${dir}"
  database: ""
  logfile: "${dir}/nsd.log"
  server-count: 1
  verbosity: ${verbosity}
  minimal-responses: ${minimalResponses ? 'yes' : 'no'}`;
}

export async function startNsd(nsdPath: string, zoneFile: string, origin: string, opts: NsdOptions = {}): Promise<Server> {
  const dir = tempDir('nsd');
  const port = await freePort();
  copyFileSync(zoneFile, join(dir, basename(zoneFile)));
  const conf = `${nsdServerSection(dir, port, 0, opts.minimalResponses !== false)}
${opts.extra ?? ''}
remote-control:
  control-enable: no
zone:
  name: ${origin}
  zonefile: ${basename(zoneFile)}
`;
  writeFileSync(join(dir, 'nsd.conf'), conf);
  const d = startDaemon('nsd', nsdPath, ['-d', '-c', join(dir, 'nsd.conf')], port, dir);
  return finish(d, dir, origin);
}

export async function startKnot(knotdPath: string, zoneFile: string, origin: string): Promise<Server> {
  const dir = tempDir('knot');
  const port = await freePort();
  copyFileSync(zoneFile, join(dir, basename(zoneFile)));
  const conf = `server:
  listen: 127.0.0.1@${port}
  rundir: "${dir}"
${process.getuid?.() === 0 ? '  user: root\n' : ''}log:
  - target: stderr
    any: warning
database:
  storage: "${dir}"
template:
  - id: default
    storage: "${dir}"
    semantic-checks: off
    zonefile-sync: -1
    journal-content: none
zone:
  - domain: ${origin}
    file: "${join(dir, basename(zoneFile))}"
`;
  writeFileSync(join(dir, 'knot.conf'), conf);
  const d = startDaemon('knotd', knotdPath, ['-c', join(dir, 'knot.conf')], port, dir);
  return finish(d, dir, origin);
}

// ---- inkan ----

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Path of inkan's CLI: INKAN_CLI if set, else dist/cli/main.js, built first if missing or stale. */
export function ensureInkanBuilt(): string {
  if (process.env.INKAN_CLI) return resolve(process.env.INKAN_CLI);
  const main = join(REPO_ROOT, 'dist/cli/main.js');
  const stale = () => !existsSync(main) || statSync(main).mtimeMs < newestMtime(join(REPO_ROOT, 'src'));
  if (!stale()) return main;
  // Several test files may get here at once: one builds, the others wait for its lock.
  const lock = join(tmpdir(), `inkan-build-${Buffer.from(REPO_ROOT).toString('hex').slice(-24)}.lock`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        // a lock left behind by a killed run
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // it went away
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for build lock ${lock}`);
      execFileSync('sleep', ['0.2']);
    }
  }
  try {
    if (stale()) {
      try {
        execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'pipe' });
      } catch (e) {
        const err = e as { stdout?: Buffer; stderr?: Buffer };
        throw new Error(`npm run build failed:\n${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}`);
      }
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return main;
}

export interface InkanOptions {
  zones: { name: string; file: string }[];
  nsid?: string;
  extraYaml?: string;
}

export async function startInkan(opts: InkanOptions): Promise<Server> {
  const cli = ensureInkanBuilt();
  const dir = tempDir('inkan');
  const port = await freePort();
  const zones = opts.zones.map((z) => `  - name: ${z.name}\n    file: ${resolve(z.file)}\n`).join('');
  const yaml = `listen:
  - 127.0.0.1:${port}
zones:
${zones}log:
  level: warn
${opts.nsid !== undefined ? `nsid: ${opts.nsid}\n` : ''}${opts.extraYaml ?? ''}`;
  writeFileSync(join(dir, 'inkan.yaml'), yaml);
  const d = startDaemon('inkan', process.execPath, [cli, 'serve', '--config', join(dir, 'inkan.yaml')], port, dir);
  return finish(d, dir, opts.zones[0]?.name ?? '.');
}
