-- over_time.lift: generated from libs/measurement/over-time/lift-over-time.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC'), triggerIds Array(String), outcomeTypes Array(String), asOfs Array(Int64)
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
  rollup AS (
    -- the newest recorded build of the assignment rollup, if any (build 0: none)
    SELECT max(build_id) AS newest_build, argMax(mark, build_id) AS newest_mark,
           count() > 0 AS built
    FROM assignment_builds
  ),
  rewritten AS (
    SELECT person_key FROM firings
    WHERE tenant_id = {tenantId:String} AND (SELECT built FROM rollup)
      AND inserted_at >= (SELECT newest_mark FROM rollup)
    UNION ALL
    SELECT person_key FROM assignment_firings
    WHERE build_id = (SELECT newest_build FROM rollup) AND tenant_id = {tenantId:String}
      AND firing_key IN (
        SELECT cityHash64(firing_id) FROM firings
        WHERE tenant_id = {tenantId:String} AND (SELECT built FROM rollup)
          AND inserted_at >= (SELECT newest_mark FROM rollup))
  ),
  assignments AS (
    -- each person's first firing of each trigger in the period, its arm and variant, and
    -- whether they saw both arms
    SELECT assigned_trigger, assigned_person, t0, first_arm, first_variant, is_contaminated, contaminated_at FROM (
    SELECT trigger_id AS assigned_trigger, person_key AS assigned_person,
           arrayFilter(key -> key >= bitShiftLeft(toUInt256(toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')}) + 2208988800000), 208) AND key < bitShiftLeft(toUInt256(toUnixTimestamp64Milli({to:DateTime64(3, 'UTC')}) + 2208988800000), 208), keys) AS period_keys,
           period_keys[1] AS first_key,
           (toInt64(bitShiftRight(first_key, 208)) - 2208988800000) AS t0,
           toLowCardinality(arrayElement(['treatment', 'holdout', 'global_holdout'], toUInt8(bitAnd(first_key, 65535)))) AS first_arm,
           toLowCardinality(variants[arrayFirstIndex(key -> key >= bitShiftLeft(toUInt256(toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')}) + 2208988800000), 208), keys)]) AS first_variant,
           arrayExists(key -> (bitAnd(key, 65535) = 1), period_keys)
             AND arrayExists(key -> NOT (bitAnd(key, 65535) = 1), period_keys)
             AS is_contaminated,
           if(is_contaminated,
              (toInt64(bitShiftRight(arrayFirst(key -> (bitAnd(key, 65535) = 1) != (bitAnd(first_key, 65535) = 1), period_keys), 208)) - 2208988800000),
              toInt64(0)) AS contaminated_at
    FROM assignment_sequences
    WHERE build_id = (SELECT newest_build FROM rollup) AND tenant_id = {tenantId:String}
      AND (empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))
      AND notEmpty(period_keys)
      AND person_key NOT IN rewritten)
    UNION ALL
    SELECT assigned_trigger, assigned_person, t0, first_arm, first_variant, is_contaminated, contaminated_at FROM (
    SELECT toLowCardinality(any(trigger_id)) AS assigned_trigger, any(person_key) AS assigned_person,
           min(bitOr(bitOr(
             bitShiftLeft(toUInt256(toUnixTimestamp64Milli(decided_at) + 2208988800000), 208),
             bitShiftLeft(reinterpretAsUInt256(reverse(rightPad(firing_id, 24, '\0'))), 16)),
             toUInt256(indexOf(['treatment', 'holdout', 'global_holdout'], arm)))) AS first_key,
           (toInt64(bitShiftRight(first_key, 208)) - 2208988800000) AS t0,
           toLowCardinality(arrayElement(['treatment', 'holdout', 'global_holdout'], toUInt8(bitAnd(first_key, 65535)))) AS first_arm,
           toLowCardinality(argMin(variant, bitOr(bitOr(
             bitShiftLeft(toUInt256(toUnixTimestamp64Milli(decided_at) + 2208988800000), 208),
             bitShiftLeft(reinterpretAsUInt256(reverse(rightPad(firing_id, 24, '\0'))), 16)),
             toUInt256(indexOf(['treatment', 'holdout', 'global_holdout'], arm))))) AS first_variant,
           min(arm = 'treatment') != max(arm = 'treatment') AS is_contaminated,
           if(is_contaminated,
              greatest(minIf(toUnixTimestamp64Milli(decided_at), arm = 'treatment'),
                       minIf(toUnixTimestamp64Milli(decided_at), arm != 'treatment')),
              toInt64(0)) AS contaminated_at
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
      AND (empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))
      AND (NOT (SELECT built FROM rollup) OR person_key IN rewritten)
    GROUP BY cityHash64(person_key, trigger_id))
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
           a.is_contaminated AS is_contaminated, a.contaminated_at AS contaminated_at,
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
    -- one row per assignment: its outcomes in (t0, t0 + C] (times and amounts) and the
    -- pre-period covariates, which every point shares
    SELECT s.first_arm AS arm, s.first_variant AS variant, s.t0 AS t0,
           s.is_contaminated AS is_contaminated, s.contaminated_at AS contaminated_at,
           arrayMap((type_key, at) -> at > s.t0 AND at <= s.t0 + s.c_ms AND has(s.measured_keys, type_key),
                    o.type_keys, o.ats) AS in_post,
           arrayMap((type_key, at) -> at >= s.t0 - s.c_ms AND at < s.t0 AND has(s.measured_keys, type_key),
                    o.type_keys, o.ats) AS in_pre,
           arrayFilter((at, post) -> post, o.ats, in_post) AS post_ats,
           arrayFilter((amount, post) -> post, o.amounts, in_post) AS post_amounts,
           toFloat64(arrayCount(pre -> pre, in_pre)) AS person_pre_conversions,
           arraySum((amount, pre) -> if(pre, amount, 0), o.amounts, in_pre) AS person_pre_revenue
    FROM scoped AS s
    LEFT JOIN outcome_arrays AS o ON o.person_key = s.person_key
  ),
  per_point AS (
    -- one row per assignment and point read after its t0: contaminated, converted and revenue
    -- as of that point
    SELECT arm, variant, as_of,
           is_contaminated AND contaminated_at < as_of AS contaminated_then,
           arrayExists(at -> at < as_of, post_ats) AS person_converted,
           arraySum((amount, at) -> if(at < as_of, amount, 0), post_amounts, post_ats) AS person_revenue,
           person_pre_conversions, person_pre_revenue
    FROM per_person
    ARRAY JOIN arrayFilter(point -> point > t0, {asOfs:Array(Int64)}) AS as_of
  )
-- sufficient statistics per point, arm and variant (the columns of lift.sums)
SELECT s.as_of AS as_of, {triggerIds:Array(String)}[1] AS trigger_id,
       (SELECT any(channel) FROM defs WHERE trigger_id = {triggerIds:Array(String)}[1]) AS channel,
       (SELECT any(holdout_pct) FROM defs WHERE trigger_id = {triggerIds:Array(String)}[1]) AS holdout_pct,
       (SELECT any(planned_persons) FROM defs WHERE trigger_id = {triggerIds:Array(String)}[1]) AS planned_persons,
       s.arm AS arm, s.variant AS variant,
       s.persons AS persons, s.conversions AS conversions, s.revenue AS revenue,
       s.revenue_sq AS revenue_sq, s.pre_conversions AS pre_conversions,
       s.pre_conversions_sq AS pre_conversions_sq,
       s.pre_conversions_x_converted AS pre_conversions_x_converted,
       s.pre_revenue AS pre_revenue, s.pre_revenue_sq AS pre_revenue_sq,
       s.pre_revenue_x_revenue AS pre_revenue_x_revenue, s.contaminated AS contaminated
FROM (
  SELECT as_of, arm, variant,
           countIf(NOT contaminated_then) AS persons,
           countIf(NOT contaminated_then AND person_converted) AS conversions,
           sumIf(person_pre_conversions, NOT contaminated_then) AS pre_conversions,
           sumIf(person_pre_conversions * person_pre_conversions, NOT contaminated_then) AS pre_conversions_sq,
           sumIf(person_pre_conversions * person_converted, NOT contaminated_then) AS pre_conversions_x_converted,
           sumIf(person_pre_revenue, NOT contaminated_then) AS pre_revenue,
           sumIf(person_pre_revenue * person_pre_revenue, NOT contaminated_then) AS pre_revenue_sq,
           countIf(contaminated_then) AS contaminated,
           sumIf(person_revenue, NOT contaminated_then) AS revenue,
           sumIf(person_revenue * person_revenue, NOT contaminated_then) AS revenue_sq,
           sumIf(person_pre_revenue * person_revenue, NOT contaminated_then) AS pre_revenue_x_revenue
  FROM per_point
  GROUP BY as_of, arm, variant
) AS s
ORDER BY as_of, arm, variant
