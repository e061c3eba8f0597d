import { z } from 'zod';
import { defineQuery } from '../../storage/index.js';
import { periodTriggersParams } from '../common/period.js';
import {
  SENT_FIRING_TIMES_CTES,
  sentFiringsCte,
  sharedChannel,
  TRIGGER_DEFINITIONS_CTE,
  TRIGGER_FILTER,
} from '../common/sql.js';
import {
  FACTS_WITH_DEFINITIONS,
  factsBuildParam,
  factsOfPeriod,
} from '../over-time/trigger-trend.query.js';

/**
 * Signal-to-action latency per trigger (docs/design.md §3, "Latency"), optionally split by the
 * firing's channel and by the UTC day of `decided_at`.
 *
 * Subjects: sent treatment firings (`arm = 'treatment'`, no `skip_reason`) decided in [from, to).
 * Per firing:
 * - signal_at = the firing's own `signal_at`, else `occurred_at` of the signal it names
 *   (`signal_event_id`); a firing with neither is counted in `no_signal_time` and measured nowhere
 *   else except decision-to-delivery, which needs no signal time;
 * - delivered_at = its first `delivered` or `rendered` exposure (opened/clicked/... do not count);
 * - end_to_end = delivered_at − signal_at, or decided_at − signal_at when it has no such exposure.
 *
 * Percentiles are `quantilesExactInclusive`: exact (no rank error at all), interpolated between
 * the two nearest ranks as numpy's default, R type 7 and Excel's PERCENTILE.INC do, so an analyst
 * can reproduce every number from an export. It keeps the values of a group in memory (8 bytes per
 * firing and latency) and selects with nth_element, linear in the number of firings.
 *
 * Scale: exposures are reduced to one row per firing before any join, and only for the sent
 * firings of the period; signals are looked up only for firings that lack their own `signal_at`,
 * through an IN list on the signals' sorting key (tenant_id, event_id). No per-firing row leaves
 * the engine. The per-firing joins use cityHash64 of the ids (as `person_key` does for persons):
 * on 10M firings (embedded engine, 2 cores) that ran in 6-12 s and 2.9 GB peak against 8-15 s and
 * 4.3 GB with string keys; two ids of a tenant sharing a 64-bit hash is a ~1e-6 event at that size.
 */
/**
 * The steps after `timed` (one row per sent firing: trigger_id, firing_channel, trigger_channel,
 * window_ms, decided_day, signal_to_decision_ms, decision_to_delivery_ms, end_to_end_ms, NULL
 * where a time is unknown), shared by the statement over the streams and the one over the trend
 * facts: the groups and their figures.
 */
const LATENCY_GROUPS = `
  grouped AS (
    -- aggregates per trigger (and channel, day when asked); aggregate functions skip NULLs, so
    -- the latency figures cover the firings with a signal time only (signal_to_decision_ms is
    -- NULL exactly when the firing has none)
    SELECT
      trigger_id,
      if({byChannel:Bool}, firing_channel, '') AS channel_key,
      if({byDay:Bool}, toString(decided_day), '') AS day_key,
      -- ungrouped by channel: the trigger's channel, or (no definition) its firings' one channel
      if(
        {byChannel:Bool} OR any(trigger_channel) = '',
        ${sharedChannel('firing_channel')},
        any(trigger_channel)
      ) AS channel,
      count(signal_to_decision_ms) AS firings,
      countIf(signal_to_decision_ms IS NULL) AS no_signal_time,
      quantilesExactInclusive(0.5, 0.9, 0.95, 0.99)(end_to_end_ms) AS end_to_end_quantiles,
      max(end_to_end_ms) AS max_ms,
      quantileExactInclusive(0.5)(signal_to_decision_ms) AS signal_to_decision_p50,
      quantileExactInclusive(0.5)(decision_to_delivery_ms) AS decision_to_delivery_p50,
      any(window_ms) AS trigger_window_ms,
      countIf(window_ms IS NOT NULL AND end_to_end_ms > window_ms) AS expired,
      countIf(window_ms IS NOT NULL AND end_to_end_ms <= window_ms) AS within_window
    FROM timed
    GROUP BY trigger_id, channel_key, day_key
  )
-- groups with at least one measured firing; rates are shares of the measured firings
SELECT
  trigger_id,
  channel,
  day_key,
  firings,
  no_signal_time,
  -- interpolated percentiles rounded to the microsecond: the inputs are whole ms, and the
  -- rounding removes float noise such as 6599999.999999999
  round(end_to_end_quantiles[1], 3) AS p50_ms,
  round(end_to_end_quantiles[2], 3) AS p90_ms,
  round(end_to_end_quantiles[3], 3) AS p95_ms,
  round(end_to_end_quantiles[4], 3) AS p99_ms,
  max_ms,
  round(signal_to_decision_p50, 3) AS signal_to_decision_p50_ms,
  round(decision_to_delivery_p50, 3) AS decision_to_delivery_p50_ms,
  trigger_window_ms AS window_ms,
  if(trigger_window_ms IS NULL, NULL, within_window / firings) AS within_window_rate,
  expired
FROM grouped
WHERE firings > 0
ORDER BY trigger_id, day_key, channel_key
`;

const TRIGGER_LATENCY_SQL = `
WITH
  ${TRIGGER_DEFINITIONS_CTE.trim()},
  ${sentFiringsCte(
    'firing_id, trigger_id, decided_at, signal_at, signal_event_id, channel',
    TRIGGER_FILTER,
  ).trim()},
  ${SENT_FIRING_TIMES_CTES},
  timed AS (
    -- one row per sent firing: its group keys and latencies in ms (NULL where a time is unknown);
    -- the firing's channel falls back to its trigger's; a window of 0 or none is no window
    SELECT
      s.trigger_id AS trigger_id,
      if(s.channel = '', t.channel, s.channel) AS firing_channel,
      t.channel AS trigger_channel,
      nullIf(t.window_ms, 0) AS window_ms,
      toDate(s.decided_at) AS decided_day,
      toUnixTimestamp64Milli(s.decided_at) AS decided_ms,
      toUnixTimestamp64Milli(coalesce(s.signal_at, r.referenced_at)) AS signal_ms,
      toUnixTimestamp64Milli(d.delivered_at) AS delivered_ms,
      decided_ms - signal_ms AS signal_to_decision_ms,
      delivered_ms - decided_ms AS decision_to_delivery_ms,
      coalesce(delivered_ms, decided_ms) - signal_ms AS end_to_end_ms
    FROM sent AS s
    LEFT JOIN first_delivery AS d ON d.firing_key = cityHash64(s.firing_id)
    LEFT JOIN referenced AS r ON r.event_key = cityHash64(s.signal_event_id)
    LEFT JOIN defs AS t ON t.trigger_id = s.trigger_id
  ),
  ${LATENCY_GROUPS.trim()}
`;

/** Bound values of {@link TRIGGER_LATENCY_QUERY}. */
export const triggerLatencyParams = periodTriggersParams.extend({
  byChannel: z.boolean(),
  byDay: z.boolean(),
});
export type TriggerLatencyParams = z.infer<typeof triggerLatencyParams>;

/** One group as the engine returns it (64-bit integers come back as JSON numbers). */
export const triggerLatencyRow = z.object({
  trigger_id: z.string(),
  channel: z.string(),
  /** YYYY-MM-DD, '' when not grouped by day. */
  day_key: z.string(),
  firings: z.number().int(),
  no_signal_time: z.number().int(),
  p50_ms: z.number(),
  p90_ms: z.number(),
  p95_ms: z.number(),
  p99_ms: z.number(),
  max_ms: z.number(),
  signal_to_decision_p50_ms: z.number(),
  decision_to_delivery_p50_ms: z.number().nullable(),
  window_ms: z.number().nullable(),
  within_window_rate: z.number().nullable(),
  expired: z.number().int(),
});
export type TriggerLatencyRow = z.infer<typeof triggerLatencyRow>;

export const TRIGGER_LATENCY_QUERY = defineQuery({
  name: 'latency.by_trigger',
  module: import.meta.url,
  sql: TRIGGER_LATENCY_SQL,
  params: triggerLatencyParams,
  row: triggerLatencyRow,
});

/** Bound values of {@link LATENCY_FACTS_QUERY}. */
export const latencyFactsParams = triggerLatencyParams.extend(factsBuildParam);

/**
 * The latency from a build of the trend facts (migrations 0081, 0082): each sent firing's steps as
 * the statement over the streams computes them (written by the trend facts' build, see
 * libs/measurement/over-time/trigger-trend.query.ts), its channel and window resolved against the
 * newest definitions as that statement does, grouped by the same steps. Same answer as
 * {@link TRIGGER_LATENCY_QUERY} while the tenant's data is the build's.
 */
export const LATENCY_FACTS_QUERY = defineQuery({
  name: 'latency.by_trigger_facts',
  module: import.meta.url,
  sql: `
WITH
  ${factsOfPeriod(
    `trigger_id, channel, decided_ms, signal_to_decision_ms, decision_to_delivery_ms,
           end_to_end_ms`,
  ).trim()},
  timed AS (
    -- one row per firing, as in the statement over the streams
    SELECT
      f.trigger_id AS trigger_id,
      if(f.channel = '', t.channel, f.channel) AS firing_channel,
      t.channel AS trigger_channel,
      nullIf(t.window_ms, 0) AS window_ms,
      toDate(fromUnixTimestamp64Milli(f.decided_ms, 'UTC')) AS decided_day,
      f.signal_to_decision_ms AS signal_to_decision_ms,
      f.decision_to_delivery_ms AS decision_to_delivery_ms,
      f.end_to_end_ms AS end_to_end_ms
    ${FACTS_WITH_DEFINITIONS}
  ),
  ${LATENCY_GROUPS.trim()}
`,
  params: latencyFactsParams,
  row: triggerLatencyRow,
});
