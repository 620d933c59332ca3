// Writing a key file: all or nothing, never over an existing file, private parts never
// readable by others, not even while being written.

import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The target name exists already; nothing was written. */
export class FileExistsError extends Error {
  readonly code = 'EEXIST';
  constructor(readonly file: string) {
    super(`${file} exists already; key files are never overwritten`);
  }
}

/**
 * Writes `data` to a new file `path` with permissions `mode`. The bytes go to a temporary
 * file in the same directory, created exclusively (`wx`) with `mode` from the first
 * instant, and fsynced; then the temporary file is hard-linked to `path` (which fails,
 * rather than replaces, when `path` exists) and removed, and the directory is fsynced.
 * Throws FileExistsError when `path` exists; no temporary file is left behind either way.
 */
export function writeNewFile(path: string, data: string | Buffer, mode: number): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(tmp, 'wx', mode);
  try {
    try {
      fchmodSync(fd, mode); // the umask may have taken bits away; this never widens what `open` made
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    publish(tmp, path);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone: the rename fallback moved it
    }
  }
  syncDirectory(dir);
}

function publish(tmp: string, path: string): void {
  try {
    linkSync(tmp, path);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new FileExistsError(path);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EMLINK') throw err;
  }
  // A file system without hard links: claim the name exclusively, then rename over our own claim.
  let claim: number;
  try {
    claim = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new FileExistsError(path);
    throw err;
  }
  closeSync(claim);
  renameSync(tmp, path);
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some platforms cannot fsync a directory; the file itself is already on disk
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
