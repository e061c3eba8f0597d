import {
  CONSENT_SOURCES_SQL,
  CONSENT_TRIGGERS_SQL,
  LIFT_SQL,
  OVERWHELM_TYPES,
  PRESSURE_BUCKETS,
  PRESSURE_SQL,
  REGRET_SQL,
  REGRET_TYPES,
  REGRET_WINDOW_MS,
  SUPPRESSION_SQL,
  TRIGGER_LATENCY_SQL,
} from '../measurement/index.js';

/** One hand-written statement of a baseline, with the parameters it binds. */
export interface BaselineStatement {
  sql: string;
  params: Record<string, unknown>;
}

/** A measure of the benchmark: the GraphQL operation and its hand-written SQL baseline. */
export interface Measure {
  name: string;
  /** A GraphQL document with $from and $to. */
  query: string;
  /** Statements run one after the other; their times add up. */
  baseline: (period: { from: string; to: string }) => BaselineStatement[];
  /** Target in milliseconds. */
  targetMs: number;
  /** Largest accepted ratio to the baseline, when the issue sets one. */
  targetRatio?: number;
}

const LIFT_FIELDS = `triggerId variant treatment { persons conversions rate revenuePerPerson }
  holdout { persons conversions rate } absoluteLift { estimate low high }
  relativeLift { estimate low high } pValue qValue incrementalConversions { estimate low high }
  incrementalRevenue { estimate low high } srm { observedHoldoutShare flagged }
  contaminatedPersons verdict`;

const tenant = { tenantId: 'bench' };

function liftBaseline(period: { from: string; to: string }): BaselineStatement[] {
  return [
    {
      sql: LIFT_SQL,
      params: { ...tenant, ...period, triggerIds: [], outcomeTypes: [] },
    },
  ];
}

/**
 * The measures of the issue over the 30 days. The baseline of each is the best single statement
 * over the plain tables I could write for its answer, run straight through @clickhouse/client in a
 * process of its own; for every measure that is the product's own query (a per-person rollup was
 * measured for lift and read back slower than these tables, see the README), so each ratio is
 * what the API costs around the engine.
 */
export const MEASURES: Measure[] = [
  {
    name: 'liftReport',
    query: `query($from: DateTime!, $to: DateTime!) { liftReport(from: $from, to: $to) { ${LIFT_FIELDS} } }`,
    baseline: liftBaseline,
    targetMs: 2000,
    targetRatio: 1.5,
  },
  {
    name: 'liftReport cuped',
    query: `query($from: DateTime!, $to: DateTime!) { liftReport(from: $from, to: $to, cuped: true) { ${LIFT_FIELDS} } }`,
    baseline: liftBaseline,
    targetMs: 2000,
    targetRatio: 1.5,
  },
  {
    name: 'liftReport by variant',
    query: `query($from: DateTime!, $to: DateTime!) { liftReport(from: $from, to: $to, groupBy: [VARIANT]) { ${LIFT_FIELDS} } }`,
    baseline: liftBaseline,
    targetMs: 2000,
    targetRatio: 1.5,
  },
  {
    name: 'triggerLatency',
    query: `query($from: DateTime!, $to: DateTime!) { triggerLatency(from: $from, to: $to) {
      triggerId channel firings p50Ms p90Ms p95Ms p99Ms maxMs withinWindowRate expired } }`,
    baseline: (period) => [
      {
        sql: TRIGGER_LATENCY_SQL,
        params: { ...tenant, ...period, triggerIds: [], byChannel: false, byDay: false },
      },
    ],
    targetMs: 3000,
  },
  {
    name: 'guardrails',
    query: `query($from: DateTime!, $to: DateTime!) { guardrails(from: $from, to: $to) {
      triggerId outcomeClass treatment { persons conversions rate } holdout { persons conversions rate }
      absoluteLift { estimate low high } pValue } }`,
    baseline: (period) => [
      {
        sql: LIFT_SQL,
        params: { ...tenant, ...period, triggerIds: [], outcomeTypes: [...OVERWHELM_TYPES] },
      },
      {
        sql: REGRET_SQL,
        params: {
          ...tenant,
          ...period,
          triggerIds: [],
          outcomeTypes: [],
          regretTypes: REGRET_TYPES,
          regretWindowMs: REGRET_WINDOW_MS,
        },
      },
    ],
    targetMs: 3000,
  },
  {
    name: 'messagePressure',
    query: `query($from: DateTime!, $to: DateTime!) { messagePressure(from: $from, to: $to) {
      firings aboveCap p50Last7d p90Last7d doseResponse { bucket firings overwhelmRate } } }`,
    baseline: (period) => [
      {
        sql: PRESSURE_SQL,
        params: {
          ...tenant,
          ...period,
          bucketStarts: PRESSURE_BUCKETS.map((b) => b.from),
          overwhelmTypes: [...OVERWHELM_TYPES],
          overwhelmWindowMs: 7 * 86_400_000,
        },
      },
    ],
    targetMs: 3000,
  },
  {
    name: 'suppressionAudit',
    query: `query($from: DateTime!, $to: DateTime!) { suppressionAudit(from: $from, to: $to) {
      triggerId sentFirings convertedThenTargeted convertedInFlight capBreaches } }`,
    baseline: (period) => [
      { sql: SUPPRESSION_SQL, params: { ...tenant, ...period, triggerIds: [] } },
    ],
    targetMs: 3000,
  },
  {
    name: 'consentAudit',
    query: `query($from: DateTime!, $to: DateTime!) { consentAudit(from: $from, to: $to) {
      nonCompliantActivations syncLagP50Ms syncLagP90Ms byTrigger { triggerId purpose sentFirings nonCompliant } } }`,
    baseline: (period) => [
      { sql: CONSENT_TRIGGERS_SQL, params: { ...tenant, ...period } },
      { sql: CONSENT_SOURCES_SQL, params: { ...tenant, ...period } },
    ],
    targetMs: 3000,
  },
];

/** The cheap query of the concurrency test: trigger definitions with their readiness. */
export const CHEAP_QUERY = '{ triggers { triggerId name status ready missing } }';
