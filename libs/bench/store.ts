import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { generateProgramStream } from '../demo/index.js';
import { prepareBatch, STREAMS, tableOf, type StreamName } from '../ingest/index.js';
import { loadMigrations, toClickHouseTime, type ClickHouseService } from '../storage/index.js';
import { BENCH_TENANT, programOptions, type BenchPlan } from './plan.js';

/** Distinct rows stored per stream. */
export type StreamCounts = Record<StreamName, number>;

/** What the marker file of a built store says. */
export interface StoreMarker {
  seed: number;
  persons: number;
  activity: number;
  /** Checksum of the migrations the store was built with (later ones are applied on reuse). */
  schema: string;
  counts: StreamCounts;
  builtAt: string;
  buildSeconds: number;
}

const MARKER = 'bench-store.json';

function schemaChecksum(): string {
  const hash = createHash('sha256');
  for (const migration of loadMigrations()) {
    hash.update(migration.checksum);
  }
  return hash.digest('hex').slice(0, 16);
}

/** The marker of a store built for this plan with the current migrations, if there is one. */
export function readMarker(plan: BenchPlan): StoreMarker | undefined {
  const path = join(plan.storeDir, MARKER);
  if (!existsSync(path)) {
    return undefined;
  }
  const marker = JSON.parse(readFileSync(path, 'utf8')) as StoreMarker;
  const matches =
    marker.seed === plan.seed &&
    marker.persons === plan.persons &&
    marker.activity === plan.activity;
  return matches ? marker : undefined;
}

/** Empties the store directory before a build (a stale or partial store is never reused). */
export function resetStoreDir(plan: BenchPlan): void {
  rmSync(plan.storeDir, { recursive: true, force: true });
  mkdirSync(plan.storeDir, { recursive: true });
}

/** Distinct rows per stream of the bench tenant (FINAL: each id once). */
export async function countRows(clickhouse: ClickHouseService): Promise<StreamCounts> {
  const rows = await clickhouse.query({
    tag: 'bench.count',
    sql: STREAMS.map(
      (stream) =>
        `SELECT '${stream}' AS stream, count() AS n FROM ${tableOf[stream]} FINAL WHERE tenant_id = {tenant:String}`,
    ).join('\nUNION ALL\n'),
    params: { tenant: BENCH_TENANT },
    row: z.object({ stream: z.enum(STREAMS), n: z.number() }),
  });
  return Object.fromEntries(
    STREAMS.map((s) => [s, rows.find((r) => r.stream === s)?.n ?? 0]),
  ) as StreamCounts;
}

/**
 * Generates the program and stores it: trigger definitions through the product's own validation
 * (prepareBatch fills their defaults), the person streams as the generator's JSON lines parsed by
 * ClickHouse itself (JSONEachRow, timestamps read as ISO-8601), which stores what validation would
 * for these rows (plain ids, UTC timestamps, no clock skew) except the content hash, which no
 * measure reads. Copies are inserted as rows of their own, so reads must collapse them. One insert
 * in flight while the next chunk is generated; then every table is merged (OPTIMIZE FINAL), as
 * background merges leave a store that has run for a while, and the marker is written.
 */
export async function buildStore(
  plan: BenchPlan,
  clickhouse: ClickHouseService,
  progress: (line: string) => void,
): Promise<StoreMarker> {
  const started = Date.now();
  const receivedAt = Date.now();
  const arrival = `,"tenant_id":${JSON.stringify(BENCH_TENANT)},"received_at":"${toClickHouseTime(receivedAt)}"}`;
  const limits = { maxRows: Number.MAX_SAFE_INTEGER, maxFieldChars: 4096, maxBodyBytes: Infinity };
  let inFlight: Promise<void> = Promise.resolve();
  let stored = 0;
  let reported = 0;
  for (const chunk of generateProgramStream({ ...programOptions(plan), chunkPersons: 20_000 })) {
    const values = [...chunk.rows, ...chunk.duplicates] as unknown as Record<string, unknown>[];
    let text: string;
    if (chunk.stream === 'triggers') {
      const batch = await prepareBatch(
        'triggers',
        values.map((value, index) => ({ line: index + 1, raw: '', value })),
        { tenantId: BENCH_TENANT, receivedAt, limits },
      );
      text = batch.ndjson;
    } else {
      const lines: string[] = [];
      for (const value of values) {
        if (chunk.stream === 'signals' && value.kind === undefined) {
          value.kind = 'behavioral';
        }
        const json = JSON.stringify(value);
        lines.push(`${json.slice(0, -1)}${arrival}`);
      }
      text = lines.join('\n');
    }
    await inFlight;
    inFlight = clickhouse.insertRaw(tableOf[chunk.stream], text, 'bench.store');
    stored += values.length;
    if (stored - reported >= 2_000_000) {
      reported = stored;
      const seconds = (Date.now() - started) / 1000;
      progress(`store: ${(stored / 1e6).toFixed(1)}M rows in ${seconds.toFixed(0)} s`);
    }
  }
  await inFlight;
  progress('store: merging parts (OPTIMIZE FINAL)');
  for (const stream of STREAMS) {
    await clickhouse.command('bench.optimize', `OPTIMIZE TABLE ${tableOf[stream]} FINAL`);
  }
  const marker: StoreMarker = {
    seed: plan.seed,
    persons: plan.persons,
    activity: plan.activity,
    schema: schemaChecksum(),
    counts: await countRows(clickhouse),
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round((Date.now() - started) / 1000),
  };
  writeFileSync(join(plan.storeDir, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
  return marker;
}
