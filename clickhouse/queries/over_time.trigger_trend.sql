-- over_time.trigger_trend: generated from libs/measurement/over-time/trigger-trend.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC'), triggerIds Array(String), overwhelmTypes Array(String), overwhelmWindowMs Int64, stepMs Int64
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
    SELECT firing_id, trigger_id, person_key, channel, decided_at, signal_at, signal_event_id,
           toUnixTimestamp64Milli(decided_at) AS t_ms
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
  person_successes AS (
    -- each person's outcomes of a type that some trigger, or the default, counts as success:
    -- their type hashes and times as two arrays, one row per person
    SELECT person_key, groupArray(cityHash64(type)) AS type_keys,
           groupArray(toUnixTimestamp64Milli(occurred_at)) AS ats
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String}
      AND (type IN (SELECT arrayJoin(success_types) FROM defs)
           OR has(['conversion', 'purchase', 'signup'], type))
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
    -- each (person, purpose)'s consent events before the period's end, in time order, as arrays;
    -- at one instant the event that wins (latest recorded, then largest event_id) comes last
    SELECT person_purpose, arraySort(at_list) AS ats,
           arraySort((granted, at, key) -> (at, key), granted_list, at_list, key_list) AS granteds
    FROM (
      SELECT cityHash64(person_key, purpose) AS person_purpose,
             groupArray(toUnixTimestamp64Milli(occurred_at)) AS at_list,
             groupArray(reinterpretAsUInt256(reverse(concat(reverse(reinterpretAsFixedString(toUInt64(toUnixTimestamp64Milli(ifNull(recorded_at, occurred_at))))), rightPad(event_id, 24, '\0'))))) AS key_list,
             groupArray(granted) AS granted_list
      FROM consent FINAL
      WHERE tenant_id = {tenantId:String}
        AND occurred_at < {to:DateTime64(3, 'UTC')}
        -- only the pairs looked up: the others would be grouped and held for nothing
        AND cityHash64(person_key, purpose) IN (
          SELECT cityHash64(s.person_key, t.consent_purpose)
          FROM sent AS s INNER JOIN defs AS t ON t.trigger_id = s.trigger_id
          WHERE t.consent_purpose != '')
      GROUP BY person_purpose
    )
  ),
  checked AS (
    -- one row per sent firing: its latency and the three harm checks
    SELECT s.trigger_id AS trigger_id, s.person_key AS person_key, s.t_ms AS t_ms,
           nullIf(t.window_ms, 0) AS window_ms,
           toUnixTimestamp64Milli(coalesce(s.signal_at, r.referenced_at)) AS signal_ms,
           coalesce(toUnixTimestamp64Milli(d.delivered_at), s.t_ms) - signal_ms AS end_to_end_ms,
           -- the latency steps and channel triggerLatency reads from the facts (as latency.query.ts)
           s.channel AS channel,
           s.t_ms - signal_ms AS signal_to_decision_ms,
           toUnixTimestamp64Milli(d.delivered_at) - s.t_ms AS decision_to_delivery_ms,
           w.found = 1 AND w.at_ms <= s.t_ms + {overwhelmWindowMs:Int64} AS overwhelmed,
           if(t.trigger_id != '', arrayMap(type -> cityHash64(type), t.success_types), arrayMap(type -> cityHash64(type), ['conversion', 'purchase', 'signup'])) AS rule_type_keys,
           if(t.trigger_id != '', toInt64(t.converted_lookback_ms), 86400000) AS rule_lookback_ms,
           arrayExists(
             (type_key, at) -> at < s.t_ms AND at >= s.t_ms - rule_lookback_ms
                               AND has(rule_type_keys, type_key),
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
