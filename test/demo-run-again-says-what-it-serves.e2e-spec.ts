import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './support/processes.js';

const root = join(import.meta.dirname, '..');

// The README loads a smaller demo with `CAUSEWAY_DATA_DIR=./data-10k npm run demo -- --persons
// 10000`, and the same command serves it on every later run: those runs must not call the options
// it was loaded with unapplied (and tell the reader to remove the store), only options it was not.
describe('npm run demo -- --persons N, run again on the store it loaded', () => {
  const directory = mkdtempSync(join(tmpdir(), 'causeway-demo-again-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  async function demo(...options: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(root, 'dist/apps/cli/main.js'), 'demo', '--no-serve', ...options],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? '',
          CAUSEWAY_DATA_DIR: join(directory, 'data'),
          PORT: String(await freePort()),
          LOG_LEVEL: 'warn',
        },
      },
    );
    return stdout;
  }

  it('says nothing of the options it was loaded with, and names those it was not', async () => {
    expect(await demo('--persons', '300', '--seed', '7')).toContain(
      'demo: generating 300 persons over 30 days (seed 7)',
    );

    const again = await demo('--persons', '300', '--seed', '7');
    expect(again).toContain('demo: the store already holds the demo program; serving it');
    expect(again).not.toContain('not applied');

    expect(await demo('--persons', '400', '--seed', '7')).toContain(
      'demo: --persons 400 not applied (the store holds 300 persons): the program is loaded once, into an empty store.',
    );
    expect(await demo('--seed', '8')).toContain(
      'demo: --seed 8 not applied (the store holds a program of another seed): the program is loaded once, into an empty store.',
    );
  }, 240_000);
});
