// A small, hand-made ReportMeasures for the renderer's tests (not used by the service).
import type { GuardrailLift, TriggerLift } from '../../measurement/index.js';
import type { ReportMeasures } from '../report-measures.js';

const arm = (persons: number, conversions: number, revenue = conversions * 50) => ({
  persons,
  conversions,
  rate: persons === 0 ? 0 : conversions / persons,
  revenue,
  revenuePerPerson: persons === 0 ? 0 : revenue / persons,
});

const interval = (estimate: number, half: number) => ({
  estimate,
  low: estimate - half,
  high: estimate + half,
});

/** One lift row; `overrides` picks the case (SRM, too little data, ...). */
export function liftRow(triggerId: string, overrides: Partial<TriggerLift> = {}): TriggerLift {
  return {
    triggerId,
    channel: 'email',
    variant: null,
    treatment: arm(2000, 300),
    holdout: arm(500, 50),
    absoluteLift: interval(0.05, 0.03),
    relativeLift: interval(0.5, 0.3),
    pValue: 0.001,
    qValue: 0.002,
    revenueLift: interval(2.5, 1.5),
    revenueRelativeLift: interval(0.5, 0.3),
    revenuePValue: 0.001,
    incrementalConversions: interval(100, 60),
    incrementalRevenue: interval(5000, 3000),
    srm: {
      expectedHoldoutShare: 0.2,
      observedHoldoutShare: 0.2,
      pValue: 0.9,
      flagged: false,
      sharesInPeriod: [],
    },
    contaminatedPersons: 0,
    confidence: 0.95,
    method: 'fixed',
    revenueCapValue: null,
    chanceToWin: null,
    risk: null,
    plannedPersons: null,
    verdict: '+5.00 pts [2.00, 8.00], significant',
    ...overrides,
  };
}

export function guardrailRow(
  triggerId: string,
  outcomeClass: 'overwhelm' | 'regret',
  lift: { estimate: number; half: number } | null,
  verdict = 'no detectable effect',
): GuardrailLift {
  return {
    triggerId,
    outcomeClass,
    treatment: arm(2000, 40, 0),
    holdout: arm(500, 8, 0),
    absoluteLift: lift === null ? null : interval(lift.estimate, lift.half),
    relativeLift: null,
    pValue: 0.5,
    verdict,
    caveat: /^(SRM|too little data)/.test(verdict) ? verdict : null,
  };
}

/** Measures with one trigger of each kind: works, does nothing, harms (side effects only), SRM, too little data. */
export function fixtureMeasures(): ReportMeasures {
  const definition = (triggerId: string, name: string, status = 'live') => ({
    triggerId,
    name,
    channel: 'email',
    status,
    windowMs: 3_600_000,
    holdoutPct: 0.2,
  });
  return {
    version: 1,
    tenantId: 'acme',
    from: '2026-10-01T00:00:00.000Z',
    to: '2026-10-31T00:00:00.000Z',
    generatedAt: '2026-11-02T09:30:00.000Z',
    confidence: 0.95,
    currencies: ['EUR'],
    triggers: [
      definition('works', 'Cart <recovery> & "friends"'),
      definition('nothing', 'Win-back'),
      definition('harms', 'Push blast'),
      definition('srm', 'Broken split'),
      definition('thin', 'New trigger'),
      definition('paused', 'Old trigger', 'paused'),
    ],
    lift: fixtureLift(),
    guardrails: [
      guardrailRow('works', 'overwhelm', { estimate: 0.001, half: 0.004 }),
      guardrailRow(
        'harms',
        'overwhelm',
        { estimate: 0.03, half: 0.01 },
        '+3.00 pts [2.00, 4.00], harm',
      ),
      guardrailRow('harms', 'regret', null, 'too little data: 10 converting orders'),
    ],
    latency: fixtureLatency(),
    pressure: {
      firings: 1500,
      aboveCap: 30,
      aboveCapRate: 0.02,
      p50Last7d: 2,
      p90Last7d: 5,
      p50Last24h: 1,
      p90Last24h: 2,
      distribution: [],
      doseResponse: [
        { bucket: '1', firings: 700, overwhelmed: 14, overwhelmRate: 0.02 },
        { bucket: '2-3', firings: 500, overwhelmed: 20, overwhelmRate: 0.04 },
        { bucket: '4-6', firings: 280, overwhelmed: 28, overwhelmRate: 0.1 },
        { bucket: '7+', firings: 20, overwhelmed: 0, overwhelmRate: 0 },
      ],
    },
    suppression: fixtureSuppression(),
    consent: {
      nonCompliantActivations: 7,
      revokedActivations: 4,
      sentFirings: 1500,
      byTrigger: [
        {
          triggerId: 'works',
          purpose: 'email_marketing',
          sentFirings: 1000,
          nonCompliant: 7,
          nonCompliantRate: 0.007,
        },
      ],
      syncLagP50Ms: 7_200_000,
      syncLagP90Ms: 86_400_000,
      bySource: [],
    },
  };
}

/** Lift rows: works, does nothing, harms (side effects only), SRM, too little data, paused. */
function fixtureLift(): TriggerLift[] {
  return [
    liftRow('works'),
    liftRow('nothing', {
      absoluteLift: interval(0.01, 0.02),
      relativeLift: interval(0.1, 0.2),
      pValue: 0.4,
      qValue: 0.5,
      incrementalConversions: interval(20, 40),
      incrementalRevenue: interval(100, 900),
      verdict: '+1.00 pts [-1.00, 3.00], not significant: no detectable effect',
    }),
    liftRow('harms', {
      channel: 'push',
      absoluteLift: interval(0.005, 0.02),
      relativeLift: interval(0.05, 0.2),
      pValue: 0.6,
      qValue: 0.7,
      incrementalConversions: interval(10, 40),
      incrementalRevenue: interval(50, 500),
      verdict: '+0.50 pts [-1.50, 2.50], not significant: no detectable effect',
    }),
    liftRow('srm', {
      srm: {
        expectedHoldoutShare: 0.15,
        observedHoldoutShare: 0.3,
        pValue: 0.00001,
        flagged: true,
        sharesInPeriod: [],
      },
      verdict:
        'SRM: do not trust: the holdout holds 30.0% of persons where 15.0% was declared (p < 0.0001), so the split is not random',
    }),
    liftRow('thin', {
      holdout: arm(40, 2),
      verdict: 'too little data: 40 holdout persons (at least 100 per arm needed)',
    }),
    liftRow('paused'),
  ];
}

function fixtureLatency(): ReportMeasures['latency'] {
  return [
    {
      triggerId: 'works',
      channel: 'email',
      day: null,
      firings: 1000,
      noSignalTime: 0,
      p50Ms: 120_000,
      p90Ms: 600_000,
      p95Ms: 900_000,
      p99Ms: 1_200_000,
      maxMs: 3_000_000,
      signalToDecisionP50Ms: 1000,
      decisionToDeliveryP50Ms: 100_000,
      windowMs: 3_600_000,
      withinWindowRate: 0.98,
      expired: 20,
    },
    {
      triggerId: 'harms',
      channel: 'push',
      day: null,
      firings: 500,
      noSignalTime: 3,
      p50Ms: 7_200_000,
      p90Ms: 20_000_000,
      p95Ms: 30_000_000,
      p99Ms: 40_000_000,
      maxMs: 50_000_000,
      signalToDecisionP50Ms: 1000,
      decisionToDeliveryP50Ms: 100_000,
      windowMs: 3_600_000,
      withinWindowRate: 0.3,
      expired: 350,
    },
  ];
}

function fixtureSuppression(): ReportMeasures['suppression'] {
  return [
    {
      triggerId: 'works',
      channel: 'email',
      sentFirings: 1000,
      convertedThenTargeted: 30,
      convertedThenTargetedRate: 0.03,
      convertedInFlight: 5,
      convertedInFlightRate: 0.005,
      capBreaches: 0,
      capBreachRate: 0,
    },
    {
      triggerId: 'harms',
      channel: 'push',
      sentFirings: 500,
      convertedThenTargeted: 0,
      convertedThenTargetedRate: 0,
      convertedInFlight: 0,
      convertedInFlightRate: 0,
      capBreaches: 60,
      capBreachRate: 0.12,
    },
  ];
}
