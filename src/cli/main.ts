#!/usr/bin/env node
import { parseCommandArgs } from './args.js';
import { checkZone } from './check.js';
import { serve } from './serve.js';
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
    case 'check': {
      const a = parseCommandArgs('check', rest, { origin: { type: 'string', short: 'o' } }, 1);
      if (a.values.help) return help();
      if (a.positionals.length !== 1) throw new UsageError('check: expects one zone file');
      return checkZone(a.positionals[0], a.values.origin as string | undefined, {
        out: (l) => process.stdout.write(`${l}\n`),
        err: (l) => process.stderr.write(`${l}\n`),
      });
    }
    default:
      throw new UsageError(command.startsWith('-') ? `unknown option "${command}"` : `unknown command "${command}"`);
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
