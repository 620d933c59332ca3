import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogLevel } from './config/types.js';

export type { Logger };

/**
 * JSON lines on stdout (or `destination`). With no level given, tests run quiet and
 * everything else logs at info.
 */
export function createLogger(level?: LogLevel, destination?: DestinationStream): Logger {
  const chosen = level ?? (process.env.VITEST ? 'silent' : 'info');
  const options = { level: chosen, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  // Written synchronously: pino's default stdout stream is asynchronous and its flush() does
  // not wait for a write in flight, so the last lines before exit ('stopped') were lost in
  // about one shutdown in three. Per-query lines are off or sampled, so the cost is small.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}

/** A logger that drops everything, for library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });
