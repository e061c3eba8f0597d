import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { holdDataDirectory } from '../libs/storage/testing.js';
import { freePort } from './support/processes.js';

const root = join(import.meta.dirname, '..');

// `npm start` (node dist/apps/api/main.js) that cannot start for a reason of the operator's says
// the reason alone on stderr and exits 1: no framework start-up lines, no stack around it.
describe('the API refusing to start, as an operator reads it', () => {
  const directory = mkdtempSync(join(tmpdir(), 'causeway-start-refusals-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  type Run = { code: number; stdout: string; stderr: string };
  async function start(env: Record<string, string>): Promise<Run> {
    return promisify(execFile)(process.execPath, [join(root, 'dist/apps/api/main.js')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 90_000,
    }).then(
      (done) => ({ code: 0, ...done }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  }

  it('names the process holding the data directory', async () => {
    const held = join(directory, 'held');
    const holder = await holdDataDirectory(held);
    try {
      const run = await start({ CAUSEWAY_DATA_DIR: held, PORT: String(await freePort()) });
      expect([run.code, run.stdout, run.stderr]).toEqual([
        1,
        '',
        `causeway api: the data directory ${held} is in use by process ${holder.pid} (a Causeway demo, API or command already running on it: the embedded engine opens a directory in one process only): stop it, or set CAUSEWAY_DATA_DIR to another directory\n`,
      ]);
    } finally {
      holder.kill('SIGKILL');
    }
  }, 120_000);

  it('names the taken port and a free one to set', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const run = await start({
        CAUSEWAY_DATA_DIR: join(directory, 'port'),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
      });
      expect([run.code, run.stderr]).toEqual([
        1,
        `causeway api: port ${port} on 127.0.0.1 is taken by another process (a Causeway already running, or another server): stop it, or set PORT to a free one (e.g. PORT=${port + 1})\n`,
      ]);
    } finally {
      server.close();
    }
  }, 120_000);

  it('lists the invalid variables', async () => {
    const run = await start({ CAUSEWAY_DATA_DIR: join(directory, 'config'), PORT: 'eighty' });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^causeway api: Invalid configuration:\n {2}- PORT: [^\n]+\n$/);
  }, 120_000);
});
