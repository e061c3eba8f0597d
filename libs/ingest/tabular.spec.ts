import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { generateProgram } from '../demo/index.js';
import { openTemporaryStore, type TemporaryStore } from '../storage/testing.js';
import { DIALECT_NAMES, inDialect } from './dialects.testing.js';
import { insertStorageLines } from './ingest-writer.js';
import { prepareBatch } from './prepare-batch.js';
import { STREAMS, tableOf, type StreamName } from './streams.js';
import { readTabularFile } from './tabular.js';
import type { LineSource, PreparedBatch, ValidationContext } from './types.js';

// The same rows sent as NDJSON (in every JSON dialect), as Parquet and as CSV are accepted,
// rejected and stored identically (docs/design.md §11). Parquet is written by ClickHouse itself.

const program = generateProgram({ seed: 7, persons: 150, start: '2026-10-01T00:00:00Z' });
const RECEIVED_AT = Date.UTC(2026, 11, 1, 12);
const context = (tenantId: string): ValidationContext => ({
  tenantId,
  receivedAt: RECEIVED_AT,
  limits: { maxRows: 100_000, maxFieldChars: 4096, maxBodyBytes: 1 << 30 },
});

/** Rows every stream refuses, whatever the format, at known row numbers. */
const BAD_ROWS: Record<string, unknown>[] = [
  { event_id: 'bad-1', firing_id: 'bad-1', outcome_id: 'bad-1', trigger_id: 'bad-1' },
  {
    event_id: 'bad-2',
    firing_id: 'bad-2',
    outcome_id: 'bad-2',
    trigger_id: 'bad-2',
    name: 'Bad',
    person_id: 'p1',
    purpose: 'email',
    type: 'opened',
    arm: 'both',
    status: 'sometimes',
    granted: true,
    occurred_at: 'yesterday',
    decided_at: 'yesterday',
  },
];

function rowsOf(stream: StreamName): Record<string, unknown>[] {
  const rows = program.rows[stream] as unknown as Record<string, unknown>[];
  // A repeated row: a duplicate in every format.
  return [...rows, ...BAD_ROWS, rows[0]];
}

/** A CSV cell: objects and arrays as JSON, quoted when they hold a comma, quote or newline. */
function csvCell(value: unknown): string {
  if (value === undefined || value === null) {
    return '';
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function objectsAsText(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      typeof v === 'object' && v !== null && !Array.isArray(v) ? JSON.stringify(v) : v,
    ]),
  );
}

/** Rows with their `properties` text's keys sorted, the rows in a stable order. */
function keysSorted(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const sorted = (value: unknown): unknown =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
        )
      : value;
  return rows
    .map((row) =>
      typeof row.properties === 'string'
        ? { ...row, properties: JSON.stringify(sorted(JSON.parse(row.properties))) }
        : row,
    )
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

function csvOf(rows: Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const lines = rows.map((row) => columns.map((column) => csvCell(row[column])).join(','));
  return [columns.join(','), ...lines].join('\n') + '\n';
}

describe('imports read by ClickHouse follow the rules of NDJSON', () => {
  let store: TemporaryStore;
  let directory: string;

  beforeAll(async () => {
    store = await openTemporaryStore();
    directory = mkdtempSync(join(tmpdir(), 'causeway-tabular-'));
  });

  afterAll(async () => {
    await store.dispose();
    rmSync(directory, { recursive: true, force: true });
  });

  async function parquetOf(rows: Record<string, unknown>[], path: string): Promise<void> {
    const output = await store.clickhouse.stream({
      tag: 'test.parquet',
      // Objects as JSON text in string columns, as a warehouse exports them; times as text.
      sql: `SELECT * FROM format(JSONEachRow, {data:String})
            SETTINGS input_format_try_infer_datetimes = 0, input_format_try_infer_dates = 0`,
      params: { data: rows.map((row) => JSON.stringify(objectsAsText(row))).join('\n') },
      format: 'Parquet',
    });
    const chunks: Buffer[] = [];
    for await (const chunk of output as AsyncIterable<Buffer>) {
      chunks.push(chunk);
    }
    writeFileSync(path, Buffer.concat(chunks));
  }

  async function stored(stream: StreamName, tenantId: string) {
    const rows = await store.clickhouse.query({
      tag: 'test.tabular',
      sql: `SELECT * EXCEPT (tenant_id, content_hash, received_at)
            FROM ${tableOf[stream]} WHERE tenant_id = {tenantId:String}`,
      params: { tenantId },
      row: z.record(z.string(), z.unknown()),
    });
    // firings' inserted_at is when the engine wrote the row: one per insert.
    return rows
      .map(({ inserted_at: _, ...row }) => row)
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }

  async function load(stream: StreamName, tenantId: string, lines: LineSource) {
    const batch: PreparedBatch = await prepareBatch(stream, lines, context(tenantId));
    await insertStorageLines(store.clickhouse, stream, batch.ndjson, 'test.tabular');
    return {
      accepted: batch.accepted,
      rejected: batch.rejected,
      duplicates: batch.duplicates,
      conflicts: batch.conflicts,
      errors: batch.errors,
      hashes: [...batch.ndjson.matchAll(/"content_hash":"?(\d+)/g)].map((m) => m[1]).sort(),
    };
  }

  it.each(STREAMS)('%s', async (stream) => {
    const rows = rowsOf(stream);
    const ndjson = (dialect: (typeof DIALECT_NAMES)[number]) =>
      rows.map((row, i) => ({ line: i + 1, raw: inDialect(JSON.stringify(row), dialect) }));
    const expected = await load(stream, `${stream}-ndjson`, ndjson('stringify'));
    expect(expected.rejected).toBe(BAD_ROWS.length);
    expect(expected.duplicates).toBe(1);
    const expectedRows = await stored(stream, `${stream}-ndjson`);
    expect(expectedRows.length).toBe(rows.length - BAD_ROWS.length - 1);

    const parquet = join(directory, `${stream}.parquet`);
    await parquetOf(rows, parquet);
    const csv = join(directory, `${stream}.csv`);
    writeFileSync(csv, csvOf(rows));
    const sources: [string, () => Promise<LineSource>][] = [
      [
        'parquet',
        () => readTabularFile(store.clickhouse, stream, parquet, 'application/vnd.apache.parquet'),
      ],
      ['csv', () => readTabularFile(store.clickhouse, stream, csv, 'text/csv')],
      ...DIALECT_NAMES.map((d): [string, () => Promise<LineSource>] => [
        d,
        () => Promise.resolve(ndjson(d)),
      ]),
    ];
    for (const [name, source] of sources) {
      const tenant = `${stream}-${name}`;
      const answer = await load(stream, tenant, await source());
      // Hashes cover the tenant: compared through the stored rows instead.
      expect({ name, ...answer, hashes: undefined }).toEqual({
        name,
        ...expected,
        hashes: undefined,
      });
      // Dialects that order the keys of `properties` their way store its text so ordered.
      const reorders = ['python', 'go', 'offsets'].includes(name);
      const rowsStored = await stored(stream, tenant);
      expect([name, reorders ? keysSorted(rowsStored) : rowsStored]).toEqual([
        name,
        reorders ? keysSorted(expectedRows) : expectedRows,
      ]);
    }
  });
});
