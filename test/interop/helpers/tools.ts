// Finding the real DNS programs the interop tests talk to. Under CI=true a missing tool is a
// failure (the CI script installs them); elsewhere the tests skip with a message saying why.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';

export const IN_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

const EXTRA_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

/** Absolute path of an executable on PATH (or in the sbin directories), or undefined. */
export function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_DIRS];
  for (const dir of dirs) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface Tools {
  paths: Record<string, string>;
  missing: string[];
}

export function checkTools(names: string[]): Tools {
  const paths: Record<string, string> = {};
  const missing: string[] = [];
  for (const n of names) {
    const p = findTool(n);
    if (p) paths[n] = p;
    else missing.push(n);
  }
  return { paths, missing };
}

const PACKAGE_OF: Record<string, string> = {
  nsd: 'nsd',
  knotd: 'knot',
  dig: 'bind9-dnsutils',
  kdig: 'knot-dnsutils',
  named: 'bind9',
  'dnssec-verify': 'bind9-utils',
  'ldns-verify-zone': 'ldnsutils',
  rndc: 'bind9-utils',
};

/**
 * describe() that runs only when every tool is installed. A missing tool fails the suite
 * under CI=true and skips it (with a message naming the package to install) elsewhere.
 */
export function describeWithTools(tools: Tools, name: string, body: () => void): void {
  if (tools.missing.length === 0) {
    describe(name, body);
    return;
  }
  const pkgs = tools.missing.map((t) => PACKAGE_OF[t] ?? t).join(' ');
  const why = `missing tool(s): ${tools.missing.join(', ')} (apt-get install ${pkgs})`;
  if (IN_CI) {
    describe(name, () => {
      it(`requires ${tools.missing.join(', ')}`, () => {
        throw new Error(`${why}; CI=true makes a missing tool a failure`);
      });
    });
  } else {
    console.warn(`[interop] skipping "${name}": ${why}; set CI=true to make this fatal`);
    describe.skip(`${name} [skipped: ${why}]`, body);
  }
}
