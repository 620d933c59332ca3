// Running BIND's delv: it sends its queries (RD=1) to the given server and validates the
// answers itself, from a trust anchor in a file given with -a and named with +root=.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';

export interface DelvResult {
  cmd: string;
  /** stdout and stderr together. */
  text: string;
  /** The validation verdict delv printed: "fully validated", "negative response, fully validated", "unsigned answer", ... */
  verdict: string;
  /**
   * The reason after `;; resolution failed:`: a validation or resolution failure, or, after a
   * validated denial, "ncache nxdomain" / "ncache nxrrset" (so read it with `verdict`).
   */
  failure?: string;
  /** Answer records (not comments), fields joined by one space. */
  records: string[];
}

/**
 * Writes a delv trust-anchor file (BIND `trust-anchors` syntax) for DS or DNSKEY records
 * given in presentation form ("zone. IN DS tag alg dtype hex", "zone. IN DNSKEY 257 3 13 b64").
 */
export function writeDelvAnchors(file: string, records: string[]): void {
  const lines = records.map((rec) => {
    const f = rec.trim().split(/\s+/);
    const owner = f[0]!;
    const at = f.findIndex((x, i) => i > 0 && (x === 'DS' || x === 'DNSKEY'));
    if (at < 0) throw new Error(`not a DS or DNSKEY record: ${rec}`);
    const rd = f.slice(at + 1);
    if (f[at] === 'DS') return `  "${owner}" static-ds ${rd[0]} ${rd[1]} ${rd[2]} "${rd.slice(3).join('')}";`;
    return `  "${owner}" static-key ${rd[0]} ${rd[1]} ${rd[2]} "${rd.slice(3).join('')}";`;
  });
  writeFileSync(file, `trust-anchors {\n${lines.join('\n')}\n};\n`);
}

export function parseDelv(text: string, cmd = ''): DelvResult {
  const verdict = /^; ((?:negative response, )?(?:fully validated|unsigned answer)[^\n]*)$/m.exec(text)?.[1] ?? '';
  const failure = /^;; resolution failed: ([^\n]*)$/m.exec(text)?.[1];
  const records = text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith(';'))
    .map((l) => l.trim().split(/\s+/).join(' '));
  return { cmd, text, verdict, ...(failure !== undefined ? { failure } : {}), records };
}

/** `delv @127.0.0.1 -p PORT -a ANCHORS +root=ROOT name type [options]`. */
export function delv(delvPath: string, port: number, anchorFile: string, root: string, args: string[]): Promise<DelvResult> {
  const all = ['@127.0.0.1', '-p', String(port), '-a', anchorFile, `+root=${root}`, '+nomultiline', ...args];
  const cmd = `delv ${all.join(' ')}`;
  return new Promise((resolve, reject) => {
    execFile(delvPath, all, { timeout: 20_000 }, (err, stdout, stderr) => {
      const text = stdout + (stderr ? `\n${stderr}` : '');
      // delv exits non-zero when resolution fails; the text says why.
      if (err && !text.trim()) reject(new Error(`${cmd} failed: ${err.message}`));
      else resolve(parseDelv(text, cmd));
    });
  });
}
