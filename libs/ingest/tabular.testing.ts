// Rows written as the files of a backfill, for the equivalence specs: CSV as a writer quotes it
// (RFC 4180), Parquet by ClickHouse itself.
import type { ClickHouseService } from '../storage/index.js';

type Row = Record<string, unknown>;

/**
 * A CSV cell: objects and arrays as JSON, quoted when they hold the delimiter, a quote or a line
 * break; the empty text as `""` (a writer that keeps it apart from no value), no value as nothing.
 */
function csvCell(value: unknown, delimiter: string): string {
  if (value === undefined || value === null) {
    return '';
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const quoted = text === '' || /["\n\r]/.test(text) || text.includes(delimiter);
  return quoted ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The rows as CSV: a header of every field any row has, in the order first met, then the rows,
 * cells apart by `delimiter` (a comma unless told), lines ended by `newline`.
 */
export function csvOf(rows: readonly Row[], delimiter = ',', newline = '\n'): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const lines = rows.map((row) =>
    columns.map((column) => csvCell(row[column], delimiter)).join(delimiter),
  );
  return [columns.join(delimiter), ...lines].join(newline) + newline;
}

function objectsAsText(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      typeof v === 'object' && v !== null && !Array.isArray(v) ? JSON.stringify(v) : v,
    ]),
  );
}

/**
 * The rows as a Parquet file written by ClickHouse: objects as JSON text in string columns, as a
 * warehouse exports them; times as text (or as timestamps, where every value of a column reads as
 * one); a column of the type the engine infers from its values; in row groups of `rowGroupRows`
 * rows when given (the writer then closes a group at about that many rows).
 */
export async function parquetOf(
  clickhouse: ClickHouseService,
  rows: readonly Row[],
  times: 'text' | 'timestamps' = 'text',
  rowGroupRows = 1_000_000,
) {
  const inferTimes = times === 'text' ? 0 : 1;
  return parquetOfStatement(clickhouse, {
    sql: `SELECT * FROM format(JSONEachRow, {data:String})
          SETTINGS input_format_try_infer_datetimes = ${inferTimes}, input_format_try_infer_dates = 0,
            output_format_parquet_row_group_size = ${rowGroupRows}`,
    params: { data: rows.map((row) => JSON.stringify(objectsAsText(row))).join('\n') },
  });
}

/** The rows of a statement (`sql` with its `params`) as a Parquet file written by ClickHouse. */
export async function parquetOfStatement(
  clickhouse: ClickHouseService,
  statement: { tag?: string; sql: string; params?: Record<string, unknown> },
): Promise<Buffer> {
  const output = await clickhouse.stream({
    tag: statement.tag ?? 'test.parquet',
    sql: statement.sql,
    params: statement.params,
    format: 'Parquet',
  });
  const chunks: Buffer[] = [];
  for await (const chunk of output as AsyncIterable<Buffer>) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
