import { parseArgs } from 'node:util';
import { UsageError } from './usage.js';

export interface CommandArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** node:util parseArgs in strict mode, its errors turned into UsageError with a plain message. */
export function parseCommandArgs(
  command: string,
  args: string[],
  options: Record<string, { type: 'string' | 'boolean'; short?: string }>,
  maxPositionals: number,
): CommandArgs {
  let parsed: CommandArgs;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    throw new UsageError(`${command}: ${msg.replace(/\. To specify a positional argument.*$/, '')}`);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`${command}: unexpected argument "${parsed.positionals[maxPositionals]}"`);
  }
  return parsed;
}
