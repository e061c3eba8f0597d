import type { z } from 'zod';
import {
  CAPPED_LIFT_BY_ARM_QUERY,
  CONSENT_SOURCES_QUERY,
  LIFT_SEGMENTS_QUERY,
  TRIGGER_INTERACTIONS_QUERY,
  CONSENT_TRIGGERS_QUERY,
  OVERWHELM_TYPES,
  PLAIN_GUARDRAILS_QUERY,
  PLAIN_LIFT_BY_ARM_QUERY,
  PLAIN_LIFT_QUERY,
  PRESSURE_CONSTANTS,
  PRESSURE_QUERY,
  REGRET_TYPES,
  REGRET_WINDOW_MS,
  SENT_FIRING,
  SUPPRESSION_QUERY,
  TRIGGER_LATENCY_QUERY,
  CONVERSION_CURVE_QUERY,
  GRANULARITY_MS,
  Granularity,
  LIFT_OVER_TIME_QUERY,
  MAX_POINTS,
  OVERWHELM_WINDOW_MS,
  TRIGGER_TREND_QUERY,
  seriesInstants,
  inPeriod,
  timeIdKey,
} from '../measurement/index.js';
import type { QueryDefinition, QueryParamsSchema } from '../storage/index.js';

/** One statement of a baseline, with the parameters it binds. */
export interface BaselineStatement {
  sql: string;
  params: Record<string, unknown>;
}

/** A defined query as a baseline statement, its parameters checked by its schema. */
function statementOf<P extends QueryParamsSchema>(
  query: QueryDefinition<P, z.ZodType>,
  params: z.input<P>,
): BaselineStatement {
  return { sql: query.sql, params: query.params.parse(params) };
}

/** A measure of the benchmark: the GraphQL operation and its hand-written SQL baseline. */
export interface Measure {
  name: string;
  /** A GraphQL document with $from and $to. */
  query: string;
  /** Statements run one after the other; their times add up. */
  baseline: (period: { from: string; to: string }) => BaselineStatement[];
  /**
   * The engine's floor: the one step every correct answer must take (see FLOORS), timed alone in
   * the same engine; what is left between it and the target is the measure's own work.
   */
  floor: Floor;
  /** Target in milliseconds. */
  targetMs: number;
  /** Largest accepted ratio to the baseline, when the benchmark's targets set one. */
  targetRatio?: number;
  /** Largest accepted ratio to another measure of the same run (a variant of it). */
  relativeTo?: { measure: string; ratio: number };
  /**
   * A measure answered from facts the API builds once a tenant's data settles: the mutation that
   * builds them now. Such measures are timed before it (from the streams, as until the facts are
   * built), then the build runs once, then they are timed again (from the facts, as users get it).
   */
  facts?: { build: string; what: string };
}

/**
 * triggerLatency, suppressionAudit and triggerTrend read the trend facts once built, and
 * messagePressure its aboveCap.
 */
const TREND_FACTS = {
  build: 'mutation { buildTrendFacts { firings seconds } }',
  what: 'trend facts',
};

const LIFT_FIELDS = `triggerId variant treatment { persons conversions rate revenuePerPerson }
  holdout { persons conversions rate } absoluteLift { estimate low high }
  relativeLift { estimate low high } pValue qValue incrementalConversions { estimate low high }
  incrementalRevenue { estimate low high } srm { observedHoldoutShare flagged }
  contaminatedPersons verdict`;

const tenant = { tenantId: 'bench' };

/** A floor statement and what it does, in words for the README. */
export interface Floor {
  what: string;
  statement: (period: { from: string; to: string }) => BaselineStatement;
}

const PERIOD = `tenant_id = {tenantId:String} AND ${inPeriod('decided_at')}`;
const floorOf = (what: string, sql: string): Floor => ({
  what,
  statement: (period) => ({ sql, params: { ...tenant, ...period } }),
});

/**
 * A floor that gathers each key's times, in order, as one array: the rows of `from` (a table and
 * its WHERE) grouped by `key`, each group's `time` column as sorted milliseconds.
 */
function sequencesFloor(what: string, of: { key: string; time: string; from: string }): Floor {
  return floorOf(
    what,
    `SELECT count() AS n, sum(length(ts)) AS f, sum(ts[1]) AS t
     FROM (SELECT ${of.key} AS k, arraySort(groupArray(toUnixTimestamp64Milli(${of.time}))) AS ts
           FROM ${of.from}
           GROUP BY k)`,
  );
}

/**
 * The floors: each the bare aggregation the measure cannot do without, over the same rows, its
 * results consumed (an outer count alone would let the engine skip the aggregates).
 */
export const FLOORS = {
  firstFiring: floorOf(
    "each person's first firing of each trigger (t0, arm, variant, both arms seen)",
    `SELECT count() AS n, sum(toUnixTimestamp64Milli(t0)) AS t, uniqExact(a, v) AS arms,
            sum(seen_t AND seen_c) AS both
     FROM (SELECT min(decided_at) AS t0,
                  argMin(arm, ${timeIdKey('decided_at', 'firing_id')}) AS a,
                  argMin(variant, ${timeIdKey('decided_at', 'firing_id')}) AS v,
                  max(arm = 'treatment') AS seen_t, max(arm != 'treatment') AS seen_c
           FROM firings FINAL WHERE ${PERIOD}
           GROUP BY cityHash64(person_key, trigger_id))`,
  ),
  firstFiringByArm: floorOf(
    "each person's first firing of each trigger (t0, arm, both arms seen)",
    `SELECT count() AS n, sum(toUnixTimestamp64Milli(t0)) AS t, uniqExact(a) AS arms,
            sum(seen_t AND seen_c) AS both
     FROM (SELECT min(decided_at) AS t0,
                  argMin(arm, ${timeIdKey('decided_at', 'firing_id')}) AS a,
                  max(arm = 'treatment') AS seen_t, max(arm != 'treatment') AS seen_c
           FROM firings FINAL WHERE ${PERIOD}
           GROUP BY cityHash64(person_key, trigger_id))`,
  ),
  firstDelivery: floorOf(
    "each sent firing's first delivered or rendered exposure",
    `SELECT count() AS n, sum(toUnixTimestamp64Milli(d)) AS t
     FROM (SELECT cityHash64(firing_id) AS k, min(occurred_at) AS d FROM exposures FINAL
           WHERE tenant_id = {tenantId:String} AND type IN ('delivered', 'rendered')
           GROUP BY k)`,
  ),
  personSequences: sequencesFloor(
    "each person's sent firings in time order (the period and the 7 days before)",
    {
      key: 'person_key',
      time: 'decided_at',
      from: `firings FINAL
           WHERE tenant_id = {tenantId:String} AND ${SENT_FIRING}
             AND decided_at >= {from:DateTime64(3, 'UTC')} - INTERVAL 7 DAY
             AND decided_at < {to:DateTime64(3, 'UTC')}`,
    },
  ),
  personTriggerSequences: sequencesFloor(
    "each person's sent firings of each trigger in time order (the cap rule)",
    {
      key: 'cityHash64(person_key, trigger_id)',
      time: 'decided_at',
      from: `firings FINAL WHERE ${PERIOD} AND ${SENT_FIRING}`,
    },
  ),
  consentHistories: sequencesFloor(
    "each (person, purpose)'s consent events up to the period's end, in time order",
    {
      key: 'cityHash64(person_key, purpose)',
      time: 'occurred_at',
      from: `consent FINAL
           WHERE tenant_id = {tenantId:String} AND occurred_at < {to:DateTime64(3, 'UTC')}`,
    },
  ),
} as const;

function liftBaseline(query: typeof PLAIN_LIFT_QUERY) {
  return (period: { from: string; to: string }): BaselineStatement[] => [
    statementOf(query, { ...tenant, ...period, triggerIds: [] }),
  ];
}

/**
 * The benchmark's measures over the 30 days. The baseline of each is the best single statement
 * over the plain tables I could write for its answer, run straight through @clickhouse/client in a
 * process of its own. For lift and guardrails that is the product's statement without the
 * assignment rollup (PLAIN_*), so their ratio is what the rollup gains; for the others it is the
 * product's own query, so the ratio is what the API costs around the engine.
 */
export const MEASURES: Measure[] = [
  {
    name: 'liftReport',
    query: `query($from: DateTime!, $to: DateTime!) { liftReport(from: $from, to: $to) { ${LIFT_FIELDS} } }`,
    baseline: liftBaseline(PLAIN_LIFT_BY_ARM_QUERY),
    floor: FLOORS.firstFiringByArm,
    targetMs: 2000,
    targetRatio: 1.5,
  },
  {
    name: 'liftReport cuped',
    query: `query($from: DateTime!, $to: DateTime!) { liftReport(from: $from, to: $to, cuped: true) { ${LIFT_FIELDS} } }`,
    baseline: liftBaseline(PLAIN_LIFT_BY_ARM_QUERY),
    floor: FLOORS.firstFiringByArm,
    targetMs: 2000,
    targetRatio: 1.5,
  },
  {
    name: 'liftReport by variant',
    query: `query($from: DateTime!, $to: DateTime!) { liftReport(from: $from, to: $to, groupBy: [VARIANT]) { ${LIFT_FIELDS} } }`,
    baseline: liftBaseline(PLAIN_LIFT_QUERY),
    floor: FLOORS.firstFiring,
    targetMs: 2000,
    targetRatio: 1.5,
  },
  {
    name: 'triggerLatency',
    query: `query($from: DateTime!, $to: DateTime!) { triggerLatency(from: $from, to: $to) {
      triggerId channel firings p50Ms p90Ms p95Ms p99Ms maxMs withinWindowRate expired } }`,
    baseline: (period) => [
      statementOf(TRIGGER_LATENCY_QUERY, {
        ...tenant,
        ...period,
        triggerIds: [],
        byChannel: false,
        byDay: false,
      }),
    ],
    floor: FLOORS.firstDelivery,
    targetMs: 3000,
    facts: TREND_FACTS,
  },
  {
    name: 'guardrails',
    query: `query($from: DateTime!, $to: DateTime!) { guardrails(from: $from, to: $to) {
      triggerId outcomeClass treatment { persons conversions rate } holdout { persons conversions rate }
      absoluteLift { estimate low high } pValue } }`,
    baseline: (period) => [
      statementOf(PLAIN_GUARDRAILS_QUERY, {
        ...tenant,
        ...period,
        triggerIds: [],
        outcomeTypes: [...OVERWHELM_TYPES],
        regretTypes: [...REGRET_TYPES],
        regretWindowMs: REGRET_WINDOW_MS,
      }),
    ],
    floor: FLOORS.firstFiringByArm,
    targetMs: 3000,
  },
  {
    name: 'messagePressure',
    query: `query($from: DateTime!, $to: DateTime!) { messagePressure(from: $from, to: $to) {
      firings aboveCap p50Last7d p90Last7d doseResponse { bucket firings overwhelmRate } } }`,
    baseline: (period) => [
      statementOf(PRESSURE_QUERY, { ...tenant, ...period, ...PRESSURE_CONSTANTS }),
    ],
    floor: FLOORS.personSequences,
    targetMs: 3000,
    facts: TREND_FACTS,
  },
  {
    name: 'suppressionAudit',
    query: `query($from: DateTime!, $to: DateTime!) { suppressionAudit(from: $from, to: $to) {
      triggerId sentFirings convertedThenTargeted convertedInFlight capBreaches } }`,
    baseline: (period) => [
      statementOf(SUPPRESSION_QUERY, { ...tenant, ...period, triggerIds: [] }),
    ],
    floor: FLOORS.personTriggerSequences,
    targetMs: 3000,
    facts: TREND_FACTS,
  },
  {
    name: 'consentAudit',
    query: `query($from: DateTime!, $to: DateTime!) { consentAudit(from: $from, to: $to) {
      nonCompliantActivations syncLagP50Ms syncLagP90Ms byTrigger { triggerId purpose sentFirings nonCompliant } } }`,
    baseline: (period) => [
      statementOf(CONSENT_TRIGGERS_QUERY, { ...tenant, ...period }),
      statementOf(CONSENT_SOURCES_QUERY, { ...tenant, ...period }),
    ],
    floor: FLOORS.consentHistories,
    targetMs: 3000,
  },
];

/** The trigger the series rows read: the demo program's first live trigger. */
const SERIES_TRIGGER = 'cart-recovery-email';

/** The daily instants of a series over the bench period. */
function dailyInstants(period: { from: string; to: string }): number[] {
  const ms = (time: string) => Date.parse(`${time.replace(' ', 'T')}Z`);
  return seriesInstants(ms(period.from), ms(period.to), GRANULARITY_MS[Granularity.DAY], 'bench');
}

/**
 * The measures read over time (docs/design.md §7); their baseline is the product's own single
 * statement, so the ratio is what the API costs around the engine.
 */
MEASURES.push(
  {
    name: 'liftOverTime',
    query: `query($from: DateTime!, $to: DateTime!) { liftOverTime(triggerId: "${SERIES_TRIGGER}", from: $from, to: $to) {
      asOf treatment { persons conversions rate } holdout { persons conversions rate }
      absoluteLift { estimate low high } verdict } }`,
    baseline: (period) => [
      statementOf(LIFT_OVER_TIME_QUERY, {
        ...tenant,
        ...period,
        triggerIds: [SERIES_TRIGGER],
        asOfs: dailyInstants(period),
      }),
    ],
    floor: FLOORS.firstFiringByArm,
    targetMs: 3000,
  },
  {
    name: 'conversionCurve',
    query: `query($from: DateTime!, $to: DateTime!) { conversionCurve(triggerId: "${SERIES_TRIGGER}", from: $from, to: $to) {
      sinceMs treatmentPersons holdoutPersons treatmentRate holdoutRate absoluteLift { estimate low high } } }`,
    baseline: (period) => [
      statementOf(CONVERSION_CURVE_QUERY, {
        ...tenant,
        ...period,
        triggerIds: [SERIES_TRIGGER],
        stepMs: 0,
        horizon: period.to,
        maxSteps: MAX_POINTS,
      }),
    ],
    floor: FLOORS.firstFiringByArm,
    targetMs: 2000,
  },
  {
    name: 'triggerTrend',
    query: `query($from: DateTime!, $to: DateTime!) { triggerTrend(from: $from, to: $to) {
      bucketStart triggerId sentFirings withinWindowRate p50Ms overwhelmRate convertedThenTargeted nonCompliant } }`,
    baseline: (period) => [
      statementOf(TRIGGER_TREND_QUERY, {
        ...tenant,
        ...period,
        triggerIds: [],
        stepMs: GRANULARITY_MS[Granularity.DAY],
        overwhelmTypes: [...OVERWHELM_TYPES],
        overwhelmWindowMs: OVERWHELM_WINDOW_MS,
      }),
    ],
    floor: FLOORS.firstDelivery,
    targetMs: 3000,
    facts: TREND_FACTS,
  },
);

/**
 * The measures of deeper statistics (docs/design.md §9): segments, the Bayesian and the capped
 * lift beside the plain one, interactions. Baselines are the product's own statements (the
 * Bayesian answer is the plain statement's sums under another calculator).
 */
MEASURES.push(
  {
    name: 'liftSegments',
    query: `query($from: DateTime!, $to: DateTime!) { liftSegments(triggerId: "${SERIES_TRIGGER}", by: VARIANT, from: $from, to: $to) {
      heterogeneity { q pValue flagged } segments { segment treatment { persons conversions rate }
      holdout { persons conversions rate } absoluteLift { estimate low high } qValue shrunkLift { estimate low high } verdict } } }`,
    baseline: (period) => [
      statementOf(LIFT_SEGMENTS_QUERY, {
        ...tenant,
        ...period,
        triggerIds: [SERIES_TRIGGER],
        by: 'variant',
        property: '',
      }),
    ],
    floor: FLOORS.firstFiring,
    targetMs: 2000,
  },
  {
    name: 'liftReport bayesian',
    query: `query($from: DateTime!, $to: DateTime!) { liftReport(from: $from, to: $to, method: BAYESIAN, prior: { empirical: true }) {
      ${LIFT_FIELDS} chanceToWin risk { control treatment } } }`,
    baseline: liftBaseline(PLAIN_LIFT_BY_ARM_QUERY),
    floor: FLOORS.firstFiringByArm,
    targetMs: 2000,
    relativeTo: { measure: 'liftReport', ratio: 1.1 },
  },
  {
    name: 'liftReport capped',
    query: `query($from: DateTime!, $to: DateTime!) { liftReport(from: $from, to: $to, revenueCap: { percentile: 99 }) {
      ${LIFT_FIELDS} revenueCapValue } }`,
    baseline: (period) => [
      statementOf(CAPPED_LIFT_BY_ARM_QUERY, {
        ...tenant,
        ...period,
        triggerIds: [],
        capValue: 0,
        capLevel: 0.99,
      }),
    ],
    floor: FLOORS.firstFiringByArm,
    targetMs: 2000,
    relativeTo: { measure: 'liftReport', ratio: 1.1 },
  },
  {
    name: 'triggerInteractions',
    query: `query($from: DateTime!, $to: DateTime!) { triggerInteractions(from: $from, to: $to) {
      triggerA triggerB overlapPersons interaction { estimate low high } assignmentPValue verdict } }`,
    baseline: (period) => [
      statementOf(TRIGGER_INTERACTIONS_QUERY, {
        ...tenant,
        ...period,
        triggerIds: [],
        minPersons: 100,
      }),
    ],
    floor: FLOORS.firstFiringByArm,
    targetMs: 3000,
  },
);

/** The measures a run times: all of them, or those `--only` names. */
export function measuresOf(parts: { measures: string[] | 'all' }): Measure[] {
  const names = parts.measures;
  return names === 'all' ? MEASURES : MEASURES.filter((m) => names.includes(m.name));
}

/** The cheap query of the concurrency test: trigger definitions with their readiness. */
export const CHEAP_QUERY = '{ triggers { triggerId name status ready missing } }';
