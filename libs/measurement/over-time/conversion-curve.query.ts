import { z } from 'zod';
import { defineQuery } from '../../storage/index.js';
import { assignmentCtes, outcomeArraysCte } from '../common/assignment.sql.js';
import { periodParams } from '../common/period.js';

/** Persons and converters of one step × arm × variant. */
export const conversionCurveRow = z.object({
  since_ms: z.number(),
  /** The trigger's conversion window C (the last step). */
  c_ms: z.number(),
  arm: z.string(),
  variant: z.string(),
  persons: z.number(),
  conversions: z.number(),
});
export type ConversionCurveRow = z.infer<typeof conversionCurveRow>;

/** Bound values of {@link CONVERSION_CURVE_QUERY}. */
export const conversionCurveParams = periodParams.extend({
  triggerIds: z.array(z.string()).length(1),
  /** The step, ms; 0 = the default (one day, or one hour when C ≤ 2 days). */
  stepMs: z.number().int().min(0),
  /** Persons are observed up to this instant. */
  horizon: z.string().min(1),
  /** Most steps a curve may hold; more is an error naming stepMs. */
  maxSteps: z.number().int().min(1),
  outcomeTypes: z.array(z.string()).default([]),
});
export type ConversionCurveParams = z.input<typeof conversionCurveParams>;

/**
 * Each arm's conversion rate by time since the firing (docs/design.md §7), in one statement:
 * the assignments of liftReport over [from, to) (contaminated persons left out), each person's
 * first success outcome in (t0, t0 + C] as a delay after t0, then each person read at every step
 * d (step, 2·step, … up to C, C the last) they are observed for (t0 + d ≤ horizon): converted at
 * d when that delay is ≤ d.
 */
const CONVERSION_CURVE_SQL = `
WITH
${assignmentCtes({ shared: false, variants: true })}
${outcomeArraysCte({ amounts: false })}
  per_person AS (
    -- one row per uncontaminated assignment: the delay of its first success in (t0, t0 + C]
    -- (NULL when none), and the steps of its trigger's curve
    SELECT s.first_arm AS arm, s.first_variant AS variant, s.t0 AS t0, s.c_ms AS c_ms,
           arrayMin(arrayFilter(
             (at, type_key) -> at > s.t0 AND at <= s.t0 + s.c_ms AND has(s.measured_keys, type_key),
             o.ats, o.type_keys)) AS first_at,
           if(first_at = 0, NULL, first_at - s.t0) AS delay_ms,
           if({stepMs:Int64} > 0, {stepMs:Int64}, if(s.c_ms <= 172800000, 3600000, 86400000)) AS step_ms,
           arrayMap(k -> least(k * step_ms, s.c_ms),
                    range(1, toUInt64(intDiv(s.c_ms + step_ms - 1, step_ms)) + 1)) AS steps
    FROM scoped AS s
    LEFT JOIN outcome_arrays AS o ON o.person_key = s.person_key
    WHERE NOT s.is_contaminated
  )
-- persons observed for d and those converted by d, per step, arm and variant
SELECT since_ms, any(c_ms) AS c_ms, arm, variant,
       count() AS persons,
       countIf(delay_ms IS NOT NULL AND delay_ms <= since_ms) AS conversions
FROM per_person
ARRAY JOIN arrayFilter(
  d -> t0 + d <= toUnixTimestamp64Milli({horizon:DateTime64(3, 'UTC')})
       AND throwIf(length(steps) > {maxSteps:UInt32}, 'stepMs: the conversion window holds too many steps') = 0,
  steps) AS since_ms
GROUP BY since_ms, arm, variant
ORDER BY since_ms, arm, variant`;

export const CONVERSION_CURVE_QUERY = defineQuery({
  name: 'over_time.conversion_curve',
  module: import.meta.url,
  sql: CONVERSION_CURVE_SQL,
  params: conversionCurveParams,
  row: conversionCurveRow,
});
