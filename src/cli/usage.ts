import { readFileSync } from 'node:fs';

export const USAGE = `Usage: inkan <command> [options]

Commands:
  serve [--config FILE]          serve the zones of FILE (default: inkan.yaml)
                                 SIGHUP reloads config and zones, SIGTERM/SIGINT stop
  reload [ZONE...] [--config FILE]
                                 ask the server running with FILE to reload its config and
                                 zones (or only these zones' files) and print each zone's
                                 outcome: reloaded (new serial), unchanged, or its errors
  check ZONEFILE [--origin NAME] [--algorithm 13|15|8] [--denial nsec|nsec3]
                                 check a zone file; report answers over 512 and 1232 bytes,
                                 unsigned and signed (DO=1) with that algorithm and denial
                                 (origin defaults to the file name without ".zone")
  sign ZONE [--config FILE] [--out FILE]
                                 write the zone signed exactly as serve signs it (stdout
                                 without --out); makes the zone's keys if it has none
  keygen ZONE [--algorithm 13|15|8] [--role csk|ksk|zsk]
                                 make a key (default: ECDSA P-256 CSK) in the keys directory;
                                 print its files, its DNSKEY and (KSK/CSK) its DS
  ds ZONE [--sha384] [--cds]     print the DS records of the zone's KSKs/CSKs for the parent
                                 (SHA-256; also SHA-384 with --sha384; CDS and CDNSKEY with --cds)
  keygen and ds take [--keys-dir DIR] [--config FILE]: the keys directory is DIR, else
  keys-dir of FILE (default inkan.yaml, when it exists), else ./keys

Options:
  -h, --help       show this help (also after a command)
  -V, --version    print the version
`;

/** Thrown for a command line we cannot make sense of; main prints it and exits 2. */
export class UsageError extends Error {}

export function version(): string {
  // dist/cli/main.js and src/cli/main.ts both sit two levels below package.json.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
