-- latency.by_trigger: generated from libs/measurement/latency/latency.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC'), triggerIds Array(String), byChannel Bool, byDay Bool
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
  sent AS (
    -- sent treatment firings decided in [from, to), read by several steps (each a scan)
    SELECT firing_id, trigger_id, decided_at, signal_at, signal_event_id, channel
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
      AND arm = 'treatment' AND skip_reason = ''
      AND (empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))
  ),
  first_delivery AS (
    SELECT cityHash64(firing_id) AS firing_key, toNullable(min(occurred_at)) AS delivered_at
    FROM exposures FINAL
    WHERE tenant_id = {tenantId:String}
      AND type IN ('delivered', 'rendered')
      AND cityHash64(firing_id) IN (SELECT cityHash64(firing_id) FROM sent)
    GROUP BY firing_key
  ),
  referenced AS (
    SELECT cityHash64(event_id) AS event_key, toNullable(occurred_at) AS referenced_at
    FROM signals FINAL
    WHERE tenant_id = {tenantId:String}
      AND event_id IN (
        SELECT signal_event_id FROM sent WHERE signal_at IS NULL AND signal_event_id != ''
      )
  ),
  timed AS (
    -- one row per sent firing: its group keys and latencies in ms (NULL where a time is unknown);
    -- the firing's channel falls back to its trigger's; a window of 0 or none is no window
    SELECT
      s.trigger_id AS trigger_id,
      if(s.channel = '', t.channel, s.channel) AS firing_channel,
      t.channel AS trigger_channel,
      nullIf(t.window_ms, 0) AS window_ms,
      toDate(s.decided_at) AS decided_day,
      toUnixTimestamp64Milli(s.decided_at) AS decided_ms,
      toUnixTimestamp64Milli(coalesce(s.signal_at, r.referenced_at)) AS signal_ms,
      toUnixTimestamp64Milli(d.delivered_at) AS delivered_ms,
      decided_ms - signal_ms AS signal_to_decision_ms,
      delivered_ms - decided_ms AS decision_to_delivery_ms,
      coalesce(delivered_ms, decided_ms) - signal_ms AS end_to_end_ms
    FROM sent AS s
    LEFT JOIN first_delivery AS d ON d.firing_key = cityHash64(s.firing_id)
    LEFT JOIN referenced AS r ON r.event_key = cityHash64(s.signal_event_id)
    LEFT JOIN defs AS t ON t.trigger_id = s.trigger_id
  ),
  grouped AS (
    -- aggregates per trigger (and channel, day when asked); aggregate functions skip NULLs, so
    -- the latency figures cover the firings with a signal time only (signal_to_decision_ms is
    -- NULL exactly when the firing has none)
    SELECT
      trigger_id,
      if({byChannel:Bool}, firing_channel, '') AS channel_key,
      if({byDay:Bool}, toString(decided_day), '') AS day_key,
      -- ungrouped by channel: the trigger's channel, or (no definition) its firings' one channel
      if(
        {byChannel:Bool} OR any(trigger_channel) = '',
        if(min(firing_channel) = max(firing_channel), min(firing_channel), ''),
        any(trigger_channel)
      ) AS channel,
      count(signal_to_decision_ms) AS firings,
      countIf(signal_to_decision_ms IS NULL) AS no_signal_time,
      quantilesExactInclusive(0.5, 0.9, 0.95, 0.99)(end_to_end_ms) AS end_to_end_quantiles,
      max(end_to_end_ms) AS max_ms,
      quantileExactInclusive(0.5)(signal_to_decision_ms) AS signal_to_decision_p50,
      quantileExactInclusive(0.5)(decision_to_delivery_ms) AS decision_to_delivery_p50,
      any(window_ms) AS trigger_window_ms,
      countIf(window_ms IS NOT NULL AND end_to_end_ms > window_ms) AS expired,
      countIf(window_ms IS NOT NULL AND end_to_end_ms <= window_ms) AS within_window
    FROM timed
    GROUP BY trigger_id, channel_key, day_key
  )
-- groups with at least one measured firing; rates are shares of the measured firings
SELECT
  trigger_id,
  channel,
  day_key,
  firings,
  no_signal_time,
  -- interpolated percentiles rounded to the microsecond: the inputs are whole ms, and the
  -- rounding removes float noise such as 6599999.999999999
  round(end_to_end_quantiles[1], 3) AS p50_ms,
  round(end_to_end_quantiles[2], 3) AS p90_ms,
  round(end_to_end_quantiles[3], 3) AS p95_ms,
  round(end_to_end_quantiles[4], 3) AS p99_ms,
  max_ms,
  round(signal_to_decision_p50, 3) AS signal_to_decision_p50_ms,
  round(decision_to_delivery_p50, 3) AS decision_to_delivery_p50_ms,
  trigger_window_ms AS window_ms,
  if(trigger_window_ms IS NULL, NULL, within_window / firings) AS within_window_rate,
  expired
FROM grouped
WHERE firings > 0
ORDER BY trigger_id, day_key, channel_key
