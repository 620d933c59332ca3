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
  if (destination) return pino(options, destination);
  // Asynchronous: a slow log reader must never stall answering. closeLogger() before exit.
  const stdout = pino.destination({ dest: 1, sync: false });
  const logger = pino(options, stdout);
  STDOUT.set(logger, stdout);
  return logger;
}

const STDOUT = new WeakMap<Logger, ReturnType<typeof pino.destination>>();

/**
 * Writes out every line the logger still holds and closes its stream: the last lines before
 * exit ('stopped', a fatal error). pino's flush() returns while a write is in flight, and the
 * line after it was lost in about one exit in three.
 */
export function closeLogger(logger: Logger, timeoutMs = 3000): Promise<void> {
  const stream = STDOUT.get(logger);
  if (!stream) return new Promise((resolve) => logger.flush(() => resolve()));
  STDOUT.delete(logger);
  return new Promise((resolve) => {
    const t = setTimeout(resolve, timeoutMs);
    stream.once('close', () => {
      clearTimeout(t);
      resolve();
    });
    stream.end();
  });
}

/** A logger that drops everything, for library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });
