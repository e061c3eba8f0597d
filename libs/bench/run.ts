import autocannon from 'autocannon';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { CausewayClient, type IngestAnswer } from '../client/index.js';
import { programPeriod } from '../demo/index.js';
import type { BaselineTiming } from './engine.main.js';
import { inParallel, ingestBatches, type IngestBatch } from './ingest-sample.js';
import { CHEAP_QUERY, MEASURES } from './measures.js';
import { BENCH_DAYS, BENCH_START, BENCH_TENANT, INGEST_CLIENTS, type BenchPlan } from './plan.js';
import { BENCH_ADMIN_KEY, runEngine, startApi, startRedis, type ApiChild } from './processes.js';
import type { StreamCounts } from './store.js';
import { median, percentile } from './timing.js';

/** Everything one run measured. */
export interface BenchResults {
  plan: BenchPlan;
  startedAt: Date;
  engineVersion: string;
  store: { counts: StreamCounts; reused: boolean; buildSeconds: number };
  ingest: {
    rows: number;
    apiRowsPerSecond: number;
    handRowsPerSecond: number;
    /** Until every row is stored (the queue drained), or undefined without redis-server. */
    redisRowsPerSecond?: number;
    apiPeakRss: number;
    redisApiPeakRss?: number;
  };
  queries: { name: string; medianMs: number; runsMs: number[]; baseline: BaselineTiming }[];
  /** The same liftReport asked again and again with the answer cache on, after a first miss. */
  cachedRead: CachedRead;
  queriesPeakRss: number;
  concurrency: { p50Ms: number; p99Ms: number; requests: number; errors: number; non2xx: number };
  /** The machine's 15-minute load average at the end: other work shares these cores. */
  loadAverage: number;
}

/** Times of the cached read: the first (computed) and the repeated ones (from memory). */
export interface CachedRead {
  missMs: number;
  reads: number;
  p50Ms: number;
  p99Ms: number;
}

/** Reads of the cached-read row after its first, computed one. */
export const CACHED_READS = 50;

type Say = (line: string) => void;

async function mintKey(url: string): Promise<string> {
  const admin = new CausewayClient(url, BENCH_ADMIN_KEY);
  const data = await admin.graphql<{ createApiKey: { key: string } }>(
    `mutation { createApiKey(tenantId: "${BENCH_TENANT}", scopes: [INGEST, READ]) { key } }`,
  );
  return data.createApiKey.key;
}

/** POST /v1/ingest/{stream} with each body as it is (bytes), 4 requests at a time. */
async function sendBatches(url: string, key: string, batches: IngestBatch[]): Promise<number> {
  let accepted = 0;
  await inParallel(batches, INGEST_CLIENTS, async (batch) => {
    const response = await fetch(`${url}/v1/ingest/${batch.stream}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${key}` },
      body: batch.body,
    });
    const answer = (await response.json()) as IngestAnswer & { message?: string };
    if (!response.ok || answer.rejected > 0) {
      throw new Error(
        `ingest ${batch.stream} answered ${response.status}: ${answer.message ?? JSON.stringify(answer.errors.slice(0, 2))}`,
      );
    }
    accepted += answer.accepted;
  });
  return accepted;
}

async function storedTotal(client: CausewayClient): Promise<number> {
  const data = await client.graphql<{ storedRows: { rows: number }[] }>('{ storedRows { rows } }');
  return data.storedRows.reduce((sum, r) => sum + r.rows, 0);
}

/** Ingest through the API into a scratch store: rows per second, and the API's peak RSS. */
async function apiIngest(
  plan: BenchPlan,
  batches: IngestBatch[],
  baseEnv: NodeJS.ProcessEnv,
  redisUrl: string | undefined,
  expectedStored: number | undefined,
): Promise<{ rowsPerSecond: number; peakRss: number; stored: number }> {
  const dataDir = join(plan.scratchDir, redisUrl === undefined ? 'api' : 'api-redis');
  rmSync(dataDir, { recursive: true, force: true });
  const api: ApiChild = await startApi(
    dataDir,
    baseEnv,
    redisUrl === undefined ? {} : { REDIS_URL: redisUrl },
  );
  try {
    const key = await mintKey(api.url);
    const client = new CausewayClient(api.url, key);
    const started = performance.now();
    const accepted = await sendBatches(api.url, key, batches);
    let stored = await storedTotal(client);
    // With Redis the answer means "queued"; the clock stops when the worker has stored it all.
    while (expectedStored !== undefined && stored < expectedStored) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stored = await storedTotal(client);
    }
    const seconds = (performance.now() - started) / 1000;
    return { rowsPerSecond: accepted / seconds, peakRss: api.peakRss(), stored };
  } finally {
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function timeQueries(
  client: CausewayClient,
  plan: BenchPlan,
  period: { from: string; to: string },
  baselines: BaselineTiming[],
  say: Say,
): Promise<BenchResults['queries']> {
  const results: BenchResults['queries'] = [];
  for (const measure of MEASURES) {
    const runsMs: number[] = [];
    for (let run = 0; run < plan.repeats; run++) {
      const started = performance.now();
      await client.graphql(measure.query, period);
      runsMs.push(performance.now() - started);
    }
    const baseline = baselines.find((b) => b.name === measure.name);
    if (baseline === undefined) {
      throw new Error(`no baseline for ${measure.name}`);
    }
    results.push({ name: measure.name, medianMs: median(runsMs), runsMs, baseline });
    say(
      `${measure.name}: ${median(runsMs).toFixed(0)} ms (baseline ${baseline.medianMs.toFixed(0)} ms)`,
    );
  }
  return results;
}

/**
 * The cached read: liftReport over the period once (a miss: computed), then CACHED_READS times
 * again with nothing written between (hits: answered from memory), each timed through GraphQL.
 */
async function timeCachedRead(
  client: CausewayClient,
  period: { from: string; to: string },
): Promise<CachedRead> {
  const lift = MEASURES.find((measure) => measure.name === 'liftReport');
  if (lift === undefined) {
    throw new Error('no liftReport measure');
  }
  const timed = async () => {
    const started = performance.now();
    await client.graphql(lift.query, period);
    return performance.now() - started;
  };
  const missMs = await timed();
  const readsMs: number[] = [];
  for (let read = 0; read < CACHED_READS; read++) {
    readsMs.push(await timed());
  }
  return {
    missMs,
    reads: readsMs.length,
    p50Ms: percentile(readsMs, 50),
    p99Ms: percentile(readsMs, 99),
  };
}

async function concurrency(url: string, key: string, plan: BenchPlan) {
  const result = await autocannon({
    url: `${url}/graphql`,
    method: 'POST',
    connections: plan.concurrencyClients,
    duration: plan.concurrencySeconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: CHEAP_QUERY }),
  });
  return {
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/**
 * `causeway bench`: builds (or reuses) the measured store and the baselines in the engine process,
 * then measures the queries, memory and concurrency against the API as a child process on that
 * store, then the ingest comparison on scratch stores.
 */
export async function runBenchmark(
  plan: BenchPlan,
  baseEnv: NodeJS.ProcessEnv,
  say: Say,
): Promise<BenchResults> {
  const startedAt = new Date();
  const periodDates = programPeriod({ start: BENCH_START, days: BENCH_DAYS });
  const period = { from: periodDates.from.toISOString(), to: periodDates.to.toISOString() };
  const sqlPeriod = {
    from: period.from.replace('T', ' ').replace('Z', ''),
    to: period.to.replace('T', ' ').replace('Z', ''),
  };

  const store = await runEngine({ task: 'store', plan, period: sqlPeriod }, baseEnv);
  if (store.task !== 'store') {
    throw new Error('unexpected engine answer');
  }
  say(`store: ${JSON.stringify(store.marker.counts)}`);

  say('queries: starting the API on the store');
  // the measures time computed answers: asked five times alike, they would otherwise be answered
  // from memory from the second time on (the cached read below times that)
  const api = await startApi(plan.storeDir, baseEnv, { RESULT_CACHE_MB: '0' });
  let queries: BenchResults['queries'];
  let concurrencyResult: BenchResults['concurrency'];
  let queriesPeakRss: number;
  try {
    const key = await mintKey(api.url);
    const client = new CausewayClient(api.url, key);
    queries = await timeQueries(client, plan, period, store.baselines, say);
    say(`concurrency: ${plan.concurrencyClients} clients for ${plan.concurrencySeconds} s`);
    concurrencyResult = await concurrency(api.url, key, plan);
    queriesPeakRss = api.peakRss();
  } finally {
    await api.stop();
  }

  say('cached read: starting the API on the store with the answer cache on');
  const cachingApi = await startApi(plan.storeDir, baseEnv);
  let cachedRead: CachedRead;
  try {
    cachedRead = await timeCachedRead(
      new CausewayClient(cachingApi.url, await mintKey(cachingApi.url)),
      period,
    );
    say(
      `cached read: first ${cachedRead.missMs.toFixed(0)} ms, then p50 ${cachedRead.p50Ms.toFixed(1)} ms, p99 ${cachedRead.p99Ms.toFixed(1)} ms`,
    );
  } finally {
    await cachingApi.stop();
  }

  say(`ingest: preparing the rows of ${plan.ingestPersons.toLocaleString('en')} persons`);
  const batches = ingestBatches(plan);
  const rows = batches.reduce((sum, b) => sum + b.lines, 0);
  const hand = await runEngine(
    { task: 'hand-load', plan, dataDir: join(plan.scratchDir, 'hand') },
    baseEnv,
  );
  if (hand.task !== 'hand-load') {
    throw new Error('unexpected engine answer');
  }
  say(`ingest: hand-written loader ${Math.round(hand.rowsPerSecond).toLocaleString('en')} rows/s`);
  const inline = await apiIngest(plan, batches, baseEnv, undefined, undefined);
  say(`ingest: API ${Math.round(inline.rowsPerSecond).toLocaleString('en')} rows/s`);
  const redis = await startRedis();
  let queued: { rowsPerSecond: number; peakRss: number } | undefined;
  if (redis === undefined) {
    say('ingest: redis-server is not installed; the Redis path is not measured');
  } else {
    try {
      queued = await apiIngest(plan, batches, baseEnv, redis.url, inline.stored);
      say(`ingest: API with Redis ${Math.round(queued.rowsPerSecond).toLocaleString('en')} rows/s`);
    } finally {
      await redis.stop();
    }
  }
  rmSync(plan.scratchDir, { recursive: true, force: true });

  return {
    plan,
    startedAt,
    engineVersion: store.engineVersion,
    store: {
      counts: store.marker.counts,
      reused: store.reused,
      buildSeconds: store.marker.buildSeconds,
    },
    ingest: {
      rows,
      apiRowsPerSecond: inline.rowsPerSecond,
      handRowsPerSecond: hand.rowsPerSecond,
      redisRowsPerSecond: queued?.rowsPerSecond,
      apiPeakRss: inline.peakRss,
      redisApiPeakRss: queued?.peakRss,
    },
    queries,
    cachedRead,
    queriesPeakRss,
    concurrency: concurrencyResult,
    loadAverage: loadavg()[2],
  };
}
