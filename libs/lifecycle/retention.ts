import { z } from 'zod';
import type { AppConfig, Environment } from '../config/index.js';
import type { ClickHouseService } from '../storage/index.js';
import { alterTargets } from './cluster-targets.js';

/**
 * Per stream: its table, the event-time column its retention counts from, and the variable that
 * sets it. Triggers have no event time: a definition is counted from when it was received. The
 * trend facts (one row per firing, migration 0081) leave with their firings, by the firing's
 * decision time: a tenant whose firings have all left builds no facts again, and the facts of its
 * last builds would otherwise stay. The Segment messages kept unmapped (migration 0071: identify
 * traits such as e-mails among them) leave by their event time under a variable of their own.
 */
export const RETENTION = [
  { table: 'signals', column: 'occurred_at', variable: 'RETENTION_DAYS_SIGNALS' },
  { table: 'triggers', column: 'received_at', variable: 'RETENTION_DAYS_TRIGGERS' },
  { table: 'firings', column: 'decided_at', variable: 'RETENTION_DAYS_FIRINGS' },
  { table: 'trend_facts', column: 'intDiv(decided_ms, 1000)', variable: 'RETENTION_DAYS_FIRINGS' },
  { table: 'exposures', column: 'occurred_at', variable: 'RETENTION_DAYS_EXPOSURES' },
  { table: 'outcomes', column: 'occurred_at', variable: 'RETENTION_DAYS_OUTCOMES' },
  { table: 'consent', column: 'occurred_at', variable: 'RETENTION_DAYS_CONSENT' },
  { table: 'segment_unmapped', column: 'timestamp', variable: 'RETENTION_DAYS_SEGMENT' },
] as const satisfies readonly { table: string; column: string; variable: keyof Environment }[];

/**
 * The record of each id's contents (migration 0107) holds entries of every stream but trigger
 * definitions: each stream's entries leave under that stream's variable, by the same event time
 * (its views copy the column RETENTION names into `retained_from`), so that none outlives the
 * rows it describes. One TTL rule per stream, with `WHERE stream = '...'`.
 */
const ID_CONTENTS_RETENTION = RETENTION.filter(({ table }) =>
  ['signals', 'firings', 'exposures', 'outcomes', 'consent'].includes(table),
).map(({ table, variable }) => ({
  table: 'id_contents',
  column: 'retained_from',
  variable,
  stream: table,
}));

/** A TTL rule: rows of `table` (of one stream, when given) leave `variable` days after `column`. */
interface RetentionRule {
  table: string;
  column: string;
  variable: (typeof RETENTION)[number]['variable'];
  stream?: string;
}

const RULES: readonly RetentionRule[] = [...RETENTION, ...ID_CONTENTS_RETENTION];

/**
 * What applyRetention changed: per table (per `table.stream` for a rule of one stream), the days
 * now kept (null: everything) when changed.
 */
export type RetentionChanges = Record<string, number | null>;

/** A rule as the engine prints it back in `engine_full`. */
function ruleText({ column, stream }: RetentionRule, days: number): string {
  return `toDateTime(${column}) + toIntervalDay(${days})${stream === undefined ? '' : ` WHERE stream = '${stream}'`}`;
}

/** The TTL rules of a table as `engine_full` shows them, or undefined without TTL. */
function ttlOf(engine: string): string | undefined {
  return / TTL (.*?)(?: SETTINGS |$)/.exec(engine)?.[1];
}

/**
 * Makes each stream table's TTL what RETENTION_DAYS_<STREAM> says, at start (after migrations):
 * `ALTER TABLE ... MODIFY TTL` when set and different, `REMOVE TTL` when unset and one is there,
 * nothing otherwise, so a restart costs a read of system.tables. Rows past their TTL leave at the
 * next merge of their part (the engine also starts removing them from existing parts when a TTL
 * is set); `ALTER TABLE ... MATERIALIZE TTL` forces it.
 *
 * Not a migration: the days are configuration that may change between starts, and migrations are
 * applied once. The days are whole numbers validated by the configuration, the table, column and
 * stream names come from RULES: nothing from input reaches the statement.
 */
export async function applyRetention(
  clickhouse: ClickHouseService,
  config: AppConfig,
): Promise<RetentionChanges> {
  const targetOf = alterTargets(config.env.CLICKHOUSE_CLUSTER);
  const tables = [...new Set(RULES.map((rule) => rule.table))];
  const current = await clickhouse.query({
    tag: 'retention.current',
    sql: `SELECT name, engine_full FROM system.tables
          WHERE database = currentDatabase() AND name IN {tables:Array(String)}`,
    params: {
      tables: tables.map((table) =>
        config.env.CLICKHOUSE_CLUSTER === undefined ? table : `${table}_local`,
      ),
    },
    row: z.object({ name: z.string(), engine_full: z.string() }),
  });
  const engineOf = new Map(current.map((t) => [t.name.replace(/_local$/, ''), t.engine_full]));
  const changes: RetentionChanges = {};
  for (const table of tables) {
    const rules = RULES.filter((rule) => rule.table === table);
    const had = ttlOf(engineOf.get(table) ?? '');
    const kept = rules.flatMap((rule) => {
      const days = config.env[rule.variable];
      return days === undefined ? [] : [ruleText(rule, days)];
    });
    const wanted = kept.length === 0 ? undefined : kept.join(', ');
    if (wanted === had) {
      continue;
    }
    await clickhouse.command(
      `retention.${wanted === undefined ? 'remove' : 'set'}.${table}`,
      `ALTER TABLE ${targetOf(table)} ${wanted === undefined ? 'REMOVE TTL' : `MODIFY TTL ${wanted}`}`,
    );
    for (const rule of rules) {
      const days = config.env[rule.variable];
      const was = had !== undefined && days !== undefined && had.includes(ruleText(rule, days));
      const stated =
        had !== undefined && (rule.stream === undefined || had.includes(`'${rule.stream}'`));
      if ((days !== undefined && !was) || (days === undefined && stated)) {
        changes[rule.stream === undefined ? table : `${table}.${rule.stream}`] = days ?? null;
      }
    }
  }
  return changes;
}
