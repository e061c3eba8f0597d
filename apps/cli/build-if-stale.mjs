// `npm run causeway` and `npm run demo` (through causeway.mjs) call this first: it runs the
// TypeScript build only when a source is newer than the last build, so a command starts at once
// when nothing changed (tsc itself, even incremental, takes seconds just to check).
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const stamp = join(root, 'dist', '.tsbuildinfo');

/** Newest modification time under `dir` of the files `wanted` accepts, in ms. */
function newest(dir, wanted) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      latest = Math.max(latest, newest(path, wanted));
    } else if (wanted(entry.name)) {
      latest = Math.max(latest, statSync(path).mtimeMs);
    }
  }
  return latest;
}

function builtAt() {
  try {
    return statSync(stamp).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Runs the TypeScript build when a source (or the build's configuration, or the installed
 * packages) is newer than the last build; returns whether it built.
 */
export function buildIfStale() {
  const sources = Math.max(
    newest(join(root, 'apps'), (name) => name.endsWith('.ts')),
    newest(join(root, 'libs'), (name) => name.endsWith('.ts') || name.endsWith('.js')),
    ...['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map(
      (file) => statSync(join(root, file)).mtimeMs,
    ),
  );
  if (sources < builtAt()) {
    return false;
  }
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: root, stdio: 'inherit' },
  );
  // tsc leaves its build info untouched when a saved file changed nothing: mark the check done
  const now = new Date();
  utimesSync(stamp, now, now);
  return true;
}

// run as a script (npm scripts that start the built code call it first)
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildIfStale();
}
