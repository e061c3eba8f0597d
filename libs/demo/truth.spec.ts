import { describe, expect, it } from '@jest/globals';

import type { ConsentRow, FiringRow, OutcomeRow, ProgramRows, TriggerRow } from './rows.js';
import { computeTruth, missingDefinitions } from './truth.js';

// Hand-built fixtures: every expected number below was worked out by hand from the rows written
// next to it, following docs/design.md §3 and the readings listed at the top of truth.ts.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const period = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-10-31T00:00:00Z') };

const cart: TriggerRow = {
  trigger_id: 'cart',
  name: 'Cart email',
  version: 1,
  status: 'live',
  channel: 'email',
  surface: 'inbox',
  signal_types: ['cart_abandoned'],
  audience: 'everyone',
  window_ms: HOUR,
  suppression: { converted_lookback_ms: DAY },
  frequency_cap: { max: 1, per_ms: DAY },
  consent_purpose: 'email_marketing',
  success_types: ['purchase'],
  conversion_window_ms: 2 * DAY,
  guardrail_types: ['unsubscribe'],
  holdout_pct: 0.25,
};

function rows(partial: Partial<ProgramRows>): ProgramRows {
  return {
    triggers: [cart],
    signals: [],
    firings: [],
    exposures: [],
    outcomes: [],
    consent: [],
    ...partial,
  };
}

const firing = (
  id: string,
  person: string,
  decidedAt: string,
  arm: FiringRow['arm'],
  extra: Partial<FiringRow> = {},
): FiringRow => ({
  firing_id: id,
  trigger_id: 'cart',
  person_id: person,
  decided_at: decidedAt,
  arm,
  ...extra,
});

const outcome = (
  id: string,
  person: string,
  type: string,
  occurredAt: string,
  extra: Partial<OutcomeRow> = {},
): OutcomeRow => ({ outcome_id: id, person_id: person, type, occurred_at: occurredAt, ...extra });

describe('computeTruth: holdout lift', () => {
  const fixture = rows({
    firings: [
      firing('f1', 'p1', '2026-10-02T10:00:00Z', 'treatment', { variant: 'a' }),
      firing('f2', 'p2', '2026-10-02T10:00:00Z', 'holdout'),
      firing('f3', 'p3', '2026-10-02T12:00:00Z', 'global_holdout'),
      // p4 fired in both arms: contaminated.
      firing('f4', 'p4', '2026-10-03T09:00:00Z', 'treatment', {
        variant: 'b',
        skip_reason: 'consent',
      }),
      firing('f5', 'p4', '2026-10-04T09:00:00Z', 'holdout'),
      // p5's firing before the period does not assign them; t0 is 10-05.
      firing('f6', 'p5', '2026-09-30T23:00:00Z', 'treatment'),
      firing('f7', 'p5', '2026-10-05T00:00:00Z', 'treatment', { skip_reason: 'frequency_cap' }),
    ],
    outcomes: [
      outcome('o1', 'p1', 'purchase', '2026-10-03T10:00:00Z', { value: 50, order_id: 'ord-1' }),
      // Exactly t0 + C: inside (t0, t0 + C].
      outcome('o2', 'p1', 'purchase', '2026-10-04T10:00:00Z', { value: 30, order_id: 'ord-2' }),
      // One millisecond past t0 + C.
      outcome('o3', 'p2', 'purchase', '2026-10-04T10:00:00.001Z', { value: 70 }),
      // Exactly t0: not after it.
      outcome('o4', 'p3', 'purchase', '2026-10-02T12:00:00Z', { value: 10 }),
      // A default success type, but not this trigger's.
      outcome('o5', 'p3', 'signup', '2026-10-02T13:00:00Z', { value: 999 }),
      outcome('o6', 'p5', 'purchase', '2026-10-05T06:00:00Z', { value: 20, order_id: 'ord-6' }),
      outcome('o7', 'p4', 'purchase', '2026-10-03T10:00:00Z', { value: 100 }),
    ],
  });
  const truth = computeTruth(fixture, period).triggers['cart'];

  it('assigns each person by their first firing in the period and sets contaminated ones aside', () => {
    expect(truth.firings).toBe(6);
    expect(truth.lift.contaminatedPersons).toBe(1);
    expect(truth.lift.treatment).toMatchObject({
      persons: 2,
      converters: 2,
      revenue: 100,
      revenueSumOfSquares: 80 * 80 + 20 * 20,
      contaminatedPersons: 1,
    });
    expect(truth.lift.control).toMatchObject({
      persons: 2,
      converters: 0,
      revenue: 0,
      revenueSumOfSquares: 0,
      contaminatedPersons: 0,
    });
  });

  it('splits treatment by the assignment variant', () => {
    expect(truth.lift.variants['a']).toMatchObject({ persons: 1, converters: 1, revenue: 80 });
    expect(truth.lift.variants['b']).toMatchObject({ persons: 0, contaminatedPersons: 1 });
  });

  it('checks the sample ratio against the declared holdout share', () => {
    // 2 control of 4 against 0.25: expected 1 control, 3 treatment.
    expect(truth.lift.srm.expectedHoldoutShare).toBe(0.25);
    expect(truth.lift.srm.observedHoldoutShare).toBe(0.5);
    expect(truth.lift.srm.chiSquare).toBeCloseTo((2 - 1) ** 2 / 1 + (2 - 3) ** 2 / 3, 12);
  });
});

describe('computeTruth: regret and overwhelm', () => {
  const fixture = rows({
    firings: [
      firing('f1', 'p1', '2026-10-02T10:00:00Z', 'treatment'),
      firing('f2', 'p2', '2026-10-02T10:00:00Z', 'holdout'),
    ],
    outcomes: [
      outcome('o1', 'p1', 'purchase', '2026-10-03T10:00:00Z', { value: 50, order_id: 'ord-1' }),
      outcome('o2', 'p1', 'purchase', '2026-10-03T11:00:00Z', { value: 30, order_id: 'ord-2' }),
      outcome('o3', 'p1', 'refund', '2026-10-04T09:00:00Z', { refund_of_order_id: 'ord-1' }),
      // A return naming the order by its order_id 30 days and 1 ms later: too late to count.
      outcome('o4', 'p1', 'return', '2026-11-02T11:00:00.001Z', { order_id: 'ord-2' }),
      outcome('o5', 'p2', 'unsubscribe', '2026-10-03T00:00:00Z'),
      outcome('o6', 'p2', 'purchase', '2026-10-02T11:00:00Z', { value: 5, order_id: 'ord-3' }),
      outcome('o7', 'p2', 'return', '2026-10-20T00:00:00Z', { order_id: 'ord-3' }),
    ],
  });
  const lift = computeTruth(fixture, period).triggers['cart'].lift;

  it('counts converting orders refunded within 30 days, by arm', () => {
    expect(lift.treatment).toMatchObject({ convertingOrders: 2, refundedOrders: 1 });
    expect(lift.control).toMatchObject({ convertingOrders: 1, refundedOrders: 1 });
  });

  it('counts persons with overwhelm and regret outcomes in (t0, t0 + C]', () => {
    expect(lift.treatment).toMatchObject({ overwhelmedPersons: 0, regretPersons: 1 });
    // p2's return is 18 days after t0: outside C = 2 days.
    expect(lift.control).toMatchObject({ overwhelmedPersons: 1, regretPersons: 0 });
  });
});

describe('computeTruth: latency', () => {
  const fixture = rows({
    signals: [
      {
        event_id: 's2',
        person_id: 'p2',
        type: 'cart_abandoned',
        occurred_at: '2026-10-02T11:00:00Z',
      },
    ],
    firings: [
      firing('f1', 'p1', '2026-10-02T10:00:02Z', 'treatment', {
        signal_at: '2026-10-02T10:00:00Z',
      }),
      // signal_at comes from the referenced signal.
      firing('f2', 'p2', '2026-10-02T11:00:01Z', 'treatment', { signal_event_id: 's2' }),
      // No exposure: end-to-end falls back to decided_at − signal_at.
      firing('f3', 'p3', '2026-10-02T13:00:05Z', 'treatment', {
        signal_at: '2026-10-02T13:00:00Z',
      }),
      firing('f4', 'p4', '2026-10-02T13:00:05Z', 'treatment', {
        signal_at: '2026-10-02T13:00:00Z',
        skip_reason: 'frequency_cap',
      }),
      firing('f5', 'p5', '2026-10-02T13:00:05Z', 'holdout', { signal_at: '2026-10-02T13:00:00Z' }),
      // The referenced signal is unknown: no latency.
      firing('f6', 'p6', '2026-10-02T14:00:00Z', 'treatment', { signal_event_id: 'missing' }),
    ],
    exposures: [
      { firing_id: 'f1', type: 'delivered', occurred_at: '2026-10-02T10:00:40Z' },
      { firing_id: 'f1', type: 'delivered', occurred_at: '2026-10-02T10:00:30Z' },
      { firing_id: 'f2', type: 'opened', occurred_at: '2026-10-02T11:20:00Z' },
      { firing_id: 'f2', type: 'delivered', occurred_at: '2026-10-02T12:30:00Z' },
      { firing_id: 'f3', type: 'bounced', occurred_at: '2026-10-02T13:00:09Z' },
    ],
  });
  const latency = computeTruth(fixture, period).triggers['cart'].latency;

  it('measures end to end from the signal to the first delivered|rendered exposure', () => {
    expect(latency).toEqual({
      sentTreatmentFirings: 4,
      withoutSignalTime: 1,
      measured: 3,
      expired: 1,
      withinWindowRate: 2 / 3,
      endToEndMs: [5_000, 30_000, 5_400_000],
      signalToDecisionMs: [1_000, 2_000, 5_000],
      decisionToDeliveryMs: [28_000, 5_399_000],
    });
  });
});

describe('computeTruth: suppression failures', () => {
  const fixture = rows({
    firings: [
      firing('f1', 'p1', '2026-10-02T20:00:00Z', 'treatment'),
      // Purchase exactly 24 h before: inside [decided_at − L, decided_at). f1 is within the cap.
      firing('f2', 'p1', '2026-10-03T10:00:00Z', 'treatment'),
      firing('f3', 'p1', '2026-10-03T12:00:00Z', 'treatment', { skip_reason: 'frequency_cap' }),
      firing('f4', 'p2', '2026-10-05T09:59:59Z', 'treatment', {
        dispatched_at: '2026-10-05T10:00:00Z',
      }),
      firing('f5', 'p2', '2026-10-07T10:00:00Z', 'treatment', {
        dispatched_at: '2026-10-07T10:00:01Z',
      }),
      firing('f6', 'p3', '2026-10-08T10:00:00Z', 'treatment', {
        dispatched_at: '2026-10-08T10:00:00.500Z',
      }),
      // Exactly per_ms after f6: outside the open cap window; 23 h after p3's purchase.
      firing('f7', 'p3', '2026-10-09T10:00:00Z', 'treatment'),
    ],
    exposures: [
      { firing_id: 'f4', type: 'opened', occurred_at: '2026-10-05T14:00:00Z' },
      { firing_id: 'f5', type: 'opened', occurred_at: '2026-10-07T11:00:00Z' },
      { firing_id: 'f6', type: 'delivered', occurred_at: '2026-10-08T10:00:01Z' },
    ],
    outcomes: [
      outcome('o1', 'p1', 'purchase', '2026-10-02T10:00:00Z'),
      // Between dispatch and the first open: converted in flight.
      outcome('o2', 'p2', 'purchase', '2026-10-05T12:00:00Z'),
      // At the open itself: not before it.
      outcome('o3', 'p2', 'purchase', '2026-10-07T11:00:00Z'),
      // f6 has no open: nothing to be in flight to.
      outcome('o4', 'p3', 'purchase', '2026-10-08T11:00:00Z'),
    ],
  });
  const suppression = computeTruth(fixture, period).triggers['cart'].suppression;

  it('counts converted-then-targeted, converted in flight and cap breaches', () => {
    expect(suppression).toEqual({
      sentFirings: 6,
      convertedThenTargeted: 3,
      convertedInFlight: 1,
      capBreaches: 1,
    });
  });
});

describe('computeTruth: a trigger never defined', () => {
  // 'legacy' fires but no definition names it: the default success types (conversion, purchase,
  // signup), the default 24 h lookback, and no cap.
  const legacy = (id: string, person: string, decidedAt: string, extra: Partial<FiringRow> = {}) =>
    firing(id, person, decidedAt, 'treatment', { trigger_id: 'legacy', ...extra });
  const fixture = rows({
    firings: [
      legacy('g1', 'p1', '2026-10-03T10:00:00Z'),
      legacy('g2', 'p2', '2026-10-03T10:00:00Z'),
      legacy('g3', 'p3', '2026-10-04T10:00:00Z', { dispatched_at: '2026-10-04T10:00:01Z' }),
      legacy('g4', 'p4', '2026-10-05T10:00:00Z'),
      legacy('g5', 'p4', '2026-10-05T11:00:00Z'),
      legacy('g6', 'p5', '2026-10-05T11:00:00Z', { arm: 'holdout' }),
    ],
    exposures: [{ firing_id: 'g3', type: 'opened', occurred_at: '2026-10-04T11:00:00Z' }],
    outcomes: [
      // A sign-up exactly 24 h before g1: inside the default lookback.
      outcome('o1', 'p1', 'signup', '2026-10-02T10:00:00Z'),
      // A conversion 1 ms before g2's lookback opens.
      outcome('o2', 'p2', 'conversion', '2026-10-02T09:59:59.999Z'),
      // A purchase between g3's dispatch and its first open: converted in flight.
      outcome('o3', 'p3', 'purchase', '2026-10-04T10:30:00Z'),
      // A refund 30 min before g5: not a success type.
      outcome('o4', 'p4', 'refund', '2026-10-05T10:30:00Z'),
    ],
  });
  const truth = computeTruth(fixture, period).triggers['legacy'];

  it('counts its suppression failures with the default success types and lookback, and no cap', () => {
    expect(truth.successTypes).toEqual(['conversion', 'purchase', 'signup']);
    // sent g1..g5 (g6 held out); converted-then-targeted g1; in flight g3; g5 one hour after g4
    // breaches nothing, as no cap was stated
    expect(truth.suppression).toEqual({
      sentFirings: 5,
      convertedThenTargeted: 1,
      convertedInFlight: 1,
      capBreaches: 0,
    });
  });
});

describe('computeTruth: consent', () => {
  const consent = (
    id: string,
    person: string,
    granted: boolean,
    occurredAt: string,
    recordedAt: string,
    source: string,
  ): ConsentRow => ({
    event_id: id,
    person_id: person,
    purpose: 'email_marketing',
    granted,
    occurred_at: occurredAt,
    recorded_at: recordedAt,
    source,
  });
  const fixture = rows({
    consent: [
      consent('c1', 'p1', true, '2026-09-01T00:00:00Z', '2026-09-01T00:00:02Z', 'signup_form'),
      consent('c2', 'p1', false, '2026-10-10T10:00:00Z', '2026-10-11T10:00:00Z', 'esp_sync'),
      consent(
        'c3',
        'p3',
        true,
        '2026-10-12T00:00:00Z',
        '2026-10-12T00:00:01Z',
        'preference_center',
      ),
      // Same occurred_at: the later recorded_at wins, so p4 has revoked.
      consent(
        'c4',
        'p4',
        true,
        '2026-10-15T00:00:00Z',
        '2026-10-15T00:00:01Z',
        'preference_center',
      ),
      consent(
        'c5',
        'p4',
        false,
        '2026-10-15T00:00:00Z',
        '2026-10-15T00:00:05Z',
        'preference_center',
      ),
    ],
    firings: [
      firing('f1', 'p1', '2026-10-10T09:00:00Z', 'treatment'),
      firing('f2', 'p1', '2026-10-10T10:00:00Z', 'treatment'),
      firing('f3', 'p1', '2026-10-10T16:00:00Z', 'treatment'),
      firing('f4', 'p2', '2026-10-10T16:00:00Z', 'treatment'),
      firing('f5', 'p3', '2026-10-11T23:00:00Z', 'treatment'),
      firing('f6', 'p3', '2026-10-11T23:30:00Z', 'holdout'),
      firing('f7', 'p4', '2026-10-15T01:00:00Z', 'treatment'),
    ],
  });
  const truth = computeTruth(fixture, period);

  it('flags sent firings whose consent state at decided_at is not granted', () => {
    expect(truth.triggers['cart'].consent).toEqual({
      purpose: 'email_marketing',
      sentFirings: 6,
      nonCompliant: 5,
    });
    expect(truth.consent.nonCompliantActivations).toBe(5);
    expect(truth.consent.byTrigger).toEqual([
      { triggerId: 'cart', purpose: 'email_marketing', sentFirings: 6, nonCompliant: 5 },
    ]);
  });

  it('measures the sync lag of revocations and the recording lag per source', () => {
    expect(truth.consent.syncLagsMs).toEqual([0, HOUR, 6 * HOUR]);
    expect(truth.consent.recordLagsMsBySource).toEqual({
      signup_form: [2_000],
      esp_sync: [DAY],
      preference_center: [1_000, 1_000, 5_000],
    });
  });
});

describe('computeTruth: message pressure', () => {
  const other: TriggerRow = { ...cart, trigger_id: 'other', frequency_cap: undefined };
  const capped: TriggerRow = { ...cart, frequency_cap: { max: 1, per_ms: 2 * DAY } };
  const fixture = rows({
    triggers: [capped, other],
    firings: [
      firing('t1', 'p1', '2026-10-01T10:00:00Z', 'treatment'),
      { ...firing('t2', 'p1', '2026-10-02T09:00:00Z', 'treatment'), trigger_id: 'other' },
      firing('skipped', 'p1', '2026-10-02T09:30:00Z', 'treatment', { skip_reason: 'quiet_hours' }),
      // t1 is exactly 24 h earlier: inside [t − 24h, t). Breaches the 1-per-48h cap.
      firing('t3', 'p1', '2026-10-02T10:00:00Z', 'treatment'),
      firing('t4', 'p1', '2026-10-08T09:30:00Z', 'treatment'),
      // Before the period: not a subject, but it counts in p2's 7-day lookback.
      firing('early', 'p2', '2026-09-30T12:00:00Z', 'treatment'),
      firing('p2-1', 'p2', '2026-10-03T00:00:00Z', 'treatment'),
    ],
    outcomes: [outcome('o1', 'p1', 'unsubscribe', '2026-10-08T12:00:00Z')],
  });
  const pressure = computeTruth(fixture, period).pressure;

  it('counts the person’s sent treatment firings before each one, itself included', () => {
    expect(pressure.firings).toBe(5);
    expect(pressure.last24h).toEqual([1, 1, 1, 2, 3]);
    expect(pressure.last7d).toEqual([1, 2, 2, 3, 4]);
    expect(pressure.aboveCap).toBe(1);
    expect(pressure.byFiring.get('t3')).toEqual({ last24h: 3, last7d: 3 });
    expect(pressure.byFiring.get('p2-1')).toEqual({ last24h: 1, last7d: 2 });
    expect(pressure.byFiring.has('early')).toBe(false);
  });

  it('draws the dose-response curve with overwhelm in the 7 days after each firing', () => {
    expect(pressure.doseResponse).toEqual([
      { bucket: '1', firings: 1, overwhelmed: 0, overwhelmRate: 0 },
      { bucket: '2-3', firings: 3, overwhelmed: 2, overwhelmRate: 2 / 3 },
      { bucket: '4-6', firings: 1, overwhelmed: 1, overwhelmRate: 1 },
      { bucket: '7+', firings: 0, overwhelmed: 0, overwhelmRate: null },
    ]);
  });
});

describe('computeTruth: deduplication', () => {
  const base = rows({
    firings: [
      firing('f1', 'p1', '2026-10-02T10:00:00Z', 'treatment'),
      firing('f2', 'p2', '2026-10-02T10:00:00Z', 'holdout'),
    ],
    outcomes: [outcome('o1', 'p1', 'purchase', '2026-10-02T11:00:00Z', { value: 40 })],
  });
  const delivered = rows({
    firings: [
      ...base.firings,
      firing('f1', 'p1', '2026-10-02T10:00:00Z', 'treatment'),
      // Same id, other content: counted once, as first delivered, and reported.
      firing('f2', 'p2', '2026-10-02T10:00:00Z', 'treatment'),
    ],
    outcomes: [...base.outcomes, ...base.outcomes],
  });

  it('counts every id once, whatever arrives again', () => {
    const once = computeTruth(base, period);
    const twice = computeTruth(delivered, period);
    expect(twice.triggers).toEqual(once.triggers);
    expect(twice.dedup.firings).toEqual({
      received: 4,
      distinct: 2,
      duplicates: 2,
      conflicting: 1,
    });
    expect(twice.dedup.outcomes).toEqual({
      received: 2,
      distinct: 1,
      duplicates: 1,
      conflicting: 0,
    });
    expect(twice.triggers['cart'].lift.treatment.revenue).toBe(40);
  });
});

describe('missingDefinitions', () => {
  it('names the definitions a trigger lacks', () => {
    expect(missingDefinitions(cart)).toEqual([]);
    expect(
      missingDefinitions({
        trigger_id: 'draft',
        name: 'Draft',
        channel: 'email',
        signal_types: ['birthday'],
        window_ms: DAY,
        success_types: ['purchase'],
        status: 'draft',
      }),
    ).toEqual(['audience', 'surface', 'suppression', 'success']);
  });
});
