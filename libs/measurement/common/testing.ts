import { prepareBatch, STREAMS, tableOf, type StreamName } from '../../ingest/index.js';
import type { ClickHouseService } from '../../storage/index.js';

/**
 * Writes input rows (as producers send them) for a tenant through the real validation, into the
 * real tables: the fixture path of measurement tests. Throws if any row is rejected, so a test
 * never measures less than it meant to store.
 */
export async function seedRows(
  clickhouse: ClickHouseService,
  tenantId: string,
  rows: Partial<Record<StreamName, readonly object[]>>,
  receivedAt = Date.now(),
): Promise<void> {
  for (const stream of STREAMS) {
    const input = rows[stream];
    if (input === undefined || input.length === 0) {
      continue;
    }
    const batch = await prepareBatch(
      stream,
      input.map((value, index) => ({ line: index + 1, raw: JSON.stringify(value), value })),
      {
        tenantId,
        receivedAt,
        limits: { maxRows: 10_000_000, maxFieldChars: 4096, maxBodyBytes: 1 << 30 },
      },
    );
    if (batch.rejected > 0) {
      throw new Error(`seedRows: ${stream} rejected ${JSON.stringify(batch.errors.slice(0, 3))}`);
    }
    await clickhouse.insert({
      table: tableOf[stream],
      rows: batch.rows.map((r) => r.row),
      tag: 'test.seed',
    });
  }
}
