import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../config/index.js';
import { connectClickHouse } from './clickhouse.js';
import { heldBy, holderOf, openingFailure } from './data-directory.js';
import { holdDataDirectory, openTemporaryStore } from './testing.js';

// A second demo or API on the same data directory: the engine refuses to open it, and says only
// that it failed to create a connection.
describe('an embedded store another process holds', () => {
  const directory = mkdtempSync(join(tmpdir(), 'causeway-held-'));
  let holder: ChildProcess;

  beforeAll(async () => {
    holder = await holdDataDirectory(directory);
  }, 60_000);

  afterAll(() => {
    holder.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  });

  it('is refused naming the directory, the process that holds it, and what to do', () => {
    expect(holderOf(directory)).toBe(holder.pid);
    // found before the engine is asked, which would print its own refusal to stderr
    expect(heldBy(directory)).toBe(holder.pid);
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

  it('is looked for before opening only when it is a live Node process', async () => {
    // a crash left the file, and its pid now belongs to something else: the engine decides
    const other = spawn('sleep', ['30']);
    const node = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await Promise.all([other, node].map((child) => new Promise((ok) => child.once('spawn', ok))));
      status(other.pid!);
      expect([holderOf(directory), heldBy(directory)]).toEqual([other.pid, undefined]);
      status(node.pid!);
      expect(heldBy(directory)).toBe(node.pid);
    } finally {
      other.kill('SIGKILL');
      node.kill('SIGKILL');
    }
  });

  it("leaves the engine's error as it is when no other process holds the directory", () => {
    const error = new Error("Failed to create connection for path '/nowhere'");
    expect(openingFailure(join(directory, 'absent'), error)).toBe(error);
  });
});
