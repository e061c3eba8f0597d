import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { deadlineScope, runInQueryScope } from './query-scope.js';
import { StorageErrorCode, StorageException } from './storage.errors.js';
import { storeForSuite } from './testing.js';

/** About 20 s of engine work in 2,000 blocks, so a time limit is checked between blocks. */
const SLOW_SQL =
  'SELECT count() AS n FROM numbers(2000) WHERE sleepEachRow(0.01) = 0 AND {x:UInt8} = 1';
const slowQuery = {
  tag: 'test.slow',
  sql: SLOW_SQL,
  params: { x: 1 },
  row: z.object({ n: z.number() }),
  settings: { max_block_size: '1' },
};
const quickQuery = {
  tag: 'test.quick',
  sql: 'SELECT {x:UInt8} AS x',
  params: { x: 7 },
  row: z.object({ x: z.number() }),
};

async function failureOf(work: Promise<unknown>): Promise<StorageException> {
  try {
    await work;
  } catch (error) {
    if (error instanceof StorageException) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the query to fail');
}

const store = storeForSuite();

describe('request deadlines on the embedded engine', () => {
  it('stops a query at the deadline of its scope, and the engine is free at once', async () => {
    const scope = deadlineScope(400);
    const started = Date.now();
    const error = await failureOf(runInQueryScope(scope, () => store.clickhouse.query(slowQuery)));
    scope.dispose();
    expect(error.code).toBe(StorageErrorCode.Timeout);
    expect(Date.now() - started).toBeLessThan(3_000);
    // Parameterized statements run one at a time in the embedded engine: had the slow one been
    // merely abandoned, this would wait for it (about 20 s) instead of answering at once.
    const next = Date.now();
    expect(await store.clickhouse.query(quickQuery)).toEqual([{ x: 7 }]);
    expect(Date.now() - next).toBeLessThan(1_000);
  });

  it('does not start a query whose scope was already abandoned', async () => {
    const scope = deadlineScope(60_000);
    scope.abort(new Error('the client closed the connection'));
    const error = await failureOf(runInQueryScope(scope, () => store.clickhouse.query(quickQuery)));
    scope.dispose();
    expect(error.code).toBe(StorageErrorCode.Timeout);
  });

  it('leaves no time limit behind for statements outside a scope', async () => {
    const scope = deadlineScope(5_000);
    await runInQueryScope(scope, () => store.clickhouse.query(quickQuery));
    scope.dispose();
    const rows = await store.clickhouse.query({
      tag: 'test.setting',
      sql: "SELECT toFloat64(getSetting('max_execution_time')) AS limit",
      row: z.object({ limit: z.number() }),
    });
    expect(rows).toEqual([{ limit: 0 }]);
  });
});

describe('insertRaw on the embedded engine', () => {
  it('states its settings in the INSERT, the client defaults among them, and leaves none behind', async () => {
    const line = (request: string, receivedAt: string) =>
      JSON.stringify({
        tenant_id: 't',
        stream: 'signals',
        request_id: request,
        line: 1,
        field: 'f',
        reason: 'r',
        raw: '{}',
        received_at: receivedAt,
      });
    // ISO-8601 with a Z is read only with date_time_input_format = 'best_effort' (a client default).
    await store.clickhouse.insertRaw(
      'rejected_events',
      `${line('a', '2026-10-02T10:00:00.123Z')}\n${line('b', '2026-10-02 11:00:00.000')}`,
      "test.insert's tag",
      { input_format_null_as_default: 1 },
    );
    const rows = await store.clickhouse.query({
      tag: 'test.inserted',
      sql: `SELECT request_id, toString(received_at) AS at,
                   toFloat64(getSetting('max_execution_time')) AS limit
            FROM rejected_events WHERE tenant_id = 't' ORDER BY request_id`,
      row: z.object({ request_id: z.string(), at: z.string(), limit: z.number() }),
    });
    expect(rows).toEqual([
      { request_id: 'a', at: '2026-10-02 10:00:00.123', limit: 0 },
      { request_id: 'b', at: '2026-10-02 11:00:00.000', limit: 0 },
    ]);
  });
});

describe("a statement's own settings on the embedded engine", () => {
  const timeAndSetting = {
    tag: 'test.time',
    sql: `SELECT toDateTime64('2026-10-02 10:00:00.123', 3, 'UTC') AS at,
                 getSetting('format_csv_null_representation') AS csv_null`,
    row: z.object({ at: z.string(), csv_null: z.string() }),
  };

  it('hold for that statement alone, read or stream, and not for those after it', async () => {
    // an export's settings: ISO times, empty CSV nulls
    const exportSettings = {
      date_time_output_format: 'iso',
      format_csv_null_representation: '',
    } as const;
    expect(await store.clickhouse.query({ ...timeAndSetting, settings: exportSettings })).toEqual([
      { at: '2026-10-02T10:00:00.123Z', csv_null: '' },
    ]);
    const stream = await store.clickhouse.stream({
      ...timeAndSetting,
      settings: exportSettings,
      format: 'CSV',
    });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
    }
    expect(Buffer.concat(chunks).toString()).toBe('"2026-10-02T10:00:00.123Z",""\n');
    // the next statement reads times as every other statement does (fromClickHouseTime)
    expect(await store.clickhouse.query(timeAndSetting)).toEqual([
      { at: '2026-10-02 10:00:00.123', csv_null: '\\N' },
    ]);
  });
});
