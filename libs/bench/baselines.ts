// Hand-written baselines over the plain tables (no rollup), the best single statements I could
// write for the answers of liftReport and the guardrails. They bind the same parameters as the
// product's queries and return the same sufficient statistics (the benchmark compares them).

/**
 * Lift sums over the plain tables: assignments by one hash aggregation of the period's firings,
 * each person's outcomes in the reachable window as one array (so the join is one row per
 * assignment and nothing multiplies), then per-assignment array filters and one small aggregation.
 */
export const LIFT_BASELINE_SQL = `
WITH
  defs AS (
    -- newest definition of each trigger
    SELECT trigger_id, channel, holdout_pct, conversion_window_ms,
           if(empty(success_types), ['conversion', 'purchase', 'signup'], success_types) AS success_types
    FROM triggers FINAL
    WHERE tenant_id = {tenantId:String}
    ORDER BY trigger_id, version DESC
    LIMIT 1 BY trigger_id
  ),
  assignments AS (
    -- first firing per trigger and person in the period; both arms = contaminated
    SELECT trigger_id, person_key,
           toUnixTimestamp64Milli(min(decided_at)) AS t0,
           argMin(arm, (decided_at, firing_id)) AS first_arm,
           argMin(variant, (decided_at, firing_id)) AS first_variant,
           countIf(arm = 'treatment') > 0 AND countIf(arm != 'treatment') > 0 AS is_contaminated
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
      AND (empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))
    GROUP BY trigger_id, person_key
  ),
  outcome_arrays AS (
    -- each person's outcomes that any window or pre-period can reach, as one array
    SELECT person_key,
           groupArray((type, toUnixTimestamp64Milli(occurred_at), toFloat64(ifNull(value, 0)))) AS outs
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String}
      AND occurred_at >= {from:DateTime64(3, 'UTC')} - toIntervalMillisecond((SELECT greatest(max(toInt64(conversion_window_ms)), 604800000) FROM defs))
      AND occurred_at <= {to:DateTime64(3, 'UTC')} + toIntervalMillisecond((SELECT greatest(max(toInt64(conversion_window_ms)), 604800000) FROM defs))
    GROUP BY person_key
  ),
  per_person AS (
    -- one row per assignment: converted, revenue and the CUPED covariates
    SELECT a.trigger_id AS trigger_id, a.first_arm AS arm, a.first_variant AS variant,
           a.is_contaminated AS is_contaminated,
           if(empty({outcomeTypes:Array(String)}),
              if(d.trigger_id = '', ['conversion', 'purchase', 'signup'], d.success_types),
              {outcomeTypes:Array(String)}) AS measured_types,
           toInt64(if(d.trigger_id = '', 604800000, d.conversion_window_ms)) AS c_ms,
           arrayFilter(o -> has(measured_types, o.1), o.outs) AS measured,
           arrayFilter(o -> o.2 > a.t0 AND o.2 <= a.t0 + c_ms, measured) AS post,
           arrayFilter(o -> o.2 >= a.t0 - c_ms AND o.2 < a.t0, measured) AS pre,
           notEmpty(post) AS person_converted,
           arraySum(o -> o.3, post) AS person_revenue,
           toFloat64(length(pre)) AS person_pre_conversions,
           arraySum(o -> o.3, pre) AS person_pre_revenue
    FROM assignments AS a
    LEFT JOIN defs AS d ON d.trigger_id = a.trigger_id
    LEFT JOIN outcome_arrays AS o ON o.person_key = a.person_key
  )
SELECT p.trigger_id AS trigger_id, any(d.channel) AS channel, any(d.holdout_pct) AS holdout_pct,
       p.arm AS arm, p.variant AS variant,
       countIf(NOT is_contaminated) AS persons,
       countIf(NOT is_contaminated AND person_converted) AS conversions,
       sumIf(person_revenue, NOT is_contaminated) AS revenue,
       sumIf(person_revenue * person_revenue, NOT is_contaminated) AS revenue_sq,
       sumIf(person_pre_conversions, NOT is_contaminated) AS pre_conversions,
       sumIf(person_pre_conversions * person_pre_conversions, NOT is_contaminated) AS pre_conversions_sq,
       sumIf(person_pre_conversions * person_converted, NOT is_contaminated) AS pre_conversions_x_converted,
       sumIf(person_pre_revenue, NOT is_contaminated) AS pre_revenue,
       sumIf(person_pre_revenue * person_pre_revenue, NOT is_contaminated) AS pre_revenue_sq,
       sumIf(person_pre_revenue * person_revenue, NOT is_contaminated) AS pre_revenue_x_revenue,
       countIf(is_contaminated) AS contaminated
FROM per_person AS p
LEFT JOIN defs AS d ON d.trigger_id = p.trigger_id
GROUP BY p.trigger_id, p.arm, p.variant
ORDER BY trigger_id, arm, variant`;

/**
 * Regret by arm over the plain tables: the converting orders of the uncontaminated assignments,
 * and whether a regret outcome undid each within the regret window.
 */
export const REGRET_BASELINE_SQL = `
WITH
  defs AS (
    SELECT trigger_id, conversion_window_ms,
           if(empty(success_types), ['conversion', 'purchase', 'signup'], success_types) AS success_types
    FROM triggers FINAL
    WHERE tenant_id = {tenantId:String}
    ORDER BY trigger_id, version DESC
    LIMIT 1 BY trigger_id
  ),
  assignments AS (
    SELECT trigger_id, person_key,
           toUnixTimestamp64Milli(min(decided_at)) AS t0,
           argMin(arm, (decided_at, firing_id)) AS first_arm
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
      AND (empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))
    GROUP BY trigger_id, person_key
    HAVING NOT (countIf(arm = 'treatment') > 0 AND countIf(arm != 'treatment') > 0)
  ),
  orders AS (
    -- success outcomes with an order id, by person
    SELECT person_key, type, order_id, toUnixTimestamp64Milli(occurred_at) AS at
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String} AND order_id != ''
  ),
  converting_orders AS (
    SELECT a.trigger_id AS trigger_id, a.first_arm AS arm, o.order_id AS order_id, min(o.at) AS ordered_at
    FROM assignments AS a
    LEFT JOIN defs AS d ON d.trigger_id = a.trigger_id
    INNER JOIN orders AS o ON o.person_key = a.person_key
    WHERE has(if(d.trigger_id = '', ['conversion', 'purchase', 'signup'], d.success_types), o.type)
      AND o.at > a.t0 AND o.at <= a.t0 + toInt64(if(d.trigger_id = '', 604800000, d.conversion_window_ms))
    GROUP BY trigger_id, arm, order_id
  ),
  regrets AS (
    SELECT if(refund_of_order_id != '', refund_of_order_id, order_id) AS undone_order,
           toUnixTimestamp64Milli(occurred_at) AS regretted_at
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String} AND type IN {regretTypes:Array(String)}
      AND (refund_of_order_id != '' OR order_id != '')
  )
SELECT trigger_id, arm, count() AS orders, countIf(was_regretted) AS regretted
FROM (
  SELECT c.trigger_id AS trigger_id, c.arm AS arm, c.order_id AS order_id,
         countIf(r.regretted_at > c.ordered_at AND r.regretted_at <= c.ordered_at + {regretWindowMs:Int64}) > 0 AS was_regretted
  FROM converting_orders AS c
  LEFT JOIN regrets AS r ON r.undone_order = c.order_id
  GROUP BY trigger_id, arm, order_id
)
GROUP BY trigger_id, arm
ORDER BY trigger_id, arm`;
