import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { API_NODE_FLAGS } from '../platform/index.js';
import { projectRoot } from '../storage/index.js';
import type { EngineAnswer, EngineTask } from './engine.main.js';

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `check` every 100 ms until it holds; fails when `child` exits first or `timeoutMs` passes,
 * quoting the child's `output` when given.
 */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  child: ChildProcess,
  { timeoutMs = 120_000, output }: { timeoutMs?: number; output?: () => string } = {},
): Promise<void> {
  const quoted = () => (output === undefined ? '' : `:\n${output()}`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${what} exited with ${child.exitCode}${quoted()}`);
    }
    if (await check().catch(() => false)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not become ready in ${timeoutMs / 1000} s${quoted()}`);
}

/** Stops `child` with `signal`; answers its exit code (null when a signal ended it). */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return child.exitCode;
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  child.kill(signal);
  return exited;
}

/** Resident memory of a process from /proc: now (VmRSS) and its peak so far (VmHWM), in bytes. */
export function residentMemory(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kib('VmRSS') * 1024, peak: kib('VmHWM') * 1024 };
  } catch {
    return undefined;
  }
}

/** The API as a child process (the built app as production runs it) on one store. */
export interface ApiChild {
  url: string;
  pid: number;
  /** Highest resident memory seen (VmHWM, else the highest VmRSS sampled), in bytes. */
  peakRss(): number;
  /**
   * Starts the next peakRss from the memory now (Linux resets VmHWM when 5 is written to
   * clear_refs); the run's overall peak is kept apart (overallPeakRss).
   */
  resetPeakRss(): void;
  /** The resident memory when the peak was last reset (0 before any reset), in bytes. */
  rssAtReset(): number;
  /** Highest resident memory seen since the start, across resets, in bytes. */
  overallPeakRss(): number;
  stop(): Promise<void>;
}

export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

export async function startApi(
  dataDir: string,
  baseEnv: NodeJS.ProcessEnv,
  extra: Record<string, string> = {},
): Promise<ApiChild> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...API_NODE_FLAGS, `${projectRoot()}/dist/apps/api/main.js`],
    {
      cwd: projectRoot(),
      env: {
        ...baseEnv,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        HOST: '127.0.0.1',
        CAUSEWAY_DATA_DIR: dataDir,
        CAUSEWAY_ADMIN_KEY: BENCH_ADMIN_KEY,
        // production refuses the default pepper; the bench's keys live as long as its store
        CAUSEWAY_KEY_PEPPER:
          baseEnv.CAUSEWAY_KEY_PEPPER ?? 'bench-pepper-0123456789abcdef0123456789',
        // the run measures throughput; the per-key limits (429 past 1,200 reads a minute) would
        // measure the limiter instead
        RATE_LIMIT_QUERY: '0',
        RATE_LIMIT_INGEST: '0',
        // the trend facts are built when the run asks (see Measure.facts), not in the background of
        // another measure
        TREND_FACTS_EVERY_MS: '0',
        ...extra,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error('the API process did not start');
  }
  let sampled = 0;
  let overall = 0;
  let atReset = 0;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, residentMemory(pid)?.rss ?? 0);
  }, 50);
  const peakRss = () => Math.max(sampled, residentMemory(pid)?.peak ?? 0);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${url}/healthz`)).ok, 'the API', child);
  } catch (error) {
    clearInterval(sampler);
    await stopChild(child);
    throw error;
  }
  return {
    url,
    pid,
    peakRss,
    resetPeakRss() {
      overall = Math.max(overall, peakRss());
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
      sampled = residentMemory(pid)?.rss ?? 0;
      atReset = sampled;
    },
    rssAtReset: () => atReset,
    overallPeakRss: () => Math.max(overall, peakRss()),
    async stop() {
      clearInterval(sampler);
      await stopChild(child);
    },
  };
}

/** Runs one task in the engine process and answers its result. */
export function runEngine(task: EngineTask, baseEnv: NodeJS.ProcessEnv): Promise<EngineAnswer> {
  const entry = fileURLToPath(new URL('./engine.main.js', import.meta.url));
  const child = fork(entry, [], { cwd: projectRoot(), env: baseEnv, stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    let answered = false;
    child.once('message', (message: { ok: boolean; answer?: EngineAnswer; error?: string }) => {
      answered = true;
      if (message.ok && message.answer !== undefined) {
        resolve(message.answer);
      } else {
        reject(new Error(`bench engine: ${message.error ?? 'no answer'}`));
      }
    });
    child.once('exit', (code) => {
      if (!answered) {
        reject(new Error(`bench engine exited with ${code} before answering`));
      }
    });
    child.send(task);
  });
}

/** Why no redis-server can be started here, or undefined when one can. */
export function redisAvailable(): string | undefined {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'redis-server is not installed (apt-get install -y redis-server)';
  }
}

/** A redis-server of our own, keeping nothing on disk. */
export interface RedisChild {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * A redis-server on `port` (a free one when not given), or undefined when none is installed;
 * `settings` (such as `--maxmemory-policy allkeys-lru`) come after the defaults and override them.
 */
export async function startRedis(
  port?: number,
  settings: readonly string[] = [],
): Promise<RedisChild | undefined> {
  if (redisAvailable() !== undefined) {
    return undefined;
  }
  const chosen = port ?? (await freePort());
  let log = '';
  const child = spawn(
    'redis-server',
    [
      ...['--port', String(chosen), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
      ...settings,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  await waitFor(
    () => Promise.resolve(log.includes('Ready to accept connections')),
    'redis-server',
    child,
    { timeoutMs: 10_000, output: () => log },
  );
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    async stop() {
      await stopChild(child);
    },
  };
}
