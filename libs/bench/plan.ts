import { join, resolve } from 'node:path';

/** The benchmarked program at scale 1: 1M persons and about 10M firings over 30 days. */
export const FULL_SCALE_PERSONS = 1_000_000;

/**
 * The demo generator's `activity` that gives about 10 firings per person in 30 days, so 1M persons
 * make 10M firings. The generator ties the other streams to the same persons: per person about
 * 16 signals, 6.5 exposures, 1.5 outcomes and 4.35 consent events (measured, seed 42); the
 * benchmark reports the counts it stored.
 */
export const BENCH_ACTIVITY = 2.23;

/** Tenant whose rows the measured store holds. */
export const BENCH_TENANT = 'bench';

/** Rows per ingest request, and concurrent clients, as the benchmark's targets are stated for. */
export const INGEST_BATCH_LINES = 10_000;
export const INGEST_CLIENTS = 4;

/**
 * The two sides of an ingest comparison share two cores with the engine, and the same run moves by
 * up to 20% from one minute to the next. So each way of writing the lines is measured in four
 * rounds, loader then API in the even ones and API then loader in the odd ones, so that neither
 * side always comes first; each side's mean over the four is compared (with two rounds, one slow
 * minute decided a row: 0.75× in one run, 0.85–0.98× in five others). The Parquet import
 * (6 seconds a run) runs three times, its median reported.
 */
export const INGEST_ROUNDS = 4;
export const IMPORT_RUNS = 3;

/**
 * A variant held to another measure within 10% (Measure.relativeTo) runs in this many pairs with
 * it, each first in every other pair: the same statement moves by 15–20% from run to run on this
 * machine, so five runs of each could not tell 1.05× from 1.15× (three runs of five pairs of the
 * capped liftReport read 1.06×, 1.16× and 1.17×).
 */
export const RELATIVE_PAIRS = 9;

/** The period every measure is asked about: the generated 30 days. */
export const BENCH_START = '2026-10-01T00:00:00Z';
export const BENCH_DAYS = 30;

/**
 * The BI exports a run reads through the API, as a BI user's tool or a scheduled download does:
 * the daily figures over the period's last week and over the whole period, and the daily trend
 * over the period. Reported beside the measures, with no target: a plain view computes its rows
 * when read (clickhouse/bi/README.md).
 */
export const BENCH_EXPORTS = [
  { dataset: 'trigger_daily', days: 7 },
  { dataset: 'trigger_daily', days: BENCH_DAYS },
  { dataset: 'trigger_trend', days: BENCH_DAYS },
] as const;

/** Runs of each export; the row gives their median. */
export const EXPORT_RUNS = 3;

/** Everything a run is parameterized by, derived from the command line. */
export interface BenchPlan {
  scale: number;
  seed: number;
  persons: number;
  activity: number;
  /** Persons whose rows the ingest comparison sends (the first ones of the same program). */
  ingestPersons: number;
  /** The store the measures run over; reused when its marker matches this plan. */
  storeDir: string;
  /** Scratch stores of the ingest comparison; removed after each use. */
  scratchDir: string;
  /** Runs per measure; the median is reported. */
  repeats: number;
  /** Seconds of the concurrency test. */
  concurrencySeconds: number;
  concurrencyClients: number;
  /** What this run measures; a partial run (`--only`) prints its rows and leaves the README alone. */
  parts: BenchParts;
}

/** The parts of a run: everything, only the ingest comparison, or only some measures. */
export interface BenchParts {
  ingest: boolean;
  /** The measures timed (all of MEASURES in a full run); none: the query part is skipped. */
  measures: string[] | 'all';
  /** The cached read, the concurrency test and the queries' peak RSS. */
  serving: boolean;
  /** The BI exports, read through the API as a BI user's tool reads them (BENCH_EXPORTS). */
  exports: boolean;
}

/**
 * `--only`: `ingest` (the ingest comparison), `queries` (every measure and the peak RSS, without
 * the cached read and concurrency), `exports` (the BI exports) or a comma-separated list of
 * measure names.
 */
export function benchParts(only: string | undefined, measureNames: string[]): BenchParts {
  if (only === undefined) {
    return { ingest: true, measures: 'all', serving: true, exports: true };
  }
  if (only === 'ingest') {
    return { ingest: true, measures: [], serving: false, exports: false };
  }
  if (only === 'queries') {
    return { ingest: false, measures: 'all', serving: false, exports: false };
  }
  if (only === 'exports') {
    return { ingest: false, measures: [], serving: false, exports: true };
  }
  const names = only.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !measureNames.includes(name));
  if (unknown.length > 0) {
    throw new RangeError(
      `--only: unknown measure ${unknown.map((n) => `"${n}"`).join(', ')}; ` +
        `use ingest, queries, exports or measures among: ${measureNames.join(', ')}`,
    );
  }
  return { ingest: false, measures: names, serving: false, exports: false };
}

export interface BenchOptions {
  scale?: number;
  seed?: number;
  dataDir?: string;
  repeats?: number;
  concurrencySeconds?: number;
  parts?: BenchParts;
}

/**
 * The plan of a run. `scale` multiplies the persons (and so every stream); the ingest comparison
 * sends the rows of 5% of them (at least 2,000), about 1.9M rows at scale 1.
 */
export function benchPlan(options: BenchOptions = {}): BenchPlan {
  const scale = options.scale ?? 1;
  const seed = options.seed ?? 42;
  if (!(scale > 0 && scale <= 10)) {
    throw new RangeError(`--scale must be in (0, 10], got ${scale}`);
  }
  if (!Number.isInteger(seed)) {
    throw new RangeError(`--seed must be an integer, got ${seed}`);
  }
  const persons = Math.max(1000, Math.round(FULL_SCALE_PERSONS * scale));
  const dataDir = resolve(options.dataDir ?? join('data', 'bench'));
  return {
    scale,
    seed,
    persons,
    activity: BENCH_ACTIVITY,
    ingestPersons: Math.max(2000, Math.round(persons * 0.05)),
    storeDir: join(dataDir, `store-${persons}p-seed${seed}`),
    scratchDir: join(dataDir, 'scratch'),
    repeats: options.repeats ?? 5,
    concurrencySeconds: options.concurrencySeconds ?? 10,
    concurrencyClients: 50,
    parts: options.parts ?? { ingest: true, measures: 'all', serving: true, exports: true },
  };
}

/** The generator options of the measured program. */
export function programOptions(plan: BenchPlan, persons = plan.persons) {
  return {
    seed: plan.seed,
    persons,
    activity: plan.activity,
    days: BENCH_DAYS,
    start: BENCH_START,
    // Copies exercise deduplication; malformed lines would only measure the reject path.
    duplicateRate: 0.02,
    malformedPerStream: 0,
  };
}
