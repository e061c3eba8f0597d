import { z } from 'zod';
import { defineQuery } from '../../storage/index.js';
import { periodParams } from '../common/period.js';
import { TRIGGER_DEFINITIONS_CTE, inPeriod } from '../common/sql.js';

/**
 * Signal freshness per signal type, source and kind (docs/design.md §3, "Signal freshness"), over
 * the signals whose `occurred_at` is in [from, to).
 *
 * - Ingest lag = received_at − occurred_at. This is the one measure about arrival time. Read with
 *   FINAL, a re-delivered event_id is the copy kept by the table (its latest delivery), so a
 *   producer's late retry shows as lag; the first arrival is not stored once parts merge. A signal
 *   imported from history that says when its pipeline received it (collected_at) is measured to
 *   that time instead: its arrival here is only the day of the import. A collected_at later than
 *   the arrival here (the collector's clock ahead) is read as the arrival: the earlier of the two.
 * - Input age (predictive signals with computed_at) = occurred_at − computed_at: how old the model
 *   input was when the prediction was emitted.
 * - exceedsWindowOf: the triggers (newest definition, any status) that list the type in
 *   signal_types and whose window_ms is smaller than the p90 lag, or for predictive signals the
 *   p90 lag plus the p90 input age, with those windows (exceeded_window_ms, in the same order). A
 *   trigger without a window (0) is never exceeded.
 *
 * Percentiles are exact and interpolated (`quantilesExactInclusive`, as in the latency measure),
 * rounded to the microsecond.
 */
const SIGNAL_FRESHNESS_SQL = `
WITH
  timed AS (
    -- one row per signal that occurred in [from, to) (FINAL: one row per event_id), with its
    -- ingest lag and, for a predictive signal with computed_at, its input age in ms
    SELECT
      type,
      source,
      kind,
      toUnixTimestamp64Milli(least(ifNull(collected_at, received_at), received_at))
        - toUnixTimestamp64Milli(occurred_at)
        AS lag_ms,
      if(
        kind = 'predictive',
        toUnixTimestamp64Milli(occurred_at) - toUnixTimestamp64Milli(computed_at),
        NULL
      ) AS input_age_ms
    FROM signals FINAL
    WHERE tenant_id = {tenantId:String}
      AND ${inPeriod('occurred_at')}
  ),
  stats AS (
    -- lag and input-age percentiles per (type, source, kind); quantiles skip NULL input ages
    SELECT
      type,
      source,
      kind,
      count() AS signals,
      quantilesExactInclusive(0.5, 0.9, 0.99)(lag_ms) AS lag_quantiles,
      count(input_age_ms) AS aged,
      quantilesExactInclusive(0.5, 0.9)(input_age_ms) AS input_age_quantiles
    FROM timed
    GROUP BY type, source, kind
  ),
  ${TRIGGER_DEFINITIONS_CTE.trim()},
  armed AS (
    -- per signal type, the (trigger_id, window_ms) of the triggers it arms that have a window
    SELECT signal_type, groupArray((trigger_id, assumeNotNull(window_ms))) AS windows
    FROM defs
    ARRAY JOIN signal_types AS signal_type
    WHERE window_ms > 0
    GROUP BY signal_type
  ),
  measured AS (
    -- percentiles as columns; the age a signal adds before it can act: p90 lag (+ p90 input age)
    SELECT
      type,
      source,
      kind,
      signals,
      round(lag_quantiles[1], 3) AS lag_p50_ms,
      round(lag_quantiles[2], 3) AS lag_p90_ms,
      round(lag_quantiles[3], 3) AS lag_p99_ms,
      if(aged = 0, NULL, round(input_age_quantiles[1], 3)) AS input_age_p50_ms,
      if(aged = 0, NULL, round(input_age_quantiles[2], 3)) AS input_age_p90_ms,
      lag_p90_ms + ifNull(input_age_p90_ms, 0) AS p90_age_ms
    FROM stats
  ),
  flagged AS (
    -- the (trigger_id, window_ms) whose window that age exceeds, sorted by id; a type no trigger
    -- lists joins an empty list
    SELECT m.*, arraySort(arrayDistinct(arrayFilter(w -> w.2 < m.p90_age_ms, a.windows))) AS exceeded
    FROM measured AS m
    LEFT JOIN armed AS a ON a.signal_type = m.type
  )
SELECT
  type,
  source,
  kind,
  signals,
  lag_p50_ms,
  lag_p90_ms,
  lag_p99_ms,
  input_age_p50_ms,
  input_age_p90_ms,
  arrayMap(w -> w.1, exceeded) AS exceeds_window_of,
  arrayMap(w -> toFloat64(w.2), exceeded) AS exceeded_window_ms
FROM flagged
ORDER BY type, source, kind
`;

export type SignalFreshnessParams = z.input<typeof periodParams>;

/** One (type, source, kind) as the engine returns it. */
export const signalFreshnessRow = z.object({
  type: z.string(),
  source: z.string(),
  kind: z.string(),
  signals: z.number().int(),
  lag_p50_ms: z.number(),
  lag_p90_ms: z.number(),
  lag_p99_ms: z.number(),
  input_age_p50_ms: z.number().nullable(),
  input_age_p90_ms: z.number().nullable(),
  exceeds_window_of: z.array(z.string()),
  exceeded_window_ms: z.array(z.number()),
});
export type SignalFreshnessRow = z.infer<typeof signalFreshnessRow>;

export const SIGNAL_FRESHNESS_QUERY = defineQuery({
  name: 'freshness.by_signal_type',
  module: import.meta.url,
  sql: SIGNAL_FRESHNESS_SQL,
  params: periodParams,
  row: signalFreshnessRow,
});
