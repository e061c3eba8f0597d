/**
 * SQL fragments shared by the measures, each defined here once. They are constants (never built
 * from input): every value is a bound parameter: {tenantId:String}, {from:DateTime64(3, 'UTC')},
 * {to:DateTime64(3, 'UTC')} and {triggerIds:Array(String)} (empty = all triggers).
 */

import { DEFAULT_SUCCESS_TYPES } from './outcome-classes.js';

/** DEFAULT_SUCCESS_TYPES as an SQL array literal (constant text, no input). */
export const DEFAULT_SUCCESS_TYPES_SQL = `[${DEFAULT_SUCCESS_TYPES.map((type) => `'${type}'`).join(', ')}]`;

/**
 * The converted-then-targeted lookback of a trigger whose definition states none, or that was
 * never defined: 24 h (docs/design.md §3, "Suppression failures").
 */
export const DEFAULT_CONVERTED_LOOKBACK_MS = 86_400_000;

/**
 * Whether an outcome row's `type` is a success type of some trigger: of a defined one (the `defs`
 * step) or a default one, which a trigger never defined is measured with.
 */
export const ANY_SUCCESS_TYPE = `(type IN (SELECT arrayJoin(success_types) FROM defs)
           OR has(${DEFAULT_SUCCESS_TYPES_SQL}, type))`;

/**
 * The success types (as 64-bit hashes, cityHash64) and the converted lookback (ms, Int64) the
 * suppression audit checks a firing with, from its trigger's row LEFT JOINed as `alias` (a name,
 * never input): the row's own, read by default from `defs` columns (`columns` names others, as
 * constant text), or for a trigger never defined (its row reads trigger_id '' under
 * join_use_nulls = 0) the default success types, as lift measures such a trigger, and the default
 * lookback.
 */
export function suppressionRules(
  alias: string,
  columns: { typeKeys?: string; lookbackMs?: string } = {},
): { typeKeys: string; lookbackMs: string } {
  const defined = `${alias}.trigger_id != ''`;
  const typeKeys = columns.typeKeys ?? `arrayMap(type -> cityHash64(type), ${alias}.success_types)`;
  const lookbackMs = columns.lookbackMs ?? `toInt64(${alias}.converted_lookback_ms)`;
  return {
    typeKeys: `if(${defined}, ${typeKeys}, arrayMap(type -> cityHash64(type), ${DEFAULT_SUCCESS_TYPES_SQL}))`,
    lookbackMs: `if(${defined}, ${lookbackMs}, ${DEFAULT_CONVERTED_LOOKBACK_MS})`,
  };
}

/**
 * The step `person_successes`: each person's outcomes of a type that some trigger, or the default,
 * counts as success, as two arrays in one row per person: `type_keys` (cityHash64 of the type) and
 * `ats` (Unix milliseconds), which the suppression checks read. `personWhere` (a condition on
 * outcomes, constant text), when given, bounds the persons read.
 */
export function personSuccessesCte(personWhere?: string): string {
  const ofPersons = personWhere === undefined ? '' : `\n      AND ${personWhere}`;
  return `
  person_successes AS (
    -- each person's outcomes of a type that some trigger, or the default, counts as success:
    -- their type hashes and times as two arrays, one row per person
    SELECT person_key, groupArray(cityHash64(type)) AS type_keys,
           groupArray(toUnixTimestamp64Milli(occurred_at)) AS ats
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String}
      AND ${ANY_SUCCESS_TYPE}${ofPersons}
    GROUP BY person_key
  )`;
}

/**
 * Converted-then-targeted (docs/design.md §3), as columns of the step that reads a sent firing
 * decided at `decidedMs` (Unix ms) beside its trigger's rules (`rules`, see suppressionRules) and
 * its person's row of person_successes (alias `successes`): `rule_type_keys` and
 * `rule_lookback_ms`, then `converted_then_targeted`, true when a success outcome of the trigger
 * lies in [decided − lookback, decided). The suppression audit and the trend facts both check with
 * it, so that the facts give the audit's answer. Every argument is constant text, never input.
 */
export function convertedThenTargetedColumns(
  rules: { typeKeys: string; lookbackMs: string },
  decidedMs: string,
  successes: string,
): string {
  return `${rules.typeKeys} AS rule_type_keys,
           ${rules.lookbackMs} AS rule_lookback_ms,
           arrayExists(
             (type_key, at) -> at < ${decidedMs} AND at >= ${decidedMs} - rule_lookback_ms
                               AND has(rule_type_keys, type_key),
             ${successes}.type_keys, ${successes}.ats) AS converted_then_targeted`;
}

/**
 * Converted in flight (docs/design.md §3), a column of the same step as
 * convertedThenTargetedColumns (it reads `rule_type_keys`): the firing was dispatched
 * (`dispatchedMs`, nullable Unix ms) and opened or rendered (`firstOpen`: the alias of a row with
 * `opened` = 1 and `open_ms`, the time of the first such exposure), and a success outcome of its
 * trigger (in `successes`) lies strictly between the two. Every argument is constant text.
 */
export function convertedInFlightColumn(
  dispatchedMs: string,
  firstOpen: string,
  successes: string,
): string {
  return `${dispatchedMs} IS NOT NULL AND ${firstOpen}.opened = 1
             AND arrayExists(
               (type_key, at) -> at > assumeNotNull(${dispatchedMs}) AND at < ${firstOpen}.open_ms
                                 AND has(rule_type_keys, type_key),
               ${successes}.type_keys, ${successes}.ats) AS converted_in_flight`;
}

/**
 * The channel a group of firings shares (`column`, a column name, never input), '' when they carry
 * several: what names the channel of a trigger without a definition, in latency and the
 * suppression audit alike, rather than one of its channels picked at random. With `sent` (a
 * condition over the row, constant text), only the firings it selects are read, as latency reads
 * only sent ones: a control firing, never sent, often names no channel.
 */
export function sharedChannel(column: string, sent?: string): string {
  if (sent === undefined) {
    return `if(min(${column}) = max(${column}), min(${column}), '')`;
  }
  const least = `minIf(${column}, ${sent})`;
  return `if(${least} = maxIf(${column}, ${sent}), ${least}, '')`;
}

/** A firings row that was sent: the treatment arm, not skipped (docs/design.md §3). */
export const SENT_FIRING = `arm = 'treatment' AND skip_reason = ''`;

/** `column` in the half-open period [from, to). `column` is a column name, never input. */
export function inPeriod(column: string): string {
  return `${column} >= {from:DateTime64(3, 'UTC')} AND ${column} < {to:DateTime64(3, 'UTC')}`;
}

/** The newest definition of each trigger (`defs`), with its success types defaulted. */
export const TRIGGER_DEFINITIONS_CTE = `
  defs AS (
    -- newest version of each trigger definition; FINAL collapses re-sent definitions
    SELECT trigger_id, channel, signal_types, window_ms, holdout_pct, planned_persons,
           conversion_window_ms,
           if(empty(success_types), ${DEFAULT_SUCCESS_TYPES_SQL}, success_types) AS success_types,
           guardrail_types, frequency_cap_max, frequency_cap_per_ms,
           ifNull(suppression_converted_lookback_ms, ${DEFAULT_CONVERTED_LOOKBACK_MS}) AS converted_lookback_ms,
           consent_purpose, status
    FROM triggers FINAL
    WHERE tenant_id = {tenantId:String}
    ORDER BY trigger_id, version DESC
    LIMIT 1 BY trigger_id
  )`;

/** Filter on a firings row by the optional trigger list. */
export const TRIGGER_FILTER = `(empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))`;

/**
 * A sort key for `argMin`/`argMax` that orders rows as the tuple (time, id) does: the millisecond
 * in the top 64 bits of a UInt256 and the id's first 24 bytes (zero-padded, so a shorter id sorts
 * before its extensions) in the rest. The engine compares such a number several times faster than
 * a tuple holding a string (the first-firing step of lift over 10M firings: 3.4 s with the tuple,
 * 1.7 s with this key). Ids are unique; two that agree on their first 24 bytes would tie only
 * when they also share the millisecond. Both arguments are column expressions, never input.
 */
export function timeIdKey(timeExpr: string, idExpr: string): string {
  return (
    `reinterpretAsUInt256(reverse(concat(` +
    `reverse(reinterpretAsFixedString(toUInt64(toUnixTimestamp64Milli(${timeExpr})))), ` +
    `rightPad(${idExpr}, 24, '\\0'))))`
  );
}

/** Milliseconds from 1900-01-01, DateTime64's earliest instant, to the Unix epoch. */
const MS_BEFORE_EPOCH = 2208988800000;

/** The arms a firing can have (those the ingest accepts), in the order of their codes. */
const ARMS_SQL = `['treatment', 'holdout', 'global_holdout']`;

/**
 * A firings row's order key with its arm: min() of it over a person's firings of a trigger gives
 * the first firing (by time, then id, as timeIdKey orders) and that firing's arm in one aggregate,
 * where argMin(arm, timeIdKey(...)) needs a second; the assignment rollup stores these keys. A
 * UInt256, high to low: milliseconds since 1900 (44 bits reach past 2299, DateTime64's last
 * year), the firing id's first 24 bytes (zero-padded), the arm's position in ARMS_SQL (16 bits).
 * Decode with firstFiringTime and firstFiringArm.
 */
export const FIRST_FIRING_KEY = `bitOr(bitOr(
             bitShiftLeft(toUInt256(toUnixTimestamp64Milli(decided_at) + ${MS_BEFORE_EPOCH}), 208),
             bitShiftLeft(reinterpretAsUInt256(reverse(rightPad(firing_id, 24, '\\0'))), 16)),
             toUInt256(indexOf(${ARMS_SQL}, arm)))`;

/** The firing's time (Unix milliseconds, Int64) in a FIRST_FIRING_KEY. */
export function firstFiringTime(key: string): string {
  return `(toInt64(bitShiftRight(${key}, 208)) - ${MS_BEFORE_EPOCH})`;
}

/**
 * The firing's arm in a FIRST_FIRING_KEY, as LowCardinality (as the tables store arms): an
 * assignment set kept in memory (guardrails' MATERIALIZED one) holds a one-byte index per row
 * instead of the string; over 10M firings, about 0.1 GiB less at guardrails' peak.
 */
export function firstFiringArm(key: string): string {
  return `toLowCardinality(arrayElement(${ARMS_SQL}, toUInt8(bitAnd(${key}, 65535))))`;
}

/** Whether the firing of a FIRST_FIRING_KEY is in the treatment arm (code 1). */
export function firstFiringTreated(key: string): string {
  return `(bitAnd(${key}, 65535) = 1)`;
}

/** The least FIRST_FIRING_KEY of any firing at or after the instant `timeExpr`. */
export function firstFiringKeyAt(timeExpr: string): string {
  return `bitShiftLeft(toUInt256(toUnixTimestamp64Milli(${timeExpr}) + ${MS_BEFORE_EPOCH}), 208)`;
}

/** Orders a person's consent events for one purpose and instant: the latest recorded wins. */
export const LATEST_CONSENT_KEY = timeIdKey('ifNull(recorded_at, occurred_at)', 'event_id');

/**
 * The step `histories`: the consent events before the period's end of each (person, purpose)
 * pair, keyed person_purpose = cityHash64(person_key, purpose), as two arrays in time order: `ats`
 * (Unix milliseconds) and `granteds`; at one instant the event that wins (LATEST_CONSENT_KEY)
 * comes last. Only the pairs `pairs` selects (a subquery of such keys, constant text) are grouped:
 * grouping every pair of the tenant held 0.65 GB more on 10M firings. The state in force at t is
 * the last event at or before it: `arrayCount(at -> at <= t, ats)` is its index (0 = none).
 */
export function consentHistoriesCte(pairs: string): string {
  return `
  histories AS (
    -- each (person, purpose)'s consent events before the period's end, in time order, as arrays;
    -- at one instant the event that wins (latest recorded, then largest event_id) comes last
    SELECT person_purpose, arraySort(at_list) AS ats,
           arraySort((granted, at, key) -> (at, key), granted_list, at_list, key_list) AS granteds
    FROM (
      SELECT cityHash64(person_key, purpose) AS person_purpose,
             groupArray(toUnixTimestamp64Milli(occurred_at)) AS at_list,
             groupArray(${LATEST_CONSENT_KEY}) AS key_list,
             groupArray(granted) AS granted_list
      FROM consent FINAL
      WHERE tenant_id = {tenantId:String}
        AND occurred_at < {to:DateTime64(3, 'UTC')}
        -- only the pairs looked up: the others would be grouped and held for nothing
        AND cityHash64(person_key, purpose) IN (${pairs})
      GROUP BY person_purpose
    )
  )`;
}

/**
 * The step `sent`: the given columns (constant text) of the sent treatment firings decided in
 * [from, to) that `where` (constant text) selects; FINAL keeps one row per firing_id. Not
 * MATERIALIZED: each step that reads it scans firings again, which on 10M firings was as fast as
 * holding the rows in memory and peaked 0.37-0.5 GB lower.
 */
export function sentFiringsCte(columns: string, where: string): string {
  return `
  sent AS (
    -- sent treatment firings decided in [from, to), read by several steps (each a scan)
    SELECT ${columns}
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND ${inPeriod('decided_at')}
      AND ${SENT_FIRING}
      AND ${where}
  )`;
}

/**
 * Delivery and signal times of the firings of a `sent` step (columns firing_id, signal_at,
 * signal_event_id), shared by latency and maturity:
 * - first_delivery: each firing's first delivered|rendered exposure, one row per firing (so a
 *   join cannot multiply firings), Nullable so that a firing without one gets NULL; keyed by
 *   cityHash64(firing_id), as the schema keys persons: 8 bytes instead of a string in the IN
 *   set, the GROUP BY and the join;
 * - referenced: event time of the signals named by firings that carry no signal_at of their own;
 *   the IN list is on the sorting key, so only those granules are read; joined by the id's hash.
 */
export const SENT_FIRING_TIMES_CTES = `
  first_delivery AS (
    SELECT cityHash64(firing_id) AS firing_key, toNullable(min(occurred_at)) AS delivered_at
    FROM exposures FINAL
    WHERE tenant_id = {tenantId:String}
      AND type IN ('delivered', 'rendered')
      AND cityHash64(firing_id) IN (SELECT cityHash64(firing_id) FROM sent)
    GROUP BY firing_key
  ),
  referenced AS (
    SELECT cityHash64(event_id) AS event_key, toNullable(occurred_at) AS referenced_at
    FROM signals FINAL
    WHERE tenant_id = {tenantId:String}
      AND event_id IN (
        SELECT signal_event_id FROM sent WHERE signal_at IS NULL AND signal_event_id != ''
      )
  )`;
