import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import type * as Chdb from 'chdb';
import type * as ChdbConnection from 'chdb/connection';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { AppConfig } from '../config/index.js';
import { clientLogs } from './client-logs.js';
import { openingFailure, refuseHeldDirectory } from './data-directory.js';

type EmbeddedConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

/**
 * Settings every query runs with, in both engines. 64-bit integers come back as JSON numbers
 * (counts here stay far below 2^53) and are parsed by each query's row schema.
 *
 * Every join builds its hash table from its right side, as each query is written (the smaller
 * side, or the one keyed for lookup). Left to itself (`auto`), the engine may swap the sides from
 * statistics of earlier runs of the same statement, and was measured to make the second run of the
 * suppression audit three times slower than the first.
 */
export const baseSettings: ClickHouseSettings = {
  output_format_json_quote_64bit_integers: 0,
  output_format_json_quote_decimals: 0,
  date_time_input_format: 'best_effort',
  query_plan_join_swap_table: 'false',
};

/**
 * Hands an insert's JSONEachRow bytes to the embedded engine as they are: no text made of them,
 * no statement text around them (see ClickHouseService.insertRaw).
 */
export type InsertBytes = (
  table: string,
  body: Buffer,
  settings: Record<string, string | number>,
) => Promise<unknown>;

/**
 * A client of the engine, and for the embedded one a way to insert bytes as they are and a wait
 * for the work it still runs.
 */
export interface ClickHouseConnection {
  client: ClickHouseClient;
  insertBytes?: InsertBytes;
  /**
   * Resolves once no statement runs in the embedded engine any more. Closing the client does not
   * stop a statement still running (a digest sent as the process stops, a query whose caller left).
   * chDB then releases the connection only when that statement ends. Until then the process cannot
   * open another data directory.
   */
  drain?: () => Promise<void>;
}

/**
 * The one way Causeway reaches ClickHouse: `@clickhouse/client`, over HTTP to a server when
 * CLICKHOUSE_URL is set, otherwise to the embedded chDB engine with data under CAUSEWAY_DATA_DIR.
 */
export function createClickHouseClient(config: AppConfig): ClickHouseClient {
  return connectClickHouse(config).client;
}

/**
 * chDB, loaded when the embedded engine is first used, not when this module is: its native library
 * has builds for Linux (glibc, x64 and arm64) and macOS only, and an API on a ClickHouse server may
 * run elsewhere (a node:alpine image, whose musl has none). Loaded with require, as chDB's own ESM
 * entry loads itself, so that its connection and its drainPending are one instance.
 */
function embeddedEngine(): { chdb: typeof Chdb; connection: typeof ChdbConnection } {
  const load = createRequire(import.meta.url);
  try {
    return {
      chdb: load('chdb') as typeof Chdb,
      connection: load('chdb/connection') as typeof ChdbConnection,
    };
  } catch (error) {
    // the cause (chDB's own words: the platform, the package it looked for) is printed after it
    throw new Error(
      'the embedded engine (chDB) cannot run here: it has builds for Linux (glibc, x64 and arm64) and macOS; elsewhere set CLICKHOUSE_URL to use a ClickHouse server',
      { cause: error },
    );
  }
}

/** {@link createClickHouseClient}, with the embedded engine's insert of bytes. */
export function connectClickHouse(config: AppConfig): ClickHouseConnection {
  const env = config.env;
  if (env.CLICKHOUSE_URL === undefined) {
    const path = resolve(env.CAUSEWAY_DATA_DIR);
    mkdirSync(path, { recursive: true });
    refuseHeldDirectory(path);
    // chdb types its connection against @clickhouse/client-common, which @clickhouse/client also
    // bundles as its own copy; the shapes are the same contract, the declarations are not shared.
    // The engine takes its server configuration from the first session opened on a directory,
    // and createChdbConnection passes none: a session opened just before, with the directory
    // BACKUP and RESTORE may use (backups.allowed_path), configures the engine the connection then
    // shares. It closes at once; the connection keeps the engine open.
    const engine = embeddedEngine();
    let configuring: Chdb.Session | undefined;
    let chdb: ReturnType<typeof ChdbConnection.createChdbConnection>;
    try {
      configuring = new engine.chdb.Session(path, {
        connectionArgs: [`--backups.allowed_path=${resolve(env.CAUSEWAY_BACKUP_ROOT)}`],
      });
      chdb = engine.connection.createChdbConnection({ path });
    } catch (error) {
      throw openingFailure(path, error);
    } finally {
      configuring?.close();
    }
    return {
      client: createClient({
        connection: chdb as unknown as EmbeddedConnection,
        clickhouse_settings: baseSettings,
        log: { LoggerClass: clientLogs(env.LOG_LEVEL) },
      }),
      insertBytes: (table, body, settings) =>
        chdb.chdb.rawInsert({ table, values: body, format: 'JSONEachRow', settings }),
      drain: engine.chdb.drainPending,
    };
  }
  return {
    client: createClient({
      url: env.CLICKHOUSE_URL,
      username: env.CLICKHOUSE_USER,
      password: env.CLICKHOUSE_PASSWORD,
      database: env.CLICKHOUSE_DATABASE,
      clickhouse_settings: baseSettings,
      log: { LoggerClass: clientLogs(env.LOG_LEVEL) },
      request_timeout: 300_000,
    }),
  };
}
