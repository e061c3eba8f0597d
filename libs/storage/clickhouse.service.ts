import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { AppConfig } from '../config/index.js';
import { createClickHouseClient } from './clickhouse.js';
import { StorageErrorCode, StorageException } from './storage.errors.js';

/** A parameterized, tagged query whose rows are parsed by a schema. */
export interface QuerySpec<T> {
  /** Short name that identifies the query in system.query_log (log_comment and query_id prefix). */
  tag: string;
  sql: string;
  params?: Record<string, unknown>;
  row: z.ZodType<T>;
  settings?: ClickHouseSettings;
  signal?: AbortSignal;
}

/** Rows for one table, as objects whose keys are column names. */
export interface InsertSpec {
  table: string;
  rows: readonly Record<string, unknown>[];
  tag: string;
}

const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
]);

/** Tells a connection problem (retry later) from a query the engine refused. */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof StorageException) {
    return error.code === StorageErrorCode.Unavailable;
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && connectionErrorCodes.has(code);
}

function wrap(error: unknown, tag: string): StorageException {
  if (error instanceof StorageException) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = isUnavailable(error) ? StorageErrorCode.Unavailable : StorageErrorCode.QueryFailed;
  return new StorageException(code, `ClickHouse ${tag}: ${message}`, { cause: error });
}

/**
 * The storage gateway. Every statement goes through here: parameters are bound by the engine,
 * each query is tagged, rows are validated, and driver errors are raised, never swallowed.
 */
@Injectable()
export class ClickHouseService implements OnApplicationShutdown {
  readonly client: ClickHouseClient;

  constructor(readonly config: AppConfig) {
    this.client = createClickHouseClient(config);
  }

  private settingsFor(tag: string, extra?: ClickHouseSettings): ClickHouseSettings {
    return { log_comment: tag, ...extra };
  }

  /** Runs a SELECT and returns its rows parsed by `spec.row`. */
  async query<T>(spec: QuerySpec<T>): Promise<T[]> {
    let raw: unknown[];
    try {
      const result = await this.client.query({
        query: spec.sql,
        query_params: spec.params,
        format: 'JSONEachRow',
        query_id: `${spec.tag}-${randomUUID()}`,
        clickhouse_settings: this.settingsFor(spec.tag, spec.settings),
        abort_signal: spec.signal,
      });
      raw = await result.json<unknown>();
    } catch (error) {
      throw wrap(error, spec.tag);
    }
    const parsed = z.array(spec.row).safeParse(raw);
    if (!parsed.success) {
      throw new StorageException(
        StorageErrorCode.InvalidRow,
        `ClickHouse ${spec.tag}: unexpected row shape: ${parsed.error.message}`,
      );
    }
    return parsed.data;
  }

  /** Runs a query and hands back ClickHouse's own output stream in `format` (CSV, Parquet, ...). */
  async stream(spec: Omit<QuerySpec<unknown>, 'row'> & { format: string }): Promise<Readable> {
    try {
      const result = await this.client.exec({
        query: `${spec.sql}\nFORMAT ${spec.format}`,
        query_params: spec.params,
        query_id: `${spec.tag}-${randomUUID()}`,
        clickhouse_settings: this.settingsFor(spec.tag, spec.settings),
        abort_signal: spec.signal,
      });
      return result.stream;
    } catch (error) {
      throw wrap(error, spec.tag);
    }
  }

  /** Runs a statement that returns nothing (DDL, KILL QUERY, ...). */
  async command(tag: string, sql: string, params?: Record<string, unknown>): Promise<void> {
    try {
      await this.client.command({
        query: sql,
        query_params: params,
        query_id: `${tag}-${randomUUID()}`,
        clickhouse_settings: this.settingsFor(tag),
      });
    } catch (error) {
      throw wrap(error, tag);
    }
  }

  /** Inserts rows as JSONEachRow. */
  async insert(spec: InsertSpec): Promise<void> {
    if (spec.rows.length === 0) {
      return;
    }
    try {
      await this.client.insert({
        table: spec.table,
        values: spec.rows as Record<string, unknown>[],
        format: 'JSONEachRow',
        query_id: `${spec.tag}-${randomUUID()}`,
        clickhouse_settings: this.settingsFor(spec.tag),
      });
    } catch (error) {
      throw wrap(error, spec.tag);
    }
  }

  /** Inserts rows already serialized as JSONEachRow text (one JSON object per line). */
  async insertRaw(table: string, ndjson: string, tag: string): Promise<void> {
    if (ndjson.length === 0) {
      return;
    }
    try {
      await this.client.exec({
        query: `INSERT INTO ${table} FORMAT JSONEachRow\n${ndjson}`,
        query_id: `${tag}-${randomUUID()}`,
        clickhouse_settings: this.settingsFor(tag),
      });
    } catch (error) {
      throw wrap(error, tag);
    }
  }

  /** True when the engine answers. */
  async ping(): Promise<boolean> {
    try {
      const result = await this.client.ping();
      return result.success;
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
