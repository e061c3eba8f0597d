-- freshness.by_signal_type: generated from libs/measurement/freshness/freshness.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC')
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

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
      AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}
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
  defs AS (
    -- newest version of each trigger definition; FINAL collapses re-sent definitions
    SELECT trigger_id, channel, signal_types, window_ms, holdout_pct, planned_persons,
           conversion_window_ms,
           if(empty(success_types), ['conversion', 'purchase', 'signup'], success_types) AS success_types,
           guardrail_types, frequency_cap_max, frequency_cap_per_ms,
           ifNull(suppression_converted_lookback_ms, 86400000) AS converted_lookback_ms,
           consent_purpose, status
    FROM triggers FINAL
    WHERE tenant_id = {tenantId:String}
    ORDER BY trigger_id, version DESC
    LIMIT 1 BY trigger_id
  ),
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
