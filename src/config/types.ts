import type { SerialPolicy } from '../zone/serial.js';
import type { AclEntry } from '../transfer/acl.js';
import type { TsigKey } from '../transfer/tsig-key.js';
import type { NotifyTarget } from '../transfer/notify.js';

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
  /** Online signing; absent: the zone is served unsigned. */
  dnssec?: DnssecConfig;
  /** Who may transfer the zone (addresses, prefixes, `key NAME`); empty: nobody. */
  allowTransfer: AclEntry[];
  /** Secondaries told of each new version (RFC 1996); only these, never the NS hosts. */
  notify: NotifyTarget[];
  /** How the served SOA serial is chosen (signed zones: never `keep`). */
  serial: SerialPolicy;
}

export interface DnssecConfig {
  /** 13 ECDSAP256SHA256 (default), 15 ED25519, 8 RSASHA256: used when keys are created. */
  algorithm: 8 | 13 | 15;
  /** KSK + ZSK instead of one combined signing key (CSK). */
  split: boolean;
  /** `compact`: RFC 9824 proofs made per query, no chain; such a zone cannot be transferred. */
  denial: 'nsec' | 'nsec3' | 'compact';
  nsec3: { iterations: number; salt: Buffer; optOut: boolean };
  /** Seconds a signature is valid, and seconds between re-signings. */
  validity: number;
  refresh: number;
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
  /** Absolute path of the directory holding key files. */
  keysDir: string;
  /** Bytes of RRSIG data kept in the signature cache. */
  signatureCacheBytes: number;
  /** TSIG keys (RFC 8945) that transfers and NOTIFY may use. */
  tsigKeys: TsigKey[];
  /** Absolute path of the directory keeping served serials and IXFR journals across restarts. */
  stateDir: string;
  /** Bytes of IXFR journal kept per zone; the oldest changes go first. */
  journalMaxBytes: number;
  /** Unix socket `inkan reload` talks to (default: inkan.sock in state-dir); undefined: none. */
  controlSocket?: string;
}

export const DEFAULT_LISTEN = ['127.0.0.1:53', '[::1]:53'];

export const DEFAULTS = {
  ednsMaxPayload: 1232,
  additionalTargets: false,
  responseCacheEntries: 500_000,
  tcp: { idleTimeoutMs: 10_000, maxConnections: 1000 } satisfies TcpConfig,
  log: { level: 'info', querySample: 0 } satisfies LogConfig,
  keysDir: 'keys',
  stateDir: 'state',
  journalMaxBytes: 16 * 1024 * 1024,
  controlSocket: 'inkan.sock',
  signatureCacheBytes: 256 * 1024 * 1024,
} as const;

export const DNSSEC_DEFAULTS: DnssecConfig = {
  algorithm: 13,
  split: false,
  denial: 'nsec',
  // RFC 9276: no extra iterations, no salt.
  nsec3: { iterations: 0, salt: Buffer.alloc(0), optOut: false },
  validity: 14 * 86400,
  refresh: 7 * 86400,
};
