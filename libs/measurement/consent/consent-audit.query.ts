import { z } from 'zod';
import { defineQuery } from '../../storage/index.js';
import { periodParams, type PeriodParams } from '../common/period.js';
import {
  consentHistoriesCte,
  SENT_FIRING,
  TRIGGER_DEFINITIONS_CTE,
  inPeriod,
} from '../common/sql.js';

const quantiles = z.array(z.number().nullable());

/** One trigger with a consent purpose; the sync-lag quantiles are the period's, repeated. */
export const consentTriggerRow = z.object({
  trigger_id: z.string(),
  purpose: z.string(),
  sent_firings: z.number(),
  non_compliant: z.number(),
  revoked: z.number(),
  sync_lag_quantiles: quantiles,
});
export type ConsentTriggerRow = z.infer<typeof consentTriggerRow>;

/** Recording lag of one source's consent events. */
export const consentSourceRow = z.object({
  source: z.string(),
  events: z.number(),
  recorded_lag_quantiles: quantiles,
});
export type ConsentSourceRow = z.infer<typeof consentSourceRow>;

export type ConsentQueryParams = PeriodParams;

/**
 * Consent audit, docs/design.md §3, over the sent treatment firings decided in [from, to) of
 * triggers with a consent_purpose:
 * - the state of (person, purpose) at t is `granted` of the latest consent event with
 *   occurred_at ≤ t; two events at the same instant resolve to the later recorded_at
 *   (occurred_at when absent), then the larger event_id (libs/demo/truth.ts); none = not granted;
 * - non-compliant = state at decided_at not granted;
 * - sync lag = decided_at − occurred_at of the revocation in force, for the non-compliant firings
 *   whose state is a revocation (not those with no event at all); exact quantiles, linearly
 *   interpolated, null when there is none.
 * Every trigger with a purpose is listed, fired or not. Each firing reads the state from its
 * (person, purpose)'s history, held as sorted arrays (one row per pair, joined by one 64-bit hash
 * of person_key × purpose: a numeric key costs the engine much less than a String one; like
 * person_key itself, a collision is accepted as negligible). The result is the ASOF join's.
 */
const CONSENT_TRIGGERS_SQL = `
WITH
  ${TRIGGER_DEFINITIONS_CTE},
  purposed AS (
    -- triggers that need consent, and for which purpose
    SELECT trigger_id, consent_purpose AS purpose FROM defs WHERE consent_purpose != ''
  ),
  subjects AS (
    -- sent treatment firings of those triggers decided in the period
    SELECT f.trigger_id AS trigger_id, cityHash64(f.person_key, p.purpose) AS person_purpose,
           f.t_ms AS t_ms
    FROM (
      SELECT trigger_id, person_key, toUnixTimestamp64Milli(decided_at) AS t_ms
      FROM firings FINAL
      WHERE tenant_id = {tenantId:String}
        AND ${SENT_FIRING}
        AND ${inPeriod('decided_at')}
    ) AS f
    INNER JOIN purposed AS p ON p.trigger_id = f.trigger_id
  ),
  ${consentHistoriesCte('SELECT person_purpose FROM subjects')},
  states AS MATERIALIZED (
    -- the state at each decision: the last event at or before decided_at (the events are in time
    -- order, so their count up to it is its index; 0 = none); read twice, computed once
    SELECT s.trigger_id AS trigger_id,
           arrayCount(at -> at <= s.t_ms, h.ats) AS in_force,
           in_force > 0 AND h.granteds[in_force] AS compliant,
           in_force > 0 AND NOT h.granteds[in_force] AS revoked,
           s.t_ms - h.ats[in_force] AS lag_ms
    FROM subjects AS s
    LEFT JOIN histories AS h ON h.person_purpose = s.person_purpose
  ),
  per_trigger AS (
    -- sent and non-compliant firings per trigger, and those of them sent under a revocation
    SELECT trigger_id, count() AS sent_firings, countIf(NOT compliant) AS non_compliant,
           countIf(revoked) AS revoked
    FROM states
    GROUP BY trigger_id
  ),
  sync_lag AS (
    -- the sync-lag quantiles over every firing sent under a revocation: one row, joined below (a
    -- scalar subquery would compute the materialized states a second time), rounded to the
    -- microsecond as latency's: the lags are whole ms, and rounding removes float noise such as
    -- 699839999.9999999
    SELECT arrayMap(q -> round(q, 3), quantilesExactInclusive(0.5, 0.9)(lag_ms)) AS quantiles
    FROM states WHERE revoked
  )
-- one row per trigger with a purpose; the sync-lag quantiles over all of them ride along
SELECT p.trigger_id AS trigger_id, p.purpose AS purpose,
       c.sent_firings AS sent_firings, c.non_compliant AS non_compliant, c.revoked AS revoked,
       l.quantiles AS sync_lag_quantiles
FROM purposed AS p
LEFT JOIN per_trigger AS c ON c.trigger_id = p.trigger_id
CROSS JOIN sync_lag AS l
ORDER BY trigger_id`;

/**
 * Stale permission records: recorded_at − occurred_at of the consent events recorded in
 * [from, to), per source ('' when none was given); events without recorded_at are left out.
 */
const CONSENT_SOURCES_SQL = `
-- consent events recorded in the period: how long after the fact each source recorded them
SELECT source, count() AS events,
       quantilesExactInclusive(0.5, 0.9)(
         toUnixTimestamp64Milli(assumeNotNull(recorded_at)) - toUnixTimestamp64Milli(occurred_at)
       ) AS recorded_lag_quantiles
FROM consent FINAL
WHERE tenant_id = {tenantId:String}
  AND recorded_at IS NOT NULL
  AND ${inPeriod('recorded_at')}
GROUP BY source
ORDER BY source`;

export const CONSENT_TRIGGERS_QUERY = defineQuery({
  name: 'consent.triggers',
  module: import.meta.url,
  sql: CONSENT_TRIGGERS_SQL,
  params: periodParams,
  row: consentTriggerRow,
});

export const CONSENT_SOURCES_QUERY = defineQuery({
  name: 'consent.sources',
  module: import.meta.url,
  sql: CONSENT_SOURCES_SQL,
  params: periodParams,
  row: consentSourceRow,
});
