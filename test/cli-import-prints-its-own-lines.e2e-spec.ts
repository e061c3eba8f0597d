import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './support/processes.js';

const root = join(import.meta.dirname, '..');

// `causeway import rows --tenant` (and `import hillstrom`) load a store no running API holds by
// starting an API of their own in the process: what a person reads is the import's own lines (the
// rows accepted, the key to query with), not the framework's start-up and request logs, as the
// demo keeps them out; LOG_LEVEL brings them back.
describe('causeway import on the store, as a person runs it', () => {
  const directory = mkdtempSync(join(tmpdir(), 'causeway-import-lines-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('prints its own lines alone', async () => {
    const csv = join(directory, 'signals.csv');
    writeFileSync(csv, 'event_id,person_id,type,occurred_at\ne1,p1,view,2026-10-02T10:00:00Z\n');
    const run = await promisify(execFile)(
      process.execPath,
      [
        join(root, 'dist/apps/cli/main.js'),
        'import',
        'rows',
        '--stream',
        'signals',
        '--tenant',
        'acme',
        csv,
      ],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? '',
          CAUSEWAY_DATA_DIR: join(directory, 'data'),
          PORT: String(await freePort()),
        },
      },
    );
    expect([run.stdout.trimEnd().split('\n'), run.stderr]).toEqual([
      [`import: ${csv}: 1 accepted (0 duplicates), 0 rejected`],
      '',
    ]);
  }, 120_000);
});
