import { afterAll, beforeAll, expect } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfig, type AppConfig } from '../config/index.js';
import { ClickHouseService } from './clickhouse.service.js';
import { Migrator } from './migrator.js';
import { projectRoot } from './project-root.js';

/** A migrated embedded store in a fresh temporary directory, for tests in this process. */
export interface TemporaryStore {
  config: AppConfig;
  clickhouse: ClickHouseService;
  dataDir: string;
  dispose(): Promise<void>;
}

export async function openTemporaryStore(
  env: Record<string, string> = {},
): Promise<TemporaryStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'causeway-store-'));
  const config = loadConfig({ CAUSEWAY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  const clickhouse = new ClickHouseService(config);
  await new Migrator(clickhouse).run();
  return {
    config,
    clickhouse,
    dataDir,
    async dispose() {
      await clickhouse.onApplicationShutdown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A temporary store for the suite it is called in: opened before the suite's first test and
 * disposed after its last (jest's beforeAll and afterAll). Its parts are there from the suite's
 * later hooks on.
 */
export function storeForSuite(env: Record<string, string> = {}): TemporaryStore {
  let opened: TemporaryStore | undefined;
  beforeAll(async () => {
    opened = await openTemporaryStore(env);
  });
  afterAll(async () => {
    await opened?.dispose();
  });
  const current = (): TemporaryStore => {
    if (opened === undefined) {
      throw new Error('the suite store opens in beforeAll: read it in a hook or test');
    }
    return opened;
  };
  return {
    get config() {
      return current().config;
    },
    get clickhouse() {
      return current().clickhouse;
    },
    get dataDir() {
      return current().dataDir;
    },
    dispose: () => current().dispose(),
  };
}

/** Expects the engine to parse each statement (EXPLAIN AST), without running any of them. */
export async function expectParsed(
  clickhouse: ClickHouseService,
  statements: readonly string[],
): Promise<void> {
  for (const statement of statements) {
    await expect(
      clickhouse.query({ tag: 'test.explain', sql: `EXPLAIN AST ${statement}`, row: z.unknown() }),
    ).resolves.toBeDefined();
  }
}

/**
 * Another Node process that opens `directory` with the embedded engine and keeps it, as a running
 * demo or API does; resolves once it holds it. Kill it to let the directory go.
 */
export async function holdDataDirectory(directory: string): Promise<ChildProcess> {
  const holder = spawn(
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
    holder.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('open')) {
        resolve();
      }
    });
    holder.on('exit', (code) => reject(new Error(`the holding process exited (${code})`)));
  });
  return holder;
}
