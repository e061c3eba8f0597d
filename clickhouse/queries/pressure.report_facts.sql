-- pressure.report_facts: generated from libs/measurement/pressure/pressure.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, buildId UInt64, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC'), triggerIds Array(String), bucketStarts Array(UInt32), overwhelmTypes Array(String), overwhelmWindowMs Int64
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
    SELECT cap_breached
    FROM trend_facts
    WHERE build_id = {buildId:UInt64}
      AND tenant_id = {tenantId:String}
      AND decided_ms >= toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')})
      AND decided_ms < toUnixTimestamp64Milli({to:DateTime64(3, 'UTC')})
      AND (empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))
  ),
  sent AS (
    -- every sent treatment firing, all triggers, from 7 days before the period to its end
    SELECT person_key, toUnixTimestamp64Milli(decided_at) AS t_ms
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND arm = 'treatment' AND skip_reason = ''
      AND decided_at >= {from:DateTime64(3, 'UTC')} - INTERVAL 7 DAY
      AND decided_at < {to:DateTime64(3, 'UTC')}
  ),
  pressured AS (
    -- pressure: the firing itself + the person's sent firings in [t − 24 h, t) and [t − 7 d, t)
    SELECT person_key, t_ms,
           1 + count() OVER (PARTITION BY person_key ORDER BY t_ms
                             RANGE BETWEEN 86400000 PRECEDING AND 1 PRECEDING) AS last_24h,
           1 + count() OVER (PARTITION BY person_key ORDER BY t_ms
                             RANGE BETWEEN 604800000 PRECEDING AND 1 PRECEDING) AS last_7d
    FROM sent
  ),
  subjects AS (
    -- the measured firings (decided in the period) with their dose-response bucket number
    SELECT person_key, t_ms, last_24h, last_7d,
           arrayCount(start -> start <= last_7d, {bucketStarts:Array(UInt32)}) AS bucket
    FROM pressured
    WHERE t_ms >= toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')})
  ),
  overwhelm AS (
    -- overwhelm outcomes that can fall within 7 days after a measured firing
    SELECT person_key, toUnixTimestamp64Milli(occurred_at) AS at_ms, toUInt8(1) AS found
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String}
      AND has({overwhelmTypes:Array(String)}, type)
      AND occurred_at > {from:DateTime64(3, 'UTC')}
      AND occurred_at <= {to:DateTime64(3, 'UTC')} + INTERVAL 7 DAY
  ),
  followed AS (
    -- the person's first overwhelm outcome after each firing (ASOF: the smallest occurred_at > t)
    SELECT s.last_24h AS last_24h, s.last_7d AS last_7d,
           s.bucket AS bucket,
           o.found = 1 AND o.at_ms <= s.t_ms + {overwhelmWindowMs:Int64} AS overwhelmed
    FROM subjects AS s
    ASOF LEFT JOIN overwhelm AS o ON o.person_key = s.person_key AND o.at_ms > s.t_ms
  )
-- one row: totals, quantiles and histograms (no per-firing rows leave the engine)
SELECT count() AS firings,
       (SELECT countIf(cap_breached) FROM facts) AS above_cap,
       quantilesExactInclusive(0.5, 0.9)(last_7d) AS last_7d_quantiles,
       quantilesExactInclusive(0.5, 0.9)(last_24h) AS last_24h_quantiles,
       sumMap(map(last_7d, toUInt64(1))) AS by_last_7d,
       sumMap(map(last_24h, toUInt64(1))) AS by_last_24h,
       sumMap(map(bucket, toUInt64(1))) AS bucket_firings,
       sumMap(map(bucket, toUInt64(overwhelmed))) AS bucket_overwhelmed
FROM followed
