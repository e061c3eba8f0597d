import { z } from 'zod';
import { defineQuery, type ClickHouseService } from '../../storage/index.js';
import { TRIGGER_VERSIONS_CTE } from '../../triggers/index.js';
import { periodParams, type PeriodParams } from '../common/period.js';
import { SENT_FIRING, SENT_FIRING_TIMES_CTES, inPeriod } from '../common/sql.js';

/** Bound values of the maturity queries. */
export type MaturityParams = PeriodParams;

/**
 * What armed the firings decided in [from, to), sent or not: the kind of the stored signal each
 * names in signal_event_id. A firing whose signal is not stored (or that names none: a scheduled
 * send) has kind ''.
 */
const FIRING_SIGNAL_KINDS_SQL = `
WITH
  decided AS (
    -- every firing decided in the period (FINAL: one row per firing_id)
    SELECT signal_event_id
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND ${inPeriod('decided_at')}
  ),
  kinds AS (
    -- the kind of each signal those firings name
    SELECT event_id, kind
    FROM signals FINAL
    WHERE tenant_id = {tenantId:String}
      AND event_id IN (SELECT signal_event_id FROM decided WHERE signal_event_id != '')
  )
-- firings by the kind of their signal ('' = none stored)
SELECT count() AS firings,
       countIf(k.kind = 'behavioral') AS behavioral,
       countIf(k.kind = 'predictive') AS predictive,
       countIf(k.kind = 'identity') AS identity
FROM decided AS d
LEFT JOIN kinds AS k ON k.event_id = d.signal_event_id`;

export const firingSignalKindsRow = z.object({
  firings: z.number().int(),
  behavioral: z.number().int(),
  predictive: z.number().int(),
  identity: z.number().int(),
});
export type FiringSignalKindsRow = z.infer<typeof firingSignalKindsRow>;

/**
 * Latency against windows for the maturity evidence, by trigger and by channel. Subjects and
 * latency as in the latency measure (sent treatment firings decided in [from, to); end-to-end =
 * first delivered|rendered exposure, else decided_at, minus the signal time: the firing's own
 * signal_at, else the occurred_at of the signal it names), but each firing is held against the
 * window of the definition version it names (the newest when it names none). Firings without a
 * signal time or whose version has no window are left out.
 * - level 'trigger': per trigger, the median of latency ÷ window (≤ 1: the median firing acted
 *   within its window);
 * - level 'channel': per channel (the firing's, else its version's), the firings within window.
 */
const LATENCY_AGAINST_WINDOWS_SQL = `
WITH
  ${TRIGGER_VERSIONS_CTE.trim()},
  sent AS (
    -- sent treatment firings decided in the period
    SELECT firing_id, trigger_id, trigger_version, decided_at, signal_at, signal_event_id, channel
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND ${inPeriod('decided_at')}
      AND ${SENT_FIRING}
  ),
  ${SENT_FIRING_TIMES_CTES},
  timed AS (
    -- one row per sent firing: its channel, end-to-end latency and its version window
    SELECT s.trigger_id AS trigger_id,
           if(s.channel != '', s.channel,
              if(named.trigger_id != '', named.channel, newest.channel)) AS firing_channel,
           if(named.trigger_id != '', named.window_ms, newest.window_ms) AS window_ms,
           toUnixTimestamp64Milli(coalesce(d.delivered_at, toNullable(s.decided_at)))
             - toUnixTimestamp64Milli(coalesce(s.signal_at, r.referenced_at)) AS end_to_end_ms
    FROM sent AS s
    LEFT JOIN first_delivery AS d ON d.firing_key = cityHash64(s.firing_id)
    LEFT JOIN referenced AS r ON r.event_key = cityHash64(s.signal_event_id)
    LEFT JOIN trigger_versions AS named
      ON named.trigger_id = s.trigger_id AND named.named_version = s.trigger_version
    LEFT JOIN trigger_versions AS newest
      ON newest.trigger_id = s.trigger_id AND newest.named_version = 0
  ),
  measured AS (
    -- the firings with a latency and a window; the window is named apart from timed's column,
    -- which an alias of the same name would shadow in WHERE (the engine reads an alias there), so
    -- that "IS NOT NULL" tests the window as read, not assumeNotNull's 0 for a trigger without one
    SELECT trigger_id, firing_channel, end_to_end_ms, assumeNotNull(window_ms) AS known_window_ms
    FROM timed
    WHERE end_to_end_ms IS NOT NULL AND window_ms IS NOT NULL
  )
-- per trigger the median latency-to-window ratio; per channel the firings within window
SELECT *
FROM (
  SELECT 'trigger' AS level, trigger_id AS key, count() AS firings,
         countIf(end_to_end_ms <= known_window_ms) AS within_window,
         quantileExactInclusive(0.5)(end_to_end_ms / known_window_ms) AS median_window_ratio
  FROM measured
  GROUP BY trigger_id
  UNION ALL
  SELECT 'channel' AS level, firing_channel AS key, count() AS firings,
         countIf(end_to_end_ms <= known_window_ms) AS within_window,
         quantileExactInclusive(0.5)(end_to_end_ms / known_window_ms) AS median_window_ratio
  FROM measured
  GROUP BY firing_channel
)
ORDER BY level, key`;

export const latencyAgainstWindowsRow = z.object({
  level: z.enum(['trigger', 'channel']),
  key: z.string(),
  firings: z.number().int(),
  within_window: z.number().int(),
  median_window_ratio: z.number(),
});
export type LatencyAgainstWindowsRow = z.infer<typeof latencyAgainstWindowsRow>;

export const FIRING_SIGNAL_KINDS_QUERY = defineQuery({
  name: 'maturity.signal_kinds',
  module: import.meta.url,
  sql: FIRING_SIGNAL_KINDS_SQL,
  params: periodParams,
  row: firingSignalKindsRow,
});

export const LATENCY_AGAINST_WINDOWS_QUERY = defineQuery({
  name: 'maturity.latency_against_windows',
  module: import.meta.url,
  sql: LATENCY_AGAINST_WINDOWS_SQL,
  params: periodParams,
  row: latencyAgainstWindowsRow,
});

/** Runs both maturity queries. */
export async function queryMaturityInputs(
  clickhouse: ClickHouseService,
  params: MaturityParams,
): Promise<{ kinds: FiringSignalKindsRow; latency: LatencyAgainstWindowsRow[] }> {
  const [kinds, latency] = await Promise.all([
    clickhouse.run(FIRING_SIGNAL_KINDS_QUERY, params),
    clickhouse.run(LATENCY_AGAINST_WINDOWS_QUERY, params),
  ]);
  return { kinds: kinds[0] ?? { firings: 0, behavioral: 0, predictive: 0, identity: 0 }, latency };
}
