-- suppression.audit_facts: generated from libs/measurement/suppression/suppression.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, buildId UInt64, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC'), triggerIds Array(String)
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
    SELECT trigger_id, converted_then_targeted, converted_in_flight, cap_breached
    FROM trend_facts
    WHERE build_id = {buildId:UInt64}
      AND tenant_id = {tenantId:String}
      AND decided_ms >= toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')})
      AND decided_ms < toUnixTimestamp64Milli({to:DateTime64(3, 'UTC')})
      AND (empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))
  ),
  failures AS (
    -- per trigger: sent firings that failed each outcome rule
    SELECT trigger_id, countIf(converted_then_targeted) AS converted_then_targeted,
           countIf(converted_in_flight) AS converted_in_flight
    FROM facts
    GROUP BY trigger_id
  ),
  cap_breaches AS (
    -- per trigger: sent firings that breached its cap
    SELECT trigger_id, countIf(cap_breached) AS breaches
    FROM facts
    GROUP BY trigger_id
  ),
  sent_counts AS (
    -- per trigger fired in the period: its sent firings and the channel they share ('' when several)
    SELECT trigger_id, if(minIf(channel, arm = 'treatment' AND skip_reason = '') = maxIf(channel, arm = 'treatment' AND skip_reason = ''), minIf(channel, arm = 'treatment' AND skip_reason = ''), '') AS firing_channel, countIf(arm = 'treatment' AND skip_reason = '') AS sent_firings
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
      AND (empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))
    GROUP BY trigger_id
  ),
  reported AS (
    -- the triggers reported: the selected definitions and any trigger fired in the period
    SELECT trigger_id FROM defs WHERE (empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))
    UNION DISTINCT
    SELECT trigger_id FROM sent_counts
  )
-- one row per trigger; the definition's channel, else the one its sent firings share
SELECT r.trigger_id AS trigger_id,
       if(d.trigger_id != '', d.channel, n.firing_channel) AS channel,
       n.sent_firings AS sent_firings,
       t.converted_then_targeted AS converted_then_targeted,
       t.converted_in_flight AS converted_in_flight,
       b.breaches AS cap_breaches
FROM reported AS r
LEFT JOIN defs AS d ON d.trigger_id = r.trigger_id
LEFT JOIN sent_counts AS n ON n.trigger_id = r.trigger_id
LEFT JOIN failures AS t ON t.trigger_id = r.trigger_id
LEFT JOIN cap_breaches AS b ON b.trigger_id = r.trigger_id
ORDER BY trigger_id
