-- consent.triggers: generated from libs/measurement/consent/consent-audit.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC')
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
  purposed AS (
    -- triggers that need consent, and for which purpose
    SELECT trigger_id, consent_purpose AS purpose FROM defs WHERE consent_purpose != ''
  ),
  subjects AS (
    -- sent treatment firings of those triggers decided in the period
    SELECT f.trigger_id AS trigger_id, cityHash64(f.person_key, p.purpose) AS person_purpose,
           f.t_ms AS t_ms
    FROM (
      SELECT trigger_id, person_key, toUnixTimestamp64Milli(decided_at) AS t_ms
      FROM firings FINAL
      WHERE tenant_id = {tenantId:String}
        AND arm = 'treatment' AND skip_reason = ''
        AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
    ) AS f
    INNER JOIN purposed AS p ON p.trigger_id = f.trigger_id
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
        AND cityHash64(person_key, purpose) IN (SELECT person_purpose FROM subjects)
      GROUP BY person_purpose
    )
  ),
  states AS MATERIALIZED (
    -- the state at each decision: the last event at or before decided_at (the events are in time
    -- order, so their count up to it is its index; 0 = none); read twice, computed once
    SELECT s.trigger_id AS trigger_id,
           arrayCount(at -> at <= s.t_ms, h.ats) AS in_force,
           in_force > 0 AND h.granteds[in_force] AS compliant,
           in_force > 0 AND NOT h.granteds[in_force] AS revoked,
           s.t_ms - h.ats[in_force] AS lag_ms
    FROM subjects AS s
    LEFT JOIN histories AS h ON h.person_purpose = s.person_purpose
  ),
  per_trigger AS (
    -- sent and non-compliant firings per trigger, and those of them sent under a revocation
    SELECT trigger_id, count() AS sent_firings, countIf(NOT compliant) AS non_compliant,
           countIf(revoked) AS revoked
    FROM states
    GROUP BY trigger_id
  ),
  sync_lag AS (
    -- the sync-lag quantiles over every firing sent under a revocation: one row, joined below (a
    -- scalar subquery would compute the materialized states a second time), rounded to the
    -- microsecond as latency's: the lags are whole ms, and rounding removes float noise such as
    -- 699839999.9999999
    SELECT arrayMap(q -> round(q, 3), quantilesExactInclusive(0.5, 0.9)(lag_ms)) AS quantiles
    FROM states WHERE revoked
  )
-- one row per trigger with a purpose; the sync-lag quantiles over all of them ride along
SELECT p.trigger_id AS trigger_id, p.purpose AS purpose,
       c.sent_firings AS sent_firings, c.non_compliant AS non_compliant, c.revoked AS revoked,
       l.quantiles AS sync_lag_quantiles
FROM purposed AS p
LEFT JOIN per_trigger AS c ON c.trigger_id = p.trigger_id
CROSS JOIN sync_lag AS l
ORDER BY trigger_id
