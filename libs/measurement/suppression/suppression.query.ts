import { z } from 'zod';
import { defineQuery } from '../../storage/index.js';
import { periodTriggersParams } from '../common/period.js';
import {
  convertedInFlightColumn,
  convertedThenTargetedColumns,
  personSuccessesCte,
  SENT_FIRING,
  sharedChannel,
  TRIGGER_DEFINITIONS_CTE,
  TRIGGER_FILTER,
  inPeriod,
  suppressionRules,
} from '../common/sql.js';
import { factsBuildParam, factsOfPeriod } from '../over-time/trigger-trend.query.js';
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

/** Bound values of {@link SUPPRESSION_QUERY}. */
export const suppressionParams = periodTriggersParams;
export type SuppressionQueryParams = z.input<typeof suppressionParams>;

/**
 * The step `failures` (trigger_id, converted_then_targeted, converted_in_flight) of both audit
 * statements: per trigger, the sent firings of `source` (one row per firing with its two flags,
 * constant text) that failed each outcome rule.
 */
function failuresCte(source: string): string {
  return `failures AS (
    -- per trigger: sent firings that failed each outcome rule
    SELECT trigger_id, countIf(converted_then_targeted) AS converted_then_targeted,
           countIf(converted_in_flight) AS converted_in_flight
    FROM ${source}
    GROUP BY trigger_id
  )`;
}

/**
 * The end of both audit statements: the triggers reported (the selected definitions and any
 * trigger fired in the period) and one row per trigger, with the definition's channel, else the
 * one its sent firings share ('' when they carry several, or none was sent). Needs the steps `defs`, `sent_counts` (trigger_id, firing_channel,
 * sent_firings: every trigger fired in the period), `failures` (trigger_id,
 * converted_then_targeted, converted_in_flight) and `cap_breaches` (trigger_id, breaches).
 */
const PER_TRIGGER = `
  reported AS (
    -- the triggers reported: the selected definitions and any trigger fired in the period
    SELECT trigger_id FROM defs WHERE ${TRIGGER_FILTER}
    UNION DISTINCT
    SELECT trigger_id FROM sent_counts
  )
-- one row per trigger; the definition's channel, else the one its sent firings share
SELECT r.trigger_id AS trigger_id,
       if(d.trigger_id != '', d.channel, n.firing_channel) AS channel,
       n.sent_firings AS sent_firings,
       t.converted_then_targeted AS converted_then_targeted,
       t.converted_in_flight AS converted_in_flight,
       b.breaches AS cap_breaches
FROM reported AS r
LEFT JOIN defs AS d ON d.trigger_id = r.trigger_id
LEFT JOIN sent_counts AS n ON n.trigger_id = r.trigger_id
LEFT JOIN failures AS t ON t.trigger_id = r.trigger_id
LEFT JOIN cap_breaches AS b ON b.trigger_id = r.trigger_id
ORDER BY trigger_id`;

/** The rules of a firing's trigger in SUPPRESSION_SQL's checked step, from `success_types` as s. */
const RULES = suppressionRules('s', { typeKeys: 's.type_keys', lookbackMs: 's.lookback_ms' });

/**
 * Suppression failures, docs/design.md §3, over the sent treatment firings decided in [from, to),
 * per trigger T (its newest definition; success types defaulted when it names none):
 * - converted-then-targeted: the person had a success outcome of T with
 *   decided_at − converted_lookback_ms ≤ occurred_at < decided_at (lookback default 24 h);
 * - converted in flight: the firing has a dispatched_at and an opened|rendered exposure (machine
 *   opens included), and the person had a success outcome of T with
 *   dispatched_at < occurred_at < first opened|rendered;
 * - cap breach: see CAP_BREACHES_CTE.
 * Both outcome rules look at each sent firing once, beside its person's success outcomes held as
 * two arrays (type and time; one row per person, joined by person_key), and ask whether one of
 * T's success types lies in the firing's interval; no firing is paired with more than one row,
 * so none is counted twice. Outcome types are compared by a 64-bit hash and firings matched to
 * their exposures by cityHash64(firing_id) (as in latency): numbers cost the engine much less to
 * carry and compare than strings; like person_key itself, a hash collision is accepted as
 * negligible.
 * A firing of a trigger with no definition is checked with the default success types (as lift
 * measures it) and, for converted-then-targeted, the default 24 h lookback; no cap was stated for
 * it, so it never breaches one. Reported triggers: those defined (and selected), and those with
 * firings in the period (sent or not).
 */
const SUPPRESSION_SQL = `
WITH
  ${TRIGGER_DEFINITIONS_CTE},
  ${CAP_BREACHES_CTE},
  period_firings AS (
    -- every firing decided in the period, sent or skipped, of the selected triggers; read twice,
    -- each a scan: on 10M firings MATERIALIZED (one scan, held in memory) was slower and peaked
    -- 0.34 GB higher
    SELECT cityHash64(firing_id) AS firing_key, trigger_id, person_key, channel,
           ${SENT_FIRING} AS sent,
           toUnixTimestamp64Milli(decided_at) AS t_ms,
           toUnixTimestamp64Milli(dispatched_at) AS dispatched_ms
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND ${inPeriod('decided_at')}
      AND ${TRIGGER_FILTER}
  ),
  success_types AS (
    -- each defined trigger's converted lookback and success types, the types as 64-bit hashes
    -- (a trigger never defined is checked with the defaults: see the step checked)
    SELECT trigger_id, toInt64(converted_lookback_ms) AS lookback_ms,
           arrayMap(type -> cityHash64(type), success_types) AS type_keys
    FROM defs
  ),
  ${personSuccessesCte().trim()},
  first_open AS (
    -- when each firing's content was first resolved: its first opened or rendered (grouping every
    -- open costs less, in time and memory, than first building a set of the sent firings' keys)
    SELECT cityHash64(firing_id) AS firing_key, min(toUnixTimestamp64Milli(occurred_at)) AS open_ms,
           toUInt8(1) AS opened
    FROM exposures FINAL
    WHERE tenant_id = {tenantId:String}
      AND type IN ('opened', 'rendered')
    GROUP BY firing_key
  ),
  checked AS (
    -- each sent treatment firing against its person's successes of its trigger (the defaults for
    -- a trigger never defined)
    SELECT p.trigger_id AS trigger_id,
           ${convertedThenTargetedColumns(RULES, 'p.t_ms', 'o')},
           ${convertedInFlightColumn('p.dispatched_ms', 'f', 'o')}
    FROM period_firings AS p
    LEFT JOIN success_types AS s ON s.trigger_id = p.trigger_id
    LEFT JOIN person_successes AS o ON o.person_key = p.person_key
    LEFT JOIN first_open AS f ON f.firing_key = p.firing_key
    WHERE p.sent
  ),
  ${failuresCte('checked')},
  sent_counts AS (
    -- per trigger fired in the period: its sent firings and the channel they share ('' when several)
    SELECT trigger_id, ${sharedChannel('channel', 'sent')} AS firing_channel, countIf(sent) AS sent_firings
    FROM period_firings
    GROUP BY trigger_id
  ),
${PER_TRIGGER}`;

export const SUPPRESSION_QUERY = defineQuery({
  name: 'suppression.audit',
  module: import.meta.url,
  sql: SUPPRESSION_SQL,
  params: suppressionParams,
  row: suppressionRow,
});

/**
 * The audit from a build of the trend facts (migrations 0081, 0084): each sent firing's three
 * checks as the build wrote them (the statement's own rules, see trigger-trend.query.ts), counted
 * per trigger; the triggers fired in the period, their sent firings and the channel their firings
 * carry from one scan of the firings, as the statement over the streams counts them. Same answer
 * as {@link SUPPRESSION_QUERY} while the tenant's data is the build's (see trend-facts.ts).
 */
export const SUPPRESSION_FACTS_QUERY = defineQuery({
  name: 'suppression.audit_facts',
  module: import.meta.url,
  sql: `
WITH
  ${factsOfPeriod('trigger_id, converted_then_targeted, converted_in_flight, cap_breached').trim()},
  ${failuresCte('facts')},
  cap_breaches AS (
    -- per trigger: sent firings that breached its cap
    SELECT trigger_id, countIf(cap_breached) AS breaches
    FROM facts
    GROUP BY trigger_id
  ),
  sent_counts AS (
    -- per trigger fired in the period: its sent firings and the channel they share ('' when several)
    SELECT trigger_id, ${sharedChannel('channel', SENT_FIRING)} AS firing_channel, countIf(${SENT_FIRING}) AS sent_firings
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND ${inPeriod('decided_at')}
      AND ${TRIGGER_FILTER}
    GROUP BY trigger_id
  ),${PER_TRIGGER}`,
  params: suppressionParams.extend(factsBuildParam),
  row: suppressionRow,
});
