-- BI view bi_trigger_daily, replaced so that it states join_use_nulls = 0 itself: a reader's
-- setting no longer reaches its joins. A BI tool may set join_use_nulls = 1 (the BI profile's
-- readonly = 2 lets it), and so may a server's default profile. Then the join to the definitions
-- gave NULL for a trigger that was never defined, where the rule below reads '' as "no definition,
-- use the defaults": such a trigger was measured with no success types, so with no conversions,
-- and nothing said so.
-- Otherwise as 0133_replace_bi_trigger_daily.sql, whose comments describe the view;
-- columns are documented in clickhouse/bi/README.md.
-- cluster: replicated, not distributed (a view; created on every node, reading the distributed tables)
CREATE OR REPLACE VIEW bi_trigger_daily AS
WITH
  defs AS (
    -- the newest definition of each trigger of each tenant; a window of 0 is no window
    SELECT tenant_id, trigger_id, channel, nullIf(window_ms, 0) AS window_ms,
           conversion_window_ms,
           if(empty(success_types), ['conversion', 'purchase', 'signup'], success_types) AS success_types
    FROM triggers FINAL
    ORDER BY tenant_id, trigger_id, version DESC
    LIMIT 1 BY tenant_id, trigger_id
  ),
  day_firings AS (
    -- every firing with its UTC day and channel (the trigger's when the firing names none):
    -- FINAL keeps one row per firing_id
    SELECT f.tenant_id AS tenant_id, f.firing_id AS firing_id, f.trigger_id AS trigger_id,
           f.person_key AS person_key, f.decided_at AS decided_at, toDate(f.decided_at) AS date,
           f.arm AS arm, f.skip_reason AS skip_reason, f.signal_at AS signal_at,
           f.signal_event_id AS signal_event_id,
           if(f.channel = '', ifNull(d.channel, ''), f.channel) AS channel,
           d.window_ms AS window_ms
    FROM firings AS f FINAL
    LEFT JOIN defs AS d ON d.tenant_id = f.tenant_id AND d.trigger_id = f.trigger_id
  ),
  firing_counts AS (
    -- firings per day, trigger, channel and arm
    SELECT tenant_id, date, trigger_id, channel, arm,
           count() AS firings,
           countIf(arm = 'treatment' AND skip_reason = '') AS sent_firings,
           countIf(skip_reason != '') AS skipped_firings
    FROM day_firings
    GROUP BY tenant_id, date, trigger_id, channel, arm
  ),
  assignments AS (
    -- each person's first firing of each trigger on each day (intent-to-treat, as liftReport over
    -- that one day): its arm and channel; a person with firings of both arms that day is
    -- contaminated
    SELECT tenant_id, date, trigger_id, person_key,
           toUnixTimestamp64Milli(min(decided_at)) AS t0,
           argMin((arm, channel), (decided_at, firing_id)) AS first_firing,
           countIf(arm = 'treatment') > 0 AND countIf(arm != 'treatment') > 0 AS is_contaminated
    FROM day_firings
    GROUP BY tenant_id, date, trigger_id, person_key
  ),
  measured AS (
    -- each defined trigger's success types as 64-bit hashes, and its conversion window C
    SELECT tenant_id, trigger_id, arrayMap(type -> cityHash64(type), success_types) AS type_keys,
           toInt64(conversion_window_ms) AS c_ms
    FROM defs
  ),
  scoped AS (
    -- the success types and conversion window C each assignment is measured with (defaults for a
    -- trigger that was never defined)
    SELECT a.tenant_id AS tenant_id, a.date AS date, a.trigger_id AS trigger_id,
           a.person_key AS person_key, a.t0 AS t0, a.first_firing.1 AS first_arm,
           a.first_firing.2 AS first_channel, a.is_contaminated AS is_contaminated,
           if(m.trigger_id = '', arrayMap(type -> cityHash64(type), ['conversion', 'purchase', 'signup']),
              m.type_keys) AS measured_keys,
           if(m.trigger_id = '', toInt64(604800000), m.c_ms) AS c_ms
    FROM assignments AS a
    LEFT JOIN measured AS m ON m.tenant_id = a.tenant_id AND m.trigger_id = a.trigger_id
  ),
  person_outcomes AS (
    -- each person's outcomes as arrays, one row per person: an assignment joins one row, whatever
    -- the person's history, and is judged without grouping the assignments again; types as 64-bit
    -- hashes, which compare faster than strings (a collision accepted as negligible, as for
    -- person_key)
    SELECT tenant_id, person_key, groupArray(cityHash64(type)) AS type_keys,
           groupArray(toUnixTimestamp64Milli(occurred_at)) AS ats,
           groupArray(toFloat64(ifNull(value, 0))) AS amounts
    FROM outcomes FINAL
    GROUP BY tenant_id, person_key
  ),
  per_person AS (
    -- one row per assignment: converted in (t0, t0 + C] and the revenue of those outcomes
    SELECT s.tenant_id AS tenant_id, s.date AS date, s.trigger_id AS trigger_id,
           s.first_channel AS channel, s.first_arm AS arm, s.is_contaminated AS is_contaminated,
           arrayMap((type_key, at) -> has(s.measured_keys, type_key) AND at > s.t0 AND at <= s.t0 + s.c_ms,
                    o.type_keys, o.ats) AS counted,
           has(counted, true) AS converted,
           arraySum(arrayFilter((amount, is_counted) -> is_counted, o.amounts, counted)) AS revenue
    FROM scoped AS s
    LEFT JOIN person_outcomes AS o ON o.tenant_id = s.tenant_id AND o.person_key = s.person_key
  ),
  person_sums AS (
    -- persons, conversions and revenue per day, trigger, channel and arm of the assignment
    SELECT tenant_id, date, trigger_id, channel, arm,
           countIf(NOT is_contaminated) AS persons,
           countIf(is_contaminated) AS contaminated_persons,
           countIf(NOT is_contaminated AND converted) AS conversions,
           sumIf(revenue, NOT is_contaminated) AS revenue
    FROM per_person
    GROUP BY tenant_id, date, trigger_id, channel, arm
  ),
  sent AS (
    -- sent treatment firings: the subjects of latency
    SELECT tenant_id, date, trigger_id, channel, firing_id, decided_at, signal_at,
           signal_event_id, window_ms
    FROM day_firings
    WHERE arm = 'treatment' AND skip_reason = ''
  ),
  first_delivery AS (
    -- first delivered|rendered exposure of each firing
    SELECT tenant_id, cityHash64(firing_id) AS firing_key, min(occurred_at) AS delivered_at
    FROM exposures FINAL
    WHERE type IN ('delivered', 'rendered')
    GROUP BY tenant_id, firing_key
  ),
  referenced AS (
    -- event time of the signals named by sent firings that carry no signal_at of their own
    SELECT tenant_id, cityHash64(event_id) AS event_key, occurred_at AS referenced_at
    FROM signals FINAL
    WHERE event_id IN (
      SELECT signal_event_id FROM sent WHERE signal_at IS NULL AND signal_event_id != ''
    )
  ),
  timed AS (
    -- one row per sent firing: end-to-end latency in ms, NULL when no signal time is known
    SELECT s.tenant_id AS tenant_id, s.date AS date, s.trigger_id AS trigger_id,
           s.channel AS channel, s.window_ms AS window_ms,
           toUnixTimestamp64Milli(s.decided_at) AS decided_ms,
           if(s.signal_at IS NOT NULL, toUnixTimestamp64Milli(s.signal_at),
              if(r.event_key = 0 OR r.event_key IS NULL, NULL, toUnixTimestamp64Milli(r.referenced_at))) AS signal_ms,
           if(d.firing_key = 0 OR d.firing_key IS NULL, decided_ms, toUnixTimestamp64Milli(d.delivered_at)) - signal_ms AS end_to_end_ms
    FROM sent AS s
    LEFT JOIN first_delivery AS d ON d.tenant_id = s.tenant_id AND d.firing_key = cityHash64(s.firing_id)
    LEFT JOIN referenced AS r ON r.tenant_id = s.tenant_id AND r.event_key = cityHash64(s.signal_event_id)
  ),
  latency AS (
    -- latency per day, trigger and channel over the firings with a signal time
    SELECT tenant_id, date, trigger_id, channel,
           count(end_to_end_ms) AS latency_firings,
           quantilesExactInclusive(0.5, 0.9)(end_to_end_ms) AS end_to_end_quantiles,
           any(window_ms) AS trigger_window_ms,
           countIf(window_ms IS NOT NULL AND end_to_end_ms <= window_ms) AS within_window,
           countIf(window_ms IS NOT NULL AND end_to_end_ms > window_ms) AS expired
    FROM timed
    GROUP BY tenant_id, date, trigger_id, channel
  )
SELECT
  c.tenant_id AS tenant_id,
  c.date AS date,
  c.trigger_id AS trigger_id,
  c.channel AS channel,
  c.arm AS arm,
  c.firings AS firings,
  c.sent_firings AS sent_firings,
  c.skipped_firings AS skipped_firings,
  ifNull(p.persons, 0) AS persons,
  ifNull(p.contaminated_persons, 0) AS contaminated_persons,
  ifNull(p.conversions, 0) AS conversions,
  ifNull(p.revenue, 0) AS revenue,
  if(c.arm = 'treatment', ifNull(l.latency_firings, 0), 0) AS latency_firings,
  if(ifNull(l.latency_firings, 0) > 0 AND c.arm = 'treatment', round(l.end_to_end_quantiles[1], 3), NULL) AS latency_p50_ms,
  if(ifNull(l.latency_firings, 0) > 0 AND c.arm = 'treatment', round(l.end_to_end_quantiles[2], 3), NULL) AS latency_p90_ms,
  if(ifNull(l.latency_firings, 0) > 0 AND c.arm = 'treatment' AND l.trigger_window_ms IS NOT NULL,
     l.within_window / l.latency_firings, NULL) AS within_window_rate,
  if(c.arm = 'treatment', ifNull(l.expired, 0), 0) AS expired_firings
FROM firing_counts AS c
LEFT JOIN person_sums AS p
  ON p.tenant_id = c.tenant_id AND p.date = c.date AND p.trigger_id = c.trigger_id
 AND p.channel = c.channel AND p.arm = c.arm
LEFT JOIN latency AS l
  ON l.tenant_id = c.tenant_id AND l.date = c.date AND l.trigger_id = c.trigger_id
 AND l.channel = c.channel
SETTINGS join_use_nulls = 0
