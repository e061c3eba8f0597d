import { beforeAll, describe, expect, it } from '@jest/globals';
import { storeForSuite } from '../../storage/testing.js';
import { fixtureRows, seedRows } from '../common/testing.js';
import { GuardrailsService, guardrailCaveat, guardrailVerdict } from './guardrails.service.js';

const at = (iso: string) => `2026-${iso}Z`;
const { firing, outcome } = fixtureRows(at);
const cart = {
  trigger_id: 't1',
  name: 'Cart',
  channel: 'email',
  signal_types: ['cart_abandoned'],
  window_ms: 3_600_000,
  success_types: ['purchase'],
  holdout_pct: 0.5,
};

describe('guardrails on the embedded engine', () => {
  const store = storeForSuite();

  beforeAll(async () => {
    await seedRows(store.clickhouse, 'tenant-a', {
      triggers: [cart],
      firings: [
        firing('f1', 't1', 'p1', '10-02T00:00:00'),
        firing('f2', 't1', 'p2', '10-02T00:00:00'),
        firing('f3', 't1', 'p3', '10-02T00:00:00', { arm: 'holdout' }),
        firing('f4', 't1', 'p4', '10-02T00:00:00', { arm: 'holdout' }),
      ],
      outcomes: [
        outcome('o1', 'p1', 'purchase', '10-03T00:00:00', { order_id: 'A', value: 10 }),
        outcome('r1', 'p1', 'refund', '10-10T00:00:00', { refund_of_order_id: 'A' }), // 7 days: regret
        outcome('u1', 'p1', 'unsubscribe', '10-05T00:00:00'), // overwhelm in (t0, t0 + 7 d]
        outcome('o2', 'p2', 'purchase', '10-03T00:00:00', { order_id: 'B', value: 10 }),
        outcome('r2', 'p2', 'return', '11-10T00:00:00', { order_id: 'B' }), // 38 days: too late
        outcome('o3', 'p3', 'purchase', '10-04T00:00:00', { order_id: 'C', value: 10 }),
        outcome('r3', 'p3', 'chargeback', '10-20T00:00:00', { refund_of_order_id: 'C' }), // regret
        outcome('o4', 'p4', 'purchase', '10-20T00:00:00', { order_id: 'D', value: 10 }), // after C
        outcome('u4', 'p4', 'complaint', '10-12T00:00:00'), // 10 days after t0: outside C
      ],
    });
  });

  it('counts overwhelmed persons and regretted converting orders by arm', async () => {
    const rows = await new GuardrailsService(store.clickhouse).report(
      'tenant-a',
      new Date('2026-10-01T00:00:00Z'),
      new Date('2026-11-01T00:00:00Z'),
    );
    const overwhelm = rows.find((r) => r.outcomeClass === 'overwhelm');
    const regret = rows.find((r) => r.outcomeClass === 'regret');
    // overwhelm: treatment p1 of {p1, p2}; holdout none of {p3, p4}
    expect(overwhelm?.treatment).toMatchObject({ persons: 2, conversions: 1, rate: 0.5 });
    expect(overwhelm?.holdout).toMatchObject({ persons: 2, conversions: 0, rate: 0 });
    expect(overwhelm?.absoluteLift?.estimate).toBeCloseTo(0.5, 12);
    // regret: treatment orders A (refunded day 7) and B (returned day 38: outside 30 days);
    // holdout order C (charged back day 16); D came after the conversion window: not converting
    expect(regret?.treatment).toMatchObject({ persons: 2, conversions: 1 });
    expect(regret?.holdout).toMatchObject({ persons: 1, conversions: 1 });
    expect(regret?.verdict).toMatch(/^too little data/);
  });

  it('judges a trigger without a definition by the default success types', async () => {
    // tU has no definition: its converting orders are those of the default success types
    // (conversion, purchase, signup) within 7 days of t0.
    await seedRows(store.clickhouse, 'tenant-b', {
      firings: [
        firing('g1', 'tU', 'q1', '10-02T00:00:00'),
        firing('g2', 'tU', 'q2', '10-02T00:00:00', { arm: 'holdout' }),
      ],
      outcomes: [
        outcome('s1', 'q1', 'signup', '10-03T00:00:00', { order_id: 'E' }), // default type: converts
        outcome('x1', 'q1', 'refund', '10-04T00:00:00', { refund_of_order_id: 'E' }), // regret
        outcome('s2', 'q1', 'subscription_started', '10-03T00:00:00', { order_id: 'F' }), // not a default
        outcome('c2', 'q2', 'conversion', '10-09T00:00:00.001', { order_id: 'G' }), // 1 ms past 7 days
      ],
    });
    const rows = await new GuardrailsService(store.clickhouse).report(
      'tenant-b',
      new Date('2026-10-01T00:00:00Z'),
      new Date('2026-11-01T00:00:00Z'),
    );
    const regret = rows.find((r) => r.triggerId === 'tU' && r.outcomeClass === 'regret');
    expect(regret?.treatment).toMatchObject({ persons: 1, conversions: 1 });
    expect(regret?.holdout).toMatchObject({ persons: 0, conversions: 0 });
  });

  it('counts an order regretted several times once, by its regrets inside the window only', async () => {
    await seedRows(store.clickhouse, 'tenant-c', {
      triggers: [cart],
      firings: [
        firing('h1', 't1', 'p1', '10-02T00:00:00'),
        firing('h2', 't1', 'p2', '10-02T00:00:00'),
        firing('h3', 't1', 'p3', '10-02T00:00:00'),
        firing('h4', 't1', 'p4', '10-02T00:00:00', { arm: 'holdout' }),
      ],
      outcomes: [
        // A: refunded before it was ordered, 48 days after (past the 30) and on day 2: regretted
        outcome('oA', 'p1', 'purchase', '10-03T00:00:00', { order_id: 'A', value: 10 }),
        outcome('rA1', 'p1', 'refund', '10-01T00:00:00', { refund_of_order_id: 'A' }),
        outcome('rA2', 'p1', 'refund', '11-20T00:00:00', { refund_of_order_id: 'A' }),
        outcome('rA3', 'p1', 'refund', '10-05T00:00:00', { refund_of_order_id: 'A' }),
        // B: refunded the day before it was ordered and 59 days after: not regretted
        outcome('oB', 'p2', 'purchase', '10-03T00:00:00', { order_id: 'B', value: 10 }),
        outcome('rB1', 'p2', 'refund', '10-02T00:00:00', { refund_of_order_id: 'B' }),
        outcome('rB2', 'p2', 'return', '12-01T00:00:00', { order_id: 'B' }),
        // C: sent twice as two outcomes (one order), refunded 29.5 days after the first of them
        outcome('oC1', 'p3', 'purchase', '10-03T00:00:00', { order_id: 'C', value: 10 }),
        outcome('oC2', 'p3', 'purchase', '10-04T00:00:00', { order_id: 'C', value: 10 }),
        outcome('rC', 'p3', 'refund', '11-01T12:00:00', { refund_of_order_id: 'C' }),
        // D (holdout): refunded and returned, both within the window: one regretted order
        outcome('oD', 'p4', 'purchase', '10-03T00:00:00', { order_id: 'D', value: 10 }),
        outcome('rD1', 'p4', 'refund', '10-06T00:00:00', { refund_of_order_id: 'D' }),
        outcome('rD2', 'p4', 'return', '10-07T00:00:00', { order_id: 'D' }),
      ],
    });
    const rows = await new GuardrailsService(store.clickhouse).report(
      'tenant-c',
      new Date('2026-10-01T00:00:00Z'),
      new Date('2026-11-01T00:00:00Z'),
    );
    const regret = rows.find((r) => r.outcomeClass === 'regret');
    // treatment: orders A, B, C (C once), of which A and C regretted; holdout: D, regretted once
    expect(regret?.treatment).toMatchObject({ persons: 3, conversions: 2 });
    expect(regret?.holdout).toMatchObject({ persons: 1, conversions: 1 });
  });

  it('gives always-valid intervals on request, tuned to the planned persons fixed in advance', async () => {
    const period = [new Date('2026-10-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z')] as const;
    const service = new GuardrailsService(store.clickhouse);
    const sequential = await service.report('tenant-a', ...period, [], {
      sequential: true,
      defaultPlannedPersons: 4,
    });
    // half-width after n observations with t* = 4: SE·√n·√(2(u + 1)/(n²ρ²) · ln(√(u + 1)/α)),
    // ρ² = (a + ln(a + 1))/4, u = nρ², a = −2 ln 0.05
    const a = -2 * Math.log(0.05);
    const rho2 = (a + Math.log(a + 1)) / 4;
    const multiplier = (n: number) =>
      Math.sqrt(n) *
      Math.sqrt(((2 * (n * rho2 + 1)) / (n * n * rho2)) * Math.log(Math.sqrt(n * rho2 + 1) / 0.05));
    // at n = t* the sequence is 3.035 standard errors wide
    expect(multiplier(4)).toBeCloseTo(3.035, 3);
    // overwhelm: 1 of 2 treated, 0 of 2 held out (n = 4): SE = √(0.5·0.5/2) = 0.353553…
    const overwhelm = sequential.find((r) => r.outcomeClass === 'overwhelm');
    expect(overwhelm?.absoluteLift?.estimate).toBeCloseTo(0.5, 12);
    expect(overwhelm?.absoluteLift?.high).toBeCloseTo(0.5 + multiplier(4) * Math.sqrt(0.125), 9);
    const regret = sequential.find((r) => r.outcomeClass === 'regret');
    expect(regret?.absoluteLift?.estimate).toBeCloseTo(-0.5, 12);
    // three orders (n = 3) against the same t*
    expect(regret?.absoluteLift?.high).toBeCloseTo(-0.5 + multiplier(3) * Math.sqrt(0.125), 9);
  });
});

describe('the reading of a guardrail', () => {
  const arm = (persons: number, events: number) => ({
    persons,
    conversions: events,
    rate: events / persons,
    revenue: 0,
    revenuePerPerson: 0,
  });
  const row = (treated: number, held: number) => ({
    triggerId: 't',
    outcomeClass: 'regret',
    treatment: arm(2009, treated),
    holdout: arm(1991, held),
    absoluteLift: { estimate: 0, low: 0, high: 0 },
    relativeLift: null,
    pValue: 1,
  });

  it('says that a trigger declaring no holdout cannot be measured, not that it needs more data', () => {
    const noHoldout = {
      ...row(0, 0),
      treatment: arm(5000, 40),
      holdout: { persons: 0, conversions: 0, rate: 0, revenue: 0, revenuePerPerson: 0 },
      absoluteLift: null,
      pValue: null,
    };
    const srm = {
      expectedHoldoutShare: 0,
      observedHoldoutShare: 0,
      pValue: null,
      flagged: false,
      sharesInPeriod: [],
    };
    expect(guardrailCaveat(noHoldout, 'persons', srm)).toBe(
      'too little data: 0 holdout persons, as the trigger declares holdout_pct 0: no one is held ' +
        'out, so its lift cannot be measured however long it runs; declare a holdout share to measure it',
    );
  });

  it('says there was nothing in either arm, not an interval of [0.00, 0.00]', () => {
    expect(guardrailVerdict(row(0, 0), 'converting orders').verdict).toBe(
      'no regret in either arm (2,009 and 1,991 converting orders): no detectable regret effect',
    );
    // one event on either side: the interval is read as before
    expect(guardrailVerdict(row(0, 1), 'converting orders').verdict).toBe(
      '+0.00 pts [0.00, 0.00], no detectable regret effect',
    );
  });
});
