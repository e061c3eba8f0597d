import { z } from 'zod';
import { defineQuery, type ClickHouseService } from '../../storage/index.js';
import { assignmentCtes } from '../common/assignment.sql.js';
import { DEFAULT_SUCCESS_TYPES_SQL } from '../common/sql.js';
import {
  LIFT_SUMS_COLUMNS,
  liftParams,
  liftSteps,
  liftSumsRow,
  type LiftSumsRow,
} from '../lift/lift.query.js';

/** Converting orders and those regretted, of one trigger × arm. */
export interface RegretRow {
  trigger_id: string;
  arm: string;
  orders: number;
  regretted: number;
}

/** A row of either part of the statement; the other part's columns are zero. */
const guardrailsRow = liftSumsRow.extend({
  part: z.enum(['overwhelm', 'regret']),
  orders: z.number(),
  regretted: z.number(),
});

/** The columns of a LiftSumsRow the regret part gives from `regret_sums AS r`. */
const REGRET_KEY_COLUMNS: ReadonlySet<string> = new Set(['trigger_id', 'arm']);

/** The zero of a LiftSumsRow column's type: NULL where nullable, '' for text, 0 for a number. */
function zeroOf(name: string, column: z.ZodType): string {
  if (column instanceof z.ZodNullable) {
    return 'NULL';
  }
  if (column instanceof z.ZodString) {
    return "''";
  }
  if (column instanceof z.ZodNumber) {
    return '0';
  }
  throw new Error(`guardrails: no zero for the lift column ${name}`);
}

/**
 * The regret part's row in the LiftSumsRow columns: its keys from `r`, every other column the
 * zero of its type, so that the two parts of the statement stay one row type.
 */
const REGRET_LIFT_COLUMNS = Object.entries(liftSumsRow.shape as Record<string, z.ZodType>)
  .map(
    ([name, column]) =>
      `${REGRET_KEY_COLUMNS.has(name) ? `r.${name}` : zeroOf(name, column)} AS ${name}`,
  )
  .join(',\n       ');

/**
 * Guardrails in one statement, both parts over one assignment (computed once, MATERIALIZED;
 * guardrails are reported per trigger, so no variant is kept):
 * - overwhelm: the lift steps (liftSteps, conversions only) with the overwhelm types as
 *   {outcomeTypes}, one 'overwhelm' row per trigger × arm in the LiftSumsRow columns (values 0);
 * - regret (docs/design.md §3): of the distinct orders whose success outcome made a person a
 *   converter (in (t0, t0 + C], the trigger's success types, the defaults without a definition),
 *   those a regret outcome names (refund_of_order_id, or the same order_id on a regret type)
 *   within (order time, order time + {regretWindowMs}]; one 'regret' row per trigger × arm.
 * Contaminated persons are excluded from both, as in lift.
 */
function guardrailsSql(rollup: boolean): string {
  return `
WITH
${assignmentCtes({ shared: true, variants: false, rollup })}
${liftSteps({ values: false })},
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
             OR has(${DEFAULT_SUCCESS_TYPES_SQL}, type))
    ) AS o ON o.person_key = s.person_key
    WHERE NOT s.is_contaminated
      AND o.at > s.t0 AND o.at <= s.t0 + s.c_ms
      AND (has(k.type_keys, o.type_key)
           OR (k.trigger_id = ''
               AND has(arrayMap(type -> cityHash64(type), ${DEFAULT_SUCCESS_TYPES_SQL}), o.type_key)))
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
SELECT 'overwhelm' AS part, ${LIFT_SUMS_COLUMNS},
       0 AS orders, 0 AS regretted
FROM sums AS s
LEFT JOIN defs AS d ON d.trigger_id = s.trigger_id
UNION ALL
SELECT 'regret' AS part, ${REGRET_LIFT_COLUMNS},
       r.orders AS orders, r.regretted AS regretted
FROM regret_sums AS r
)
ORDER BY part, trigger_id, arm, variant`;
}

/** Bound values of the guardrails statement: lift's, with the overwhelm types as outcomeTypes. */
export const guardrailsParams = liftParams.extend({
  regretTypes: z.array(z.string()),
  regretWindowMs: z.number().int().nonnegative(),
});

export const GUARDRAILS_QUERY = defineQuery({
  name: 'guardrails',
  module: import.meta.url,
  sql: guardrailsSql(true),
  params: guardrailsParams,
  row: guardrailsRow,
});

/** GUARDRAILS_QUERY over the plain tables (no rollup): the benchmark's baseline. */
export const PLAIN_GUARDRAILS_QUERY = defineQuery({
  name: 'guardrails.plain',
  module: import.meta.url,
  sql: guardrailsSql(false),
  params: guardrailsParams,
  row: guardrailsRow,
});

export type GuardrailsQueryParams = Omit<
  z.input<typeof guardrailsParams>,
  'outcomeTypes' | 'regretTypes'
> & {
  overwhelmTypes: readonly string[];
  regretTypes: readonly string[];
};

/** Runs the guardrails statement and splits its two parts. */
export async function queryGuardrails(
  clickhouse: ClickHouseService,
  { overwhelmTypes, regretTypes, ...params }: GuardrailsQueryParams,
): Promise<{ overwhelm: LiftSumsRow[]; regret: RegretRow[] }> {
  const rows = await clickhouse.run(GUARDRAILS_QUERY, {
    ...params,
    outcomeTypes: [...overwhelmTypes],
    regretTypes: [...regretTypes],
  });
  const overwhelm: LiftSumsRow[] = [];
  const regret: RegretRow[] = [];
  for (const { part, orders, regretted, ...sums } of rows) {
    if (part === 'overwhelm') {
      overwhelm.push(sums);
    } else {
      regret.push({ trigger_id: sums.trigger_id, arm: sums.arm, orders, regretted });
    }
  }
  return { overwhelm, regret };
}
