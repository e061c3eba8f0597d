import { beforeAll, describe, expect, it } from '@jest/globals';
import { minimumDetectableRelativeLift } from '../../stats/index.js';
import { storeForSuite } from '../../storage/testing.js';
import { TriggersRepository, TriggersService } from '../../triggers/index.js';
import { seedRows } from '../common/testing.js';
import { ConsentAuditService } from '../consent/consent-audit.service.js';
import { FreshnessService } from '../freshness/freshness.service.js';
import { LiftService } from '../lift/lift.service.js';
import { SuppressionService } from '../suppression/suppression.service.js';
import { queryMaturityInputs } from './maturity.query.js';
import { MaturityService } from './maturity.service.js';
import { MATURITY_THRESHOLDS } from './maturity.thresholds.js';
import type { Evidence, MaturityAssessment } from './models/maturity-assessment.model.js';

// One tenant per stage, each a small program built by rule so every figure can be worked out:
// person i has one arming signal at T_i = BASE + i·500 ms and one firing 30 s later, treatment
// for even i and holdout for odd i; treated persons get a delivery `latencyMs` after their
// signal; treated persons with i mod 10 in {0, 2, 4} (60%) and holdout persons with i mod 4 = 1
// (50%) buy 1 h after their firing. With `predictive`, each person also has a churn signal 100 ms
// after T_i (model input `inputAgeMs` old) arming a second trigger the same way. Every person has
// granted both consent purposes since September unless listed in `withoutConsent`.
// Every row arrives at BASE + 2 h, so a signal's ingest lag is 1.4 h to 2 h.

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BASE = Date.parse('2026-10-05T00:00:00Z');
const FROM = new Date('2026-10-01T00:00:00Z');
const TO = new Date('2026-10-31T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

interface Options {
  persons: number;
  kind: 'behavioral' | 'identity';
  latencyMs: number;
  predictive?: { inputAgeMs: number };
  withoutConsent?: number[];
}

const definition = (triggerId: string, channel: string, windowMs: number, purpose: string) => ({
  trigger_id: triggerId,
  name: triggerId,
  channel,
  surface: 'main',
  audience: 'everyone',
  signal_types: [triggerId === 'cart' ? 'cart_abandoned' : 'churn_risk_high'],
  window_ms: windowMs,
  success_types: ['purchase'],
  conversion_window_ms: DAY,
  guardrail_types: ['unsubscribe'],
  holdout_pct: 0.5,
  frequency_cap: { max: 1, per_ms: DAY },
  suppression: { converted_lookback_ms: DAY },
  consent_purpose: purpose,
  status: 'live',
});

function program(options: Options) {
  const rows = {
    triggers: [definition('cart', 'email', 10 * MINUTE, 'email')] as object[],
    signals: [] as object[],
    firings: [] as object[],
    exposures: [] as object[],
    outcomes: [] as object[],
    consent: [] as object[],
  };
  if (options.predictive !== undefined) {
    rows.triggers.push(definition('winback', 'sms', DAY, 'sms'));
  }
  const arm = (triggerId: string, i: number, signalAt: number, signalId: string) => {
    const treated = i % 2 === 0;
    const firingId = `${triggerId}-${i}`;
    rows.firings.push({
      firing_id: firingId,
      trigger_id: triggerId,
      person_id: `p${i}`,
      decided_at: iso(signalAt + 30 * SECOND),
      arm: treated ? 'treatment' : 'holdout',
      signal_event_id: signalId,
    });
    if (treated) {
      rows.exposures.push({
        event_id: `x-${firingId}`,
        firing_id: firingId,
        type: 'delivered',
        occurred_at: iso(signalAt + options.latencyMs),
      });
    }
  };
  for (let i = 0; i < options.persons; i++) {
    const at = BASE + i * 500;
    rows.signals.push({
      event_id: `s${i}`,
      person_id: `p${i}`,
      type: 'cart_abandoned',
      kind: options.kind,
      occurred_at: iso(at),
    });
    arm('cart', i, at, `s${i}`);
    if (options.predictive !== undefined) {
      rows.signals.push({
        event_id: `w${i}`,
        person_id: `p${i}`,
        type: 'churn_risk_high',
        kind: 'predictive',
        source: 'churn_model',
        occurred_at: iso(at + 100),
        computed_at: iso(at + 100 - options.predictive.inputAgeMs),
      });
      arm('winback', i, at + 100, `w${i}`);
    }
    const converts = i % 2 === 0 ? [0, 2, 4].includes(i % 10) : i % 4 === 1;
    if (converts) {
      rows.outcomes.push({
        outcome_id: `o${i}`,
        person_id: `p${i}`,
        type: 'purchase',
        occurred_at: iso(at + 30 * SECOND + HOUR),
        value: 10,
      });
    }
    if (!(options.withoutConsent ?? []).includes(i)) {
      for (const purpose of ['email', 'sms']) {
        rows.consent.push({
          person_id: `p${i}`,
          purpose,
          granted: true,
          occurred_at: '2026-09-01T00:00:00Z',
        });
      }
    }
  }
  return rows;
}

const TENANTS: Record<string, Options> = {
  identity: { persons: 200, kind: 'identity', latencyMs: MINUTE },
  slow: { persons: 200, kind: 'behavioral', latencyMs: 30 * MINUTE },
  unconsented: { persons: 4000, kind: 'behavioral', latencyMs: MINUTE, withoutConsent: [0] },
  clean: { persons: 4000, kind: 'behavioral', latencyMs: MINUTE },
  stale: {
    persons: 4000,
    kind: 'behavioral',
    latencyMs: MINUTE,
    predictive: { inputAgeMs: 2 * DAY },
  },
  predictive: {
    persons: 4000,
    kind: 'behavioral',
    latencyMs: MINUTE,
    predictive: { inputAgeMs: 10 * MINUTE },
  },
};

const named = (assessment: MaturityAssessment) =>
  Object.fromEntries(assessment.evidence.map((e) => [e.name, e])) as Record<string, Evidence>;

describe('MaturityService on the embedded engine', () => {
  const store = storeForSuite();
  let service: MaturityService;
  const assessments: Record<string, MaturityAssessment> = {};

  beforeAll(async () => {
    const clickhouse = store.clickhouse;
    service = new MaturityService(
      clickhouse,
      new TriggersService(new TriggersRepository(clickhouse), store.config),
      new LiftService(clickhouse, store.config),
      new SuppressionService(clickhouse),
      new ConsentAuditService(clickhouse),
      new FreshnessService(clickhouse),
    );
    for (const [tenant, options] of Object.entries(TENANTS)) {
      await seedRows(clickhouse, tenant, program(options), BASE + 2 * HOUR);
      assessments[tenant] = await service.assess(tenant, FROM, TO);
    }
  }, 180_000);

  it('stage 1: firings armed by identity events', () => {
    const assessment = assessments.identity;
    expect([assessment.stage, assessment.label]).toEqual([1, 'identity and schedules']);
    expect(named(assessment).behavioral_firing_share).toEqual({
      name: 'behavioral_firing_share',
      stage: 2,
      value: 0,
      threshold: MATURITY_THRESHOLDS.behavioralFiringShare,
      comparison: 'at least',
      passed: false,
      explanation:
        '0.0% of 200 firings were armed by behavioral or predictive signals (200 by identity events, 0 by no stored signal); at least 50.0% needed.',
    });
    expect(assessment.nextSteps[0]).toMatch(/^Arm triggers on what people do/);
    expect([assessment.from, assessment.to]).toEqual([FROM, TO]);
  });

  it('stage 2: behavioral, but slower than the window and with a small holdout', () => {
    const assessment = assessments.slow;
    const evidence = named(assessment);
    expect(assessment.stage).toBe(2);
    expect(evidence.behavioral_firing_share).toMatchObject({ value: 1, passed: true });
    // 30 min against a 10 min window: ratio 3 at the median, no firing within
    expect(evidence.median_latency_within_window).toMatchObject({
      value: 0,
      passed: false,
      explanation:
        '0 of 1 triggers act within their window at the median; too slow: cart (median 3.00× its window).',
    });
    expect(evidence['within_window_rate:email']).toMatchObject({ value: 0, passed: false });
    // 100 treated, 100 holdout at 50%: far from detecting +10%
    expect(evidence.holdout_coverage).toMatchObject({ value: 0, passed: false });
    expect(evidence.suppression_failure_rate).toMatchObject({ value: 0, passed: true });
    expect(evidence.consent_violations).toMatchObject({ value: 0, passed: true });
    expect(assessment.nextSteps[0]).toBe(
      'Cut signal-to-action latency of cart below their windows (decide and deliver faster, or act on a channel that can).',
    );
  });

  it('stage 2: one send without consent keeps an otherwise clean program there', () => {
    const assessment = assessments.unconsented;
    const evidence = named(assessment);
    expect(assessment.stage).toBe(2);
    expect(evidence.consent_violations).toMatchObject({
      value: 1,
      threshold: 0,
      comparison: 'at most',
      passed: false,
      explanation:
        '1 of 2,000 sends to purposes that need consent went to persons who had not granted it (0 under a revocation, 1 with no consent record; at most 0 allowed).',
    });
    expect(
      assessment.evidence.filter((e) => e.stage === 3 && !e.passed).map((e) => e.name),
    ).toEqual(['consent_violations']);
    // every latency check passes: the label does not call the program slow
    expect(assessment.label).toBe('behavioral, not yet clean consent');
  });

  it('stage 3: fast, measured, clean; no predictive signals yet', () => {
    const assessment = assessments.clean;
    const evidence = named(assessment);
    expect(assessment.stage).toBe(3);
    // 1 min against 10 min: ratio 0.1; all 2 000 sends within
    expect(evidence.median_latency_within_window).toMatchObject({ value: 1, passed: true });
    expect(evidence['within_window_rate:email']).toMatchObject({
      value: 1,
      passed: true,
      explanation:
        'email: 100.0% of 2,000 sent firings acted within their window; at least 90.0% needed.',
    });
    // 2 000 treated, 2 000 holdout at 50%: the detectable lift is below 10%
    expect(minimumDetectableRelativeLift(0.5, 2000, 2000)).toBeLessThan(0.1);
    expect(evidence.holdout_coverage).toMatchObject({ value: 1, passed: true });
    expect(evidence.predictive_firing_share).toMatchObject({ value: 0, passed: false });
    expect(evidence.stale_predictive_inputs).toMatchObject({
      value: 0,
      passed: true,
      explanation: 'No predictive signals occurred in the period.',
    });
    expect(assessment.nextSteps).toEqual([
      'Arm triggers on predictive signals (churn risk, purchase intent) as well as on behavior.',
    ]);
  });

  it('stage 3: predictive signals on stale model inputs', () => {
    const assessment = assessments.stale;
    const evidence = named(assessment);
    expect(assessment.stage).toBe(3);
    expect(evidence.predictive_firing_share).toMatchObject({ value: 0.5, passed: true });
    // lag 1.4-2 h plus a 2-day-old input, against winback's 1-day window
    expect(evidence.stale_predictive_inputs).toMatchObject({ value: 1, passed: false });
    expect(evidence.stale_predictive_inputs.explanation).toMatch(
      /^1 of 1 predictive signal types arrive too old for the triggers they arm: churn_risk_high from churn_model \(p90 ingest lag 1\.\d h, p90 model-input age 2\.0 days; past the window of winback \(24\.0 h\)\)\.$/,
    );
  });

  it('stage 4: predictive signals on fresh inputs, everything else clean', () => {
    const assessment = assessments.predictive;
    expect([assessment.stage, assessment.label]).toEqual([4, 'predictive signals on fresh inputs']);
    expect(assessment.evidence.every((e) => e.passed)).toBe(true);
    expect(assessment.evidence.map((e) => e.name)).toEqual([
      'behavioral_firing_share',
      'median_latency_within_window',
      'within_window_rate:email',
      'within_window_rate:sms',
      'holdout_coverage',
      'suppression_failure_rate',
      'consent_violations',
      'predictive_firing_share',
      'stale_predictive_inputs',
    ]);
    expect(named(assessment).holdout_coverage.explanation).toBe(
      '2 of 2 live triggers hold out enough persons to detect a +10.0% relative lift at 80.0% power.',
    );
    expect(assessment.nextSteps).toEqual([
      'Every piece of evidence passes: keep holdouts running and re-assess each period.',
    ]);
  });

  /** A sent firing of `triggerId` decided `latencyMs` after its signal at BASE, with no exposure. */
  const sentFiring = (id: string, triggerId: string, latencyMs: number, extra: object = {}) => ({
    firing_id: id,
    trigger_id: triggerId,
    person_id: id,
    decided_at: iso(BASE + latencyMs),
    signal_at: iso(BASE),
    arm: 'treatment',
    ...extra,
  });

  /** The latency-against-windows rows of a tenant over [FROM, TO). */
  const latencyAgainstWindows = async (tenantId: string) =>
    (
      await queryMaturityInputs(store.clickhouse, {
        tenantId,
        from: '2026-10-01 00:00:00.000',
        to: '2026-10-31 00:00:00.000',
      })
    ).latency;

  it('holds each firing against the window of the version it names', async () => {
    // v1: 1 h window, v2 (newest): 10 min. Latencies 30 min (names v1: within), 20 min (names
    // v2: outside) and 5 min (names none, so v2: within) → ratios 0.5, 2, 0.5 → median 0.5.
    const definitionOf = (version: number, windowMs: number) => ({
      ...definition('cart', 'email', windowMs, 'email'),
      version,
    });
    const firing = (id: string, version: number | undefined, latencyMs: number) =>
      sentFiring(id, 'cart', latencyMs, version === undefined ? {} : { trigger_version: version });
    await seedRows(
      store.clickhouse,
      'versions',
      {
        triggers: [definitionOf(1, HOUR), definitionOf(2, 10 * MINUTE)],
        firings: [
          firing('a', 1, 30 * MINUTE),
          firing('b', 2, 20 * MINUTE),
          firing('c', undefined, 5 * MINUTE),
        ],
      },
      BASE + 2 * HOUR,
    );
    expect(await latencyAgainstWindows('versions')).toEqual([
      { level: 'channel', key: 'email', firings: 3, within_window: 2, median_window_ratio: 0.5 },
      { level: 'trigger', key: 'cart', firings: 3, within_window: 2, median_window_ratio: 0.5 },
    ]);
  });

  it('leaves out the firings of a trigger no definition gives a window, and still assesses', async () => {
    // cart (10 min window): latencies 5 min and 20 min → ratios 0.5 and 2, median 1.25, 1 within.
    // 'unknown' has firings (with a signal time, 15 min before) but no definition: no window to
    // hold them against, so no row of its own and none under its channel '' either
    await seedRows(
      store.clickhouse,
      'undefined-trigger',
      {
        triggers: [definition('cart', 'email', 10 * MINUTE, 'email')],
        firings: [
          sentFiring('a', 'cart', 5 * MINUTE),
          sentFiring('b', 'cart', 20 * MINUTE),
          sentFiring('c', 'unknown', 15 * MINUTE),
          sentFiring('d', 'unknown', 15 * MINUTE),
        ],
      },
      BASE + 2 * HOUR,
    );
    expect(await latencyAgainstWindows('undefined-trigger')).toEqual([
      { level: 'channel', key: 'email', firings: 2, within_window: 1, median_window_ratio: 1.25 },
      { level: 'trigger', key: 'cart', firings: 2, within_window: 1, median_window_ratio: 1.25 },
    ]);
    const evidence = named(await service.assess('undefined-trigger', FROM, TO));
    expect(evidence.median_latency_within_window).toMatchObject({ value: 0, passed: false });
    expect(Object.keys(evidence).filter((name) => name.startsWith('within_window_rate'))).toEqual([
      'within_window_rate:email',
    ]);
  });
});
