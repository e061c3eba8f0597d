import { z } from 'zod';
import { storedFields, STREAM_DECLARATIONS, type StoredField } from '../../ingest/index.js';
import { defineQuery, type ClickHouseService } from '../../storage/index.js';
import { periodParams } from '../common/period.js';
import { TRIGGER_VERSIONS_CTE } from '../../triggers/index.js';
import { DEFAULT_SUCCESS_TYPES, outcomeClassesOf } from '../common/outcome-classes.js';
import { LATEST_CONSENT_KEY, inPeriod } from '../common/sql.js';

// The person timeline reads one person's rows of every stream. Rows are selected by person_key
// (the 64-bit hash the measures join on) and then by person_id itself, so a hash collision cannot
// show another person's rows. No table is sorted by person, so each query scans the tenant's range
// of its table; that is the price of one timeline, paid only when an analyst opens one.

/** Bound values shared by the timeline queries. */
export const timelineParams = periodParams.extend({
  personId: z.string().min(1),
});
export type TimelineParams = z.input<typeof timelineParams>;

/** Bound values of the outcomes query: the shared ones and the built-in outcome classes. */
const timelineOutcomeParams = timelineParams.extend({
  regretTypes: z.array(z.string()),
  overwhelmTypes: z.array(z.string()),
  successTypes: z.array(z.string()),
});

const PERSON = `person_key = cityHash64({personId:String}) AND person_id = {personId:String}`;

/** The person's signals that occurred in [from, to). */
export const TIMELINE_SIGNALS_SQL = `
-- this person: signals in the period (FINAL: one row per event_id)
SELECT event_id, type, kind, source, session_id, toString(occurred_at) AS occurred_text,
       toString(computed_at) AS computed_text, toString(collected_at) AS collected_text,
       toString(received_at) AS received_text, properties
FROM signals FINAL
WHERE tenant_id = {tenantId:String} AND ${PERSON}
  AND ${inPeriod('occurred_at')}`;

export const timelineSignalRow = z.object({
  event_id: z.string(),
  type: z.string(),
  kind: z.string(),
  source: z.string(),
  session_id: z.string(),
  occurred_text: z.string(),
  computed_text: z.string().nullable(),
  collected_text: z.string().nullable(),
  received_text: z.string(),
  properties: z.string(),
});
export type TimelineSignalRow = z.infer<typeof timelineSignalRow>;

/** Firing columns the timeline reads for its own purposes (latency, arm, consent, ...). */
const FIRING_COLUMNS_READ = new Set([
  'firing_id',
  'trigger_id',
  'person_id',
  'decided_at',
  'arm',
  'trigger_version',
  'signal_at',
  'dispatched_at',
  'skip_reason',
]);

/**
 * Every other column of the firings stream's declaration: shown as stored in a firing's detail, so
 * a field added to the stream reaches the timeline without a change here.
 */
export const FIRING_DETAIL_COLUMNS: readonly StoredField[] = storedFields(
  STREAM_DECLARATIONS.firings,
).filter((stored) => !FIRING_COLUMNS_READ.has(stored.column));

const detailNames = FIRING_DETAIL_COLUMNS.map((stored) => stored.column);
const isTime = (stored: StoredField) => stored.field.type === 'time';
const DETAIL_SELECTED = detailNames.join(', ');
const DETAIL_FORWARDED = detailNames.map((name) => `f.${name} AS ${name}`).join(', ');
const DETAIL_RETURNED = FIRING_DETAIL_COLUMNS.map((stored) =>
  isTime(stored) ? `toString(d.${stored.column})` : `d.${stored.column}`,
)
  .map((value, i) => `${value} AS ${detailNames[i]}`)
  .join(', ');

/** The row schema of a stored column, from its ClickHouse type. */
function columnSchema(stored: StoredField): z.ZodType {
  const type = stored.field.columnType ?? 'String';
  const nullable = type.startsWith('Nullable(');
  const inner = nullable ? type.slice('Nullable('.length, -1) : type;
  const schema: z.ZodType =
    isTime(stored) || /String/.test(inner)
      ? z.string()
      : inner === 'Bool'
        ? z.union([z.boolean(), z.number().transform((n) => n !== 0)])
        : z.union([z.number(), z.string().transform(Number)]);
  return nullable ? schema.nullable() : schema;
}

/**
 * The person's firings decided in [from, to), each with the definition version it is measured
 * against (the one it names, else the newest), its signal time (its own signal_at, else the
 * occurred_at of the signal it names), its first delivered|rendered exposure, and the consent
 * state of its version's consent_purpose at decided_at: `granted` of the person's latest consent
 * event for the purpose with occurred_at ≤ decided_at (same instant: the later recorded_at, then
 * the larger event_id), as the consent audit reads it; none = not granted.
 */
export const TIMELINE_FIRINGS_SQL = `
WITH
  ${TRIGGER_VERSIONS_CTE.trim()},
  person_firings AS (
    -- this person: firings in the period (FINAL: one row per firing_id)
    SELECT firing_id, trigger_id, trigger_version, arm, skip_reason, signal_at, dispatched_at,
           decided_at, ${DETAIL_SELECTED}
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String} AND ${PERSON}
      AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
  ),
  first_delivery AS (
    -- first delivered|rendered exposure of each of those firings
    SELECT firing_id, toNullable(min(occurred_at)) AS delivered_at
    FROM exposures FINAL
    WHERE tenant_id = {tenantId:String}
      AND type IN ('delivered', 'rendered')
      AND firing_id IN (SELECT firing_id FROM person_firings)
    GROUP BY firing_id
  ),
  referenced AS (
    -- event time of the signals the firings name
    SELECT event_id, toNullable(occurred_at) AS referenced_at
    FROM signals FINAL
    WHERE tenant_id = {tenantId:String}
      AND event_id IN (SELECT signal_event_id FROM person_firings WHERE signal_event_id != '')
  ),
  defined AS (
    -- each firing with its times in ms and the version it is measured against
    SELECT f.firing_id AS firing_id, f.trigger_id AS trigger_id,
           f.trigger_version AS trigger_version, f.arm AS arm, f.skip_reason AS skip_reason,
           ${DETAIL_FORWARDED}, f.decided_at AS decided_at,
           f.dispatched_at AS dispatched_at,
           toUnixTimestamp64Milli(f.decided_at) AS decided_ms,
           toUnixTimestamp64Milli(coalesce(f.signal_at, r.referenced_at)) AS signal_ms,
           toUnixTimestamp64Milli(d.delivered_at) AS delivered_ms,
           multiIf(named.trigger_id != '', named.version, newest.trigger_id != '', newest.version, 0)
             AS measured_version,
           if(named.trigger_id != '', named.window_ms, newest.window_ms) AS window_ms,
           if(named.trigger_id != '', named.consent_purpose, newest.consent_purpose) AS consent_purpose
    FROM person_firings AS f
    LEFT JOIN first_delivery AS d ON d.firing_id = f.firing_id
    LEFT JOIN referenced AS r ON r.event_id = f.signal_event_id
    LEFT JOIN trigger_versions AS named
      ON named.trigger_id = f.trigger_id AND named.named_version = f.trigger_version
    LEFT JOIN trigger_versions AS newest
      ON newest.trigger_id = f.trigger_id AND newest.named_version = 0
  ),
  consent_changes AS (
    -- this person: consent state changes, one per (purpose, instant)
    SELECT purpose, toUnixTimestamp64Milli(occurred_at) AS at_ms,
           argMax(granted, ${LATEST_CONSENT_KEY}) AS granted,
           toUInt8(1) AS found
    FROM consent FINAL
    WHERE tenant_id = {tenantId:String} AND ${PERSON}
    GROUP BY purpose, at_ms
  )
-- the state of the consent purpose at its decision (ASOF: latest change at or before)
SELECT d.firing_id AS firing_id, d.trigger_id AS trigger_id, d.trigger_version AS trigger_version,
       d.measured_version AS measured_version, d.arm AS arm, d.skip_reason AS skip_reason,
       ${DETAIL_RETURNED}, toString(d.decided_at) AS decided_text,
       toString(d.dispatched_at) AS dispatched_text, d.decided_ms AS decided_ms,
       d.signal_ms AS signal_ms, d.delivered_ms AS delivered_ms, d.window_ms AS window_ms,
       d.consent_purpose AS consent_purpose,
       if(d.consent_purpose = '', NULL, c.found = 1 AND c.granted) AS consent_granted
FROM defined AS d
ASOF LEFT JOIN consent_changes AS c
  ON c.purpose = d.consent_purpose AND c.at_ms <= d.decided_ms`;

const firingDetail = z.object(
  Object.fromEntries(FIRING_DETAIL_COLUMNS.map((stored) => [stored.column, columnSchema(stored)])),
);

/** A firing row with the detail columns gathered into `detail`. */
export const timelineFiringRow = z.preprocess(
  (raw) =>
    typeof raw === 'object' && raw !== null
      ? {
          ...raw,
          detail: Object.fromEntries(
            detailNames.map((name) => [name, (raw as Record<string, unknown>)[name]]),
          ),
        }
      : raw,
  z.object({
    firing_id: z.string(),
    trigger_id: z.string(),
    trigger_version: z.number(),
    measured_version: z.number(),
    arm: z.string(),
    skip_reason: z.string(),
    /** The values of FIRING_DETAIL_COLUMNS, by column. */
    detail: firingDetail,
    decided_text: z.string(),
    dispatched_text: z.string().nullable(),
    decided_ms: z.number(),
    signal_ms: z.number().nullable(),
    delivered_ms: z.number().nullable(),
    window_ms: z.number().nullable(),
    consent_purpose: z.string(),
    consent_granted: z.union([z.boolean(), z.number().transform((n) => n !== 0)]).nullable(),
  }),
);
export type TimelineFiringRow = z.infer<typeof timelineFiringRow>;

/** Exposures in [from, to) of the person's firings (decided at any time). */
export const TIMELINE_EXPOSURES_SQL = `
WITH
  person_firings AS (
    -- every firing of the person, with its trigger
    SELECT firing_id, trigger_id
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String} AND ${PERSON}
  )
-- their exposures in the period (FINAL: one row per event_id)
SELECT e.event_id AS event_id, e.firing_id AS firing_id, f.trigger_id AS trigger_id,
       e.type AS type, toString(e.occurred_at) AS occurred_text,
       e.rendered_variant AS rendered_variant, e.machine AS machine
FROM (
  SELECT event_id, firing_id, type, occurred_at, rendered_variant, machine
  FROM exposures FINAL
  WHERE tenant_id = {tenantId:String}
    AND firing_id IN (SELECT firing_id FROM person_firings)
    AND ${inPeriod('occurred_at')}
) AS e
INNER JOIN person_firings AS f ON f.firing_id = e.firing_id`;

export const timelineExposureRow = z.object({
  event_id: z.string(),
  firing_id: z.string(),
  trigger_id: z.string(),
  type: z.string(),
  occurred_text: z.string(),
  rendered_variant: z.string(),
  machine: z.union([z.boolean(), z.number().transform((n) => n !== 0)]),
});
export type TimelineExposureRow = z.infer<typeof timelineExposureRow>;

/**
 * The person's outcomes in [from, to), with their class: regret and overwhelm by the built-in
 * types and those the tenant added, success for the default success types and any type a trigger (any version) names in
 * success_types, else `other`; and the trigger of the firing an outcome names, if known.
 */
export const TIMELINE_OUTCOMES_SQL = `
WITH
  named_success AS (
    -- every type a trigger definition of the tenant counts as success
    SELECT DISTINCT arrayJoin(success_types) AS type
    FROM triggers FINAL
    WHERE tenant_id = {tenantId:String}
  ),
  person_outcomes AS (
    -- this person: outcomes in the period (FINAL: one row per outcome_id)
    SELECT outcome_id, type, toString(occurred_at) AS occurred_text,
           toNullable(toFloat64(value)) AS amount, currency, order_id, refund_of_order_id,
           channel, firing_id
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String} AND ${PERSON}
      AND ${inPeriod('occurred_at')}
  ),
  named_firings AS (
    -- the trigger of each firing an outcome names
    SELECT firing_id, trigger_id
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND firing_id IN (SELECT firing_id FROM person_outcomes WHERE firing_id != '')
  )
SELECT o.outcome_id AS outcome_id, o.type AS type, o.occurred_text AS occurred_text,
       o.amount AS amount, o.currency AS currency, o.order_id AS order_id,
       o.refund_of_order_id AS refund_of_order_id, o.channel AS channel, o.firing_id AS firing_id,
       f.trigger_id AS trigger_id,
       multiIf(has({regretTypes:Array(String)}, o.type), 'regret',
               has({overwhelmTypes:Array(String)}, o.type), 'overwhelm',
               has({successTypes:Array(String)}, o.type)
                 OR o.type IN (SELECT type FROM named_success), 'success',
               'other') AS outcome_class
FROM person_outcomes AS o
LEFT JOIN named_firings AS f ON f.firing_id = o.firing_id`;

export const timelineOutcomeRow = z.object({
  outcome_id: z.string(),
  type: z.string(),
  occurred_text: z.string(),
  amount: z.number().nullable(),
  currency: z.string(),
  order_id: z.string(),
  refund_of_order_id: z.string(),
  channel: z.string(),
  firing_id: z.string(),
  trigger_id: z.string(),
  outcome_class: z.string(),
});
export type TimelineOutcomeRow = z.infer<typeof timelineOutcomeRow>;

/** The person's consent events that occurred in [from, to). */
export const TIMELINE_CONSENT_SQL = `
-- this person: consent changes in the period (FINAL: one row per event_id)
SELECT event_id, purpose, granted, source, toString(occurred_at) AS occurred_text,
       toString(recorded_at) AS recorded_text
FROM consent FINAL
WHERE tenant_id = {tenantId:String} AND ${PERSON}
  AND ${inPeriod('occurred_at')}`;

export const timelineConsentRow = z.object({
  event_id: z.string(),
  purpose: z.string(),
  granted: z.union([z.boolean(), z.number().transform((n) => n !== 0)]),
  source: z.string(),
  occurred_text: z.string(),
  recorded_text: z.string().nullable(),
});
export type TimelineConsentRow = z.infer<typeof timelineConsentRow>;

export const TIMELINE_SIGNALS_QUERY = defineQuery({
  name: 'timeline.signals',
  module: import.meta.url,
  sql: TIMELINE_SIGNALS_SQL,
  params: timelineParams,
  row: timelineSignalRow,
});

export const TIMELINE_FIRINGS_QUERY = defineQuery({
  name: 'timeline.firings',
  module: import.meta.url,
  sql: TIMELINE_FIRINGS_SQL,
  params: timelineParams,
  row: timelineFiringRow,
});

export const TIMELINE_EXPOSURES_QUERY = defineQuery({
  name: 'timeline.exposures',
  module: import.meta.url,
  sql: TIMELINE_EXPOSURES_SQL,
  params: timelineParams,
  row: timelineExposureRow,
});

export const TIMELINE_OUTCOMES_QUERY = defineQuery({
  name: 'timeline.outcomes',
  module: import.meta.url,
  sql: TIMELINE_OUTCOMES_SQL,
  params: timelineOutcomeParams,
  row: timelineOutcomeRow,
});

export const TIMELINE_CONSENT_QUERY = defineQuery({
  name: 'timeline.consent',
  module: import.meta.url,
  sql: TIMELINE_CONSENT_SQL,
  params: timelineParams,
  row: timelineConsentRow,
});

/** One person's rows of every stream in a period. */
export interface TimelineRows {
  signals: TimelineSignalRow[];
  firings: TimelineFiringRow[];
  exposures: TimelineExposureRow[];
  outcomes: TimelineOutcomeRow[];
  consent: TimelineConsentRow[];
}

/** Runs the five timeline queries for one person. */
export async function queryTimeline(
  clickhouse: ClickHouseService,
  params: TimelineParams,
): Promise<TimelineRows> {
  const classes = await outcomeClassesOf(clickhouse, params.tenantId);
  const [signals, firings, exposures, outcomes, consent] = await Promise.all([
    clickhouse.run(TIMELINE_SIGNALS_QUERY, params),
    clickhouse.run(TIMELINE_FIRINGS_QUERY, params),
    clickhouse.run(TIMELINE_EXPOSURES_QUERY, params),
    clickhouse.run(TIMELINE_OUTCOMES_QUERY, {
      ...params,
      ...classes,
      successTypes: [...DEFAULT_SUCCESS_TYPES],
    }),
    clickhouse.run(TIMELINE_CONSENT_QUERY, params),
  ]);
  return { signals, firings, exposures, outcomes, consent };
}
