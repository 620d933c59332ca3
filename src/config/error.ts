/** One problem in a config file: where it is (file, line when known, key path) and why. */
export interface ConfigIssue {
  file: string;
  line?: number;
  /** Key path such as `tcp.idle-timeout` or `zones[1].name`; empty for the whole document. */
  path: string;
  reason: string;
}

export function formatIssue(i: ConfigIssue): string {
  const where = i.line !== undefined ? `${i.file}:${i.line}` : i.file;
  return i.path ? `${where}: ${i.path}: ${i.reason}` : `${where}: ${i.reason}`;
}

/** Every problem found in one config file; the message lists them one per line. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}
