-- guardrails.plain: generated from libs/measurement/guardrails/guardrails.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC'), triggerIds Array(String), outcomeTypes Array(String), regretTypes Array(String), regretWindowMs Int64
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
  assignments AS MATERIALIZED (
    -- each person's first firing of each trigger in the period, its arm and variant, and
    -- whether they saw both arms
    SELECT toLowCardinality(any(trigger_id)) AS assigned_trigger, any(person_key) AS assigned_person,
           min(bitOr(bitOr(
             bitShiftLeft(toUInt256(toUnixTimestamp64Milli(decided_at) + 2208988800000), 208),
             bitShiftLeft(reinterpretAsUInt256(reverse(rightPad(firing_id, 24, '\0'))), 16)),
             toUInt256(indexOf(['treatment', 'holdout', 'global_holdout'], arm)))) AS first_key,
           (toInt64(bitShiftRight(first_key, 208)) - 2208988800000) AS t0,
           toLowCardinality(arrayElement(['treatment', 'holdout', 'global_holdout'], toUInt8(bitAnd(first_key, 65535)))) AS first_arm,
           toLowCardinality('') AS first_variant,
           min(arm = 'treatment') != max(arm = 'treatment') AS is_contaminated
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
      AND (empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))
    GROUP BY cityHash64(person_key, trigger_id)
  ),
  measured AS (
    -- per defined trigger: the outcome types it is measured with (its success types, or the
    -- given types) as 64-bit hashes, which the per-person step compares faster than strings,
    -- and its conversion window
    SELECT trigger_id,
           arrayMap(type -> cityHash64(type),
                    if(empty({outcomeTypes:Array(String)}), success_types, {outcomeTypes:Array(String)}))
             AS type_keys,
           toInt64(conversion_window_ms) AS c_ms
    FROM defs
  ),
  scoped AS (
    -- the outcome types and conversion window each assignment is measured with; a trigger
    -- without a definition gets the default success types (or the given ones) and 7 days
    SELECT a.assigned_trigger AS trigger_id, a.assigned_person AS person_key, a.t0 AS t0,
           a.first_arm AS first_arm, a.first_variant AS first_variant,
           a.is_contaminated AS is_contaminated,
           if(m.trigger_id = '',
              arrayMap(type -> cityHash64(type),
                       if(empty({outcomeTypes:Array(String)}), ['conversion', 'purchase', 'signup'],
                          {outcomeTypes:Array(String)})),
              m.type_keys) AS measured_keys,
           if(m.trigger_id = '', toInt64(604800000), m.c_ms) AS c_ms
    FROM assignments AS a
    LEFT JOIN measured AS m ON m.trigger_id = a.assigned_trigger
  ),
  reach AS (
    -- the longest conversion window any assignment can have (a defined trigger's, or the 7-day
    -- default), to bound the outcome scan; taken from the definitions, not from the assignments,
    -- which the engine would otherwise aggregate again for this step alone
    SELECT greatest(max(toInt64(conversion_window_ms)), 604800000) AS c_max FROM defs
  ),
  person_outcomes AS (
    -- outcomes that any window or pre-period can reach; the joins below keep those of assigned
    -- persons (an IN list of them would aggregate the assignments a second time)
    SELECT person_key, type, toUnixTimestamp64Milli(occurred_at) AS at,
           toFloat64(ifNull(value, 0)) AS amount, order_id
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String}
      AND occurred_at >= {from:DateTime64(3, 'UTC')} - toIntervalMillisecond((SELECT c_max FROM reach))
      AND occurred_at <= {to:DateTime64(3, 'UTC')} + toIntervalMillisecond((SELECT c_max FROM reach))
  ),
  outcome_arrays AS (
    -- each person's reachable outcomes of a measured type as arrays, one row per person: joined
    -- to the assignments, one row per assignment comes out (joining outcome rows would multiply
    -- them); the types are every trigger's success types and the defaults, or the given ones
    SELECT person_key, groupArray(cityHash64(type)) AS type_keys, groupArray(at) AS ats,
           groupArray(amount) AS amounts
    FROM person_outcomes
    WHERE if(empty({outcomeTypes:Array(String)}),
             type IN (SELECT arrayJoin(success_types) FROM defs)
               OR has(['conversion', 'purchase', 'signup'], type),
             has({outcomeTypes:Array(String)}, type))
    GROUP BY person_key
  ),
  per_person AS (
    -- one row per assignment: converted, revenue, and the pre-period covariates
    SELECT s.trigger_id AS trigger_id, s.first_arm AS arm, s.first_variant AS variant,
           s.is_contaminated AS is_contaminated,
           arrayExists(
             (type_key, at) -> at > s.t0 AND at <= s.t0 + s.c_ms AND has(s.measured_keys, type_key),
             o.type_keys, o.ats) AS person_converted,
           toFloat64(0) AS person_revenue, toFloat64(0) AS person_pre_conversions,
           toFloat64(0) AS person_pre_revenue
    FROM scoped AS s
    LEFT JOIN outcome_arrays AS o ON o.person_key = s.person_key
  ),
  sums AS (
    -- sufficient statistics per trigger, arm and variant; contaminated persons only counted
    SELECT trigger_id, arm, variant,
           countIf(NOT is_contaminated) AS persons,
           countIf(NOT is_contaminated AND person_converted) AS conversions,
           sumIf(person_pre_conversions, NOT is_contaminated) AS pre_conversions,
           sumIf(person_pre_conversions * person_pre_conversions, NOT is_contaminated) AS pre_conversions_sq,
           sumIf(person_pre_conversions * person_converted, NOT is_contaminated) AS pre_conversions_x_converted,
           sumIf(person_pre_revenue, NOT is_contaminated) AS pre_revenue,
           sumIf(person_pre_revenue * person_pre_revenue, NOT is_contaminated) AS pre_revenue_sq,
           countIf(is_contaminated) AS contaminated,
           sumIf(person_revenue, NOT is_contaminated) AS revenue,
           sumIf(person_revenue * person_revenue, NOT is_contaminated) AS revenue_sq,
           sumIf(person_pre_revenue * person_revenue, NOT is_contaminated) AS pre_revenue_x_revenue,
           CAST(NULL, 'Nullable(Float64)') AS revenue_cap
    FROM per_person
    GROUP BY trigger_id, arm, variant
  ),
  success_keys AS (
    -- each defined trigger's success types as 64-bit hashes
    SELECT trigger_id, arrayMap(type -> cityHash64(type), success_types) AS type_keys FROM defs
  ),
  converting_orders AS (
    -- orders that made an assigned person a converter, with their time; orders are keyed by
    -- a 64-bit hash of their id, and grouped by one hash of trigger × arm × order, which the
    -- engine groups and joins faster than strings (a collision is accepted as negligible, as for
    -- person_key)
    SELECT any(s.trigger_id) AS trigger_id, any(s.first_arm) AS arm, any(o.order_key) AS order_key,
           min(o.at) AS ordered_at
    FROM scoped AS s
    LEFT JOIN success_keys AS k ON k.trigger_id = s.trigger_id
    INNER JOIN (
      -- orders of a type that some trigger, or the default, counts as success
      SELECT person_key, cityHash64(type) AS type_key, at, cityHash64(order_id) AS order_key
      FROM person_outcomes
      WHERE order_id != ''
        AND (type IN (SELECT arrayJoin(success_types) FROM defs)
             OR has(['conversion', 'purchase', 'signup'], type))
    ) AS o ON o.person_key = s.person_key
    WHERE NOT s.is_contaminated
      AND o.at > s.t0 AND o.at <= s.t0 + s.c_ms
      AND (has(k.type_keys, o.type_key)
           OR (k.trigger_id = ''
               AND has(arrayMap(type -> cityHash64(type), ['conversion', 'purchase', 'signup']), o.type_key)))
    GROUP BY cityHash64(s.trigger_id, s.first_arm, o.order_key)
  ),
  regrets AS (
    -- regret outcomes and the order each one undoes
    SELECT cityHash64(if(refund_of_order_id != '', refund_of_order_id, order_id)) AS undone_key,
           toUnixTimestamp64Milli(occurred_at) AS regretted_at
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String} AND type IN {regretTypes:Array(String)}
      AND (refund_of_order_id != '' OR order_id != '')
  ),
  regret_times AS (
    -- the times each undone order was regretted, one row per order
    SELECT undone_key, groupArray(regretted_at) AS regretted_ats FROM regrets GROUP BY undone_key
  ),
  judged AS (
    -- one row per converting order (converting_orders has one per trigger × arm × order, and
    -- regret_times one per order): was it undone within the regret window? Joined as arrays, not
    -- as regret rows, so that no second grouping over every converting order is needed
    SELECT c.trigger_id AS trigger_id, c.arm AS arm,
           arrayExists(
             at -> at > c.ordered_at AND at <= c.ordered_at + {regretWindowMs:Int64},
             r.regretted_ats) AS was_regretted
    FROM converting_orders AS c
    LEFT JOIN regret_times AS r ON r.undone_key = c.order_key
  ),
  regret_sums AS (
    SELECT trigger_id, arm, count() AS orders, countIf(was_regretted) AS regretted
    FROM judged
    GROUP BY trigger_id, arm
  )
SELECT * FROM (
SELECT 'overwhelm' AS part, s.trigger_id AS trigger_id,
       d.channel AS channel,
       d.holdout_pct AS holdout_pct,
       d.planned_persons AS planned_persons,
       s.arm AS arm,
       s.variant AS variant,
       s.persons AS persons,
       s.conversions AS conversions,
       s.revenue AS revenue,
       s.revenue_sq AS revenue_sq,
       s.pre_conversions AS pre_conversions,
       s.pre_conversions_sq AS pre_conversions_sq,
       s.pre_conversions_x_converted AS pre_conversions_x_converted,
       s.pre_revenue AS pre_revenue,
       s.pre_revenue_sq AS pre_revenue_sq,
       s.pre_revenue_x_revenue AS pre_revenue_x_revenue,
       s.contaminated AS contaminated,
       s.revenue_cap AS revenue_cap,
       0 AS orders, 0 AS regretted
FROM sums AS s
LEFT JOIN defs AS d ON d.trigger_id = s.trigger_id
UNION ALL
SELECT 'regret' AS part, r.trigger_id AS trigger_id,
       '' AS channel,
       NULL AS holdout_pct,
       NULL AS planned_persons,
       r.arm AS arm,
       '' AS variant,
       0 AS persons,
       0 AS conversions,
       0 AS revenue,
       0 AS revenue_sq,
       0 AS pre_conversions,
       0 AS pre_conversions_sq,
       0 AS pre_conversions_x_converted,
       0 AS pre_revenue,
       0 AS pre_revenue_sq,
       0 AS pre_revenue_x_revenue,
       0 AS contaminated,
       NULL AS revenue_cap,
       r.orders AS orders, r.regretted AS regretted
FROM regret_sums AS r
)
ORDER BY part, trigger_id, arm, variant
