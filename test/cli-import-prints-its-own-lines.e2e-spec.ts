import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { holdDataDirectory } from '../libs/storage/testing.js';
import { freePort } from './support/processes.js';

const root = join(import.meta.dirname, '..');

// `causeway import rows --tenant` (and `import hillstrom`) load a store no running API holds by
// starting an API of their own in the process: what a person reads is the import's own lines (the
// rows accepted, the key to query with), not the framework's start-up and request logs, as the
// demo keeps them out; LOG_LEVEL brings them back.
describe('causeway import on the store, as a person runs it', () => {
  const directory = mkdtempSync(join(tmpdir(), 'causeway-import-lines-'));
  const csv = join(directory, 'signals.csv');
  writeFileSync(csv, 'event_id,person_id,type,occurred_at\ne1,p1,view,2026-10-02T10:00:00Z\n');
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  /** What `causeway import rows --stream signals --tenant acme <csv>` prints, failed or not. */
  async function importRows(dataDir: string): Promise<{ stdout: string; stderr: string }> {
    return promisify(execFile)(
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
          CAUSEWAY_DATA_DIR: dataDir,
          PORT: String(await freePort()),
        },
      },
    ).catch((error: { stdout: string; stderr: string }) => error);
  }

  it('prints its own lines alone', async () => {
    const run = await importRows(join(directory, 'data'));
    expect([run.stdout.trimEnd().split('\n'), run.stderr]).toEqual([
      [`import: ${csv}: 1 accepted (0 duplicates), 0 rejected`],
      '',
    ]);
  }, 120_000);

  it('says in one line that a running Causeway holds the store, before anything starts', async () => {
    const held = join(directory, 'held');
    const holder = await holdDataDirectory(held);
    try {
      const failed = await importRows(held);
      expect([failed.stdout, failed.stderr]).toEqual([
        '',
        `causeway: the data directory ${held} is in use by process ${holder.pid} (a Causeway demo, API or command already running on it: the embedded engine opens a directory in one process only): stop it, or set CAUSEWAY_DATA_DIR to another directory\n`,
      ]);
    } finally {
      holder.kill('SIGKILL');
    }
  }, 120_000);
});
