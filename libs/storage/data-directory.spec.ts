import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../config/index.js';
import { connectClickHouse } from './clickhouse.js';
import { holderOf, openingFailure } from './data-directory.js';
import { projectRoot } from './project-root.js';
import { openTemporaryStore } from './testing.js';

// A second demo or API on the same data directory: the engine refuses to open it, and says only
// that it failed to create a connection.
describe('an embedded store another process holds', () => {
  const directory = mkdtempSync(join(tmpdir(), 'causeway-held-'));
  let holder: ChildProcess;

  beforeAll(async () => {
    // Another Node process opens the directory with the engine and keeps it open.
    holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { Session } from 'chdb'; new Session(process.argv[1]); process.stdout.write('open\\n'); setInterval(() => {}, 60_000);",
        directory,
      ],
      { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('open')) {
          resolve();
        }
      });
      holder.on('exit', (code) => reject(new Error(`the holding process exited (${code})`)));
    });
  }, 60_000);

  afterAll(() => {
    holder.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  });

  it('is refused naming the directory, the process that holds it, and what to do', () => {
    expect(holderOf(directory)).toBe(holder.pid);
    expect(() => connectClickHouse(loadConfig({ CAUSEWAY_DATA_DIR: directory }))).toThrow(
      `the data directory ${directory} is in use by process ${holder.pid} (a Causeway demo, API or command already running on it: the embedded engine opens a directory in one process only): stop it, or set CAUSEWAY_DATA_DIR to another directory`,
    );
  });

  it('leaves this process free to open another directory after the refusal', async () => {
    const store = await openTemporaryStore();
    try {
      const [row] = await store.clickhouse.query({
        tag: 'test.data_directory',
        sql: 'SELECT 6 * 7 AS answer',
        row: z.object({ answer: z.number() }),
      });
      expect(row.answer).toBe(42);
    } finally {
      await store.dispose();
    }
  });
});

describe('the holder of a data directory', () => {
  const directory = mkdtempSync(join(tmpdir(), 'causeway-status-'));
  const status = (pid: number) =>
    writeFileSync(join(directory, 'status'), `PID: ${pid}\nStarted at: 2026-12-06 07:19:29\n`);

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('is none when no status file is there', () => {
    expect(holderOf(join(directory, 'absent'))).toBeUndefined();
  });

  it('is none when the process the status file names has ended (a crash left it)', () => {
    const ended = spawnSync(process.execPath, ['-e', '']);
    expect(ended.pid).toBeGreaterThan(0);
    status(ended.pid);
    expect(holderOf(directory)).toBeUndefined();
  });

  it('is none when it is this process', () => {
    status(process.pid);
    expect(holderOf(directory)).toBeUndefined();
  });

  it("leaves the engine's error as it is when no other process holds the directory", () => {
    const error = new Error("Failed to create connection for path '/nowhere'");
    expect(openingFailure(join(directory, 'absent'), error)).toBe(error);
  });
});
