import { z } from 'zod';
import type { ClickHouseService } from '../../storage/index.js';
import type { Period } from '../common/period.js';
import { TRIGGER_DEFINITIONS_CTE, TRIGGER_FILTER } from '../common/sql.js';

/** Sufficient statistics of one trigger × arm × variant (per-person rows never leave the engine). */
export const liftSumsRow = z.object({
  trigger_id: z.string(),
  channel: z.string(),
  holdout_pct: z.number().nullable(),
  arm: z.string(),
  variant: z.string(),
  persons: z.number(),
  conversions: z.number(),
  revenue: z.number(),
  revenue_sq: z.number(),
  pre_conversions: z.number(),
  pre_conversions_sq: z.number(),
  pre_conversions_x_converted: z.number(),
  pre_revenue: z.number(),
  pre_revenue_sq: z.number(),
  pre_revenue_x_revenue: z.number(),
  contaminated: z.number(),
});
export type LiftSumsRow = z.infer<typeof liftSumsRow>;

export interface LiftQueryParams {
  tenantId: string;
  period: Period;
  triggerIds: string[];
  /** Outcome types measured in place of the trigger's success types (guardrails); empty = success. */
  outcomeTypes?: string[];
}

/**
 * The assignment steps shared by lift and guardrails (see LIFT_SQL). Ends with a comma so that a
 * query appends its own steps.
 */
export const ASSIGNMENT_CTES = `
  ${TRIGGER_DEFINITIONS_CTE},
  assignments AS (
    -- each person's first firing of each trigger in the period, and whether they saw both arms
    SELECT trigger_id, person_key,
           toUnixTimestamp64Milli(min(decided_at)) AS t0,
           argMin(arm, (decided_at, firing_id)) AS first_arm,
           argMin(variant, (decided_at, firing_id)) AS first_variant,
           countIf(arm = 'treatment') > 0 AND countIf(arm != 'treatment') > 0 AS is_contaminated
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
      AND ${TRIGGER_FILTER}
    GROUP BY trigger_id, person_key
  ),
  scoped AS (
    -- the outcome types and conversion window each assignment is measured with
    SELECT a.trigger_id AS trigger_id, a.person_key AS person_key, a.t0 AS t0,
           a.first_arm AS first_arm, a.first_variant AS first_variant,
           a.is_contaminated AS is_contaminated,
           if(empty({outcomeTypes:Array(String)}),
              if(d.trigger_id = '', ['conversion', 'purchase', 'signup'], d.success_types),
              {outcomeTypes:Array(String)}) AS measured_types,
           toInt64(if(d.trigger_id = '', 604800000, d.conversion_window_ms)) AS c_ms
    FROM assignments AS a
    LEFT JOIN defs AS d ON d.trigger_id = a.trigger_id
  ),
  reach AS (
    -- the longest conversion window, to bound the outcome scan
    SELECT max(c_ms) AS c_max FROM scoped
  ),
  person_outcomes AS (
    -- outcomes of assigned persons that any window or pre-period can reach
    SELECT person_key, type, toUnixTimestamp64Milli(occurred_at) AS at,
           toFloat64(ifNull(value, 0)) AS amount, order_id
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String}
      AND toUnixTimestamp64Milli(occurred_at) >= toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')}) - (SELECT c_max FROM reach)
      AND toUnixTimestamp64Milli(occurred_at) <= toUnixTimestamp64Milli({to:DateTime64(3, 'UTC')}) + (SELECT c_max FROM reach)
      AND person_key IN (SELECT person_key FROM assignments)
  ),
`;

/**
 * Holdout lift, DESIGN section 3, in one pass:
 * - assignment: each person's first firing of a trigger in [from, to), sent or skipped
 *   (intent-to-treat); persons with firings in both arms are contaminated, excluded and counted;
 * - outcome: success outcomes (or the given guardrail types) in (t0, t0 + C], revenue their value;
 * - covariate for CUPED: the same outcomes in [t0 − C, t0).
 * Firings of a trigger with no definition are measured with the default success types and C.
 */
export const LIFT_SQL = `
WITH
${ASSIGNMENT_CTES}
  per_person AS (
    -- one row per assignment: converted, revenue, and the pre-period covariates
    SELECT s.trigger_id AS trigger_id, s.first_arm AS arm, s.first_variant AS variant,
           s.is_contaminated AS is_contaminated,
           countIf(has(s.measured_types, o.type) AND o.at > s.t0 AND o.at <= s.t0 + s.c_ms) > 0 AS person_converted,
           sumIf(o.amount, has(s.measured_types, o.type) AND o.at > s.t0 AND o.at <= s.t0 + s.c_ms) AS person_revenue,
           toFloat64(countIf(has(s.measured_types, o.type) AND o.at >= s.t0 - s.c_ms AND o.at < s.t0)) AS person_pre_conversions,
           sumIf(o.amount, has(s.measured_types, o.type) AND o.at >= s.t0 - s.c_ms AND o.at < s.t0) AS person_pre_revenue
    FROM scoped AS s
    LEFT JOIN person_outcomes AS o ON o.person_key = s.person_key
    GROUP BY s.trigger_id, s.person_key, s.first_arm, s.first_variant, s.is_contaminated
  ),
  sums AS (
    -- sufficient statistics per trigger, arm and variant; contaminated persons only counted
    SELECT trigger_id, arm, variant,
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
    FROM per_person
    GROUP BY trigger_id, arm, variant
  )
SELECT s.trigger_id AS trigger_id, d.channel AS channel, d.holdout_pct AS holdout_pct,
       s.arm AS arm, s.variant AS variant, s.persons AS persons, s.conversions AS conversions,
       s.revenue AS revenue, s.revenue_sq AS revenue_sq, s.pre_conversions AS pre_conversions,
       s.pre_conversions_sq AS pre_conversions_sq,
       s.pre_conversions_x_converted AS pre_conversions_x_converted, s.pre_revenue AS pre_revenue,
       s.pre_revenue_sq AS pre_revenue_sq, s.pre_revenue_x_revenue AS pre_revenue_x_revenue,
       s.contaminated AS contaminated
FROM sums AS s
LEFT JOIN defs AS d ON d.trigger_id = s.trigger_id
ORDER BY trigger_id, arm, variant`;

/** Runs the lift query; one row per trigger × arm × variant. */
export function queryLiftSums(
  clickhouse: ClickHouseService,
  params: LiftQueryParams,
  tag = 'lift.sums',
): Promise<LiftSumsRow[]> {
  return clickhouse.query({
    tag,
    sql: LIFT_SQL,
    params: {
      tenantId: params.tenantId,
      ...params.period.params,
      triggerIds: params.triggerIds,
      outcomeTypes: params.outcomeTypes ?? [],
    },
    row: liftSumsRow,
    settings: { join_use_nulls: 0 },
  });
}
