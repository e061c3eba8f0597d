import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

// Jest loads this file on its own (no module mapping), so it imports nothing relative.
const root = join(import.meta.dirname, '..', '..', '..');

/** Builds the app as the other end-to-end suites do, and clears the figures of an earlier run. */
export default function globalSetup(): void {
  rmSync(join(root, 'artifacts', 'reliability'), { recursive: true, force: true });
  rmSync(join(root, 'artifacts', 'reliability-summary.json'), { force: true });
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: root, stdio: 'inherit' },
  );
}
