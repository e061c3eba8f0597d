import { join, resolve } from 'node:path';

/** The program of the issue at scale 1: 1M persons and about 10M firings over 30 days. */
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

/** Rows per ingest request, and concurrent clients, as the issue prescribes. */
export const INGEST_BATCH_LINES = 10_000;
export const INGEST_CLIENTS = 4;

/** The period every measure is asked about: the generated 30 days. */
export const BENCH_START = '2026-10-01T00:00:00Z';
export const BENCH_DAYS = 30;

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
}

export interface BenchOptions {
  scale?: number;
  seed?: number;
  dataDir?: string;
  repeats?: number;
  concurrencySeconds?: number;
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
