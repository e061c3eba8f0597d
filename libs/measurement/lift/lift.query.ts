import { z } from 'zod';
import type { ClickHouseService } from '../../storage/index.js';
import type { Period } from '../common/period.js';
import {
  DEFAULT_SUCCESS_TYPES_SQL,
  FIRST_FIRING_KEY,
  TRIGGER_DEFINITIONS_CTE,
  TRIGGER_FILTER,
  firstFiringArm,
  firstFiringKeyAt,
  firstFiringTime,
  firstFiringTreated,
} from '../common/sql.js';

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
  /** One row per variant (default), or per arm with variant ''. */
  byVariant?: boolean;
}

/** How a statement uses the assignment steps. */
export interface AssignmentOptions {
  /** Read by more than one later step: computed once (MATERIALIZED), not once per reference. */
  shared: boolean;
  /** Each assignment's variant is needed (lift by variant); otherwise first_variant is ''. */
  variants: boolean;
  /**
   * Read the assignment rollup where it holds a person (the default); false: firings alone, the
   * plain-tables form the benchmark times the product against.
   */
  rollup?: boolean;
}

const FROM_KEY = firstFiringKeyAt(`{from:DateTime64(3, 'UTC')}`);
const TO_KEY = firstFiringKeyAt(`{to:DateTime64(3, 'UTC')}`);

/** The assignment columns, in the order both sources give them. */
const ASSIGNMENT_COLUMNS =
  'assigned_trigger, assigned_person, t0, first_arm, first_variant, is_contaminated';

/**
 * Assignments from firings (with `filter` on their rows): grouped by one 64-bit hash of person ×
 * trigger, which the engine groups faster than the pair (like person_key itself, a collision is
 * accepted as negligible).
 */
function assignmentsFromFirings(variants: boolean, filter: string): string {
  const firstVariant = variants ? `argMin(variant, ${FIRST_FIRING_KEY})` : `''`;
  return `
    SELECT any(trigger_id) AS assigned_trigger, any(person_key) AS assigned_person,
           min(${FIRST_FIRING_KEY}) AS first_key,
           ${firstFiringTime('first_key')} AS t0,
           ${firstFiringArm('first_key')} AS first_arm,
           ${firstVariant} AS first_variant,
           min(arm = 'treatment') != max(arm = 'treatment') AS is_contaminated
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
      AND ${TRIGGER_FILTER}${filter}
    GROUP BY cityHash64(person_key, trigger_id)`;
}

/** Assignments from the newest build's sorted sequences: the keys in the period. */
function assignmentsFromRollup(variants: boolean): string {
  const firstVariant = variants
    ? `variants[arrayFirstIndex(key -> key >= ${FROM_KEY}, keys)]`
    : `''`;
  return `
    SELECT trigger_id AS assigned_trigger, person_key AS assigned_person,
           arrayFilter(key -> key >= ${FROM_KEY} AND key < ${TO_KEY}, keys) AS period_keys,
           period_keys[1] AS first_key,
           ${firstFiringTime('first_key')} AS t0,
           ${firstFiringArm('first_key')} AS first_arm,
           ${firstVariant} AS first_variant,
           arrayExists(key -> ${firstFiringTreated('key')}, period_keys)
             AND arrayExists(key -> NOT ${firstFiringTreated('key')}, period_keys)
             AS is_contaminated
    FROM assignment_sequences
    WHERE build_id = (SELECT newest_build FROM rollup) AND tenant_id = {tenantId:String}
      AND ${TRIGGER_FILTER}
      AND notEmpty(period_keys)
      AND person_key NOT IN rewritten`;
}

// The persons the newest build may not describe: those of firings written since its mark, and
// those the build filed such a firing under (a later version may name another person).
const ROLLUP_CTES = `
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
  ),`;

/**
 * The assignment steps shared by lift and guardrails (see LIFT_STEPS). Ends with a comma so that
 * a query appends its own steps.
 *
 * A person's assignments come from the newest build of the assignment rollup (see
 * assignment-rollup.ts) unless firings of theirs were written since its mark, or there is no
 * build; those persons' come from firings, grouped here. Both give the same rows: the first
 * firing in the period by FIRST_FIRING_KEY (time, then id), its arm and variant, and whether the
 * period holds firings of both arms.
 */
export function assignmentCtes({ shared, variants, rollup = true }: AssignmentOptions): string {
  const assignments = rollup
    ? `
    SELECT ${ASSIGNMENT_COLUMNS} FROM (${assignmentsFromRollup(variants)})
    UNION ALL
    SELECT ${ASSIGNMENT_COLUMNS} FROM (${assignmentsFromFirings(
      variants,
      `
      AND (NOT (SELECT built FROM rollup) OR person_key IN rewritten)`,
    )})`
    : assignmentsFromFirings(variants, '');
  return `
  ${TRIGGER_DEFINITIONS_CTE},${rollup ? ROLLUP_CTES : ''}
  assignments AS${shared ? ' MATERIALIZED' : ''} (
    -- each person's first firing of each trigger in the period, its arm and variant, and
    -- whether they saw both arms${assignments}
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
                       if(empty({outcomeTypes:Array(String)}), ${DEFAULT_SUCCESS_TYPES_SQL},
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
`;
}

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
 * The steps of holdout lift (DESIGN section 3) after the assignment steps, ending in `sums`:
 * - assignment: each person's first firing of a trigger in [from, to), sent or skipped
 *   (intent-to-treat); persons with firings in both arms are contaminated, excluded and counted;
 * - outcome: success outcomes (or the given guardrail types) in (t0, t0 + C], revenue their value;
 * - covariate for CUPED: the same outcomes in [t0 − C, t0).
 * Firings of a trigger with no definition are measured with the default success types and C.
 * `values`: revenue and the covariates are computed; without, only conversions (guardrails),
 * the value columns 0.
 */
export function liftSteps({ values }: { values: boolean }): string {
  return `
  outcome_arrays AS (
    -- each person's reachable outcomes of a measured type as arrays (type hash, time, amount):
    -- joined to the assignments, one row per assignment comes out, where joining outcome rows
    -- would multiply them and need a regrouping; the measured types are the success types of
    -- every trigger and the defaults, or the given types (few: guardrails read short arrays)
    SELECT person_key, groupArray(cityHash64(type)) AS type_keys, groupArray(at) AS ats,
           groupArray(amount) AS amounts
    FROM person_outcomes
    WHERE if(empty({outcomeTypes:Array(String)}),
             type IN (SELECT arrayJoin(success_types) FROM defs)
               OR has(${DEFAULT_SUCCESS_TYPES_SQL}, type),
             has({outcomeTypes:Array(String)}, type))
    GROUP BY person_key
  ),
  per_person AS (
    -- one row per assignment: converted, revenue, and the pre-period covariates
    SELECT s.trigger_id AS trigger_id, s.first_arm AS arm, s.first_variant AS variant,
           s.is_contaminated AS is_contaminated,
           ${values ? PERSON_VALUES : PERSON_CONVERTED_ONLY}
    FROM scoped AS s
    LEFT JOIN outcome_arrays AS o ON o.person_key = s.person_key
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
  )`;
}

/** The columns of a LiftSumsRow, from `sums AS s` joined to `defs AS d`. */
export const LIFT_SUMS_COLUMNS = `
       s.trigger_id AS trigger_id, d.channel AS channel, d.holdout_pct AS holdout_pct,
       s.arm AS arm, s.variant AS variant, s.persons AS persons, s.conversions AS conversions,
       s.revenue AS revenue, s.revenue_sq AS revenue_sq, s.pre_conversions AS pre_conversions,
       s.pre_conversions_sq AS pre_conversions_sq,
       s.pre_conversions_x_converted AS pre_conversions_x_converted, s.pre_revenue AS pre_revenue,
       s.pre_revenue_sq AS pre_revenue_sq, s.pre_revenue_x_revenue AS pre_revenue_x_revenue,
       s.contaminated AS contaminated`;

function liftSql(variants: boolean, rollup = true): string {
  return `
WITH
${assignmentCtes({ shared: false, variants, rollup })}
${liftSteps({ values: true })}
SELECT ${LIFT_SUMS_COLUMNS}
FROM sums AS s
LEFT JOIN defs AS d ON d.trigger_id = s.trigger_id
ORDER BY trigger_id, arm, variant`;
}

/** Holdout lift in one statement (see LIFT_STEPS): one row per trigger × arm × variant. */
export const LIFT_SQL = liftSql(true);

/**
 * The same without variants (variant ''): one row per trigger × arm, for a report that does not
 * split treatment by variant; the engine then keeps no variant per assignment.
 */
export const LIFT_BY_ARM_SQL = liftSql(false);

/** LIFT_SQL and LIFT_BY_ARM_SQL over the plain tables (no rollup): the benchmark's baselines. */
export const PLAIN_LIFT_SQL = liftSql(true, false);
export const PLAIN_LIFT_BY_ARM_SQL = liftSql(false, false);

/** Runs the lift query; one row per trigger × arm × variant (or × arm, see byVariant). */
export function queryLiftSums(
  clickhouse: ClickHouseService,
  params: LiftQueryParams,
  tag = 'lift.sums',
): Promise<LiftSumsRow[]> {
  return clickhouse.query({
    tag,
    sql: params.byVariant === false ? LIFT_BY_ARM_SQL : LIFT_SQL,
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
