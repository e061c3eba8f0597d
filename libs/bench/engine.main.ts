// The benchmark's engine process. An embedded store belongs to one process (libchdb binds one data
// directory per process), so the work that opens a store directly (building the measured store,
// the hand-written SQL baselines, the hand-written loader, writing the Parquet files) runs here, in
// a child of `causeway bench`, while the API runs in another child on the same store at another
// time. The parent sends one task over IPC and gets one answer back.
import 'reflect-metadata';
import { mkdirSync, rmSync } from 'node:fs';
import { z } from 'zod';
import { loadConfig } from '../config/index.js';
import { buildAssignmentRollup, rollupIsStale } from '../measurement/index.js';
import { ClickHouseService, Migrator, QUERY_DEFAULT_SETTINGS } from '../storage/index.js';
import { handLoad } from './hand-loader.js';
import { readSample, type IngestSample } from './ingest-sample.js';
import { measuresOf, type BaselineStatement } from './measures.js';
import { writeParquetFiles, type ParquetFile } from './parquet-sample.js';
import type { BenchPlan } from './plan.js';
import { buildStore, readMarker, resetStoreDir, type StoreMarker } from './store.js';
import { median } from './timing.js';

export type EngineTask =
  | { task: 'store'; plan: BenchPlan; period: { from: string; to: string } }
  | { task: 'hand-load'; sample: IngestSample; dataDir: string }
  | { task: 'parquet'; sample: IngestSample; dataDir: string; dir: string };

export interface BaselineTiming {
  name: string;
  medianMs: number;
  runsMs: number[];
  rows: number;
  /** Median time of the measure's floor statement (see Measure.floor). */
  floorMs: number;
}

export type EngineAnswer =
  | {
      task: 'store';
      marker: StoreMarker;
      reused: boolean;
      engineVersion: string;
      baselines: BaselineTiming[];
    }
  | { task: 'hand-load'; rowsPerSecond: number; rows: number }
  | { task: 'parquet'; files: ParquetFile[] };

function say(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

function open(dataDir: string): ClickHouseService {
  return new ClickHouseService(loadConfig({ CAUSEWAY_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
}

async function storeTask(
  plan: BenchPlan,
  period: { from: string; to: string },
): Promise<EngineAnswer> {
  let marker = readMarker(plan);
  const reused = marker !== undefined;
  if (marker === undefined) {
    resetStoreDir(plan);
  }
  const clickhouse = open(plan.storeDir);
  try {
    await new Migrator(clickhouse).run();
    if (marker === undefined) {
      say(`building the store in ${plan.storeDir} (${plan.persons.toLocaleString('en')} persons)`);
      marker = await buildStore(plan, clickhouse, say);
      say(`store built in ${marker.buildSeconds} s`);
    } else {
      say(`reusing the store in ${plan.storeDir} (built ${marker.builtAt})`);
    }
    // this process is the store's only writer and every insert above has returned: a build with
    // no margin misses nothing (see buildAssignmentRollup)
    if (await rollupIsStale(clickhouse)) {
      const build = await buildAssignmentRollup(clickhouse, { marginMs: 0 });
      say(`assignment rollup: ${build.pairs} persons × triggers in ${build.seconds.toFixed(1)} s`);
    }
    const version = await clickhouse.query({
      tag: 'bench.version',
      sql: 'SELECT version() AS v',
      row: z.object({ v: z.string() }),
    });
    const timeStatements = async (statements: BaselineStatement[], tag: string) => {
      const runsMs: number[] = [];
      let rows = 0;
      for (let run = 0; run < plan.repeats; run++) {
        const started = performance.now();
        rows = 0;
        for (const statement of statements) {
          const result = await clickhouse.query({
            tag,
            sql: statement.sql,
            params: statement.params,
            row: z.record(z.string(), z.unknown()),
            settings: QUERY_DEFAULT_SETTINGS,
          });
          rows += result.length;
        }
        runsMs.push(performance.now() - started);
      }
      return { medianMs: median(runsMs), runsMs, rows };
    };
    const baselines: BaselineTiming[] = [];
    const floors = new Map<string, number>();
    for (const measure of measuresOf(plan.parts)) {
      const baseline = await timeStatements(measure.baseline(period), 'bench.baseline');
      const what = measure.floor.what;
      const floorMs =
        floors.get(what) ??
        (await timeStatements([measure.floor.statement(period)], 'bench.floor')).medianMs;
      floors.set(what, floorMs);
      baselines.push({ name: measure.name, ...baseline, floorMs });
      say(
        `baseline ${measure.name}: ${baseline.medianMs.toFixed(0)} ms (floor ${floorMs.toFixed(0)} ms)`,
      );
    }
    return { task: 'store', marker, reused, engineVersion: version[0]?.v ?? '?', baselines };
  } finally {
    await clickhouse.onApplicationShutdown();
  }
}

async function handLoadTask(sample: IngestSample, dataDir: string): Promise<EngineAnswer> {
  rmSync(dataDir, { recursive: true, force: true });
  const batches = readSample(sample);
  const clickhouse = open(dataDir);
  try {
    await new Migrator(clickhouse).run();
    const rows = batches.reduce((sum, b) => sum + b.lines, 0);
    const rowsPerSecond = await handLoad(clickhouse.client, batches);
    return { task: 'hand-load', rowsPerSecond, rows };
  } finally {
    await clickhouse.onApplicationShutdown();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function parquetTask(
  sample: IngestSample,
  dataDir: string,
  dir: string,
): Promise<EngineAnswer> {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const clickhouse = open(dataDir);
  try {
    return { task: 'parquet', files: await writeParquetFiles(clickhouse, sample, dir) };
  } finally {
    await clickhouse.onApplicationShutdown();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function run(task: EngineTask): Promise<EngineAnswer> {
  switch (task.task) {
    case 'store':
      return storeTask(task.plan, task.period);
    case 'hand-load':
      return handLoadTask(task.sample, task.dataDir);
    case 'parquet':
      return parquetTask(task.sample, task.dataDir, task.dir);
  }
}

process.once('message', (message: EngineTask) => {
  run(message).then(
    (answer) => process.send?.({ ok: true, answer }, () => process.exit(0)),
    (error: unknown) => {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.send?.({ ok: false, error: text }, () => process.exit(1));
    },
  );
});
