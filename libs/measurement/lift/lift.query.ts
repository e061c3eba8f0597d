import { z } from 'zod';
import { defineQuery, type ClickHouseService } from '../../storage/index.js';
import { assignmentCtes, outcomeArraysCte } from '../common/assignment.sql.js';
import { periodTriggersParams } from '../common/period.js';
import { inPeriod, SENT_FIRING, sharedChannel } from '../common/sql.js';

/** Sufficient statistics of one trigger × arm × variant (per-person rows never leave the engine). */
export const liftSumsRow = z.object({
  trigger_id: z.string(),
  channel: z.string(),
  holdout_pct: z.number().nullable(),
  planned_persons: z.number().nullable(),
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
  /** The revenue cap the row's revenue figures use (revenueCap); null when uncapped. */
  revenue_cap: z.number().nullable(),
});
export type LiftSumsRow = z.infer<typeof liftSumsRow>;

/** The columns of a LiftSumsRow that `sums` computes, as they read for an arm with no one in it. */
export const EMPTY_ARM_SUMS = {
  persons: 0,
  conversions: 0,
  revenue: 0,
  revenue_sq: 0,
  pre_conversions: 0,
  pre_conversions_sq: 0,
  pre_conversions_x_converted: 0,
  pre_revenue: 0,
  pre_revenue_sq: 0,
  pre_revenue_x_revenue: 0,
  contaminated: 0,
  revenue_cap: null,
} as const satisfies Omit<
  LiftSumsRow,
  'trigger_id' | 'channel' | 'holdout_pct' | 'planned_persons' | 'arm' | 'variant'
>;

/** Bound values of the lift statements. */
export const liftParams = periodTriggersParams.extend({
  /** Outcome types measured in place of the trigger's success types (guardrails); empty = success. */
  outcomeTypes: z.array(z.string()).default([]),
});

/** Bound values of the capped lift statements: one of the two cap parameters is 0. */
export const cappedLiftParams = liftParams.extend({
  /** The cap itself (> 0), or 0 to take the percentile. */
  capValue: z.number().nonnegative(),
  /** The percentile as a probability in (0, 1] (revenueCap.percentile / 100), when capValue is 0. */
  capLevel: z.number().gt(0).lte(1),
});

export type LiftQueryParams = z.input<typeof liftParams> & {
  /** One row per variant (default), or per arm with variant ''. */
  byVariant?: boolean;
};

// Per assignment: converted, revenue and the pre-period covariates (conversions, revenue).
const PERSON_VALUES = `
           arrayMap((type_key, at) -> at > s.t0 AND at <= s.t0 + s.c_ms AND has(s.measured_keys, type_key),
                    o.type_keys, o.ats) AS in_post,
           arrayMap((type_key, at) -> at >= s.t0 - s.c_ms AND at < s.t0 AND has(s.measured_keys, type_key),
                    o.type_keys, o.ats) AS in_pre,
           arrayExists(post -> post, in_post) AS person_converted,
           arraySum((amount, post) -> if(post, amount, 0), o.amounts, in_post) AS person_revenue,
           toFloat64(arrayCount(pre -> pre, in_pre)) AS person_pre_conversions,
           arraySum((amount, pre) -> if(pre, amount, 0), o.amounts, in_pre) AS person_pre_revenue`;

// Per assignment: converted only; the value columns are 0.
const PERSON_CONVERTED_ONLY = `
           arrayExists(
             (type_key, at) -> at > s.t0 AND at <= s.t0 + s.c_ms AND has(s.measured_keys, type_key),
             o.type_keys, o.ats) AS person_converted,
           toFloat64(0) AS person_revenue, toFloat64(0) AS person_pre_conversions,
           toFloat64(0) AS person_pre_revenue`;

/**
 * The sums of an arm that do not depend on revenue being capped, over the persons whose
 * `contaminated` (a column name, never input) is false; the contaminated persons only counted
 * (`contaminated`). Each ends with a comma. liftOverTime sums each of its points with them too, so
 * that its last point is liftReport's answer.
 */
export function armSums(contaminated: string): string {
  const kept = `NOT ${contaminated}`;
  return `
           countIf(${kept}) AS persons,
           countIf(${kept} AND person_converted) AS conversions,
           sumIf(person_pre_conversions, ${kept}) AS pre_conversions,
           sumIf(person_pre_conversions * person_pre_conversions, ${kept}) AS pre_conversions_sq,
           sumIf(person_pre_conversions * person_converted, ${kept}) AS pre_conversions_x_converted,
           sumIf(person_pre_revenue, ${kept}) AS pre_revenue,
           sumIf(person_pre_revenue * person_pre_revenue, ${kept}) AS pre_revenue_sq,
           countIf(${contaminated}) AS contaminated,`;
}

/** The revenue sums of an arm, revenue uncapped, over the persons armSums sums. */
export function uncappedRevenueSums(contaminated: string): string {
  const kept = `NOT ${contaminated}`;
  return `
           sumIf(person_revenue, ${kept}) AS revenue,
           sumIf(person_revenue * person_revenue, ${kept}) AS revenue_sq,
           sumIf(person_pre_revenue * person_revenue, ${kept}) AS pre_revenue_x_revenue`;
}

const ARM_SUMS = armSums('is_contaminated');

const UNCAPPED_SUMS = `
  sums AS (
    -- sufficient statistics per trigger, arm and variant; contaminated persons only counted
    SELECT trigger_id, arm, variant,${ARM_SUMS}${uncappedRevenueSums('is_contaminated')},
           CAST(NULL, 'Nullable(Float64)') AS revenue_cap
    FROM per_person
    GROUP BY trigger_id, arm, variant
  )`;

// Capped (docs/design.md §9): each person's revenue is min(revenue, the cap of the answer's row),
// the given value or the type-7 quantile of the revenues above 0 of both arms of the row
// (quantileExactInclusive is Excel's PERCENTILE.INC, numpy's default linear method); infinity when
// no revenue is above 0, so that nothing is capped. A row is a trigger, or with variants a trigger's
// treatment variant against its whole control: the control's revenues then enter the cap of every
// variant's row, and the control is given once for each (`variant` naming the row), capped at that
// row's cap. A person without revenue adds 0 to every revenue sum whatever the cap, so each arm
// keeps only its revenues other than 0 (with their pre-period revenue; a negative one, below any
// cap, stays as it is) in one streaming pass, and the capped sums are taken over those once the
// cap is known: the per-person rows are neither kept nor read twice (10M firings: about a quarter
// less time than keeping them). The steps: ARM_REVENUES, then the arms of each row (ROW_ARMS_*),
// then CAPS_AND_SUMS.
const ARM_REVENUES = `
  arm_sums AS MATERIALIZED (
    -- per trigger, arm and variant: the sums revenue does not enter, and the revenues other than 0
    SELECT trigger_id, arm, variant,${ARM_SUMS}
           groupArrayIf(person_revenue, person_revenue != 0 AND NOT is_contaminated) AS revenues,
           groupArrayIf(person_pre_revenue, person_revenue != 0 AND NOT is_contaminated) AS revenues_pre
    FROM per_person
    GROUP BY trigger_id, arm, variant
  ),`;

/** With variants: each arm once for every row of the answer it enters. */
const ROW_ARMS_BY_VARIANT = `
  row_arms AS (
    -- each arm once for every row of the answer it enters: a treatment variant its own; the
    -- control each treatment variant's of its trigger (its own when the trigger has none)
    SELECT a.*, row_variant
    FROM arm_sums AS a
    LEFT JOIN (
      SELECT trigger_id, groupUniqArrayIf(variant, arm = 'treatment') AS variants
      FROM arm_sums
      GROUP BY trigger_id
    ) AS t ON t.trigger_id = a.trigger_id
    ARRAY JOIN if(a.arm = 'treatment' OR empty(t.variants), [a.variant], t.variants) AS row_variant
  ),`;

/**
 * Without variants every arm enters its trigger's one row: the arms as they are. Reading them
 * through ROW_ARMS_BY_VARIANT's join and ARRAY JOIN, which then changes nothing, made the capped
 * statement about a tenth slower on 10M firings.
 */
const ROW_ARMS_BY_ARM = `
  row_arms AS (
    -- each arm once, in its trigger's row
    SELECT a.*, a.variant AS row_variant
    FROM arm_sums AS a
  ),`;

const CAPS_AND_SUMS = `
  caps AS (
    -- per row: the revenue cap (a value, or the percentile of the row's positive revenues)
    SELECT trigger_id, row_variant,
           if({capValue:Float64} > 0, {capValue:Float64},
              if(sum(arrayCount(revenue -> revenue > 0, revenues)) = 0, inf,
                 quantileExactInclusiveArray({capLevel:Float64})(
                   arrayFilter(revenue -> revenue > 0, revenues)))) AS cap
    FROM row_arms
    GROUP BY trigger_id, row_variant
  ),
  sums AS (
    -- the arm sums with the revenue sums over the capped revenues, and the cap, per row
    SELECT a.* REPLACE (a.row_variant AS variant),
           arraySum(revenue -> least(revenue, k.cap), a.revenues) AS revenue,
           arraySum(revenue -> pow(least(revenue, k.cap), 2), a.revenues) AS revenue_sq,
           arraySum((revenue, pre) -> pre * least(revenue, k.cap), a.revenues, a.revenues_pre)
             AS pre_revenue_x_revenue,
           if(isFinite(k.cap), toNullable(k.cap), NULL) AS revenue_cap
    FROM row_arms AS a
    LEFT JOIN caps AS k ON k.trigger_id = a.trigger_id AND k.row_variant = a.row_variant
  )`;

/** The capped sums, per row of the answer (a trigger, or with variants a trigger's variant). */
function cappedSums(variants: boolean): string {
  return `${ARM_REVENUES}${variants ? ROW_ARMS_BY_VARIANT : ROW_ARMS_BY_ARM}${CAPS_AND_SUMS}`;
}

/**
 * The steps of holdout lift (docs/design.md §3) after the assignment steps, ending in `sums`:
 * - assignment: each person's first firing of a trigger in [from, to), sent or skipped
 *   (intent-to-treat); persons with firings in both arms are contaminated, excluded and counted;
 * - outcome: success outcomes (or the given guardrail types) in (t0, t0 + C], revenue their value;
 * - covariate for CUPED: the same outcomes in [t0 − C, t0).
 * Firings of a trigger with no definition are measured with the default success types and C.
 * `values`: revenue and the covariates are computed; without, only conversions (guardrails),
 * the value columns 0. `capped`: each person's revenue is min(revenue, the cap of its row, a
 * trigger or with `variants` a trigger's variant), the cap reported as revenue_cap
 * (docs/design.md §9); the pre-period covariate stays uncapped.
 */
export function liftSteps({
  values,
  capped = false,
  variants = false,
}: {
  values: boolean;
  capped?: boolean;
  variants?: boolean;
}): string {
  return `
${outcomeArraysCte({ amounts: true })}
  per_person AS (
    -- one row per assignment: converted, revenue, and the pre-period covariates
    SELECT s.trigger_id AS trigger_id, s.first_arm AS arm, s.first_variant AS variant,
           s.is_contaminated AS is_contaminated,
           ${values ? PERSON_VALUES : PERSON_CONVERTED_ONLY}
    FROM scoped AS s
    LEFT JOIN outcome_arrays AS o ON o.person_key = s.person_key
  ),${capped ? cappedSums(variants) : UNCAPPED_SUMS}`;
}

/** The columns of a LiftSumsRow a trigger's definition gives; the others come from `sums`. */
const DEFINITION_COLUMNS: ReadonlySet<string> = new Set([
  'channel',
  'holdout_pct',
  'planned_persons',
]);

/** The columns of a LiftSumsRow, in its order, from `sums AS s` joined to `defs AS d`. */
export const LIFT_SUMS_COLUMNS = Object.keys(liftSumsRow.shape)
  .map((column) => `${DEFINITION_COLUMNS.has(column) ? 'd' : 's'}.${column} AS ${column}`)
  .join(',\n       ');

function liftSql(variants: boolean, rollup = true, capped = false): string {
  return `
WITH
${assignmentCtes({ shared: false, variants, rollup })}
${liftSteps({ values: true, capped, variants })}
SELECT ${LIFT_SUMS_COLUMNS}
FROM sums AS s
LEFT JOIN defs AS d ON d.trigger_id = s.trigger_id
ORDER BY trigger_id, arm, variant`;
}

function liftQuery<P extends typeof liftParams>(name: string, sql: string, params: P) {
  return defineQuery({ name, module: import.meta.url, sql, params, row: liftSumsRow });
}

/** Holdout lift in one statement (see liftSteps): one row per trigger × arm × variant. */
export const LIFT_QUERY = liftQuery('lift.sums', liftSql(true), liftParams);

/**
 * The same without variants (variant ''): one row per trigger × arm, for a report that does not
 * split treatment by variant; the engine then keeps no variant per assignment.
 */
export const LIFT_BY_ARM_QUERY = liftQuery('lift.sums_by_arm', liftSql(false), liftParams);

/** LIFT_QUERY and LIFT_BY_ARM_QUERY over the plain tables (no rollup): the benchmark's baselines. */
export const PLAIN_LIFT_QUERY = liftQuery('lift.plain_sums', liftSql(true, false), liftParams);
export const PLAIN_LIFT_BY_ARM_QUERY = liftQuery(
  'lift.plain_sums_by_arm',
  liftSql(false, false),
  liftParams,
);

/** LIFT_QUERY and LIFT_BY_ARM_QUERY with each person's revenue capped (revenueCap). */
export const CAPPED_LIFT_QUERY = liftQuery(
  'lift.capped_sums',
  liftSql(true, true, true),
  cappedLiftParams,
);
export const CAPPED_LIFT_BY_ARM_QUERY = liftQuery(
  'lift.capped_sums_by_arm',
  liftSql(false, true, true),
  cappedLiftParams,
);

/** A revenue cap as the capped statements bind it. */
export interface RevenueCapParams {
  /** The cap itself, or 0 to take the percentile. */
  capValue: number;
  /** The percentile as a probability in (0, 1]. */
  capLevel: number;
}

/** Runs the lift query; one row per trigger × arm × variant (or × arm, see byVariant). */
/**
 * The channel the sent firings of each of the given triggers share in [from, to) ('' when they
 * carry several): how latency and the suppression audit name a trigger whose definition gives no
 * channel (or that has none), read only for such triggers.
 */
export const SENT_CHANNELS_QUERY = defineQuery({
  name: 'lift.sent_channels',
  module: import.meta.url,
  sql: `-- per trigger asked: the channel its sent firings in the period share ('' when several)
SELECT trigger_id, ${sharedChannel('channel')} AS channel
FROM firings FINAL
WHERE tenant_id = {tenantId:String}
  AND ${inPeriod('decided_at')}
  AND has({triggerIds:Array(String)}, trigger_id)
  AND ${SENT_FIRING}
GROUP BY trigger_id`,
  params: periodTriggersParams,
  row: z.object({ trigger_id: z.string(), channel: z.string() }),
});

/**
 * The rows with their trigger's channel: the definition's, else (none, or none stated) the one
 * its sent firings share, as latency and the suppression audit name it.
 */
async function withFiringChannels(
  clickhouse: ClickHouseService,
  params: Omit<LiftQueryParams, 'byVariant'>,
  rows: LiftSumsRow[],
): Promise<LiftSumsRow[]> {
  const unnamed = [...new Set(rows.filter((r) => r.channel === '').map((r) => r.trigger_id))];
  if (unnamed.length === 0) {
    return rows;
  }
  const found = await clickhouse.run(SENT_CHANNELS_QUERY, {
    tenantId: params.tenantId,
    from: params.from,
    to: params.to,
    triggerIds: unnamed,
  });
  const channels = new Map(found.map((r) => [r.trigger_id, r.channel]));
  return rows.map((r) =>
    r.channel === '' ? { ...r, channel: channels.get(r.trigger_id) ?? '' } : r,
  );
}

export async function queryLiftSums(
  clickhouse: ClickHouseService,
  { byVariant, ...params }: LiftQueryParams,
  cap: RevenueCapParams | null = null,
): Promise<LiftSumsRow[]> {
  const rows =
    cap !== null
      ? await clickhouse.run(byVariant === false ? CAPPED_LIFT_BY_ARM_QUERY : CAPPED_LIFT_QUERY, {
          ...params,
          ...cap,
        })
      : await clickhouse.run(byVariant === false ? LIFT_BY_ARM_QUERY : LIFT_QUERY, params);
  return withFiringChannels(clickhouse, params, rows);
}
