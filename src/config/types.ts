export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** One address to serve on, UDP and TCP alike. */
export interface ListenAddress {
  family: 4 | 6;
  address: string;
  /** 0 asks the system for a free port (tests). */
  port: number;
}

export interface ZoneConfig {
  /** Zone name as written in the config, e.g. `example.com`. */
  name: string;
  /** Absolute path of the master file. */
  file: string;
}

export interface TcpConfig {
  idleTimeoutMs: number;
  maxConnections: number;
}

export interface LogConfig {
  level: LogLevel;
  /** Log one query in every `querySample`; 0 turns per-query logging off. */
  querySample: number;
}

/** The whole configuration, every default filled in. */
export interface Config {
  /** Absolute path of the file this was read from. */
  file: string;
  listen: ListenAddress[];
  zones: ZoneConfig[];
  ednsMaxPayload: number;
  nsid?: Buffer;
  additionalTargets: boolean;
  responseCacheEntries: number;
  tcp: TcpConfig;
  log: LogConfig;
}

export const DEFAULT_LISTEN = ['127.0.0.1:53', '[::1]:53'];

export const DEFAULTS = {
  ednsMaxPayload: 1232,
  additionalTargets: false,
  responseCacheEntries: 100_000,
  tcp: { idleTimeoutMs: 10_000, maxConnections: 1000 } satisfies TcpConfig,
  log: { level: 'info', querySample: 0 } satisfies LogConfig,
} as const;
