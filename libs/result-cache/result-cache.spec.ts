import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { z } from 'zod';
import { loadConfig } from '../config/index.js';
import { MetricsService } from '../observability/index.js';
import {
  DataVersions,
  MemoryDataVersions,
  StoreDataVersions,
  type ClickHouseService,
} from '../storage/index.js';
import { storeForSuite } from '../storage/testing.js';
import { deferred } from '../testing/index.js';
import { RETAINED_ANSWER_MAX_AGE_MS, ResultCache, type AnswerKey } from './result-cache.service.js';

/** A cache of `megabytes` over `versions`, with metrics of its own. */
function cacheOf(
  megabytes: number,
  versions: DataVersions = new MemoryDataVersions(),
  env: Record<string, string> = {},
) {
  const metrics = new MetricsService();
  const config = loadConfig({ RESULT_CACHE_MB: String(megabytes), ...env });
  return { cache: new ResultCache(config, versions, metrics), metrics, versions };
}

/** A counter or gauge of the cache as /metrics shows it (0 when not shown). */
async function metric(metrics: MetricsService, name: string, query?: string): Promise<number> {
  const text = await metrics.render();
  const labels = query === undefined ? '' : `\\{query="${query}"\\}`;
  const found = new RegExp(`^causeway_result_cache_${name}${labels} (\\d+)$`, 'm').exec(text);
  return found === null ? 0 : Number(found[1]);
}

/** `compute` for an answer that counts how often it was computed. */
function counted<T>(answer: () => T) {
  const runs = { count: 0 };
  return { runs, compute: () => Promise.resolve((runs.count++, answer())) };
}

const key = (tenantId: string, args: unknown = {}, query = 'liftReport'): AnswerKey => ({
  tenantId,
  query,
  args,
});

describe('ResultCache', () => {
  it('answers again from memory until the tenant writes, and leaves other tenants alone', async () => {
    const { cache, metrics, versions } = cacheOf(64);
    const north = counted(() => [{ triggerId: 'welcome', at: new Date(0), rate: 0.5 }]);
    const south = counted(() => [{ triggerId: 'welcome', at: new Date(0), rate: 0.25 }]);
    const first = await cache.answer(key('north'), north.compute);
    const again = await cache.answer(key('north'), north.compute);
    expect(again).toBe(first);
    await cache.answer(key('south'), south.compute);
    expect([north.runs.count, south.runs.count]).toEqual([1, 1]);

    await versions.bump('north');
    await cache.answer(key('north'), north.compute);
    await cache.answer(key('south'), south.compute);
    expect([north.runs.count, south.runs.count]).toEqual([2, 1]);
    expect(await metric(metrics, 'hits_total', 'liftReport')).toBe(2);
    expect(await metric(metrics, 'misses_total', 'liftReport')).toBe(3);
  });

  it("lets go of a tenant's answers once a write moves its version, and keeps other tenants'", async () => {
    const { cache, metrics, versions } = cacheOf(64);
    const timeline = counted(() => [{ id: 's1', personId: 'p1' }]);
    await cache.answer(key('north', { personId: 'p1' }, 'personTimeline'), timeline.compute);
    await cache.answer(key('north'), () => Promise.resolve('lift'));
    await cache.answer(key('south'), () => Promise.resolve('lift'));
    expect(await metric(metrics, 'entries')).toBe(3);
    // an erasure is such a write: nothing it deleted is kept in memory once it answers
    await versions.writing('north', () => Promise.resolve());
    expect(await metric(metrics, 'entries')).toBe(1);
    await cache.answer(key('north', { personId: 'p1' }, 'personTimeline'), timeline.compute);
    expect(timeline.runs.count).toBe(2);
    expect(await metric(metrics, 'entries')).toBe(2);
  });

  it('keys arguments by their values, whatever their order, and queries apart', async () => {
    const { cache } = cacheOf(64);
    const answer = counted(() => 'lift');
    const from = new Date('2026-10-01T00:00:00Z');
    await cache.answer(
      key('t', { from, to: new Date(from.getTime() + 1), cuped: false }),
      answer.compute,
    );
    await cache.answer(
      key('t', { cuped: false, to: new Date(from.getTime() + 1), from }),
      answer.compute,
    );
    expect(answer.runs.count).toBe(1);
    await cache.answer(
      key('t', { from, to: new Date(from.getTime() + 2), cuped: false }),
      answer.compute,
    );
    await cache.answer(
      key('t', { from, to: new Date(from.getTime() + 1), cuped: true }),
      answer.compute,
    );
    await cache.answer(
      key('t', { from, to: new Date(from.getTime() + 1), cuped: false }, 'guardrails'),
      answer.compute,
    );
    expect(answer.runs.count).toBe(4);
  });

  it('evicts the least recently used answer past RESULT_CACHE_MB, and keeps none too large', async () => {
    // about 1 kB an answer: three fit in 3,500 bytes, four do not
    const { cache, metrics } = cacheOf(3500 / (1024 * 1024));
    const runs: Record<string, number> = {};
    const ask = (name: string, size = 1000) =>
      cache.answer(key('t', { name }), () => {
        runs[name] = (runs[name] ?? 0) + 1;
        return Promise.resolve(name.repeat(size));
      });
    await ask('a');
    await ask('b');
    await ask('c');
    await ask('a'); // a is now the most recently used, b the least
    await ask('d');
    expect(await metric(metrics, 'evictions_total', 'liftReport')).toBe(1);
    await ask('a');
    await ask('c');
    await ask('d');
    expect(runs).toEqual({ a: 1, b: 1, c: 1, d: 1 });
    await ask('b');
    expect(runs.b).toBe(2);
    const bytes = await metric(metrics, 'bytes');
    expect(bytes).toBeGreaterThan(3000);
    expect(bytes).toBeLessThanOrEqual(3500);
    expect(await metric(metrics, 'entries')).toBe(3);

    // larger than the whole bound: computed every time, and nothing else is pushed out
    await ask('huge', 5000);
    await ask('huge', 5000);
    expect(runs.huge).toBe(2);
    expect(await metric(metrics, 'entries')).toBe(3);
    expect(await metric(metrics, 'evictions_total', 'liftReport')).toBe(2);
  });

  it('keeps nothing with RESULT_CACHE_MB=0', async () => {
    const { cache, metrics } = cacheOf(0);
    const answer = counted(() => 'lift');
    await cache.answer(key('t'), answer.compute);
    await cache.answer(key('t'), answer.compute);
    expect(answer.runs.count).toBe(2);
    expect(cache.enabled).toBe(false);
    expect(await metric(metrics, 'misses_total', 'liftReport')).toBe(0);
  });

  it('does not let a computation at an older version replace one at a newer', async () => {
    const { cache, versions } = cacheOf(64);
    const slow = deferred<string>();
    // asked before the write, answered after it
    const before = cache.answer(key('t'), () => slow.promise);
    await new Promise((resolve) => setImmediate(resolve));
    await versions.bump('t');
    expect(await cache.answer(key('t'), () => Promise.resolve('after the write'))).toBe(
      'after the write',
    );
    slow.resolve('before the write');
    expect(await before).toBe('before the write');
    const answer = counted(() => 'computed again');
    expect(await cache.answer(key('t'), answer.compute)).toBe('after the write');
    expect(answer.runs.count).toBe(0);
  });

  it('keeps an answer at most an hour when a stream has a retention, else until a write', async () => {
    const realNow = performance.now.bind(performance);
    let skippedMs = 0;
    const clock = jest.spyOn(performance, 'now').mockImplementation(() => realNow() + skippedMs);
    // the cache reads the clock at most once a millisecond
    const skip = async (ms: number) => {
      skippedMs = ms;
      await new Promise((resolve) => setTimeout(resolve, 5));
    };
    try {
      const retaining = cacheOf(64, undefined, { RETENTION_DAYS_SIGNALS: '30' }).cache;
      const keeping = cacheOf(64).cache;
      const retained = counted(() => 'lift');
      const kept = counted(() => 'lift');
      await retaining.answer(key('t'), retained.compute);
      await keeping.answer(key('t'), kept.compute);
      await skip(RETAINED_ANSWER_MAX_AGE_MS - 60_000);
      await retaining.answer(key('t'), retained.compute);
      expect(retained.runs.count).toBe(1);
      await skip(RETAINED_ANSWER_MAX_AGE_MS + 60_000);
      await retaining.answer(key('t'), retained.compute);
      await keeping.answer(key('t'), kept.compute);
      expect([retained.runs.count, kept.runs.count]).toEqual([2, 1]);
    } finally {
      clock.mockRestore();
    }
  });

  it('does not keep a failed computation', async () => {
    const { cache } = cacheOf(64);
    await expect(
      cache.answer(key('t'), () => Promise.reject(new Error('engine unavailable'))),
    ).rejects.toThrow('engine unavailable');
    expect(await cache.answer(key('t'), () => Promise.resolve('answered'))).toBe('answered');
  });
});

describe('ResultCache over versions kept in a shared store (API and worker apart)', () => {
  const store = storeForSuite();
  let clickhouse: ClickHouseService;

  beforeAll(() => {
    clickhouse = store.clickhouse;
  });

  it("answers again until another process writes the tenant's rows", async () => {
    // each process reads and writes versions through its own instance: nothing shared in memory
    const api = cacheOf(64, new StoreDataVersions(clickhouse));
    const worker = new StoreDataVersions(clickhouse);
    const count = async (tenantId: string) => {
      const [row] = await clickhouse.query({
        tag: 'test.count',
        sql: 'SELECT count() AS n FROM outcomes FINAL WHERE tenant_id = {tenantId:String}',
        params: { tenantId },
        row: z.object({ n: z.number() }),
      });
      return row.n;
    };
    const write = (tenantId: string, id: string) =>
      worker.writing(tenantId, () =>
        clickhouse.insert({
          table: 'outcomes',
          tag: 'test.outcome',
          rows: [
            {
              tenant_id: tenantId,
              outcome_id: id,
              person_id: 'p1',
              type: 'purchase',
              occurred_at: '2026-10-02 10:00:00.000',
              received_at: '2026-10-02 10:00:01.000',
            },
          ],
        }),
      );
    await write('north', 'o1');
    await write('south', 'o1');
    const ask = (tenantId: string) => api.cache.answer(key(tenantId), () => count(tenantId));
    expect([await ask('north'), await ask('north'), await ask('south')]).toEqual([1, 1, 1]);
    await write('north', 'o2');
    expect([await ask('north'), await ask('south')]).toEqual([2, 1]);
    expect(await metric(api.metrics, 'hits_total', 'liftReport')).toBe(2);
    expect(await metric(api.metrics, 'misses_total', 'liftReport')).toBe(3);
  });
});
