import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Readiness } from '../libs/health/health.service.js';
import { redisDurabilityWarnings } from '../libs/queue/redis-durability.js';
import {
  outputLines,
  redisAvailable,
  requirePart,
  startApi,
  startRedis,
  type ApiProcess,
  type RedisProcess,
} from './support/processes.js';

// A queued batch is acknowledged once Redis holds it: a Redis that evicts keys or keeps nothing on
// disk can lose it, so the API says so at start-up, naming the setting and what to set.

const EVICTION =
  'Redis maxmemory-policy is allkeys-lru: when Redis reaches maxmemory it may evict queued ' +
  'batches that were acknowledged as durable; set maxmemory-policy noeviction';
const NOTHING_ON_DISK =
  'Redis keeps nothing on disk (appendonly no, no save points): a Redis restart loses the queued ' +
  'batches not yet stored, though they were acknowledged; set appendonly yes';

(requirePart(redisAvailable()) ? describe : describe.skip)('Redis durability at start-up', () => {
  const directory = mkdtempSync(join(tmpdir(), 'causeway-redis-durability-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  /**
   * The API's warnings about Redis, from its start until it has said `count` or 5 s passed; /readyz
   * says the same beside its Redis check, which stays ok.
   */
  async function redisWarnings(settings: string[], count: number): Promise<string[]> {
    const redis: RedisProcess = await startRedis(undefined, ['--dir', directory, ...settings]);
    let api: ApiProcess | undefined;
    try {
      api = await startApi({ REDIS_URL: redis.url });
      const said = await outputLines(api, count, (lines) =>
        lines
          .filter((line) => line.includes('RedisDurabilityCheck'))
          .map((line) => (JSON.parse(line) as { msg: string }).msg),
      );
      const ready = await fetch(`${api.url}/readyz`);
      expect([ready.status, ((await ready.json()) as Readiness).checks.redis]).toEqual([
        200,
        { ok: true, detail: ['reachable', ...said].join('; ') },
      ]);
      return said;
    } finally {
      await api?.dispose();
      await redis.stop();
    }
  }

  it('warns of a Redis that may evict queued batches and keeps none on disk', async () => {
    expect(await redisWarnings(['--maxmemory-policy', 'allkeys-lru'], 2)).toEqual([
      EVICTION,
      NOTHING_ON_DISK,
    ]);
  });

  it('warns of snapshots alone, naming the save points', async () => {
    expect(await redisWarnings(['--save', '3600 1'], 1)).toEqual([
      'Redis writes only snapshots (appendonly no, save "3600 1"): a Redis restart loses the ' +
        'batches acknowledged since the last one; set appendonly yes',
    ]);
  });

  it('says nothing of a Redis that keeps what it holds', async () => {
    // waits the whole 5 s for a warning that must not come
    expect(
      await redisWarnings(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction'], 1),
    ).toEqual([]);
  });

  it('reads the policy and the append-only file from INFO where CONFIG is refused', async () => {
    const settings = ['--rename-command', 'CONFIG', '', '--maxmemory-policy', 'volatile-lru'];
    expect(await redisWarnings(settings, 2)).toEqual([
      EVICTION.replace('allkeys-lru', 'volatile-lru'),
      'Redis writes no append-only file (appendonly no, read from INFO; its save points could not ' +
        'be read): a Redis restart loses the queued batches not yet on disk, though they were ' +
        'acknowledged; set appendonly yes',
    ]);
  });

  it('says the settings could not be checked where CONFIG and INFO are refused', async () => {
    // BullMQ itself reads INFO as it connects, so this Redis is asked directly
    const redis = await startRedis(undefined, [
      ...['--rename-command', 'CONFIG', '', '--rename-command', 'INFO', ''],
    ]);
    // ioredis reads INFO to know when the server is ready: not here
    const client = new Redis(redis.url, { enableReadyCheck: false });
    try {
      const said = await redisDurabilityWarnings(client);
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(
        /^Redis durability could not be checked \(CONFIG GET was refused: .*unknown command.*\): queued batches are acknowledged once Redis holds them, so make sure it runs with maxmemory-policy noeviction and appendonly yes$/,
      );
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });
});
