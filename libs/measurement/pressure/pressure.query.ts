import { z } from 'zod';
import { defineQuery, type ClickHouseService } from '../../storage/index.js';
import { OVERWHELM_TYPES } from '../common/outcome-classes.js';
import { periodParams, type PeriodParams } from '../common/period.js';
import { SENT_FIRING, TRIGGER_DEFINITIONS_CTE } from '../common/sql.js';
import { factsBuildParam, factsOfPeriod } from '../over-time/trigger-trend.query.js';
import { CAP_BREACHES_CTE } from '../suppression/cap-breaches.sql.js';

/**
 * The dose-response buckets of 7-day pressure (docs/design.md §3): each starts at `from` and runs
 * to the next bucket's start. The SQL receives the starts as a parameter, so this list is the only
 * place the buckets are defined.
 */
export const PRESSURE_BUCKETS = [
  { label: '1', from: 1 },
  { label: '2-3', from: 2 },
  { label: '4-6', from: 4 },
  { label: '7+', from: 7 },
] as const;

/** How long after a firing an overwhelm outcome counts against it (dose-response). */
export const OVERWHELM_WINDOW_MS = 7 * 86_400_000;

const histogram = z.record(z.string(), z.number());
const quantiles = z.array(z.number().nullable());

/**
 * One row: totals, exact quantiles (linear interpolation between closest ranks, as numpy's default
 * and Excel's PERCENTILE.INC; null without firings) and histograms keyed by pressure or bucket
 * number (1-based index into PRESSURE_BUCKETS), as JSON objects.
 */
export const pressureRow = z.object({
  firings: z.number(),
  above_cap: z.number(),
  last_7d_quantiles: quantiles,
  last_24h_quantiles: quantiles,
  by_last_7d: histogram,
  by_last_24h: histogram,
  bucket_firings: histogram,
  bucket_overwhelmed: histogram,
});
export type PressureRow = z.infer<typeof pressureRow>;

export type PressureQueryParams = PeriodParams;

/** Bound values of {@link PRESSURE_QUERY}. */
export const pressureParams = periodParams.extend({
  /** The dose-response buckets' starts, PRESSURE_BUCKETS' `from`. */
  bucketStarts: z.array(z.number().int().positive()),
  overwhelmTypes: z.array(z.string()),
  overwhelmWindowMs: z.number().int().positive(),
});

/**
 * Message pressure, docs/design.md §3, over the sent treatment firings decided in [from, to):
 * - pressure of a firing at t = 1 (itself) + the person's other sent treatment firings, all
 *   triggers, with decided_at in [t − 24 h, t), resp. [t − 7 d, t); firings at the same instant do
 *   not count (libs/demo/truth.ts). The lookback reads firings up to 7 days before `from`;
 * - aboveCap = measured firings that breach their own trigger's frequency cap (CAP_BREACHES_CTE:
 *   the same count as suppressionAudit's capBreaches, summed over triggers);
 * - overwhelmed = the person has an overwhelm outcome in (t, t + 7 d], whatever the period's end.
 * Pressure is counted by a RANGE window over each person's firings in time order, so the cost
 * is one sort of the period's firings, not a join of every firing with every other.
 * `capSteps` (constant text) are the steps that `aboveCap`, a select of one value, counts from.
 */
function pressureSql(capSteps: string, aboveCap: string): string {
  return `
WITH
  ${capSteps},
  sent AS (
    -- every sent treatment firing, all triggers, from 7 days before the period to its end
    SELECT person_key, toUnixTimestamp64Milli(decided_at) AS t_ms
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND ${SENT_FIRING}
      AND decided_at >= {from:DateTime64(3, 'UTC')} - INTERVAL 7 DAY
      AND decided_at < {to:DateTime64(3, 'UTC')}
  ),
  pressured AS (
    -- pressure: the firing itself + the person's sent firings in [t − 24 h, t) and [t − 7 d, t)
    SELECT person_key, t_ms,
           1 + count() OVER (PARTITION BY person_key ORDER BY t_ms
                             RANGE BETWEEN 86400000 PRECEDING AND 1 PRECEDING) AS last_24h,
           1 + count() OVER (PARTITION BY person_key ORDER BY t_ms
                             RANGE BETWEEN 604800000 PRECEDING AND 1 PRECEDING) AS last_7d
    FROM sent
  ),
  subjects AS (
    -- the measured firings (decided in the period) with their dose-response bucket number
    SELECT person_key, t_ms, last_24h, last_7d,
           arrayCount(start -> start <= last_7d, {bucketStarts:Array(UInt32)}) AS bucket
    FROM pressured
    WHERE t_ms >= toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')})
  ),
  overwhelm AS (
    -- overwhelm outcomes that can fall within 7 days after a measured firing
    SELECT person_key, toUnixTimestamp64Milli(occurred_at) AS at_ms, toUInt8(1) AS found
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String}
      AND has({overwhelmTypes:Array(String)}, type)
      AND occurred_at > {from:DateTime64(3, 'UTC')}
      AND occurred_at <= {to:DateTime64(3, 'UTC')} + INTERVAL 7 DAY
  ),
  followed AS (
    -- the person's first overwhelm outcome after each firing (ASOF: the smallest occurred_at > t)
    SELECT s.last_24h AS last_24h, s.last_7d AS last_7d,
           s.bucket AS bucket,
           o.found = 1 AND o.at_ms <= s.t_ms + {overwhelmWindowMs:Int64} AS overwhelmed
    FROM subjects AS s
    ASOF LEFT JOIN overwhelm AS o ON o.person_key = s.person_key AND o.at_ms > s.t_ms
  )
-- one row: totals, quantiles and histograms (no per-firing rows leave the engine)
SELECT count() AS firings,
       (${aboveCap}) AS above_cap,
       quantilesExactInclusive(0.5, 0.9)(last_7d) AS last_7d_quantiles,
       quantilesExactInclusive(0.5, 0.9)(last_24h) AS last_24h_quantiles,
       sumMap(map(last_7d, toUInt64(1))) AS by_last_7d,
       sumMap(map(last_24h, toUInt64(1))) AS by_last_24h,
       sumMap(map(bucket, toUInt64(1))) AS bucket_firings,
       sumMap(map(bucket, toUInt64(overwhelmed))) AS bucket_overwhelmed
FROM followed`;
}

export const PRESSURE_QUERY = defineQuery({
  name: 'pressure.report',
  module: import.meta.url,
  sql: pressureSql(
    `${TRIGGER_DEFINITIONS_CTE},\n  ${CAP_BREACHES_CTE}`,
    'SELECT sum(breaches) FROM cap_breaches',
  ),
  params: pressureParams,
  row: pressureRow,
});

/**
 * The same with aboveCap from a build of the trend facts (migration 0084): each sent firing's
 * cap breach as the build wrote it (the rule of CAP_BREACHES_CTE, which counts only strictly
 * earlier firings, so a firing's flag does not depend on the period), counted over the period;
 * pressure and overwhelm as above. Same answer as {@link PRESSURE_QUERY} while the tenant's data is
 * the build's (see trend-facts.ts); the cap rule was half of that statement's time.
 */
export const PRESSURE_FACTS_QUERY = defineQuery({
  name: 'pressure.report_facts',
  module: import.meta.url,
  sql: pressureSql(factsOfPeriod('cap_breached').trim(), 'SELECT countIf(cap_breached) FROM facts'),
  params: pressureParams.extend({ triggerIds: z.array(z.string()).length(0), ...factsBuildParam }),
  row: pressureRow,
});

/** The measure's own parameters: its buckets, the built-in overwhelm types and its window. */
export const PRESSURE_CONSTANTS = {
  bucketStarts: PRESSURE_BUCKETS.map((b) => b.from),
  overwhelmTypes: [...OVERWHELM_TYPES],
  overwhelmWindowMs: OVERWHELM_WINDOW_MS,
};

/**
 * Runs the pressure query, from build `buildId` of the tenant's trend facts when given, else from
 * the streams; always one row.
 */
export async function queryPressure(
  clickhouse: ClickHouseService,
  params: PressureQueryParams & { overwhelmTypes: string[] },
  buildId?: number,
): Promise<PressureRow> {
  const bound = { ...PRESSURE_CONSTANTS, ...params };
  const rows =
    buildId === undefined
      ? await clickhouse.run(PRESSURE_QUERY, bound)
      : await clickhouse.run(PRESSURE_FACTS_QUERY, { ...bound, triggerIds: [], buildId });
  const row = rows[0];
  if (row === undefined) {
    throw new Error('pressure.report: the aggregate query returned no row');
  }
  return row;
}
