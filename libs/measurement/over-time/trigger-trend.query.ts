import { z } from 'zod';
import { defineQuery } from '../../storage/index.js';
import { periodTriggersParams } from '../common/period.js';
import { capFlagsCte } from '../suppression/cap-breaches.sql.js';
import {
  consentHistoriesCte,
  convertedInFlightColumn,
  convertedThenTargetedColumns,
  personSuccessesCte,
  SENT_FIRING_TIMES_CTES,
  sentFiringsCte,
  TRIGGER_DEFINITIONS_CTE,
  TRIGGER_FILTER,
  suppressionRules,
} from '../common/sql.js';

/** One bucket × trigger of the trend. */
export const triggerTrendRow = z.object({
  bucket_start: z.number(),
  trigger_id: z.string(),
  sent_firings: z.number(),
  /** Sent firings with a signal time: those latency is measured on. */
  timed_firings: z.number(),
  within_window_rate: z.number().nullable(),
  p50_ms: z.number().nullable(),
  overwhelmed: z.number(),
  converted_then_targeted: z.number(),
  non_compliant: z.number(),
});
export type TriggerTrendRow = z.infer<typeof triggerTrendRow>;

/** Bound values of {@link TRIGGER_TREND_QUERY}. */
export const triggerTrendParams = periodTriggersParams.extend({
  /** The bucket length, ms (from `from`). */
  stepMs: z.number().int().positive(),
  overwhelmTypes: z.array(z.string()).min(1),
  overwhelmWindowMs: z.number().int().positive(),
});
export type TriggerTrendParams = z.input<typeof triggerTrendParams>;

/** The rules of a firing's trigger in checkedFirings, from its row of `defs` as t. */
const RULES = suppressionRules('t');

/**
 * The steps that check each sent treatment firing selected by `sentWhere` (a condition on firings
 * FINAL, constant text), ending in `checked`: one row per firing with its trigger, person_key, time
 * (t_ms), the trigger's window (window_ms, NULL when none) and what the trend counts of it, each
 * the one its own measure gives (docs/design.md §7):
 * - channel, signal_to_decision_ms, decision_to_delivery_ms: the firing's own channel and its
 *   two latency steps as latency.query.ts computes them (NULL where a time is unknown), for
 *   triggerLatency over the facts;
 * - end_to_end_ms: as latency.query.ts (a firing's signal time is its own signal_at, else the
 *   referenced signal's; delivered_at its first delivered or rendered exposure, else decided_at);
 *   NULL when the firing has no signal time;
 * - overwhelmed: the person's first overwhelm outcome after decided_at lies within the window (as
 *   pressure.query.ts);
 * - converted_then_targeted: a success outcome of the trigger in [decided_at − lookback,
 *   decided_at) (as suppression.query.ts: a trigger never defined with the default success types
 *   and lookback);
 * - non_compliant: the trigger has a consent purpose and the person's consent state for it at
 *   decided_at is not granted (as consent-audit.query.ts).
 * With `suppression`, for suppressionAudit over the facts, two more (as suppression.query.ts):
 * - converted_in_flight: the firing has a dispatched_at and an opened|rendered exposure, and a
 *   success outcome of the trigger lies strictly between dispatched_at and the first of those;
 * - cap_breached: the firing breaches its trigger's frequency cap (see CAP_BREACHES_CTE).
 * Each is a property of the firing alone: the period (from, to) only bounds the rows read.
 * `personWhere` (constant text), when given, bounds the outcomes and the cap sequences read to the
 * persons it selects.
 */
function checkedFirings(sentWhere: string, personWhere?: string, suppression = false): string {
  const ofPersons = personWhere === undefined ? '' : `\n      AND ${personWhere}`;
  const suppressionSteps = `
  first_open AS (
    -- each sent firing's first opened or rendered exposure
    SELECT cityHash64(firing_id) AS firing_key, min(toUnixTimestamp64Milli(occurred_at)) AS open_ms,
           toUInt8(1) AS opened
    FROM exposures FINAL
    WHERE tenant_id = {tenantId:String}
      AND type IN ('opened', 'rendered')
      AND cityHash64(firing_id) IN (SELECT cityHash64(firing_id) FROM sent)
    GROUP BY firing_key
  ),
  ${capFlagsCte(personWhere ?? 'true').trim()},`;
  return `
WITH
  ${TRIGGER_DEFINITIONS_CTE.trim()},
  ${sentFiringsCte(
    `firing_id, trigger_id, person_key, channel, decided_at, signal_at, signal_event_id,
           toUnixTimestamp64Milli(decided_at) AS t_ms${
             suppression ? ', toUnixTimestamp64Milli(dispatched_at) AS dispatched_ms' : ''
           }`,
    sentWhere,
  ).trim()},
  ${SENT_FIRING_TIMES_CTES},
  ${personSuccessesCte(personWhere).trim()},
  overwhelm AS (
    -- overwhelm outcomes that can fall within the window after a firing of the period
    SELECT person_key, toUnixTimestamp64Milli(occurred_at) AS at_ms, toUInt8(1) AS found
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String}
      AND has({overwhelmTypes:Array(String)}, type)
      AND occurred_at > {from:DateTime64(3, 'UTC')}
      AND occurred_at <= {to:DateTime64(3, 'UTC')} + toIntervalMillisecond({overwhelmWindowMs:Int64})${ofPersons}
  ),
  ${suppression ? suppressionSteps.trim() : ''}
  ${consentHistoriesCte(`
          SELECT cityHash64(s.person_key, t.consent_purpose)
          FROM sent AS s INNER JOIN defs AS t ON t.trigger_id = s.trigger_id
          WHERE t.consent_purpose != ''`)},
  checked AS (
    -- one row per sent firing: its latency and the three harm checks
    SELECT s.trigger_id AS trigger_id, s.person_key AS person_key, s.t_ms AS t_ms,
           nullIf(t.window_ms, 0) AS window_ms,
           toUnixTimestamp64Milli(coalesce(s.signal_at, r.referenced_at)) AS signal_ms,
           coalesce(toUnixTimestamp64Milli(d.delivered_at), s.t_ms) - signal_ms AS end_to_end_ms,
           -- the latency steps and channel triggerLatency reads from the facts (as latency.query.ts)
           s.channel AS channel,
           s.t_ms - signal_ms AS signal_to_decision_ms,
           toUnixTimestamp64Milli(d.delivered_at) - s.t_ms AS decision_to_delivery_ms,
           w.found = 1 AND w.at_ms <= s.t_ms + {overwhelmWindowMs:Int64} AS overwhelmed,
           ${convertedThenTargetedColumns(RULES, 's.t_ms', 'o')},
           arrayCount(at -> at <= s.t_ms, h.ats) AS in_force,
           t.consent_purpose != '' AND NOT (in_force > 0 AND h.granteds[in_force]) AS non_compliant${
             suppression
               ? `,
           ${convertedInFlightColumn('s.dispatched_ms', 'p', 'o')},
           c.cap_breached AS cap_breached`
               : ''
           }
    FROM sent AS s
    LEFT JOIN first_delivery AS d ON d.firing_key = cityHash64(s.firing_id)
    LEFT JOIN referenced AS r ON r.event_key = cityHash64(s.signal_event_id)
    LEFT JOIN defs AS t ON t.trigger_id = s.trigger_id
    LEFT JOIN person_successes AS o ON o.person_key = s.person_key
    LEFT JOIN histories AS h ON h.person_purpose = cityHash64(s.person_key, t.consent_purpose)${
      suppression
        ? `
    LEFT JOIN first_open AS p ON p.firing_key = cityHash64(s.firing_id)
    LEFT JOIN cap_flags AS c ON c.firing_key = cityHash64(s.firing_id)`
        : ''
    }
    ASOF LEFT JOIN overwhelm AS w ON w.person_key = s.person_key AND w.at_ms > s.t_ms
  )`;
}

/**
 * One row per bucket of t_ms (from + k·step) and trigger_id of `source` (rows of checked
 * firings: t_ms, trigger_id, window_ms, end_to_end_ms and the three checks): the share within the
 * window and the exact median (interpolated, rounded to the microsecond) over the firings with a
 * signal time, and the counts of the checks.
 */
function trendBuckets(source: string): string {
  return `
SELECT toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')})
         + intDiv(t_ms - toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')}), {stepMs:Int64}) * {stepMs:Int64}
         AS bucket_start,
       trigger_id,
       count() AS sent_firings,
       count(end_to_end_ms) AS timed_firings,
       if(any(window_ms) IS NULL OR timed_firings = 0, NULL,
          countIf(window_ms IS NOT NULL AND end_to_end_ms <= window_ms) / timed_firings)
         AS within_window_rate,
       if(timed_firings = 0, NULL, round(quantileExactInclusive(0.5)(end_to_end_ms), 3)) AS p50_ms,
       countIf(overwhelmed) AS overwhelmed,
       countIf(converted_then_targeted) AS converted_then_targeted,
       countIf(non_compliant) AS non_compliant
FROM ${source}
GROUP BY bucket_start, trigger_id
ORDER BY bucket_start, trigger_id`;
}

/**
 * Per bucket of decided_at (from + k·step) and trigger, over the sent treatment firings decided
 * in [from, to), each figure the one its own measure gives with the bucket as its period (see
 * checkedFirings), in one statement over the streams. All four are properties of a single firing,
 * so a bucket's figures are its firings' figures.
 */
const TRIGGER_TREND_SQL = `${checkedFirings(TRIGGER_FILTER)}
-- one row per bucket and trigger with a sent firing
${trendBuckets('checked').trim()}`;

export const TRIGGER_TREND_QUERY = defineQuery({
  name: 'over_time.trigger_trend',
  module: import.meta.url,
  sql: TRIGGER_TREND_SQL,
  params: triggerTrendParams,
  row: triggerTrendRow,
});

/** The parameter naming the build of the tenant's trend facts a statement reads. */
export const factsBuildParam = {
  /** The build of the tenant's trend facts read (trend_fact_builds). */
  buildId: z.number().int().nonnegative(),
};

/**
 * The steps `defs` (the newest definition of each trigger) and `facts`: the given columns of the
 * rows of build {buildId} of the tenant's trend facts decided in [from, to), of the selected
 * triggers ({triggerIds}, empty = all), and `defined`: those columns as `f.<column>` with the
 * trigger's definition beside them as `t` (no definition: its columns read '' and 0). `columns`
 * is constant text.
 */
export function factsOfPeriod(columns: string): string {
  return `
  ${TRIGGER_DEFINITIONS_CTE.trim()},
  facts AS (
    -- the build's firings decided in [from, to)
    SELECT ${columns}
    FROM trend_facts
    WHERE build_id = {buildId:UInt64}
      AND tenant_id = {tenantId:String}
      AND decided_ms >= toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')})
      AND decided_ms < toUnixTimestamp64Milli({to:DateTime64(3, 'UTC')})
      AND ${TRIGGER_FILTER}
  )`;
}

/** The FROM clause that reads the facts with each trigger's newest definition (see factsOfPeriod). */
export const FACTS_WITH_DEFINITIONS = `FROM facts AS f
    LEFT JOIN defs AS t ON t.trigger_id = f.trigger_id`;

/** Bound values of {@link TREND_FACTS_QUERY}. */
export const trendFactsParams = periodTriggersParams.extend({
  /** The bucket length, ms (from `from`). */
  stepMs: z.number().int().positive(),
  ...factsBuildParam,
});
export type TrendFactsParams = z.input<typeof trendFactsParams>;

/**
 * The trend from a build of the trend facts (migrations 0080, 0081): the rows of the firings of
 * [from, to) that {@link TRIGGER_TREND_QUERY} checks, written per firing by
 * {@link BUILD_TREND_FACTS_SQL}, with each trigger's window from its newest definition, bucketed
 * and counted as the statement over the streams does. Same answer as that statement while the
 * tenant's data is the build's (see trend-facts.ts).
 */
export const TREND_FACTS_QUERY = defineQuery({
  name: 'over_time.trigger_trend_facts',
  module: import.meta.url,
  sql: `
WITH
  ${factsOfPeriod(
    `trigger_id, decided_ms, end_to_end_ms, overwhelmed, converted_then_targeted,
           non_compliant`,
  ).trim()},
  checked AS (
    -- each firing with its trigger's window
    SELECT f.trigger_id AS trigger_id, f.decided_ms AS t_ms, nullIf(t.window_ms, 0) AS window_ms,
           f.end_to_end_ms AS end_to_end_ms, f.overwhelmed AS overwhelmed,
           f.converted_then_targeted AS converted_then_targeted, f.non_compliant AS non_compliant
    ${FACTS_WITH_DEFINITIONS}
  )
${trendBuckets('checked').trim()}`,
  params: trendFactsParams,
  row: triggerTrendRow,
});

/** A condition that splits a build's persons in parts: bound as {parts} and {part}. */
const OF_PART = 'person_key % {parts:UInt64} = {part:UInt64}';

/**
 * Writes one part of a build of the tenant's trend facts: the firings {@link TRIGGER_TREND_QUERY}
 * checks, of the persons of the part, as `checked` gives them (from and to bound to the whole
 * range the facts cover, see trend-facts.ts). The settings are those of every defined statement
 * (QUERY_DEFAULT_SETTINGS), and on a cluster the rows are on their shards before it returns.
 */
export const BUILD_TREND_FACTS_SQL = `
INSERT INTO trend_facts (build_id, tenant_id, trigger_id, decided_ms, person_key, end_to_end_ms,
                         overwhelmed, converted_then_targeted, non_compliant, channel,
                         signal_to_decision_ms, decision_to_delivery_ms, converted_in_flight,
                         cap_breached)
${checkedFirings(OF_PART, OF_PART, true).trim()}
SELECT {buildId:UInt64}, {tenantId:String}, trigger_id, t_ms, person_key, end_to_end_ms,
       overwhelmed, converted_then_targeted, non_compliant, channel, signal_to_decision_ms,
       decision_to_delivery_ms, converted_in_flight, cap_breached
FROM checked
SETTINGS join_use_nulls = 0, enable_materialized_cte = 1, distributed_foreground_insert = 1`;
