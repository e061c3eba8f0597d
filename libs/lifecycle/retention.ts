import { z } from 'zod';
import type { AppConfig, Environment } from '../config/index.js';
import type { ClickHouseService } from '../storage/index.js';
import { alterTargets } from './cluster-targets.js';
import { CONSENT_RETENTION } from './consent-retention.js';

/**
 * Per stream: its table, the event-time column its retention counts from, and the variable that
 * sets it. Trigger definitions are not removed by age: the configuration refuses
 * RETENTION_DAYS_TRIGGERS, so a TTL an earlier release set on them is removed at start. The
 * trend facts (one row per firing, migration 0081) leave with their firings, by the firing's
 * decision time: a tenant whose firings have all left builds no facts again, and the facts of its
 * last builds would otherwise stay. The Segment messages kept unmapped (migration 0071: identify
 * traits such as e-mails among them) leave by their event time under a variable of their own.
 * Consent is not here: RETENTION_DAYS_CONSENT keeps the event in force (ConsentRetention), which a
 * TTL cannot, so a TTL an earlier release set on it is removed at start.
 */
export const RETENTION = [
  { table: 'signals', column: 'occurred_at', variable: 'RETENTION_DAYS_SIGNALS' },
  { table: 'triggers', column: 'received_at', variable: 'RETENTION_DAYS_TRIGGERS' },
  { table: 'firings', column: 'decided_at', variable: 'RETENTION_DAYS_FIRINGS' },
  { table: 'trend_facts', column: 'intDiv(decided_ms, 1000)', variable: 'RETENTION_DAYS_FIRINGS' },
  { table: 'exposures', column: 'occurred_at', variable: 'RETENTION_DAYS_EXPOSURES' },
  { table: 'outcomes', column: 'occurred_at', variable: 'RETENTION_DAYS_OUTCOMES' },
  { table: 'segment_unmapped', column: 'timestamp', variable: 'RETENTION_DAYS_SEGMENT' },
] as const satisfies readonly { table: string; column: string; variable: keyof Environment }[];

/** What applyRetention changed: per table, the days now kept (null: everything) when changed. */
export type RetentionChanges = Record<string, number | null>;

/** The TTL clause of `days`, as the engine prints it back in `engine_full`. */
function ttlClause(column: string, days: number): string {
  return `TTL toDateTime(${column}) + toIntervalDay(${days})`;
}

/**
 * Makes each stream table's TTL what RETENTION_DAYS_<STREAM> says, at start (after migrations):
 * `ALTER TABLE ... MODIFY TTL` when set and different, `REMOVE TTL` when unset and one is there,
 * nothing otherwise, so a restart costs a read of system.tables. Rows past their TTL leave at the
 * next merge of their part (the engine also starts removing them from existing parts when a TTL
 * is set); `ALTER TABLE ... MATERIALIZE TTL` forces it.
 *
 * Not a migration: the days are configuration that may change between starts, and migrations are
 * applied once. The days are whole numbers validated by the configuration, the table and column
 * names come from RETENTION: nothing from input reaches the statement.
 */
export async function applyRetention(
  clickhouse: ClickHouseService,
  config: AppConfig,
): Promise<RetentionChanges> {
  const targetOf = alterTargets(config.env.CLICKHOUSE_CLUSTER);
  const ttls = [
    ...RETENTION.map((r) => ({ ...r, days: config.env[r.variable] })),
    // never a TTL: see ConsentRetention
    { ...CONSENT_RETENTION, days: undefined },
  ];
  const current = await clickhouse.query({
    tag: 'retention.current',
    sql: `SELECT name, engine_full FROM system.tables
          WHERE database = currentDatabase() AND name IN {tables:Array(String)}`,
    params: {
      tables: ttls.map((r) =>
        config.env.CLICKHOUSE_CLUSTER === undefined ? r.table : `${r.table}_local`,
      ),
    },
    row: z.object({ name: z.string(), engine_full: z.string() }),
  });
  const engineOf = new Map(current.map((t) => [t.name.replace(/_local$/, ''), t.engine_full]));
  const changes: RetentionChanges = {};
  for (const { table, column, days } of ttls) {
    const engine = engineOf.get(table) ?? '';
    const hasTtl = /\bTTL\b/.test(engine);
    if (days !== undefined && !engine.includes(ttlClause(column, days))) {
      await clickhouse.command(
        `retention.set.${table}`,
        `ALTER TABLE ${targetOf(table)} MODIFY TTL toDateTime(${column}) + INTERVAL ${days} DAY`,
      );
      changes[table] = days;
    } else if (days === undefined && hasTtl) {
      await clickhouse.command(
        `retention.remove.${table}`,
        `ALTER TABLE ${targetOf(table)} REMOVE TTL`,
      );
      changes[table] = null;
    }
  }
  return changes;
}
