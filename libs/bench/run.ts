import autocannon from 'autocannon';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { CausewayClient, type IngestAnswer } from '../client/index.js';
import { programPeriod } from '../demo/index.js';
import type { BaselineTiming } from './engine.main.js';
import {
  inParallel,
  readSample,
  sampleRows,
  writePythonSample,
  writeStringifySample,
  writeUnknownFieldSample,
  type IngestBatch,
  type IngestSample,
  type SampleDialect,
} from './ingest-sample.js';
import { CHEAP_QUERY, MEASURES, measuresOf, type Measure } from './measures.js';
import {
  BENCH_DAYS,
  BENCH_EXPORTS,
  BENCH_START,
  BENCH_TENANT,
  EXPORT_RUNS,
  IMPORT_RUNS,
  INGEST_CLIENTS,
  INGEST_ROUNDS,
  RELATIVE_PAIRS,
  type BenchPlan,
} from './plan.js';
import { BENCH_ADMIN_KEY, runEngine, startApi, startRedis, type ApiChild } from './processes.js';
import type { ParquetFile } from './parquet-sample.js';
import type { StreamCounts } from './store.js';
import { median, percentile } from './timing.js';

/** Everything one run measured. */
export interface BenchResults {
  plan: BenchPlan;
  startedAt: Date;
  engineVersion: string;
  store: { counts: StreamCounts; reused: boolean; buildSeconds: number };
  /** Absent when the run measured no ingest (`--only` with queries). */
  ingest?: {
    /** The same rows in each way of writing them, each beside the hand loader of its own lines. */
    dialects: IngestDialectResult[];
    /** JSON.stringify's lines through Redis, until every row is stored; undefined without Redis. */
    redisRowsPerSecond?: number;
    redisApiPeakRss?: number;
    /**
     * JSON.stringify's rows as Parquet files written by ClickHouse, to POST /v1/import: the median
     * of the runs' rows per second, each run on an empty store.
     */
    parquet: {
      rows: number;
      files: number;
      rowsPerSecond: number;
      runs: number[];
      apiPeakRss: number;
    };
  };
  queries: QueryTiming[];
  /** The same liftReport asked again and again with the answer cache on, after a first miss. */
  cachedRead?: CachedRead;
  /** Absent when no measure was timed. */
  queriesPeakRss?: number;
  concurrency?: { p50Ms: number; p99Ms: number; requests: number; errors: number; non2xx: number };
  /** The BI exports (BENCH_EXPORTS), after the concurrency test; absent when not timed. */
  exports?: ExportTiming[];
  /** The machine's 15-minute load average at the end: other work shares these cores. */
  loadAverage: number;
}

/** A measure through the API: its median and runs, and its baseline. */
export interface QueryTiming {
  name: string;
  medianMs: number;
  runsMs: number[];
  baseline: BaselineTiming;
  /**
   * The API's peak RSS during its runs (the peak was reset before them), and its RSS then: memory
   * an earlier measure left with the process counts in both.
   */
  peakRss: number;
  startRss: number;
  /**
   * For a variant of another measure (Measure.relativeTo): that measure's runs, alternated with
   * this one's in the same block, which the variant's ratio is taken against.
   */
  alternated?: { measure: string; runsMs: number[] };
  /** For a measure answered from built facts (Measure.facts): the runs before, and the build. */
  facts?: {
    streamsMedianMs: number;
    streamsRunsMs: number[];
    streamsPeakRss: number;
    streamsStartRss: number;
    buildSeconds: number;
  };
}

/** A BI export read through the API, as CSV: its runs and the API's memory meanwhile. */
export interface ExportTiming {
  dataset: string;
  /** The days of the period it covers: its last `days` days. */
  days: number;
  medianMs: number;
  runsMs: number[];
  /** Data rows of the file (its header left out). */
  rows: number;
  /** The API's peak RSS during the runs (reset before them), and its RSS then. */
  peakRss: number;
  startRss: number;
}

/** One row of the ingest comparison, or why its lines could not be made. */
export type IngestDialectResult =
  | {
      dialect: SampleDialect;
      rows: number;
      /** The means over the rounds. */
      apiRowsPerSecond: number;
      handRowsPerSecond: number;
      /** Each round's rows per second, each side on an empty store (see INGEST_ROUNDS). */
      rounds: { api: number; hand: number }[];
      apiPeakRss: number;
    }
  | { dialect: SampleDialect; missing: string };

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

/** Runs `work` against the API on an empty scratch store (removed after), with its peak RSS. */
async function onScratchApi<T>(
  plan: BenchPlan,
  name: string,
  baseEnv: NodeJS.ProcessEnv,
  extra: Record<string, string>,
  work: (url: string, key: string) => Promise<T>,
): Promise<T & { peakRss: number }> {
  const dataDir = join(plan.scratchDir, name);
  rmSync(dataDir, { recursive: true, force: true });
  const api: ApiChild = await startApi(dataDir, baseEnv, extra);
  try {
    const result = await work(api.url, await mintKey(api.url));
    return { ...result, peakRss: api.peakRss() };
  } finally {
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Ingest through the API into a scratch store: rows per second, and the API's peak RSS. */
function apiIngest(
  plan: BenchPlan,
  batches: IngestBatch[],
  baseEnv: NodeJS.ProcessEnv,
  redisUrl: string | undefined,
  expectedStored: number | undefined,
): Promise<{ rowsPerSecond: number; peakRss: number; stored: number }> {
  const name = redisUrl === undefined ? 'api' : 'api-redis';
  const extra: Record<string, string> = redisUrl === undefined ? {} : { REDIS_URL: redisUrl };
  return onScratchApi(plan, name, baseEnv, extra, async (url, key) => {
    const client = new CausewayClient(url, key);
    const started = performance.now();
    const accepted = await sendBatches(url, key, batches);
    let stored = await storedTotal(client);
    // With Redis the answer means "queued"; the clock stops when the worker has stored it all.
    while (expectedStored !== undefined && stored < expectedStored) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stored = await storedTotal(client);
    }
    const seconds = (performance.now() - started) / 1000;
    return { rowsPerSecond: accepted / seconds, stored };
  });
}

/** POST /v1/import/{stream} with each Parquet file, 4 requests at a time: rows per second. */
function apiImport(
  plan: BenchPlan,
  files: ParquetFile[],
  baseEnv: NodeJS.ProcessEnv,
): Promise<{ rowsPerSecond: number; peakRss: number }> {
  return onScratchApi(plan, 'api-import', baseEnv, {}, async (url, key) => {
    // Read before the clock starts, as the NDJSON bodies are.
    const bodies = files.map((file) => ({ ...file, body: readFileSync(file.path) }));
    let accepted = 0;
    const started = performance.now();
    await inParallel(bodies, INGEST_CLIENTS, async (file) => {
      const response = await fetch(`${url}/v1/import/${file.stream}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/vnd.apache.parquet',
          authorization: `Bearer ${key}`,
        },
        body: file.body,
      });
      const answer = (await response.json()) as IngestAnswer & { message?: string };
      if (!response.ok || answer.rejected > 0 || answer.accepted !== file.rows) {
        throw new Error(
          `import ${file.stream} answered ${response.status}: ${answer.message ?? JSON.stringify(answer)}`,
        );
      }
      accepted += answer.accepted;
    });
    return { rowsPerSecond: accepted / ((performance.now() - started) / 1000) };
  });
}

async function timeQueries(
  client: CausewayClient,
  api: ApiChild,
  plan: BenchPlan,
  period: { from: string; to: string },
  baselines: BaselineTiming[],
  say: Say,
): Promise<BenchResults['queries']> {
  const timeOnce = async (query: string) => {
    const started = performance.now();
    await client.graphql(query, period);
    return performance.now() - started;
  };
  const timeRuns = async (query: string) => {
    api.resetPeakRss();
    const runsMs: number[] = [];
    for (let run = 0; run < plan.repeats; run++) {
      runsMs.push(await timeOnce(query));
    }
    return { runsMs, peakRss: api.peakRss(), startRss: api.rssAtReset() };
  };
  // A variant held to another measure (relativeTo) runs in pairs with it, each first in every
  // other pair: timed minutes apart, the two would also compare what the machine did meanwhile.
  const timeAlternated = async (query: string, other: Measure) => {
    api.resetPeakRss();
    const runsMs: number[] = [];
    const otherRunsMs: number[] = [];
    for (let run = 0; run < RELATIVE_PAIRS; run++) {
      if (run % 2 === 0) {
        otherRunsMs.push(await timeOnce(other.query));
        runsMs.push(await timeOnce(query));
      } else {
        runsMs.push(await timeOnce(query));
        otherRunsMs.push(await timeOnce(other.query));
      }
    }
    const alternated = { measure: other.name, runsMs: otherRunsMs };
    return { runsMs, peakRss: api.peakRss(), startRss: api.rssAtReset(), alternated };
  };
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  const measures = measuresOf(plan.parts);
  const results: BenchResults['queries'] = [];
  // first every measure as the data is now; those answered from facts read the streams, as until
  // the facts are built (one build serves them all)
  const streams = new Map<string, { runsMs: number[]; peakRss: number; startRss: number }>();
  for (const measure of measures) {
    const baseline = baselines.find((b) => b.name === measure.name);
    if (baseline === undefined) {
      throw new Error(`no baseline for ${measure.name}`);
    }
    const other = MEASURES.find((m) => m.name === measure.relativeTo?.measure);
    const timed =
      other === undefined
        ? await timeRuns(measure.query)
        : await timeAlternated(measure.query, other);
    if (measure.facts !== undefined) {
      streams.set(measure.name, timed);
      say(
        `${measure.name}: ${median(timed.runsMs).toFixed(0)} ms from the streams, peak RSS ${gib(timed.peakRss)}`,
      );
      continue;
    }
    results.push({ name: measure.name, medianMs: median(timed.runsMs), ...timed, baseline });
    say(
      `${measure.name}: ${median(timed.runsMs).toFixed(0)} ms (baseline ${baseline.medianMs.toFixed(0)} ms), ` +
        `peak RSS ${gib(timed.peakRss)}`,
    );
  }
  const build = measures.find((measure) => measure.facts !== undefined)?.facts;
  if (build === undefined) {
    return results;
  }
  const started = performance.now();
  await client.graphql(build.build);
  const buildSeconds = (performance.now() - started) / 1000;
  say(`${build.what} built in ${buildSeconds.toFixed(1)} s`);
  for (const measure of measures) {
    const before = streams.get(measure.name);
    const baseline = baselines.find((b) => b.name === measure.name);
    if (before === undefined || baseline === undefined) {
      continue;
    }
    const timed = await timeRuns(measure.query);
    const facts = {
      streamsMedianMs: median(before.runsMs),
      streamsRunsMs: before.runsMs,
      streamsPeakRss: before.peakRss,
      streamsStartRss: before.startRss,
      buildSeconds,
    };
    results.push({ name: measure.name, medianMs: median(timed.runsMs), ...timed, baseline, facts });
    say(
      `${measure.name}: ${median(timed.runsMs).toFixed(0)} ms from the ${build.what} ` +
        `(baseline ${baseline.medianMs.toFixed(0)} ms), peak RSS ${gib(timed.peakRss)}`,
    );
  }
  // in the order of the table
  return measures.flatMap((measure) => results.filter((r) => r.name === measure.name));
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

const rate = (rowsPerSecond: number) => `${Math.round(rowsPerSecond).toLocaleString('en')} rows/s`;

/** The lines of one sample through the hand-written loader: rows per second. */
async function handIngest(plan: BenchPlan, sample: IngestSample, baseEnv: NodeJS.ProcessEnv) {
  const hand = await runEngine(
    { task: 'hand-load', sample, dataDir: join(plan.scratchDir, 'hand') },
    baseEnv,
  );
  if (hand.task !== 'hand-load') {
    throw new Error('unexpected engine answer');
  }
  return hand.rowsPerSecond;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * The lines of one sample through the hand-written loader and through the API, in INGEST_ROUNDS
 * rounds: the loader first in the even rounds, the API first in the odd ones.
 */
async function dialectRow(
  plan: BenchPlan,
  sample: IngestSample,
  baseEnv: NodeJS.ProcessEnv,
  say: Say,
): Promise<{ result: IngestDialectResult; stored: number }> {
  const rounds: { api: number; hand: number }[] = [];
  let peakRss = 0;
  let stored = 0;
  for (let round = 0; round < INGEST_ROUNDS; round++) {
    const api = async () => {
      const measured = await apiIngest(plan, readSample(sample), baseEnv, undefined, undefined);
      say(`ingest (${sample.dialect}), round ${round + 1}: API ${rate(measured.rowsPerSecond)}`);
      peakRss = Math.max(peakRss, measured.peakRss);
      stored = measured.stored;
      return measured.rowsPerSecond;
    };
    const hand = async () => {
      const rowsPerSecond = await handIngest(plan, sample, baseEnv);
      say(
        `ingest (${sample.dialect}), round ${round + 1}: hand-written loader ${rate(rowsPerSecond)}`,
      );
      return rowsPerSecond;
    };
    if (round % 2 === 0) {
      const handRate = await hand();
      rounds.push({ hand: handRate, api: await api() });
    } else {
      const apiRate = await api();
      rounds.push({ api: apiRate, hand: await hand() });
    }
  }
  return {
    result: {
      dialect: sample.dialect,
      rows: sampleRows(sample),
      apiRowsPerSecond: mean(rounds.map((r) => r.api)),
      handRowsPerSecond: mean(rounds.map((r) => r.hand)),
      rounds,
      apiPeakRss: peakRss,
    },
    stored,
  };
}

/**
 * The ingest comparison on scratch stores: the same rows as JSON.stringify writes them, as
 * Python's json.dumps writes them (by python3 itself) and with a field no stream knows, each
 * against the hand-written loader of the same lines; JSON.stringify's lines through Redis; and the
 * same rows as Parquet files to the import route.
 */
async function ingestComparison(
  plan: BenchPlan,
  baseEnv: NodeJS.ProcessEnv,
  say: Say,
): Promise<BenchResults['ingest']> {
  say(`ingest: writing the rows of ${plan.ingestPersons.toLocaleString('en')} persons`);
  const samples = join(plan.scratchDir, 'samples');
  const stringify = writeStringifySample(plan, join(samples, 'stringify.ndjson'));
  const python = writePythonSample(stringify, join(samples, 'python.ndjson'));
  const unknownField = writeUnknownFieldSample(stringify, join(samples, 'unknown-field.ndjson'));

  const plain = await dialectRow(plan, stringify, baseEnv, say);
  const dialects: IngestDialectResult[] = [plain.result];
  if ('missing' in python) {
    say(`ingest (python): ${python.missing}; not measured`);
    dialects.push({ dialect: 'python', missing: python.missing });
  } else {
    dialects.push((await dialectRow(plan, python, baseEnv, say)).result);
  }
  dialects.push((await dialectRow(plan, unknownField, baseEnv, say)).result);

  const redis = await startRedis();
  let queued: { rowsPerSecond: number; peakRss: number } | undefined;
  if (redis === undefined) {
    say('ingest: redis-server is not installed; the Redis path is not measured');
  } else {
    try {
      queued = await apiIngest(plan, readSample(stringify), baseEnv, redis.url, plain.stored);
      say(`ingest: API with Redis ${rate(queued.rowsPerSecond)}`);
    } finally {
      await redis.stop();
    }
  }

  const written = await runEngine(
    {
      task: 'parquet',
      sample: stringify,
      dataDir: join(plan.scratchDir, 'parquet-engine'),
      dir: join(plan.scratchDir, 'parquet'),
    },
    baseEnv,
  );
  if (written.task !== 'parquet') {
    throw new Error('unexpected engine answer');
  }
  const runs: number[] = [];
  let importPeakRss = 0;
  for (let run = 0; run < IMPORT_RUNS; run++) {
    const imported = await apiImport(plan, written.files, baseEnv);
    say(`backfill, run ${run + 1}: Parquet to POST /v1/import ${rate(imported.rowsPerSecond)}`);
    runs.push(imported.rowsPerSecond);
    importPeakRss = Math.max(importPeakRss, imported.peakRss);
  }
  return {
    dialects,
    redisRowsPerSecond: queued?.rowsPerSecond,
    redisApiPeakRss: queued?.peakRss,
    parquet: {
      rows: sampleRows(stringify),
      files: written.files.length,
      rowsPerSecond: median(runs),
      runs,
      apiPeakRss: importPeakRss,
    },
  };
}

/**
 * Each BI export of BENCH_EXPORTS over the last days of the period, EXPORT_RUNS times, read to its
 * last byte as CSV (a file a BI user downloads, or a tool's scheduled pull).
 */
async function timeExports(
  api: ApiChild,
  key: string,
  period: { from: string; to: string },
  say: Say,
): Promise<ExportTiming[]> {
  const timings: ExportTiming[] = [];
  for (const { dataset, days } of BENCH_EXPORTS) {
    const to = new Date(period.to);
    const from = new Date(to.getTime() - days * 86_400_000);
    const url =
      `${api.url}/v1/export/${dataset}?format=csv` +
      `&from=${from.toISOString()}&to=${to.toISOString()}`;
    api.resetPeakRss();
    const runsMs: number[] = [];
    let rows = 0;
    for (let run = 0; run < EXPORT_RUNS; run++) {
      const started = performance.now();
      const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
      const body = await response.text();
      runsMs.push(performance.now() - started);
      if (!response.ok) {
        throw new Error(`export ${dataset}: ${response.status} ${body.slice(0, 300)}`);
      }
      rows = body.split('\n').filter((line) => line !== '').length - 1;
    }
    const timing = {
      dataset,
      days,
      medianMs: median(runsMs),
      runsMs,
      rows,
      peakRss: api.peakRss(),
      startRss: api.rssAtReset(),
    };
    timings.push(timing);
    say(`export ${dataset}, ${days} days: ${timing.medianMs.toFixed(0)} ms, ${rows} rows`);
  }
  return timings;
}

/**
 * The measures against the API on the measured store, its peak RSS, and (in a full run) the
 * concurrency test on the same process, then the BI exports. Nothing when the run times neither
 * a measure nor an export.
 */
async function timeServing(
  plan: BenchPlan,
  period: { from: string; to: string },
  baselines: BaselineTiming[],
  baseEnv: NodeJS.ProcessEnv,
  say: Say,
): Promise<Pick<BenchResults, 'queries' | 'queriesPeakRss' | 'concurrency' | 'exports'>> {
  const timesQueries = measuresOf(plan.parts).length > 0;
  if (!timesQueries && !plan.parts.exports) {
    return { queries: [] };
  }
  say('queries: starting the API on the store');
  // the measures time computed answers: asked five times alike, they would otherwise be answered
  // from memory from the second time on (the cached read times that); and each is timed to its
  // end, however slow the shared machine makes it, where REQUEST_TIMEOUT_MS would stop it
  const api = await startApi(plan.storeDir, baseEnv, {
    RESULT_CACHE_MB: '0',
    REQUEST_TIMEOUT_MS: '600000',
  });
  try {
    const key = await mintKey(api.url);
    const client = new CausewayClient(api.url, key);
    const queries = timesQueries
      ? await timeQueries(client, api, plan, period, baselines, say)
      : [];
    let concurrencyResult: BenchResults['concurrency'];
    if (plan.parts.serving) {
      say(`concurrency: ${plan.concurrencyClients} clients for ${plan.concurrencySeconds} s`);
      concurrencyResult = await concurrency(api.url, key, plan);
    }
    // read before the exports, which the queries' memory row does not cover
    const queriesPeakRss = timesQueries ? api.overallPeakRss() : undefined;
    const exports = plan.parts.exports ? await timeExports(api, key, period, say) : undefined;
    return { queries, queriesPeakRss, concurrency: concurrencyResult, exports };
  } finally {
    await api.stop();
  }
}

/** The cached read against an API with the answer cache on. */
async function timeCaching(
  plan: BenchPlan,
  period: { from: string; to: string },
  baseEnv: NodeJS.ProcessEnv,
  say: Say,
): Promise<CachedRead> {
  say('cached read: starting the API on the store with the answer cache on');
  const cachingApi = await startApi(plan.storeDir, baseEnv);
  try {
    const cachedRead = await timeCachedRead(
      new CausewayClient(cachingApi.url, await mintKey(cachingApi.url)),
      period,
    );
    say(
      `cached read: first ${cachedRead.missMs.toFixed(0)} ms, then p50 ${cachedRead.p50Ms.toFixed(1)} ms, p99 ${cachedRead.p99Ms.toFixed(1)} ms`,
    );
    return cachedRead;
  } finally {
    await cachingApi.stop();
  }
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

  const { queries, queriesPeakRss, concurrency, exports } = await timeServing(
    plan,
    period,
    store.baselines,
    baseEnv,
    say,
  );
  const cachedRead = plan.parts.serving ? await timeCaching(plan, period, baseEnv, say) : undefined;
  const ingest = plan.parts.ingest ? await ingestComparison(plan, baseEnv, say) : undefined;
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
    ingest,
    queries,
    cachedRead,
    queriesPeakRss,
    concurrency,
    exports,
    loadAverage: loadavg()[2],
  };
}
