import type { ClickHouseClient } from '@clickhouse/client';
import { tableOf } from '../ingest/index.js';
import { toClickHouseTime } from '../storage/index.js';
import { inParallel, type IngestBatch } from './ingest-sample.js';
import { BENCH_TENANT, INGEST_CLIENTS } from './plan.js';

/** Trigger definitions nest their cap and suppression; the table has them flat. */
function flattenTrigger(row: Record<string, unknown>): Record<string, unknown> {
  const cap = row.frequency_cap as { max?: number; per_ms?: number } | undefined;
  const suppression = row.suppression as { converted_lookback_ms?: number } | undefined;
  return {
    ...row,
    frequency_cap_max: cap?.max ?? null,
    frequency_cap_per_ms: cap?.per_ms ?? null,
    suppression_converted_lookback_ms: suppression?.converted_lookback_ms ?? null,
  };
}

/**
 * The baseline of the ingest comparison: what a developer writes with `@clickhouse/client` alone.
 * Each line is parsed with JSON.parse, gets its tenant and arrival time, and each batch of 10,000
 * objects is inserted as JSONEachRow (ClickHouse parses the timestamps), 4 batches at a time, no
 * validation, no ids, no hashes. Answers rows per second.
 */
export async function handLoad(client: ClickHouseClient, batches: IngestBatch[]): Promise<number> {
  const receivedAt = toClickHouseTime(Date.now());
  const started = performance.now();
  let rows = 0;
  await inParallel(batches, INGEST_CLIENTS, async (batch) => {
    const lines = batch.body.toString('utf8').split('\n');
    const values: Record<string, unknown>[] = [];
    for (const line of lines) {
      if (line === '') {
        continue;
      }
      const row = JSON.parse(line) as Record<string, unknown>;
      row.tenant_id = BENCH_TENANT;
      row.received_at = receivedAt;
      values.push(batch.stream === 'triggers' ? flattenTrigger(row) : row);
    }
    await client.insert({ table: tableOf[batch.stream], values, format: 'JSONEachRow' });
    rows += values.length;
  });
  return rows / ((performance.now() - started) / 1000);
}
