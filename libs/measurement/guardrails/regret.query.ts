import { z } from 'zod';
import type { ClickHouseService } from '../../storage/index.js';
import type { Period } from '../common/period.js';
import { ASSIGNMENT_CTES } from '../lift/lift.query.js';

export const regretRow = z.object({
  trigger_id: z.string(),
  arm: z.string(),
  orders: z.number(),
  regretted: z.number(),
});
export type RegretRow = z.infer<typeof regretRow>;

/**
 * Regret rate by arm (DESIGN section 3): of the distinct orders whose success outcome made a person
 * a converter (in (t0, t0 + C]), those a regret outcome names (refund_of_order_id, or the same
 * order_id on a regret type) within (order time, order time + 30 days]. Contaminated persons are
 * excluded, as in lift.
 */
export const REGRET_SQL = `
WITH
${ASSIGNMENT_CTES}
  converting_orders AS (
    -- orders that made an assigned person a converter, with their time
    SELECT s.trigger_id AS trigger_id, s.first_arm AS arm, o.order_id AS order_id, min(o.at) AS ordered_at
    FROM scoped AS s
    INNER JOIN person_outcomes AS o ON o.person_key = s.person_key
    WHERE NOT s.is_contaminated AND o.order_id != ''
      AND has(s.measured_keys, cityHash64(o.type)) AND o.at > s.t0 AND o.at <= s.t0 + s.c_ms
    GROUP BY trigger_id, arm, order_id
  ),
  regrets AS (
    -- regret outcomes and the order each one undoes
    SELECT if(refund_of_order_id != '', refund_of_order_id, order_id) AS undone_order,
           toUnixTimestamp64Milli(occurred_at) AS regretted_at
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String} AND type IN {regretTypes:Array(String)}
      AND (refund_of_order_id != '' OR order_id != '')
  ),
  judged AS (
    -- one row per converting order: was it undone within the regret window?
    SELECT c.trigger_id AS trigger_id, c.arm AS arm, c.order_id AS order_id,
           countIf(r.regretted_at > c.ordered_at AND r.regretted_at <= c.ordered_at + {regretWindowMs:Int64}) > 0 AS was_regretted
    FROM converting_orders AS c
    LEFT JOIN regrets AS r ON r.undone_order = c.order_id
    GROUP BY trigger_id, arm, order_id
  )
SELECT trigger_id, arm, count() AS orders, countIf(was_regretted) AS regretted
FROM judged
GROUP BY trigger_id, arm
ORDER BY trigger_id, arm`;

export function queryRegret(
  clickhouse: ClickHouseService,
  params: {
    tenantId: string;
    period: Period;
    triggerIds: string[];
    regretTypes: readonly string[];
    regretWindowMs: number;
  },
): Promise<RegretRow[]> {
  return clickhouse.query({
    tag: 'guardrails.regret',
    sql: REGRET_SQL,
    params: {
      tenantId: params.tenantId,
      ...params.period.params,
      triggerIds: params.triggerIds,
      outcomeTypes: [],
      regretTypes: params.regretTypes,
      regretWindowMs: params.regretWindowMs,
    },
    row: regretRow,
    settings: { join_use_nulls: 0 },
  });
}
