import { z } from 'zod';
import { defineQuery } from '../../storage/index.js';
import { assignmentCtes, outcomeArraysCte } from '../common/assignment.sql.js';
import { periodParams } from '../common/period.js';
import { armSums, liftSumsRow, uncappedRevenueSums } from '../lift/lift.query.js';

/** The lift sums of one point of the series: LiftSumsRow with the instant it was read at. */
export const liftOverTimeRow = liftSumsRow.extend({
  /** The series reads revenue uncapped: no cap column in its statement. */
  revenue_cap: z.number().nullable().default(null),
  /** asOf, Unix milliseconds. */
  as_of: z.number(),
});
export type LiftOverTimeRow = z.infer<typeof liftOverTimeRow>;

/** Bound values of {@link LIFT_OVER_TIME_QUERY}. */
export const liftOverTimeParams = periodParams.extend({
  /** One trigger (a series reads one trigger). */
  triggerIds: z.array(z.string()).length(1),
  /** The instants the lift is read at, Unix ms, ascending; the last is `to`. */
  asOfs: z.array(z.number().int()).min(1),
  /** Outcome types in place of the success types; empty = success (as lift.query.ts). */
  outcomeTypes: z.array(z.string()).default([]),
});
export type LiftOverTimeParams = z.input<typeof liftOverTimeParams>;

/**
 * Holdout lift as it read at each instant asOf of a series (docs/design.md §7), in one statement:
 * the assignment steps of liftReport over the whole period [from, to) give each person's first
 * firing (t0, arm, variant) and the moment they became contaminated; then each person is read at
 * every asOf after their t0, which is exactly the first firing in [from, asOf):
 * - contaminated at asOf when their first firing of the other arm is before asOf;
 * - converted at asOf with a success outcome in (t0, t0 + C] before asOf; revenue the sum of those;
 * - the CUPED covariates (outcomes in [t0 − C, t0)) do not depend on asOf.
 * The per-person outcome arrays are built once and read at every point, not one lift per point.
 */
const LIFT_OVER_TIME_SQL = `
WITH
${assignmentCtes({ shared: false, variants: true, contaminationTime: true })}
${outcomeArraysCte({ amounts: true })}
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
  SELECT as_of, arm, variant,${armSums('contaminated_then')}${uncappedRevenueSums('contaminated_then')}
  FROM per_point
  GROUP BY as_of, arm, variant
) AS s
ORDER BY as_of, arm, variant`;

export const LIFT_OVER_TIME_QUERY = defineQuery({
  name: 'over_time.lift',
  module: import.meta.url,
  sql: LIFT_OVER_TIME_SQL,
  params: liftOverTimeParams,
  row: liftOverTimeRow,
});
