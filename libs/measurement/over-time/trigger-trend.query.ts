import { z } from 'zod';
import { defineQuery, type ClickHouseService } from '../../storage/index.js';
import { periodParams } from '../common/period.js';
import {
  LATEST_CONSENT_KEY,
  SENT_FIRING,
  SENT_FIRING_TIMES_CTES,
  TRIGGER_DEFINITIONS_CTE,
  TRIGGER_FILTER,
  inPeriod,
} from '../common/sql.js';

/** One bucket × trigger of the trend. */
export const triggerTrendRow = z.object({
  bucket_start: z.number(),
  trigger_id: z.string(),
  sent_firings: z.number(),
  /** Sent firings with a signal time: those latency is measured on. */
  timed_firings: z.number(),
  within_window_rate: z.number().nullable(),
  p50_ms: z.number().nullable(),
  overwhelmed: z.number(),
  converted_then_targeted: z.number(),
  non_compliant: z.number(),
});
export type TriggerTrendRow = z.infer<typeof triggerTrendRow>;

/** Bound values of {@link TRIGGER_TREND_QUERY}. */
export const triggerTrendParams = periodParams.extend({
  /** Empty = every trigger. */
  triggerIds: z.array(z.string()),
  /** The bucket length, ms (from `from`). */
  stepMs: z.number().int().positive(),
  overwhelmTypes: z.array(z.string()).min(1),
  overwhelmWindowMs: z.number().int().positive(),
});
export type TriggerTrendParams = z.input<typeof triggerTrendParams>;

/**
 * Per bucket of decided_at (from + k·step) and trigger, over the sent treatment firings decided
 * in [from, to), each figure the one its own measure gives with the bucket as its period
 * (docs/design.md §7), in one statement:
 * - within-window share and median end-to-end latency: as latency.query.ts (a firing's signal
 *   time is its own signal_at, else the referenced signal's; delivered_at its first delivered or
 *   rendered exposure; the share and median over the firings with a signal time; exact median,
 *   interpolated, rounded to the microsecond);
 * - overwhelmed: the person's first overwhelm outcome after decided_at lies within 7 days (as
 *   pressure.query.ts);
 * - converted-then-targeted: a success outcome of the trigger in [decided_at − lookback,
 *   decided_at) (as suppression.query.ts);
 * - non-compliant: the trigger has a consent purpose and the person's consent state for it at
 *   decided_at is not granted (as consent-audit.query.ts).
 * All four are properties of a single firing, so a bucket's figures are its firings' figures.
 */
const TRIGGER_TREND_SQL = `
WITH
  ${TRIGGER_DEFINITIONS_CTE.trim()},
  sent AS MATERIALIZED (
    -- sent treatment firings decided in [from, to), with their bucket; read by several steps
    SELECT firing_id, trigger_id, person_key, decided_at, signal_at, signal_event_id,
           toUnixTimestamp64Milli(decided_at) AS t_ms,
           toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')})
             + intDiv(t_ms - toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')}), {stepMs:Int64}) * {stepMs:Int64}
             AS bucket_start
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND ${inPeriod('decided_at')}
      AND ${SENT_FIRING}
      AND ${TRIGGER_FILTER}
  ),
  ${SENT_FIRING_TIMES_CTES},
  person_successes AS (
    -- each person's outcomes of a type some trigger counts as success (as suppression)
    SELECT person_key, groupArray(cityHash64(type)) AS type_keys,
           groupArray(toUnixTimestamp64Milli(occurred_at)) AS ats
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String}
      AND type IN (SELECT arrayJoin(success_types) FROM defs)
    GROUP BY person_key
  ),
  overwhelm AS (
    -- overwhelm outcomes that can fall within the window after a firing of the period
    SELECT person_key, toUnixTimestamp64Milli(occurred_at) AS at_ms, toUInt8(1) AS found
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String}
      AND has({overwhelmTypes:Array(String)}, type)
      AND occurred_at > {from:DateTime64(3, 'UTC')}
      AND occurred_at <= {to:DateTime64(3, 'UTC')} + toIntervalMillisecond({overwhelmWindowMs:Int64})
  ),
  histories AS (
    -- each (person, purpose)'s consent events before the period's end in time order (as consent)
    SELECT person_purpose, arraySort(at_list) AS ats,
           arraySort((granted, at, key) -> (at, key), granted_list, at_list, key_list) AS granteds
    FROM (
      SELECT cityHash64(person_key, purpose) AS person_purpose,
             groupArray(toUnixTimestamp64Milli(occurred_at)) AS at_list,
             groupArray(${LATEST_CONSENT_KEY}) AS key_list,
             groupArray(granted) AS granted_list
      FROM consent FINAL
      WHERE tenant_id = {tenantId:String}
        AND occurred_at < {to:DateTime64(3, 'UTC')}
        -- only the pairs a sent firing looks up: the others would be grouped and held for nothing
        AND cityHash64(person_key, purpose) IN (
          SELECT cityHash64(s.person_key, t.consent_purpose)
          FROM sent AS s INNER JOIN defs AS t ON t.trigger_id = s.trigger_id
          WHERE t.consent_purpose != '')
      GROUP BY person_purpose
    )
  ),
  checked AS (
    -- one row per sent firing: its latency against the window and the three harm checks
    SELECT s.bucket_start AS bucket_start, s.trigger_id AS trigger_id,
           nullIf(t.window_ms, 0) AS window_ms,
           toUnixTimestamp64Milli(coalesce(s.signal_at, r.referenced_at)) AS signal_ms,
           coalesce(toUnixTimestamp64Milli(d.delivered_at), s.t_ms) - signal_ms AS end_to_end_ms,
           w.found = 1 AND w.at_ms <= s.t_ms + {overwhelmWindowMs:Int64} AS overwhelmed,
           t.trigger_id != '' AND arrayExists(
             (type_key, at) -> at < s.t_ms AND at >= s.t_ms - toInt64(t.converted_lookback_ms)
                               AND has(arrayMap(type -> cityHash64(type), t.success_types), type_key),
             o.type_keys, o.ats) AS converted_then_targeted,
           arrayCount(at -> at <= s.t_ms, h.ats) AS in_force,
           t.consent_purpose != '' AND NOT (in_force > 0 AND h.granteds[in_force]) AS non_compliant
    FROM sent AS s
    LEFT JOIN first_delivery AS d ON d.firing_key = cityHash64(s.firing_id)
    LEFT JOIN referenced AS r ON r.event_key = cityHash64(s.signal_event_id)
    LEFT JOIN defs AS t ON t.trigger_id = s.trigger_id
    LEFT JOIN person_successes AS o ON o.person_key = s.person_key
    LEFT JOIN histories AS h ON h.person_purpose = cityHash64(s.person_key, t.consent_purpose)
    ASOF LEFT JOIN overwhelm AS w ON w.person_key = s.person_key AND w.at_ms > s.t_ms
  )
-- one row per bucket and trigger with a sent firing
SELECT bucket_start, trigger_id,
       count() AS sent_firings,
       count(signal_ms) AS timed_firings,
       if(any(window_ms) IS NULL OR timed_firings = 0, NULL,
          countIf(window_ms IS NOT NULL AND end_to_end_ms <= window_ms) / timed_firings)
         AS within_window_rate,
       if(timed_firings = 0, NULL, round(quantileExactInclusive(0.5)(end_to_end_ms), 3)) AS p50_ms,
       countIf(overwhelmed) AS overwhelmed,
       countIf(converted_then_targeted) AS converted_then_targeted,
       countIf(non_compliant) AS non_compliant
FROM checked
GROUP BY bucket_start, trigger_id
ORDER BY bucket_start, trigger_id`;

export const TRIGGER_TREND_QUERY = defineQuery({
  name: 'over_time.trigger_trend',
  module: import.meta.url,
  sql: TRIGGER_TREND_SQL,
  params: triggerTrendParams,
  row: triggerTrendRow,
});

/** Runs the trend: one row per bucket × trigger with a sent firing. */
export function queryTriggerTrend(
  clickhouse: ClickHouseService,
  params: TriggerTrendParams,
): Promise<TriggerTrendRow[]> {
  return clickhouse.run(TRIGGER_TREND_QUERY, params);
}
