import { z } from 'zod';
import type { ClickHouseService } from '../../storage/index.js';
import type { Period } from '../common/period.js';
import {
  MATERIALIZED_CTE_SETTINGS,
  TRIGGER_DEFINITIONS_CTE,
  TRIGGER_FILTER,
} from '../common/sql.js';
import { CAP_BREACHES_CTE } from './cap-breaches.sql.js';

/** Counts of one trigger. */
export const suppressionRow = z.object({
  trigger_id: z.string(),
  channel: z.string(),
  sent_firings: z.number(),
  converted_then_targeted: z.number(),
  converted_in_flight: z.number(),
  cap_breaches: z.number(),
});
export type SuppressionRow = z.infer<typeof suppressionRow>;

export interface SuppressionQueryParams {
  tenantId: string;
  period: Period;
  /** Empty = all triggers. */
  triggerIds: string[];
}

/**
 * Suppression failures, DESIGN section 3, over the sent treatment firings decided in [from, to),
 * per trigger T (its newest definition; success types defaulted when it names none):
 * - converted-then-targeted: the person had a success outcome of T with
 *   decided_at − converted_lookback_ms ≤ occurred_at < decided_at (lookback default 24 h);
 * - converted in flight: the firing has a dispatched_at and an opened|rendered exposure (machine
 *   opens included), and the person had a success outcome of T with
 *   dispatched_at < occurred_at < first opened|rendered;
 * - cap breach: see CAP_BREACHES_CTE.
 * Both outcome rules are ASOF joins on (person, trigger) over the outcomes labelled with the
 * triggers they are a success of: the nearest success before the decision, resp. after dispatch,
 * decides, so no firing is paired with more than one outcome. They match on one 64-bit hash of
 * person_key × trigger_id (a single numeric key makes the ASOF join several times faster than a
 * String key); like person_key itself, a hash collision is accepted as negligible. Firings are
 * matched to their exposures by cityHash64(firing_id) for the same reason (as in latency).
 * A firing of a trigger with no definition has no success types and no cap: it is counted as
 * sent and never as a failure. Reported triggers: those defined (and selected), and those with
 * firings in the period (sent or not).
 */
export const SUPPRESSION_SQL = `
WITH
  ${TRIGGER_DEFINITIONS_CTE},
  ${CAP_BREACHES_CTE},
  period_firings AS MATERIALIZED (
    -- every firing decided in the period, sent or skipped, of the selected triggers; this and
    -- the next two steps are read several times, so each is computed once (MATERIALIZED)
    SELECT cityHash64(firing_id) AS firing_key, trigger_id, person_key, channel,
           arm = 'treatment' AND skip_reason = '' AS sent,
           toUnixTimestamp64Milli(decided_at) AS t_ms,
           toUnixTimestamp64Milli(dispatched_at) AS dispatched_ms
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
      AND ${TRIGGER_FILTER}
  ),
  subjects AS MATERIALIZED (
    -- the sent treatment firings, with their trigger's converted lookback (0 without a definition);
    -- person_trigger (a hash of person × trigger) is the one numeric key the ASOF joins match on
    SELECT p.firing_key AS firing_key, p.trigger_id AS trigger_id,
           cityHash64(p.person_key, p.trigger_id) AS person_trigger,
           p.t_ms AS t_ms, p.dispatched_ms AS dispatched_ms,
           toInt64(d.converted_lookback_ms) AS lookback_ms
    FROM period_firings AS p
    LEFT JOIN defs AS d ON d.trigger_id = p.trigger_id
    WHERE p.sent
  ),
  successes AS MATERIALIZED (
    -- the subjects' persons' outcomes, once per trigger whose success types name their type
    SELECT cityHash64(o.person_key, t.trigger_id) AS person_trigger, o.at_ms AS at_ms
    FROM (
      SELECT person_key, type, toUnixTimestamp64Milli(occurred_at) AS at_ms
      FROM outcomes FINAL
      WHERE tenant_id = {tenantId:String}
        AND person_key IN (SELECT person_key FROM period_firings WHERE sent)
    ) AS o
    INNER JOIN (SELECT trigger_id, arrayJoin(success_types) AS type FROM defs) AS t
      ON t.type = o.type
  ),
  converted_then_targeted AS (
    -- per trigger: subjects whose latest success of T strictly before the decision (ASOF <)
    -- lies within the lookback
    SELECT s.trigger_id AS trigger_id, count() AS converted_then_targeted
    FROM subjects AS s
    ASOF INNER JOIN successes AS c ON c.person_trigger = s.person_trigger AND c.at_ms < s.t_ms
    WHERE c.at_ms >= s.t_ms - s.lookback_ms
    GROUP BY s.trigger_id
  ),
  first_open AS (
    -- when each firing's content was first resolved: its first opened or rendered; the join
    -- below keeps the dispatched subjects' (a set of their keys to filter on first cost more, in
    -- time and memory, than grouping every open)
    SELECT cityHash64(firing_id) AS firing_key, min(toUnixTimestamp64Milli(occurred_at)) AS open_ms
    FROM exposures FINAL
    WHERE tenant_id = {tenantId:String}
      AND type IN ('opened', 'rendered')
    GROUP BY firing_key
  ),
  in_flight_candidates AS (
    -- subjects with a dispatch time that were opened or rendered
    SELECT s.trigger_id AS trigger_id, s.person_trigger AS person_trigger,
           assumeNotNull(s.dispatched_ms) AS dispatched_ms, f.open_ms AS open_ms
    FROM subjects AS s
    INNER JOIN first_open AS f ON f.firing_key = s.firing_key
    WHERE s.dispatched_ms IS NOT NULL
  ),
  converted_in_flight AS (
    -- per trigger: candidates whose first success of T after dispatch (ASOF >) precedes the first open
    SELECT i.trigger_id AS trigger_id, count() AS converted_in_flight
    FROM in_flight_candidates AS i
    ASOF INNER JOIN successes AS c ON c.person_trigger = i.person_trigger AND c.at_ms > i.dispatched_ms
    WHERE c.at_ms < i.open_ms
    GROUP BY i.trigger_id
  ),
  sent_counts AS (
    -- per trigger fired in the period: its sent firings and the channel its firings carry
    SELECT trigger_id, any(channel) AS firing_channel, countIf(sent) AS sent_firings
    FROM period_firings
    GROUP BY trigger_id
  ),
  reported AS (
    -- the triggers reported: the selected definitions and any trigger fired in the period
    SELECT trigger_id FROM defs WHERE ${TRIGGER_FILTER}
    UNION DISTINCT
    SELECT trigger_id FROM sent_counts
  )
-- one row per trigger; the definition's channel, else the one its firings carry
SELECT r.trigger_id AS trigger_id,
       if(d.trigger_id != '', d.channel, n.firing_channel) AS channel,
       n.sent_firings AS sent_firings,
       t.converted_then_targeted AS converted_then_targeted,
       f.converted_in_flight AS converted_in_flight,
       b.breaches AS cap_breaches
FROM reported AS r
LEFT JOIN defs AS d ON d.trigger_id = r.trigger_id
LEFT JOIN sent_counts AS n ON n.trigger_id = r.trigger_id
LEFT JOIN converted_then_targeted AS t ON t.trigger_id = r.trigger_id
LEFT JOIN converted_in_flight AS f ON f.trigger_id = r.trigger_id
LEFT JOIN cap_breaches AS b ON b.trigger_id = r.trigger_id
ORDER BY trigger_id`;

/** Runs the suppression audit; one row per trigger, ordered by trigger_id. */
export function querySuppression(
  clickhouse: ClickHouseService,
  params: SuppressionQueryParams,
  tag = 'suppression.audit',
): Promise<SuppressionRow[]> {
  return clickhouse.query({
    tag,
    sql: SUPPRESSION_SQL,
    params: { tenantId: params.tenantId, ...params.period.params, triggerIds: params.triggerIds },
    row: suppressionRow,
    settings: { join_use_nulls: 0, ...MATERIALIZED_CTE_SETTINGS },
  });
}
