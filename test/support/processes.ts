import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort } from '../../libs/bench/index.js';
import { API_NODE_FLAGS } from '../../libs/platform/index.js';

export { freePort };

const root = join(import.meta.dirname, '..', '..');

async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
  child?: ChildProcess,
  output?: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child !== undefined && child.exitCode !== null) {
      throw new Error(`${what} exited with ${child.exitCode}:\n${output?.() ?? ''}`);
    }
    if (await check().catch(() => false)) {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become ready in ${timeoutMs} ms:\n${output?.() ?? ''}`);
}

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
  await waitFor(
    async () => (await fetch(`${url}/healthz`)).ok,
    'the API',
    60_000,
    child,
    () => log,
  );
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) {
      return child.exitCode;
    }
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    child.kill(signal);
    return exited;
  };
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

/** A redis-server on a free port, or the reason there is none. */
export interface RedisProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function redisAvailable(): string | undefined {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'redis-server is not installed (apt-get install -y redis-server)';
  }
}

export async function startRedis(port?: number): Promise<RedisProcess> {
  const chosen = port ?? (await freePort());
  let log = '';
  const child = spawn(
    'redis-server',
    ['--port', String(chosen), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  await waitFor(
    () => Promise.resolve(log.includes('Ready to accept connections')),
    'redis-server',
    10_000,
    child,
    () => log,
  );
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    async stop() {
      if (child.exitCode !== null) {
        return;
      }
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
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
