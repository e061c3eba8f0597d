import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  redisAvailable,
  startRedis as startOwnRedis,
  stopChild,
  waitFor,
  type RedisChild,
} from '../../libs/bench/index.js';
import { API_NODE_FLAGS } from '../../libs/platform/index.js';

export { freePort, redisAvailable };

const root = join(import.meta.dirname, '..', '..');

/** A running API process (the built app, as production runs it) on its own temporary store. */
export interface ApiProcess {
  url: string;
  adminKey: string;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Stops the process and removes its data directory. */
  dispose(): Promise<void>;
}

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export async function startApi(
  env: Record<string, string> = {},
  entry = 'dist/apps/api/main.js',
): Promise<ApiProcess> {
  const port = await freePort();
  const dataDir = env.CAUSEWAY_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'causeway-e2e-'));
  let log = '';
  const child = spawn(process.execPath, [...API_NODE_FLAGS, join(root, entry)], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      CAUSEWAY_DATA_DIR: dataDir,
      CAUSEWAY_ADMIN_KEY: ADMIN_KEY,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/healthz`)).ok, 'the API', child, {
    timeoutMs: 60_000,
    output: () => log,
  });
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => stopChild(child, signal);
  return {
    url,
    adminKey: ADMIN_KEY,
    dataDir,
    child,
    output: () => log,
    stop,
    async dispose() {
      await stop();
      if (env.CAUSEWAY_DATA_DIR === undefined) {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * What `select` keeps of the API's output lines, once it keeps `count` or after 5 s (the child's
 * output arrives a little after its answers).
 */
export async function outputLines<T>(
  api: ApiProcess,
  count: number,
  select: (lines: string[]) => T[],
): Promise<T[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const lines = select(api.output().split('\n'));
    if (lines.length >= count || Date.now() > deadline) {
      return lines;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A redis-server on a free port (or `port`), for a suite that checked redisAvailable first. */
export type RedisProcess = RedisChild;

export async function startRedis(
  port?: number,
  settings: readonly string[] = [],
): Promise<RedisProcess> {
  const redis = await startOwnRedis(port, settings);
  if (redis === undefined) {
    throw new Error(redisAvailable() ?? 'redis-server did not start');
  }
  return redis;
}

/**
 * Decides whether a suite that needs a missing part runs: under CI=true a missing part fails the
 * run; elsewhere the suite is skipped with the reason printed.
 */
export function requirePart(reason: string | undefined): boolean {
  if (reason === undefined) {
    return true;
  }
  if (process.env.CI === 'true') {
    throw new Error(`CI=true and a required part is missing: ${reason}`);
  }
  process.stderr.write(`skipping: ${reason}\n`);
  return false;
}
