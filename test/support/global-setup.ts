import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** End-to-end tests run the built app as production does: build it once before they start. */
export default function globalSetup(): void {
  const root = join(import.meta.dirname, '..', '..');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}
