// A Parquet import in requests of INGEST_MAX_ROWS rows, as the engine reads the file (see
// tabular-sql.ts): which requests are plain throughout, stored by the engine alone, and the rows of
// the others, handed to JavaScript to be validated line by line.
import { z } from 'zod';
import type { ClickHouseService } from '../storage/index.js';
import { toClickHouseTime } from '../storage/index.js';
import { nearestField } from './field-suggestion.js';
import type { PassStream } from './passthrough.js';
import { STREAM_DECLARATIONS } from './streams/index.js';
import { tabularLines } from './tabular.js';
import {
  conflictsSql,
  DESCRIBE_SQL,
  insertSql,
  plainRows,
  REQUEST_ROWS_SQL,
  requestsSql,
  type PlainRows,
  type SqlLimits,
} from './tabular-sql.js';
import type { IgnoredField, ParsedLine } from './types.js';

/** One request of the file: its rows and what the engine found of them. */
export interface FileRequest {
  /** The request's index: its rows are numbered from index × maxRows + 1. */
  index: number;
  rows: number;
  /** Rows that are not plain: the request is validated line by line when there is any. */
  awkward: number;
  /** Distinct ids of its plain rows. */
  ids: number;
  /** Distinct pairs of id and values as the file holds them, of its plain rows. */
  idValues: number;
  /** Fields the stream does not know, with the rows that carry each, in the order first met. */
  ignoredFields: IgnoredField[];
}

const requestRow = z.object({
  request: z.number(),
  rows: z.number(),
  awkward: z.number(),
  ids: z.number(),
  id_values: z.number(),
  unknown_lines: z.array(z.number()),
  unknown_first: z.array(z.number()),
});

/** A Parquet file of one stream, as the engine reads it. */
export class ParquetFile {
  private constructor(
    private readonly clickhouse: ClickHouseService,
    private readonly stream: PassStream,
    private readonly path: string,
    private readonly maxRows: number,
    private readonly limits: Omit<SqlLimits, 'receivedAt'>,
    private readonly columns: { name: string; type: string }[],
  ) {}

  /** Reads the file's columns. */
  static async open(
    clickhouse: ClickHouseService,
    stream: PassStream,
    path: string,
    limits: { maxRows: number; maxFieldChars: number },
  ): Promise<ParquetFile> {
    const columns = await clickhouse.query({
      tag: 'ingest.import_describe',
      sql: DESCRIBE_SQL,
      params: { path },
      row: z.object({ name: z.string(), type: z.string() }).loose(),
    });
    return new ParquetFile(clickhouse, stream, path, limits.maxRows, limits, columns);
  }

  private plainRows(receivedAt: number): PlainRows | undefined {
    return plainRows(this.stream, this.columns, { ...this.limits, receivedAt });
  }

  /**
   * The file's requests with what the engine found of them; undefined when no row of the file
   * can be plain (a column name the statements use themselves), so that every request is read.
   */
  async requests(receivedAt: number): Promise<FileRequest[] | undefined> {
    const rows = this.plainRows(receivedAt);
    if (rows === undefined) {
      return undefined;
    }
    const found = await this.clickhouse.query({
      tag: 'ingest.import_requests',
      sql: requestsSql(rows),
      params: this.params(receivedAt),
      row: requestRow,
    });
    const known = Object.keys(STREAM_DECLARATIONS[this.stream].fields);
    return found.map((request) => ({
      index: request.request,
      rows: request.rows,
      awkward: request.awkward,
      ids: request.ids,
      idValues: request.id_values,
      ignoredFields: rows.unknown
        .map((field, i) => ({
          field,
          lines: request.unknown_lines[i],
          first: request.unknown_first[i],
          suggestion: nearestField(field, known),
        }))
        .filter((ignored) => ignored.lines > 0)
        // A line's fields are met in the file's column order (a stable sort keeps it).
        .sort((a, b) => a.first - b.first)
        .map(({ field, lines, suggestion }) => ({ field, lines, suggestion })),
    }));
  }

  /**
   * Stores the plain rows of consecutive requests whose rows are all plain, arrived at
   * `receivedAt`, by one statement.
   */
  async store(run: readonly FileRequest[], tenantId: string, receivedAt: number): Promise<void> {
    const rows = this.plainRows(receivedAt);
    if (rows === undefined) {
      throw new Error('a request of plain rows in a file that has none');
    }
    const first = run[0].index;
    const last = run[run.length - 1].index;
    if (last - first !== run.length - 1 || run.some((request) => request.awkward > 0)) {
      throw new Error('the engine stores consecutive requests of plain rows only');
    }
    await this.clickhouse.command(`ingest.import_write.${this.stream}`, insertSql(rows), {
      ...this.params(receivedAt, tenantId),
      first,
      last,
    });
  }

  /**
   * Per request of `run` (consecutive, every row plain), the copies of an id whose content differs
   * from its first copy in the request. Only requests where some copy has other values in the file
   * are read again: where every copy repeats its first as it is (a retry), none can differ.
   */
  async conflicts(
    run: readonly FileRequest[],
    tenantId: string,
    receivedAt: number,
  ): Promise<Map<number, number>> {
    const found = new Map<number, number>();
    const copied = run.filter((request) => request.idValues > request.ids);
    const rows = this.plainRows(receivedAt);
    if (copied.length === 0 || rows === undefined) {
      return found;
    }
    const answer = await this.clickhouse.query({
      tag: 'ingest.import_conflicts',
      sql: conflictsSql(rows),
      params: {
        ...this.params(receivedAt, tenantId),
        first: copied[0].index,
        last: copied[copied.length - 1].index,
      },
      row: z.object({ request: z.number(), conflicts: z.number() }),
    });
    for (const { request, conflicts } of answer) {
      found.set(request, conflicts);
    }
    return found;
  }

  /** The rows of a request as lines to validate, numbered through the file. */
  async lines(index: number): Promise<ParsedLine[]> {
    const output = await this.clickhouse.stream({
      tag: 'ingest.import_read',
      sql: REQUEST_ROWS_SQL,
      params: { path: this.path, maxRows: this.maxRows, first: index, last: index },
      format: 'JSONEachRow',
    });
    const lines: ParsedLine[] = [];
    for await (const batch of tabularLines(this.stream, output, index * this.maxRows + 1)) {
      for (const line of batch) {
        lines.push(line);
      }
    }
    return lines;
  }

  private params(receivedAt: number, tenantId = '') {
    return {
      path: this.path,
      maxRows: this.maxRows,
      tenantId,
      tenantJson: JSON.stringify(tenantId),
      receivedAt: toClickHouseTime(receivedAt),
    };
  }
}
