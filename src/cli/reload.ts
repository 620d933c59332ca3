// `inkan reload [ZONE...]`: asks the server running with this configuration, through its
// control socket, to reload (everything, as SIGHUP does, or only these zones' files), and
// prints what happened to each zone.
import { ConfigError } from '../config/error.js';
import { loadConfig } from '../config/load.js';
import { requestControl } from '../server/control.js';

interface Io {
  out(line: string): void;
  err(line: string): void;
}

export async function reloadCommand(configPath: string, zones: string[], io: Io): Promise<number> {
  let socket: string | undefined;
  try {
    socket = loadConfig(configPath).controlSocket;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`inkan: configuration not loaded:\n${err.message}`);
    return 1;
  }
  if (!socket) {
    io.err(`inkan: ${configPath} sets control-socket: none; send the server SIGHUP instead`);
    return 1;
  }
  let result;
  try {
    result = await requestControl(socket, { command: 'reload', zones });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' || code === 'ECONNREFUSED' ? 'no inkan is serving with this configuration' : (err as Error).message;
    io.err(`inkan: cannot reach ${socket}: ${why}`);
    return 1;
  }
  if (result.error) io.err(`inkan: ${result.error}`);
  for (const r of result.reloaded) io.out(`${r.zone} reloaded, serial ${r.serial}`);
  for (const r of result.unchanged) io.out(`${r.zone} unchanged, serial ${r.serial}`);
  for (const f of result.failed) {
    for (const e of f.errors) io.err(e);
    io.err(`${f.zone} not reloaded; the previous version keeps serving`);
  }
  return result.ok ? 0 : 1;
}
