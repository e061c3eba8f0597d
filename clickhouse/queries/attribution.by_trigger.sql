-- attribution.by_trigger: generated from libs/measurement/attribution/attribution.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC'), halfLifeMs Float64
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

WITH
  trigger_versions AS (
    -- every stored version of each trigger (FINAL collapses re-sent versions), and the newest
    -- once more under named_version 0, the "not stated" of firings.trigger_version
    SELECT trigger_id, version, arrayJoin(if(newest_first = 1, [version, 0], [version])) AS named_version,
           channel, nullIf(window_ms, 0) AS window_ms, conversion_window_ms,
           if(empty(success_types), ['conversion', 'purchase', 'signup'], success_types) AS success_types,
           consent_purpose, status
    FROM (
      SELECT *, row_number() OVER (PARTITION BY trigger_id ORDER BY version DESC) AS newest_first
      FROM triggers FINAL
      WHERE tenant_id = {tenantId:String}
    )
  ),
  fired AS (
    -- sent treatment firings decided in the period (FINAL: one row per firing_id)
    SELECT firing_id, trigger_id, trigger_version, person_key,
           toUnixTimestamp64Milli(decided_at) AS decided_ms
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND arm = 'treatment' AND skip_reason = ''
      AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
  ),
  touches AS (
    -- each touch with the success types and conversion window of the version it names
    SELECT f.firing_id AS firing_id, f.trigger_id AS trigger_id, f.person_key AS person_key,
           f.decided_ms AS decided_ms,
           multiIf(named.trigger_id != '', named.success_types,
                   newest.trigger_id != '', newest.success_types,
                   ['conversion', 'purchase', 'signup']) AS success_types,
           toInt64(multiIf(named.trigger_id != '', named.conversion_window_ms,
                           newest.trigger_id != '', newest.conversion_window_ms,
                           604800000)) AS c_ms
    FROM fired AS f
    LEFT JOIN trigger_versions AS named
      ON named.trigger_id = f.trigger_id AND named.named_version = f.trigger_version
    LEFT JOIN trigger_versions AS newest
      ON newest.trigger_id = f.trigger_id AND newest.named_version = 0
  ),
  reachable AS (
    -- outcomes of touched persons that the window of some touch can reach
    SELECT outcome_id, person_key, type, toUnixTimestamp64Milli(occurred_at) AS at_ms,
           toFloat64(ifNull(value, 0)) AS amount
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String}
      AND occurred_at > {from:DateTime64(3, 'UTC')}
      AND toUnixTimestamp64Milli(occurred_at)
          <= toUnixTimestamp64Milli({to:DateTime64(3, 'UTC')}) + (SELECT max(c_ms) FROM touches)
      AND person_key IN (SELECT person_key FROM touches)
  ),
  pairs AS (
    -- (outcome, touch) pairs: the touch is a firing of a trigger the outcome is a success of,
    -- and the outcome falls in (decided_at, decided_at + C]
    SELECT o.outcome_id AS outcome_id, o.amount AS amount, t.trigger_id AS trigger_id,
           t.firing_id AS firing_id, t.decided_ms AS decided_ms, o.at_ms - t.decided_ms AS age_ms
    FROM reachable AS o
    INNER JOIN touches AS t ON t.person_key = o.person_key
    WHERE has(t.success_types, o.type)
      AND o.at_ms > t.decided_ms AND o.at_ms <= t.decided_ms + t.c_ms
  ),
  ranked AS (
    -- per outcome: the rank of each touch from the latest and from the earliest, the number of
    -- touches, and the age of the youngest touch
    SELECT outcome_id, trigger_id, firing_id, amount, age_ms,
           row_number() OVER latest_first AS rank_from_latest,
           row_number() OVER earliest_first AS rank_from_earliest,
           count() OVER per_outcome AS touch_count,
           min(age_ms) OVER per_outcome AS youngest_age_ms
    FROM pairs
    WINDOW per_outcome AS (PARTITION BY outcome_id),
           latest_first AS (PARTITION BY outcome_id ORDER BY decided_ms DESC, firing_id DESC),
           earliest_first AS (PARTITION BY outcome_id ORDER BY decided_ms ASC, firing_id ASC)
  ),
  weighted AS (
    -- time-decay weight 2^(−age / halfLife), scaled by 2^(youngest age / halfLife) so that the
    -- youngest touch weighs 1: the normalised credit is the same, and no weight underflows to 0
    SELECT *, exp2(-(age_ms - youngest_age_ms) / {halfLifeMs:Float64}) AS decay
    FROM ranked
  ),
  credited AS (
    -- the credit of each touch for each outcome under every model (each sums to 1 per outcome)
    SELECT trigger_id, firing_id, amount,
           if(rank_from_latest = 1, 1., 0.) AS last_touch,
           if(rank_from_earliest = 1, 1., 0.) AS first_touch,
           1 / touch_count AS linear,
           decay / sum(decay) OVER (PARTITION BY outcome_id) AS time_decay
    FROM weighted
  )
-- per trigger: conversions and revenue credited under each model, and the touches that got any
SELECT trigger_id,
       sum(last_touch) AS last_touch_conversions,
       sum(last_touch * amount) AS last_touch_revenue,
       sum(first_touch) AS first_touch_conversions,
       sum(first_touch * amount) AS first_touch_revenue,
       sum(linear) AS linear_conversions,
       sum(linear * amount) AS linear_revenue,
       sum(time_decay) AS time_decay_conversions,
       sum(time_decay * amount) AS time_decay_revenue,
       uniqExact(firing_id) AS touches
FROM credited
GROUP BY trigger_id
ORDER BY trigger_id
