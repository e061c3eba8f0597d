import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The other live process that holds an embedded store's directory, as the engine's `status` file
 * names it (`PID: n`, written by the process that opened the directory), or undefined when none
 * does. Read only to explain a failure to open: the engine's own lock on that file decides, and a
 * file left by a process that ended names no live one.
 */
export function holderOf(path: string): number | undefined {
  let status: string;
  try {
    status = readFileSync(join(path, 'status'), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(/^PID: (\d+)$/m.exec(status)?.[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) {
    return undefined;
  }
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: alive, owned by another user
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/**
 * The live process that holds `path` by its `status` file, before the engine is asked to open
 * it: asked, the engine writes its refusal to the process's stderr itself, and a command that
 * then starts a framework prints that framework's lines and a stack trace around it. On Linux the
 * holder must also be a Node process, so that a file left by a process that crashed, naming a pid
 * taken since by an unrelated one, does not keep the store shut; elsewhere the engine decides.
 */
export function heldBy(path: string): number | undefined {
  const pid = holderOf(path);
  if (pid === undefined) {
    return undefined;
  }
  let command: string;
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
  return /(^|[/\0])node(js)?(\0|$)/.test(command) ? pid : undefined;
}

/** Throws {@link DataDirectoryInUseError} when {@link heldBy} finds `path` held. */
export function refuseHeldDirectory(path: string): void {
  const pid = heldBy(path);
  if (pid !== undefined) {
    throw new DataDirectoryInUseError(path, pid);
  }
}

/** The embedded store's directory is held by another live process (`holder`). */
export class DataDirectoryInUseError extends Error {
  override readonly name = 'DataDirectoryInUseError';

  constructor(
    readonly path: string,
    readonly holder: number,
  ) {
    super(
      `the data directory ${path} is in use by process ${holder} (a Causeway demo, API or command already running on it: the embedded engine opens a directory in one process only): stop it, or set CAUSEWAY_DATA_DIR to another directory`,
    );
  }
}

/**
 * What to tell the operator when the embedded engine could not open `path`: that another process
 * holds it, and what to do, when one does (the engine itself says only that it failed to create a
 * connection); the engine's error otherwise.
 */
export function openingFailure(path: string, error: unknown): Error {
  const pid = holderOf(path);
  if (pid === undefined) {
    return error instanceof Error ? error : new Error(String(error));
  }
  return new DataDirectoryInUseError(path, pid);
}
