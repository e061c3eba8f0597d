import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const isRoot = process.getuid?.() === 0;

/**
 * Whether the embedded store can be made unwritable here: by `chmod` for an ordinary user, by the
 * immutable attribute (`chattr +i`, which binds root too) for root. Answers the reason it cannot.
 */
export function storeFreezeUnavailable(): string | undefined {
  if (!isRoot) {
    return undefined;
  }
  const probe = mkdtempSync(join(tmpdir(), 'causeway-chattr-'));
  try {
    execFileSync('chattr', ['+i', probe], { stdio: 'ignore' });
    execFileSync('chattr', ['-i', probe], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'running as root, and chattr +i (needed to make the embedded store unwritable for root) does not work on this file system';
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** The data directories of every table of the embedded store under `dataDir`. */
function tableDirectories(dataDir: string): string[] {
  const dirs: string[] = [];
  const data = join(dataDir, 'data');
  for (const database of readdirSync(data)) {
    if (database === 'system' || database.startsWith('_')) {
      continue;
    }
    for (const table of readdirSync(join(data, database))) {
      const dir = realpathSync(join(data, database, table));
      if (statSync(dir).isDirectory()) {
        dirs.push(dir);
      }
    }
  }
  return dirs;
}

function setWritable(dirs: string[], writable: boolean): void {
  for (const dir of dirs) {
    if (isRoot) {
      execFileSync('chattr', [writable ? '-i' : '+i', dir]);
    } else {
      chmodSync(dir, writable ? 0o755 : 0o555);
    }
  }
}

/**
 * Makes every table of the store unwritable (no part can be created: inserts fail, reads still
 * work) and answers the function that makes it writable again. Safe to call that twice.
 */
export function freezeStore(dataDir: string): () => void {
  const dirs = tableDirectories(dataDir);
  setWritable(dirs, false);
  let thawed = false;
  return () => {
    if (!thawed) {
      thawed = true;
      setWritable(dirs, true);
    }
  };
}
