import { z } from 'zod';
import { defineQuery } from '../../storage/index.js';
import { TRIGGER_VERSIONS_CTE } from '../../triggers/index.js';
import { periodParams } from '../common/period.js';
import { DEFAULT_SUCCESS_TYPES_SQL, SENT_FIRING, inPeriod } from '../common/sql.js';

/**
 * Attribution (docs/design.md §3), all four models in one pass, per trigger.
 *
 * - Touches: sent treatment firings (arm `treatment`, no `skip_reason`) decided in [from, to),
 *   each read against the definition version it names (the newest when it names none): its
 *   success types S and conversion window C (7 days and the default success types when the
 *   trigger was never defined).
 * - A touch f reaches a success outcome o of the same person when o.type is in S_f and
 *   f.decided_at < o.occurred_at ≤ f.decided_at + C_f, the conversion window of lift. Outcomes are
 *   not cut at `to` (as in lift), and firings decided before `from` are not touches of the period.
 * - Each outcome reached by at least one touch is worth 1 conversion and its `value` of revenue,
 *   spread over the touches that reach it:
 *   last touch: all to the latest (ties: the larger firing_id); first touch: all to the earliest
 *   (ties: the smaller firing_id); linear: 1/n each; time decay: weight 2^(−(o − f)/halfLife),
 *   normalised so the weights of one outcome sum to 1.
 *   Every model therefore distributes the same total: the number of outcomes reached.
 * Per-outcome rows never leave the engine.
 */
const ATTRIBUTION_SQL = `
WITH
  ${TRIGGER_VERSIONS_CTE.trim()},
  fired AS (
    -- sent treatment firings decided in the period (FINAL: one row per firing_id)
    SELECT firing_id, trigger_id, trigger_version, person_key,
           toUnixTimestamp64Milli(decided_at) AS decided_ms
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND ${SENT_FIRING}
      AND ${inPeriod('decided_at')}
  ),
  touches AS (
    -- each touch with the success types and conversion window of the version it names
    SELECT f.firing_id AS firing_id, f.trigger_id AS trigger_id, f.person_key AS person_key,
           f.decided_ms AS decided_ms,
           multiIf(named.trigger_id != '', named.success_types,
                   newest.trigger_id != '', newest.success_types,
                   ${DEFAULT_SUCCESS_TYPES_SQL}) AS success_types,
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
`;

/** Bound values of {@link ATTRIBUTION_QUERY}. */
export const attributionParams = periodParams.extend({
  /** Half-life of the time-decay weight, in ms (> 0). */
  halfLifeMs: z.number().positive(),
});
export type AttributionParams = z.input<typeof attributionParams>;

/** Credit per trigger under every model. */
export const attributionRow = z.object({
  trigger_id: z.string(),
  last_touch_conversions: z.number(),
  last_touch_revenue: z.number(),
  first_touch_conversions: z.number(),
  first_touch_revenue: z.number(),
  linear_conversions: z.number(),
  linear_revenue: z.number(),
  time_decay_conversions: z.number(),
  time_decay_revenue: z.number(),
  touches: z.number().int(),
});
export type AttributionRow = z.infer<typeof attributionRow>;

export const ATTRIBUTION_QUERY = defineQuery({
  name: 'attribution.by_trigger',
  module: import.meta.url,
  sql: ATTRIBUTION_SQL,
  params: attributionParams,
  row: attributionRow,
});
