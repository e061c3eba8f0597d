import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { AppConfig } from '../config/index.js';
import { baseSettings, connectClickHouse, type InsertBytes } from './clickhouse.js';
import type { AnyQueryDefinition, QueryDefinition, QueryParamsSchema } from './query.js';
import { currentQueryScope } from './query-scope.js';
import { StorageErrorCode, StorageException } from './storage.errors.js';
import { messageOf } from '../errors/index.js';

/** A parameterized, tagged query whose rows are parsed by a schema. */
export interface QuerySpec<T> {
  /** Short name that identifies the query in system.query_log (log_comment and query_id prefix). */
  tag: string;
  sql: string;
  params?: Record<string, unknown>;
  row: z.ZodType<T>;
  settings?: ClickHouseSettings;
  /** Cancels the query; the request's own deadline and cancellation apply as well. */
  signal?: AbortSignal;
}

/** Rows for one table, as objects whose keys are column names. */
export interface InsertSpec {
  table: string;
  rows: readonly Record<string, unknown>[];
  tag: string;
  settings?: ClickHouseSettings;
}

/** How one run of a defined query differs from the definition. */
export interface RunOptions {
  /** Tag in place of the query's name (a caller that runs it for another purpose). */
  tag?: string;
  signal?: AbortSignal;
}

function checkedParams(query: AnyQueryDefinition, params: unknown): Record<string, unknown> {
  const parsed = query.params.safeParse(params);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new StorageException(
      StorageErrorCode.QueryFailed,
      `ClickHouse ${query.name}: invalid parameters (${fields.join('; ')})`,
    );
  }
  return parsed.data;
}

const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
]);

/**
 * Engine error codes that say the store cannot take the work now (disk, memory, parts, network),
 * not that the statement is wrong: the caller is told to retry and nothing counts as stored.
 */
const storeTroubleCodes = new Set([
  '74', // CANNOT_READ_FROM_FILE_DESCRIPTOR
  '75', // CANNOT_WRITE_TO_FILE_DESCRIPTOR
  '76', // CANNOT_OPEN_FILE
  '77', // CANNOT_CLOSE_FILE
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
  '241', // MEMORY_LIMIT_EXCEEDED
  '242', // TABLE_IS_READ_ONLY
  '243', // NOT_ENOUGH_SPACE
  '252', // TOO_MANY_PARTS
  '425', // SYSTEM_ERROR
]);

/** Operating-system failures the engine reports as a generic exception (code 1001). */
const storeTroubleText =
  /filesystem error|Permission denied|Operation not permitted|No space left|Read-only file system/i;

/** Engine codes of a query stopped for time: TIMEOUT_EXCEEDED, QUERY_WAS_CANCELLED. */
const timeoutCodes = new Set(['159', '394']);

/** Tells a connection or store problem (retry later) from a query the engine refused. */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof StorageException) {
    return error.code === StorageErrorCode.Unavailable;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (connectionErrorCodes.has(code) || storeTroubleCodes.has(code))) {
    return true;
  }
  return error instanceof Error && storeTroubleText.test(error.message);
}

/** True when the query was stopped for time or abandoned by its caller. */
function isTimeout(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted === true) {
    return true;
  }
  const code = (error as { code?: unknown } | null)?.code;
  const name = error instanceof Error ? error.name : '';
  return (
    (typeof code === 'string' && timeoutCodes.has(code)) ||
    name === 'ChdbTimeoutError' ||
    name === 'ChdbAbortError' ||
    name === 'AbortError'
  );
}

function wrap(error: unknown, tag: string, signal?: AbortSignal): StorageException {
  if (error instanceof StorageException) {
    return error;
  }
  const message = messageOf(error);
  const code = isTimeout(error, signal)
    ? StorageErrorCode.Timeout
    : isUnavailable(error)
      ? StorageErrorCode.Unavailable
      : StorageErrorCode.QueryFailed;
  return new StorageException(code, `ClickHouse ${tag}: ${message}`, { cause: error, tag });
}

/** The client's default settings, as an INSERT states them inline (see insertRaw). */
const INSERT_BASE_SETTINGS = Object.fromEntries(
  Object.entries(baseSettings).filter(
    (entry): entry is [string, string | number] =>
      typeof entry[1] === 'string' || typeof entry[1] === 'number',
  ),
);

/** The client's default settings, each unset: the client leaves undefined settings out. */
const WITHOUT_CLIENT_SETTINGS: ClickHouseSettings = Object.fromEntries(
  Object.keys(baseSettings).map((name) => [name, undefined]),
);

function settingName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new Error(`not a setting name: ${JSON.stringify(name)}`);
  }
  return name;
}

function settingValue(value: string | number): string {
  return typeof value === 'number'
    ? String(value)
    : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * A read with its own settings in a `SETTINGS` clause, which holds for that statement alone. A
 * client setting does not: the embedded engine runs it as a `SET` on its one session, where it
 * stays for every statement after it (an export's ISO times once made every later time read
 * unparseable, and statements running at once could take each other's).
 */
function withSettingsClause(sql: string, settings: ClickHouseSettings): string {
  const inline = Object.entries(settings)
    .filter((entry): entry is [string, string | number | boolean] =>
      ['string', 'number', 'boolean'].includes(typeof entry[1]),
    )
    .map(([name, value]) => {
      const text = typeof value === 'boolean' ? Number(value) : value;
      return `${settingName(name)} = ${settingValue(text)}`;
    });
  return inline.length === 0 ? sql : `${sql}\nSETTINGS ${inline.join(', ')}`;
}

/** How a read is bounded: the signal that cancels it and the engine-side time limit. */
interface ReadBounds {
  signal: AbortSignal | undefined;
  /** `max_execution_time` in seconds; 0 = none. */
  maxExecutionSeconds: number;
}

/**
 * The storage gateway. Every statement goes through here: parameters are bound by the engine,
 * each query is tagged, rows are validated, and driver errors are raised, never swallowed.
 */
@Injectable()
export class ClickHouseService implements OnApplicationShutdown {
  readonly client: ClickHouseClient;
  private readonly insertBytes: InsertBytes | undefined;
  private readonly drain: (() => Promise<void>) | undefined;

  constructor(readonly config: AppConfig) {
    const connection = connectClickHouse(config);
    this.client = connection.client;
    this.insertBytes = connection.insertBytes;
    this.drain = connection.drain;
  }

  /**
   * Every statement states its own time limit: the embedded engine applies settings with `SET`,
   * which outlives the statement in its session, so a limit left unsaid would be inherited.
   */
  private settingsFor(
    tag: string,
    extra?: ClickHouseSettings,
    maxExecutionSeconds = 0,
  ): ClickHouseSettings {
    return {
      log_comment: tag,
      max_execution_time: maxExecutionSeconds,
      timeout_overflow_mode: 'throw',
      ...extra,
    };
  }

  /**
   * The bounds of a read: the caller's signal and the current request's (see QueryScope), and a
   * time limit the engine enforces itself. A query whose work was already abandoned is not started.
   *
   * The embedded engine gets no abort signal: chDB cannot interrupt a running statement (an abort
   * only stops waiting for it), and statements abandoned that way were seen to hang or crash the
   * process when the store closed at shutdown. `max_execution_time` is what stops them there.
   */
  private readBounds(signal: AbortSignal | undefined, tag: string): ReadBounds {
    const scope = currentQueryScope();
    const signals = [signal, scope?.signal].filter((s): s is AbortSignal => s !== undefined);
    const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    if (combined?.aborted === true) {
      throw new StorageException(
        StorageErrorCode.Timeout,
        `ClickHouse ${tag}: cancelled before it ran (${String(combined.reason)})`,
      );
    }
    const bounded = this.config.embedded ? undefined : combined;
    if (scope === undefined) {
      return { signal: bounded, maxExecutionSeconds: 0 };
    }
    const remainingMs = Math.max(1, scope.deadline - Date.now());
    return { signal: bounded, maxExecutionSeconds: remainingMs / 1000 };
  }

  /**
   * A server keeps running a query whose HTTP request was dropped, so an abort also sends
   * `KILL QUERY` for it. Best effort: when the kill cannot be sent, `max_execution_time` still
   * stops the query at the deadline. The embedded engine has no query ids to kill.
   */
  private killOnAbort(signal: AbortSignal | undefined, queryId: string): () => void {
    if (signal === undefined || this.config.embedded) {
      return () => undefined;
    }
    const kill = () => {
      this.command('storage.kill_query', 'KILL QUERY WHERE query_id = {queryId:String} ASYNC', {
        queryId,
      }).catch(() => undefined);
    };
    signal.addEventListener('abort', kill, { once: true });
    return () => signal.removeEventListener('abort', kill);
  }

  /** Runs a SELECT and returns its rows parsed by `spec.row`. */
  async query<T>(spec: QuerySpec<T>): Promise<T[]> {
    const bounds = this.readBounds(spec.signal, spec.tag);
    const queryId = `${spec.tag}-${randomUUID()}`;
    const stopKilling = this.killOnAbort(bounds.signal, queryId);
    let raw: unknown[];
    try {
      const result = await this.client.query({
        query: withSettingsClause(
          spec.sql,
          this.settingsFor(spec.tag, spec.settings, bounds.maxExecutionSeconds),
        ),
        query_params: spec.params,
        format: 'JSONEachRow',
        query_id: queryId,
        abort_signal: bounds.signal,
      });
      raw = await result.json<unknown>();
    } catch (error) {
      throw wrap(error, spec.tag, bounds.signal);
    } finally {
      stopKilling();
    }
    const parsed = z.array(spec.row).safeParse(raw);
    if (!parsed.success) {
      throw new StorageException(
        StorageErrorCode.InvalidRow,
        `ClickHouse ${spec.tag}: unexpected row shape: ${parsed.error.message}`,
        { tag: spec.tag },
      );
    }
    return parsed.data;
  }

  /**
   * Runs a defined query: its parameters checked by its parameters schema (a bad value is an
   * error naming the field, before anything reaches the engine), its rows parsed by its row schema.
   */
  async run<P extends QueryParamsSchema, R extends z.ZodType>(
    query: QueryDefinition<P, R>,
    params: z.input<P>,
    options: RunOptions = {},
  ): Promise<z.output<R>[]> {
    return this.query<z.output<R>>({
      tag: options.tag ?? query.name,
      sql: query.sql,
      params: checkedParams(query, params),
      row: query.row as z.ZodType<z.output<R>>,
      settings: query.settings,
      signal: options.signal,
    });
  }

  /** Runs a defined query and hands back ClickHouse's own output stream in `format`. */
  async streamRun<P extends QueryParamsSchema>(
    query: QueryDefinition<P, z.ZodType>,
    params: z.input<P>,
    format: string,
    options: RunOptions = {},
  ): Promise<Readable> {
    return this.stream({
      tag: options.tag ?? query.name,
      sql: query.sql,
      params: checkedParams(query, params),
      settings: query.settings,
      signal: options.signal,
      format,
    });
  }

  /** Runs a query and hands back ClickHouse's own output stream in `format` (CSV, Parquet, ...). */
  async stream(spec: Omit<QuerySpec<unknown>, 'row'> & { format: string }): Promise<Readable> {
    const bounds = this.readBounds(spec.signal, spec.tag);
    const queryId = `${spec.tag}-${randomUUID()}`;
    const stopKilling = this.killOnAbort(bounds.signal, queryId);
    try {
      const statement = withSettingsClause(
        spec.sql,
        this.settingsFor(spec.tag, spec.settings, bounds.maxExecutionSeconds),
      );
      const result = await this.client.exec({
        query: `${statement}\nFORMAT ${spec.format}`,
        query_params: spec.params,
        query_id: queryId,
        abort_signal: bounds.signal,
      });
      result.stream.once('close', stopKilling);
      return result.stream;
    } catch (error) {
      stopKilling();
      throw wrap(error, spec.tag, bounds.signal);
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
        clickhouse_settings: this.settingsFor(spec.tag, spec.settings),
      });
    } catch (error) {
      throw wrap(error, spec.tag);
    }
  }

  /**
   * Inserts rows already serialized as JSONEachRow (one JSON object per line), as text or as its
   * UTF-8 bytes, with `settings` for this statement.
   *
   * Every setting travels inside the statement (`INSERT ... SETTINGS ... FORMAT`), none as a client
   * setting: the embedded engine runs each client setting as a `SET` statement in front of the
   * INSERT, and each of those re-reads the whole text, data included (the six a statement
   * carries made a 10,000-row insert cost the engine 2.7 times its own parsing). Bytes go to the
   * embedded engine as they are, without a text made of them and a statement around that.
   */
  async insertRaw(
    table: string,
    ndjson: string | Buffer,
    tag: string,
    settings: Record<string, string | number> = {},
  ): Promise<void> {
    if (ndjson.length === 0) {
      return;
    }
    // The client's own settings (the engine's date_time_input_format among them) still apply.
    const all = { ...INSERT_BASE_SETTINGS, log_comment: tag, max_execution_time: 0, ...settings };
    try {
      if (typeof ndjson !== 'string' && this.insertBytes !== undefined) {
        await this.insertBytes(table, ndjson, all);
        return;
      }
      const inline = Object.entries(all).map(
        ([name, value]) => `${settingName(name)} = ${settingValue(value)}`,
      );
      await this.client.exec({
        query: `INSERT INTO ${table} SETTINGS ${inline.join(', ')} FORMAT JSONEachRow\n${ndjson.toString()}`,
        query_id: `${tag}-${randomUUID()}`,
        clickhouse_settings: WITHOUT_CLIENT_SETTINGS,
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

  /** Closes the client, then waits for the embedded engine to finish what it still runs. */
  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
    await this.drain?.();
  }
}
