-- BI view bi_trigger_trend, replaced so that a firing is overwhelmed by the outcome types its
-- tenant added to the overwhelm class too (outcome_types, 0139), as triggerTrend counts them.
-- Otherwise as 0130_replace_bi_trigger_trend.sql: one row per tenant, UTC day of decided_at and
-- trigger with a sent treatment firing. Columns are documented in clickhouse/bi/README.md.
-- The figures are those of triggerTrend(granularity: DAY) over whole UTC days (see
-- libs/measurement/over-time/trigger-trend.query.ts, whose rules this view repeats per tenant).
-- A plain view (no rollup table): overwhelm outcomes arrive up to 7 days after a firing, so a day
-- keeps changing for a week; filter on tenant_id and date, which the engine pushes down to firings.
-- cluster: replicated, not distributed (a view; created on every node, reading the distributed tables)
CREATE OR REPLACE VIEW bi_trigger_trend AS
WITH
  defs AS (
    -- the newest definition of each trigger of each tenant; a window of 0 is no window
    SELECT tenant_id, trigger_id, nullIf(window_ms, 0) AS window_ms,
           if(empty(success_types), ['conversion', 'purchase', 'signup'], success_types) AS success_types,
           ifNull(suppression_converted_lookback_ms, 86400000) AS converted_lookback_ms,
           consent_purpose
    FROM triggers FINAL
    ORDER BY tenant_id, trigger_id, version DESC
    LIMIT 1 BY tenant_id, trigger_id
  ),
  sent AS (
    -- sent treatment firings (FINAL: one row per firing_id) with their UTC day
    SELECT tenant_id, firing_id, trigger_id, person_key, toDate(decided_at) AS date,
           toUnixTimestamp64Milli(decided_at) AS t_ms, signal_at, signal_event_id
    FROM firings FINAL
    WHERE arm = 'treatment' AND skip_reason = ''
  ),
  first_delivery AS (
    -- first delivered|rendered exposure of each firing
    SELECT tenant_id, cityHash64(firing_id) AS firing_key, toNullable(min(occurred_at)) AS delivered_at
    FROM exposures FINAL
    WHERE type IN ('delivered', 'rendered')
    GROUP BY tenant_id, firing_key
  ),
  referenced AS (
    -- event time of the signals named by sent firings that carry no signal_at of their own
    SELECT tenant_id, cityHash64(event_id) AS event_key, toNullable(occurred_at) AS referenced_at
    FROM signals FINAL
    WHERE event_id IN (
      SELECT signal_event_id FROM sent WHERE signal_at IS NULL AND signal_event_id != ''
    )
  ),
  person_successes AS (
    -- each person's outcomes of a type some trigger, or the default, counts as success, as two
    -- arrays
    SELECT tenant_id, person_key, groupArray(cityHash64(type)) AS type_keys,
           groupArray(toUnixTimestamp64Milli(occurred_at)) AS ats
    FROM outcomes FINAL
    WHERE type IN (SELECT arrayJoin(success_types) FROM defs)
       OR has(['conversion', 'purchase', 'signup'], type)
    GROUP BY tenant_id, person_key
  ),
  overwhelm AS (
    -- overwhelm outcomes (docs/design.md §2's class)
    SELECT tenant_id, person_key, toUnixTimestamp64Milli(occurred_at) AS at_ms, toUInt8(1) AS found
    FROM outcomes FINAL
    WHERE type IN ('unsubscribe', 'complaint', 'opt_out', 'uninstall', 'dismiss')
       OR (tenant_id, type) IN (SELECT tenant_id, type FROM outcome_types FINAL
                                WHERE class = 'overwhelm' AND deleted = 0)
  ),
  histories AS (
    -- each (person, purpose)'s consent events in time order; at one instant the event that wins
    -- (latest recorded, then largest event_id) comes last
    SELECT tenant_id, person_purpose, arraySort(at_list) AS ats,
           arraySort((granted, at, key) -> (at, key), granted_list, at_list, key_list) AS granteds
    FROM (
      SELECT tenant_id, cityHash64(person_key, purpose) AS person_purpose,
             groupArray(toUnixTimestamp64Milli(occurred_at)) AS at_list,
             groupArray(reinterpretAsUInt256(reverse(concat(
               reverse(reinterpretAsFixedString(toUInt64(toUnixTimestamp64Milli(ifNull(recorded_at, occurred_at))))),
               rightPad(event_id, 24, char(0)))))) AS key_list,
             groupArray(granted) AS granted_list
      FROM consent FINAL
      GROUP BY tenant_id, person_purpose
    )
  ),
  checked AS (
    -- one row per sent firing: its latency against the window and the three harm checks
    SELECT s.tenant_id AS tenant_id, s.date AS date, s.trigger_id AS trigger_id,
           t.window_ms AS window_ms,
           toUnixTimestamp64Milli(coalesce(s.signal_at, r.referenced_at)) AS signal_ms,
           coalesce(toUnixTimestamp64Milli(d.delivered_at), s.t_ms) - signal_ms AS end_to_end_ms,
           w.found = 1 AND w.at_ms <= s.t_ms + 604800000 AS overwhelmed,
           -- the trigger's success types and lookback; the defaults for a trigger never defined
           if(t.trigger_id != '', t.success_types, ['conversion', 'purchase', 'signup'])
             AS rule_success_types,
           if(t.trigger_id != '', toInt64(t.converted_lookback_ms), 86400000) AS rule_lookback_ms,
           arrayExists(
             (type_key, at) -> at < s.t_ms AND at >= s.t_ms - rule_lookback_ms
                               AND has(arrayMap(type -> cityHash64(type), rule_success_types), type_key),
             o.type_keys, o.ats) AS converted_then_targeted,
           arrayCount(at -> at <= s.t_ms, h.ats) AS in_force,
           t.consent_purpose != '' AND NOT (in_force > 0 AND h.granteds[in_force]) AS non_compliant
    FROM sent AS s
    LEFT JOIN first_delivery AS d ON d.tenant_id = s.tenant_id AND d.firing_key = cityHash64(s.firing_id)
    LEFT JOIN referenced AS r ON r.tenant_id = s.tenant_id AND r.event_key = cityHash64(s.signal_event_id)
    LEFT JOIN defs AS t ON t.tenant_id = s.tenant_id AND t.trigger_id = s.trigger_id
    LEFT JOIN person_successes AS o ON o.tenant_id = s.tenant_id AND o.person_key = s.person_key
    LEFT JOIN histories AS h
      ON h.tenant_id = s.tenant_id AND h.person_purpose = cityHash64(s.person_key, t.consent_purpose)
    ASOF LEFT JOIN overwhelm AS w
      ON w.tenant_id = s.tenant_id AND w.person_key = s.person_key AND w.at_ms > s.t_ms
  )
SELECT tenant_id, date, trigger_id,
       count() AS sent_firings,
       count(signal_ms) AS latency_firings,
       if(any(window_ms) IS NULL OR latency_firings = 0, NULL,
          countIf(window_ms IS NOT NULL AND end_to_end_ms <= window_ms) / latency_firings)
         AS within_window_rate,
       if(latency_firings = 0, NULL, round(quantileExactInclusive(0.5)(end_to_end_ms), 3)) AS latency_p50_ms,
       countIf(overwhelmed) AS overwhelmed_firings,
       overwhelmed_firings / sent_firings AS overwhelm_rate,
       countIf(converted_then_targeted) AS converted_then_targeted,
       countIf(non_compliant) AS non_compliant
FROM checked
GROUP BY tenant_id, date, trigger_id
