#!/usr/bin/env node
import { parseCommandArgs } from './args.js';
import { checkZone } from './check.js';
import { ds } from './ds.js';
import { keygen, keygenOptions, keysDirArg, KeysDirError, zoneArg } from './keygen.js';
import { reloadCommand } from './reload.js';
import { serve } from './serve.js';
import { signCommand } from './sign.js';
import { USAGE, UsageError, version } from './usage.js';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === '-V' || command === '--version') {
    process.stdout.write(`inkan ${version()}\n`);
    return 0;
  }
  switch (command) {
    case 'serve': {
      const a = parseCommandArgs('serve', rest, { config: { type: 'string', short: 'c' } }, 0);
      if (a.values.help) return help();
      return serve((a.values.config as string | undefined) ?? 'inkan.yaml');
    }
    case 'reload': {
      const a = parseCommandArgs('reload', rest, { config: { type: 'string', short: 'c' } }, Infinity);
      if (a.values.help) return help();
      return reloadCommand((a.values.config as string | undefined) ?? 'inkan.yaml', a.positionals, STDIO);
    }
    case 'check': {
      const a = parseCommandArgs('check', rest, { origin: { type: 'string', short: 'o' }, algorithm: { type: 'string', short: 'a' }, denial: { type: 'string' } }, 1);
      if (a.values.help) return help();
      if (a.positionals.length !== 1) throw new UsageError('check: expects one zone file');
      const denial = a.values.denial as string | undefined;
      if (denial !== undefined && denial !== 'nsec' && denial !== 'nsec3') throw new UsageError(`check: --denial must be nsec or nsec3, got "${denial}"`);
      const algorithm = a.values.algorithm === undefined ? undefined : keygenOptions({ algorithm: a.values.algorithm }).algorithm;
      return checkZone(a.positionals[0], a.values.origin as string | undefined, STDIO, { algorithm, denial });
    }
    case 'sign': {
      const a = parseCommandArgs('sign', rest, { config: { type: 'string', short: 'c' }, out: { type: 'string', short: 'o' } }, 1);
      if (a.values.help) return help();
      if (a.positionals.length !== 1) throw new UsageError('sign: expects one zone name');
      return signCommand(a.positionals[0], (a.values.config as string | undefined) ?? 'inkan.yaml', a.values.out as string | undefined, STDIO);
    }
    case 'keygen': {
      const a = parseCommandArgs('keygen', rest, { ...KEY_OPTIONS, algorithm: { type: 'string', short: 'a' }, role: { type: 'string' } }, 1);
      if (a.values.help) return help();
      if (a.positionals.length !== 1) throw new UsageError('keygen: expects one zone name');
      const zone = zoneArg('keygen', a.positionals[0]);
      const opts = keygenOptions(a.values);
      return keyCommand(() => keygen(zone, { ...opts, keysDir: keysDirOf(a.values) }, STDIO));
    }
    case 'ds': {
      const a = parseCommandArgs('ds', rest, { ...KEY_OPTIONS, sha384: { type: 'boolean' }, cds: { type: 'boolean' } }, 1);
      if (a.values.help) return help();
      if (a.positionals.length !== 1) throw new UsageError('ds: expects one zone name');
      const zone = zoneArg('ds', a.positionals[0]);
      const opts = { sha384: a.values.sha384 === true, cds: a.values.cds === true };
      return keyCommand(() => ds(zone, { ...opts, keysDir: keysDirOf(a.values) }, STDIO));
    }
    default:
      throw new UsageError(command.startsWith('-') ? `unknown option "${command}"` : `unknown command "${command}"`);
  }
}

const KEY_OPTIONS = { 'keys-dir': { type: 'string' }, config: { type: 'string', short: 'c' } } as const;

const STDIO = {
  out: (l: string) => process.stdout.write(`${l}\n`),
  err: (l: string) => process.stderr.write(`${l}\n`),
};

function keysDirOf(values: Record<string, string | boolean | undefined>): string {
  return keysDirArg(values['keys-dir'] as string | undefined, values.config as string | undefined);
}

/** Runs a key command; a keys directory that cannot be found out is exit 1, not a usage error. */
function keyCommand(run: () => number): number {
  try {
    return run();
  } catch (err) {
    if (!(err instanceof KeysDirError)) throw err;
    process.stderr.write(`inkan: ${err.message}\n`);
    return 1;
  }
}

function help(): number {
  process.stdout.write(USAGE);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`inkan: ${err.message}\nRun "inkan --help" for usage.\n`);
      process.exit(2);
    }
    process.stderr.write(`inkan: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
