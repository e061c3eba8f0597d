-- suppression.audit: generated from libs/measurement/suppression/suppression.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, to DateTime64(3, 'UTC'), from DateTime64(3, 'UTC'), triggerIds Array(String)
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
  capped AS (
    -- sent treatment firings of capped triggers, from one cap window before the period to its end
    SELECT s.trigger_id AS trigger_id, s.person_key AS person_key, s.t_ms AS t_ms,
           toInt64(assumeNotNull(d.frequency_cap_max)) AS cap_max,
           toInt64(assumeNotNull(d.frequency_cap_per_ms)) AS cap_per_ms
    FROM (
      SELECT trigger_id, person_key, toUnixTimestamp64Milli(decided_at) AS t_ms
      FROM firings FINAL
      WHERE tenant_id = {tenantId:String}
        AND arm = 'treatment' AND skip_reason = ''
        AND decided_at < {to:DateTime64(3, 'UTC')}
    ) AS s
    INNER JOIN defs AS d ON d.trigger_id = s.trigger_id
    WHERE d.frequency_cap_max IS NOT NULL AND d.frequency_cap_per_ms IS NOT NULL
      AND s.t_ms > toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')}) - toInt64(assumeNotNull(d.frequency_cap_per_ms))
  ),
  cap_sequences AS (
    -- each person's sent firings of each capped trigger: times ascending and, for each, the index
    -- of the first firing at the same instant (index − 1 firings are strictly earlier)
    SELECT trigger_id, cap_max, cap_per_ms, times,
           arrayFill(first -> first != 0,
                     arrayMap(i -> if(i = 1 OR times[i] != times[i - 1], i, 0), arrayEnumerate(times)))
             AS first_at_same_time
    FROM (
      SELECT trigger_id, any(cap_max) AS cap_max, any(cap_per_ms) AS cap_per_ms,
             arraySort(groupArray(t_ms)) AS times
      FROM capped
      GROUP BY person_key, trigger_id
    )
  ),
  cap_breaches AS (
    -- per trigger: firings of the period whose max-th most recent strictly earlier firing (index
    -- first − max) lies inside (t − per_ms, t)
    SELECT trigger_id,
           sum(arrayCount(
             (t, first) -> t >= toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')})
                           AND first > cap_max
                           AND times[first - cap_max] > t - cap_per_ms,
             times, first_at_same_time)) AS breaches
    FROM cap_sequences
    GROUP BY trigger_id
  ),
  period_firings AS (
    -- every firing decided in the period, sent or skipped, of the selected triggers; read twice,
    -- each a scan: on 10M firings MATERIALIZED (one scan, held in memory) was slower and peaked
    -- 0.34 GB higher
    SELECT cityHash64(firing_id) AS firing_key, trigger_id, person_key, channel,
           arm = 'treatment' AND skip_reason = '' AS sent,
           toUnixTimestamp64Milli(decided_at) AS t_ms,
           toUnixTimestamp64Milli(dispatched_at) AS dispatched_ms
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
      AND (empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))
  ),
  success_types AS (
    -- each defined trigger's converted lookback and success types, the types as 64-bit hashes
    -- (a trigger never defined is checked with the defaults: see the step checked)
    SELECT trigger_id, toInt64(converted_lookback_ms) AS lookback_ms,
           arrayMap(type -> cityHash64(type), success_types) AS type_keys
    FROM defs
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
  first_open AS (
    -- when each firing's content was first resolved: its first opened or rendered (grouping every
    -- open costs less, in time and memory, than first building a set of the sent firings' keys)
    SELECT cityHash64(firing_id) AS firing_key, min(toUnixTimestamp64Milli(occurred_at)) AS open_ms,
           toUInt8(1) AS opened
    FROM exposures FINAL
    WHERE tenant_id = {tenantId:String}
      AND type IN ('opened', 'rendered')
    GROUP BY firing_key
  ),
  checked AS (
    -- each sent treatment firing against its person's successes of its trigger (the defaults for
    -- a trigger never defined)
    SELECT p.trigger_id AS trigger_id,
           if(s.trigger_id != '', s.type_keys, arrayMap(type -> cityHash64(type), ['conversion', 'purchase', 'signup'])) AS rule_type_keys,
           if(s.trigger_id != '', s.lookback_ms, 86400000) AS rule_lookback_ms,
           arrayExists(
             (type_key, at) -> at < p.t_ms AND at >= p.t_ms - rule_lookback_ms
                               AND has(rule_type_keys, type_key),
             o.type_keys, o.ats) AS converted_then_targeted,
           p.dispatched_ms IS NOT NULL AND f.opened = 1
             AND arrayExists(
               (type_key, at) -> at > assumeNotNull(p.dispatched_ms) AND at < f.open_ms
                                 AND has(rule_type_keys, type_key),
               o.type_keys, o.ats) AS converted_in_flight
    FROM period_firings AS p
    LEFT JOIN success_types AS s ON s.trigger_id = p.trigger_id
    LEFT JOIN person_successes AS o ON o.person_key = p.person_key
    LEFT JOIN first_open AS f ON f.firing_key = p.firing_key
    WHERE p.sent
  ),
  failures AS (
    -- per trigger: sent firings that failed each outcome rule
    SELECT trigger_id, countIf(converted_then_targeted) AS converted_then_targeted,
           countIf(converted_in_flight) AS converted_in_flight
    FROM checked
    GROUP BY trigger_id
  ),
  sent_counts AS (
    -- per trigger fired in the period: its sent firings and the channel they share ('' when several)
    SELECT trigger_id, if(minIf(channel, sent) = maxIf(channel, sent), minIf(channel, sent), '') AS firing_channel, countIf(sent) AS sent_firings
    FROM period_firings
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
