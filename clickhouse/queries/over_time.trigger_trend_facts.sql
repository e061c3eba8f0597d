-- over_time.trigger_trend_facts: generated from libs/measurement/over-time/trigger-trend.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, buildId UInt64, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC'), triggerIds Array(String), stepMs Int64
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

WITH
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
  facts AS (
    -- the build's firings decided in [from, to)
    SELECT trigger_id, decided_ms, end_to_end_ms, overwhelmed, converted_then_targeted,
           non_compliant
    FROM trend_facts
    WHERE build_id = {buildId:UInt64}
      AND tenant_id = {tenantId:String}
      AND decided_ms >= toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')})
      AND decided_ms < toUnixTimestamp64Milli({to:DateTime64(3, 'UTC')})
      AND (empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))
  ),
  checked AS (
    -- each firing with its trigger's window
    SELECT f.trigger_id AS trigger_id, f.decided_ms AS t_ms, nullIf(t.window_ms, 0) AS window_ms,
           f.end_to_end_ms AS end_to_end_ms, f.overwhelmed AS overwhelmed,
           f.converted_then_targeted AS converted_then_targeted, f.non_compliant AS non_compliant
    FROM facts AS f
    LEFT JOIN defs AS t ON t.trigger_id = f.trigger_id
  )
SELECT toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')})
         + intDiv(t_ms - toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')}), {stepMs:Int64}) * {stepMs:Int64}
         AS bucket_start,
       trigger_id,
       count() AS sent_firings,
       count(end_to_end_ms) AS timed_firings,
       if(any(window_ms) IS NULL OR timed_firings = 0, NULL,
          countIf(window_ms IS NOT NULL AND end_to_end_ms <= window_ms) / timed_firings)
         AS within_window_rate,
       if(timed_firings = 0, NULL, round(quantileExactInclusive(0.5)(end_to_end_ms), 3)) AS p50_ms,
       countIf(overwhelmed) AS overwhelmed,
       countIf(converted_then_targeted) AS converted_then_targeted,
       countIf(non_compliant) AS non_compliant
FROM checked
GROUP BY bucket_start, trigger_id
ORDER BY bucket_start, trigger_id
