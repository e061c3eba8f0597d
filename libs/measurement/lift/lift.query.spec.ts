import { beforeAll, describe, expect, it } from '@jest/globals';
import { storeForSuite } from '../../storage/testing.js';
import { toPeriod } from '../common/period.js';
import { fixtureRows, READY_DEFINITIONS, seedRows } from '../common/testing.js';
import { buildLiftRows } from './lift.calculator.js';
import { MeasurementErrorCode, MeasurementException } from '../common/measurement.exception.js';
import { queryLiftSums, type LiftSumsRow } from './lift.query.js';
import { LiftService } from './lift.service.js';

const DAY = 86_400_000;
const at = (iso: string) => `2026-${iso}Z`;

const trigger = {
  trigger_id: 't1',
  name: 'Cart',
  channel: 'push',
  signal_types: ['cart_abandoned'],
  window_ms: 3_600_000,
  success_types: ['purchase'],
  ...READY_DEFINITIONS,
  conversion_window_ms: 7 * DAY,
  holdout_pct: 0.5,
  status: 'live',
};

const build = fixtureRows(at);
const firing = (id: string, person: string, decided: string, arm: string, extra: object = {}) =>
  build.firing(id, 't1', person, decided, { arm, ...extra });
const purchase = (id: string, person: string, when: string, value: number, type = 'purchase') =>
  build.outcome(id, person, type, when, { value });

/** Firings of a trigger without a definition on 2 October: one a person, the id the person's. */
const undefinedFirings = (triggerId: string, treated: string[], held: string[]) =>
  [...treated.map((p) => [p, 'treatment']), ...held.map((p) => [p, 'holdout'])].map(
    ([person, arm]) => build.firing(`f-${person}`, triggerId, person, '10-02T00:00:00', { arm }),
  );

describe('lift sums on the embedded engine', () => {
  const store = storeForSuite();
  let rows: LiftSumsRow[];

  beforeAll(async () => {
    await seedRows(store.clickhouse, 'tenant-a', {
      triggers: [trigger],
      firings: [
        firing('f1', 'p1', '10-02T10:00:00', 'treatment', { variant: 'a' }),
        firing('f1', 'p1', '10-02T10:00:00', 'treatment', { variant: 'a' }), // re-delivery: once
        firing('f2', 'p2', '10-02T10:00:00', 'treatment', { variant: 'b' }),
        firing('f3', 'p3', '10-05T00:00:00', 'treatment', {
          variant: 'a',
          skip_reason: 'frequency_cap',
        }),
        firing('f3b', 'p3', '10-06T00:00:00', 'treatment', { variant: 'a' }),
        firing('f4', 'p4', '10-03T00:00:00', 'holdout'),
        firing('f5', 'p5', '10-03T00:00:00', 'holdout'),
        firing('f6', 'p6', '10-04T00:00:00', 'global_holdout'),
        firing('f7', 'p7', '10-02T00:00:00', 'treatment', { variant: 'a' }),
        firing('f7b', 'p7', '10-04T00:00:00', 'holdout'),
        firing('f8a', 'p8', '09-29T00:00:00', 'treatment', { variant: 'a' }), // before the period
        firing('f8', 'p8', '10-03T00:00:00', 'treatment', { variant: 'b' }),
      ],
      outcomes: [
        purchase('o1', 'p1', '10-03T00:00:00', 50),
        purchase('o1', 'p1', '10-03T00:00:00', 50), // re-delivery: once
        purchase('o2', 'p2', '10-12T10:00:01', 99), // 10 days after t0: outside C
        purchase('o3', 'p3', '10-05T12:00:00', 20), // after the skipped first firing: counts
        purchase('o3pre', 'p3', '10-01T00:00:00', 30), // in [t0 − C, t0): covariate
        purchase('o4', 'p4', '10-04T00:00:00', 10),
        purchase('o6', 'p6', '10-05T00:00:00', 7, 'signup'), // not a success type of t1
        purchase('o7', 'p7', '10-03T00:00:00', 40), // contaminated person
        purchase('o8pre', 'p8', '09-30T00:00:00', 5), // before t0 = 10-03: covariate only
      ],
    });
    // another tenant's data under the same trigger id never reaches tenant-a's numbers
    await seedRows(store.clickhouse, 'tenant-b', {
      triggers: [trigger],
      firings: [firing('f1', 'p1', '10-02T10:00:00', 'treatment')],
      outcomes: [purchase('x1', 'p1', '10-03T00:00:00', 1000)],
    });
    rows = await queryLiftSums(store.clickhouse, {
      tenantId: 'tenant-a',
      ...toPeriod(new Date('2026-10-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z')).params,
      triggerIds: [],
    });
  });

  const pick = (arm: string, variant: string) =>
    rows.find((r) => r.arm === arm && r.variant === variant);

  it('assigns each person by their first firing in the period and measures (t0, t0 + C]', () => {
    // variant a: p1 (converted, 50), p3 (first firing skipped at 10-05, converted 10-05 12:00, 20);
    // p7 is contaminated (treatment then holdout): excluded, counted.
    expect(pick('treatment', 'a')).toMatchObject({
      persons: 2,
      conversions: 2,
      revenue: 70,
      revenue_sq: 50 * 50 + 20 * 20,
      // p3: one purchase of 30 on 10-01, inside [10-05 − 7 d, 10-05)
      pre_conversions: 1,
      pre_revenue: 30,
      pre_revenue_x_revenue: 30 * 20,
      pre_conversions_x_converted: 1,
      contaminated: 1,
      channel: 'push',
      holdout_pct: 0.5,
    });
    // variant b: p2 (purchase 10 days later: not converted), p8 (first in-period firing 10-03,
    // variant b; the 09-30 purchase is before t0: covariate 5, not a conversion)
    expect(pick('treatment', 'b')).toMatchObject({
      persons: 2,
      conversions: 0,
      revenue: 0,
      pre_conversions: 1,
      pre_revenue: 5,
      contaminated: 0,
    });
    // holdout: p4 converted (10), p5 not
    expect(pick('holdout', '')).toMatchObject({
      persons: 2,
      conversions: 1,
      revenue: 10,
      revenue_sq: 100,
    });
    // global holdout: p6's signup is not a success type of t1
    expect(pick('global_holdout', '')).toMatchObject({ persons: 1, conversions: 0, revenue: 0 });
    expect(rows).toHaveLength(4);
  });

  it('gives one row per arm when variants are not asked for', async () => {
    const byArm = await queryLiftSums(store.clickhouse, {
      tenantId: 'tenant-a',
      ...toPeriod(new Date('2026-10-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z')).params,
      triggerIds: [],
      byVariant: false,
    });
    // treatment: variant a (p1, p3) and variant b (p2, p8) together; p7 contaminated
    expect(byArm.map((r) => [r.arm, r.variant, r.persons, r.conversions, r.contaminated])).toEqual([
      ['global_holdout', '', 1, 0, 0],
      ['holdout', '', 2, 1, 0],
      ['treatment', '', 4, 2, 1],
    ]);
    expect(byArm.find((r) => r.arm === 'treatment')).toMatchObject({
      revenue: 70,
      pre_conversions: 2,
      pre_revenue: 35,
    });
  });

  it('refuses, naming the field, a revenue cap or a prior beyond computing, and sequential with BAYESIAN', async () => {
    // A cap of 2^53 or more (1e18) cannot be passed to the store exactly, and a prior stdDev of
    // 1e155 has a square beyond the doubles: each is bad input to be named, not a failure of the
    // store or of the statistics (answered as an internal error).
    const service = new LiftService(store.clickhouse, store.config);
    const period = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') };
    const refusal = async (request: object) => {
      const error = await service.report('tenant-a', { ...period, ...request }).then(
        () => null,
        (caught: unknown) => caught,
      );
      return error instanceof MeasurementException
        ? { code: error.code, message: error.message }
        : { error: String(error) };
    };
    expect(await refusal({ revenueCap: { value: 1e18 } })).toEqual({
      code: MeasurementErrorCode.InvalidArgument,
      message:
        'revenueCap.value must be at most 9007199254740991 (2^53 − 1), got 1000000000000000000',
    });
    expect(await refusal({ method: 'bayesian', prior: { mean: 0, stdDev: 1e155 } })).toEqual({
      code: MeasurementErrorCode.InvalidArgument,
      message:
        'prior.stdDev must be below 1e154 (its square, the variance, must be a finite number), got 1e+155',
    });
    // a credible interval would stand beside the confidence sequence's always-valid p-value
    expect(await refusal({ method: 'bayesian', sequential: true })).toEqual({
      code: MeasurementErrorCode.InvalidArgument,
      message:
        'sequential (always-valid) intervals are frequentist: use them with method FREQUENTIST, or drop sequential',
    });
    expect(await refusal({ method: 'bayesian', prior: { mean: 1e305, stdDev: 1 } })).toEqual({
      code: MeasurementErrorCode.InvalidArgument,
      message: 'prior.mean must be a number from -1e6 to 1e6 (a relative lift), got 1e+305',
    });
    // a prior narrower than doubles can invert is the point mass at its mean, not a failure
    const [narrow] = await service.report('tenant-a', {
      ...period,
      method: 'bayesian',
      prior: { mean: 0, stdDev: 1e-155 },
    });
    expect(narrow.chanceToWin).toBe(0.5);
    expect(Math.abs(narrow.relativeLift!.estimate)).toBeLessThan(1e-150);
    // the largest accepted cap is answered
    const [row] = await service.report('tenant-a', {
      ...period,
      revenueCap: { value: Number.MAX_SAFE_INTEGER },
    });
    expect(row.revenueCapValue).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("caps each person's revenue at a value or at the type-7 percentile of positive revenues", async () => {
    const capped = (cap: { capValue: number; capLevel: number }) =>
      queryLiftSums(
        store.clickhouse,
        {
          tenantId: 'tenant-a',
          ...toPeriod(new Date('2026-10-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z')).params,
          triggerIds: [],
          byVariant: false,
        },
        cap,
      );
    const revenue = (rows: LiftSumsRow[], arm: string) => {
      const row = rows.find((r) => r.arm === arm)!;
      return [
        row.revenue,
        row.revenue_sq,
        row.pre_revenue,
        row.pre_revenue_x_revenue,
        row.revenue_cap,
      ];
    };
    // positive revenues of the non-contaminated persons: p1 50, p3 20 (treatment), p4 10
    // (holdout); p7's 40 is contaminated. Median, type 7: sorted [10, 20, 50], h = 2·0.5 = 1 → 20.
    // The covariate stays uncapped: p3's pre-period 30 (and p8's 5, with no revenue) × capped revenue.
    const median = await capped({ capValue: 0, capLevel: 0.5 });
    expect(revenue(median, 'treatment')).toEqual([40, 20 * 20 + 20 * 20, 35, 30 * 20, 20]);
    expect(revenue(median, 'holdout')).toEqual([10, 100, 0, 0, 20]);
    // 90th percentile: h = 1.8 → 20 + 0.8·(50 − 20) = 44
    const p90 = await capped({ capValue: 0, capLevel: 0.9 });
    expect(p90.find((r) => r.arm === 'treatment')!.revenue).toBeCloseTo(64, 9);
    expect(p90.find((r) => r.arm === 'treatment')!.revenue_cap).toBeCloseTo(44, 9);
    // a value: 15 caps p1 and p3, not p4
    const value = await capped({ capValue: 15, capLevel: 1 });
    expect(revenue(value, 'treatment')).toEqual([30, 450, 35, 30 * 15, 15]);
    expect(revenue(value, 'holdout')).toEqual([10, 100, 0, 0, 15]);
    // uncapped rows say so
    expect(rows.every((r) => r.revenue_cap === null)).toBe(true);
  });

  it("caps each variant's row at the percentile of its own and the control's revenues, and keeps a negative revenue", async () => {
    await seedRows(store.clickhouse, 'tenant-cap', {
      triggers: [trigger],
      firings: [
        firing('a1', 'pa1', '10-02T00:00:00', 'treatment', { variant: 'a' }),
        firing('a2', 'pa2', '10-02T00:00:00', 'treatment', { variant: 'a' }),
        firing('a3', 'pa3', '10-02T00:00:00', 'treatment', { variant: 'a' }),
        firing('b1', 'pb1', '10-02T00:00:00', 'treatment', { variant: 'b' }),
        firing('b2', 'pb2', '10-02T00:00:00', 'treatment', { variant: 'b' }),
        firing('c1', 'pc1', '10-02T00:00:00', 'holdout'),
        firing('c2', 'pc2', '10-02T00:00:00', 'holdout'),
        firing('c3', 'pc3', '10-02T00:00:00', 'holdout'),
      ],
      outcomes: [
        purchase('oa1', 'pa1', '10-03T00:00:00', 10),
        purchase('oa2', 'pa2', '10-03T00:00:00', 1000),
        purchase('oa3', 'pa3', '10-03T00:00:00', -40), // a negative value: below any cap
        purchase('ob1', 'pb1', '10-03T00:00:00', 5),
        purchase('ob2', 'pb2', '10-03T00:00:00', 5),
        purchase('oc1', 'pc1', '10-03T00:00:00', 20),
        purchase('oc2', 'pc2', '10-03T00:00:00', 30),
      ],
    });
    const median = { capValue: 0, capLevel: 0.5 };
    const sums = (byVariant: boolean) =>
      queryLiftSums(
        store.clickhouse,
        {
          tenantId: 'tenant-cap',
          ...toPeriod(new Date('2026-10-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z')).params,
          triggerIds: [],
          byVariant,
        },
        median,
      );
    const lifts = (rows: LiftSumsRow[], byVariant: boolean) =>
      buildLiftRows(rows, {
        groupByVariant: byVariant,
        controlPerVariant: byVariant,
        confidence: 0.95,
        cuped: false,
        sequential: false,
      }).map((row) => [
        row.variant,
        row.revenueCapValue,
        row.treatment.revenue,
        row.holdout.persons,
        row.holdout.conversions,
        row.holdout.revenue,
        row.srm.observedHoldoutShare,
      ]);
    // Variant a's row: positive revenues of a and the control, [10, 20, 30, 1000]; type 7 median:
    // h = 3 * 0.5 = 1.5 -> 20 + 0.5 * (30 - 20) = 25. a: 10 + 25 - 40 = -5; control: 20 + 25 = 45.
    // Variant b's row: [5, 5, 20, 30] -> 5 + 0.5 * (20 - 5) = 12.5. b: 10; control: 12.5 + 12.5.
    // Both rows: 3 control persons, 2 converted, of 8 assigned (SRM share 3/8, counted once).
    expect(lifts(await sums(true), true)).toEqual([
      ['a', 25, -5, 3, 2, 45, 3 / 8],
      ['b', 12.5, 10, 3, 2, 25, 3 / 8],
    ]);
    // One row: [5, 5, 10, 20, 30, 1000] -> h = 2.5 -> 10 + 0.5 * (20 - 10) = 15.
    // Treatment: 10 + 15 - 40 + 5 + 5 = -5; control: 15 + 15 = 30.
    expect(lifts(await sums(false), false)).toEqual([[null, 15, -5, 3, 2, 30, 3 / 8]]);
  });

  it('measures guardrail types in place of success types when asked', async () => {
    const guard = await queryLiftSums(store.clickhouse, {
      tenantId: 'tenant-a',
      ...toPeriod(new Date('2026-10-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z')).params,
      triggerIds: ['t1'],
      outcomeTypes: ['signup'],
    });
    const global = guard.find((r) => r.arm === 'global_holdout');
    expect(global).toMatchObject({ persons: 1, conversions: 1, revenue: 7 });
  });

  it('breaks a tie at the first millisecond by the smaller firing id, as text', async () => {
    const same = '10-02T10:00:00.123';
    await seedRows(store.clickhouse, 'tenant-c', {
      triggers: [trigger],
      firings: [
        // 'f_1' < 'f_10': p1 is in variant a
        firing('f_10', 'p1', same, 'treatment', { variant: 'b' }),
        firing('f_1', 'p1', same, 'treatment', { variant: 'a' }),
        // 'g10' < 'g2' (text, not number): p2 is in variant a too
        firing('g2', 'p2', same, 'treatment', { variant: 'b' }),
        firing('g10', 'p2', same, 'treatment', { variant: 'a' }),
        // 'h_holdout' < 'h_treatment' at one instant: p3 is a holdout person, contaminated
        firing('h_treatment', 'p3', same, 'treatment', { variant: 'a' }),
        firing('h_holdout', 'p3', same, 'holdout'),
      ],
    });
    const tied = await queryLiftSums(store.clickhouse, {
      tenantId: 'tenant-c',
      ...toPeriod(new Date('2026-10-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z')).params,
      triggerIds: [],
    });
    const persons = (arm: string, variant: string) =>
      tied.find((r) => r.arm === arm && r.variant === variant);
    expect(persons('treatment', 'a')).toMatchObject({ persons: 2, contaminated: 0 });
    expect(persons('holdout', '')).toMatchObject({ persons: 0, contaminated: 1 });
    expect(tied).toHaveLength(2);
  });

  it('measures a trigger without a definition by the default success types and 7 days', async () => {
    await seedRows(store.clickhouse, 'tenant-d', {
      firings: undefinedFirings('tU', ['q1', 'q2'], ['q3', 'q4']),
      outcomes: [
        purchase('v1', 'q1', '10-08T23:59:59.999', 12, 'signup'), // a default type, inside 7 days
        purchase('v2', 'q2', '10-09T00:00:00.001', 8, 'conversion'), // 1 ms past 7 days
        purchase('v3', 'q3', '10-03T00:00:00', 5, 'refund'), // not a default success type
        purchase('v4', 'q4', '10-09T00:00:00', 3, 'purchase'), // exactly t0 + 7 days: inside
      ],
    });
    const measured = await queryLiftSums(store.clickhouse, {
      tenantId: 'tenant-d',
      ...toPeriod(new Date('2026-10-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z')).params,
      triggerIds: [],
    });
    const arm = (name: string) => measured.find((r) => r.trigger_id === 'tU' && r.arm === name);
    expect(arm('treatment')).toMatchObject({ persons: 2, conversions: 1, revenue: 12 });
    expect(arm('holdout')).toMatchObject({ persons: 2, conversions: 1, revenue: 3 });
    expect(measured).toHaveLength(2);
  });

  it('names a trigger without a definition by the channel its sent firings share, as latency does', async () => {
    // tWeb: both treated persons sent on web, its holdouts name no channel (never sent) → web;
    // tMix: one sent on web, one on sms → no one channel, ''
    const sentOn = (triggerId: string, person: string, channel: string) =>
      build.firing(`${triggerId}-${person}`, triggerId, person, '10-02T00:00:00', { channel });
    await seedRows(store.clickhouse, 'tenant-ch', {
      firings: [
        sentOn('tWeb', 'c1', 'web'),
        sentOn('tWeb', 'c2', 'web'),
        ...undefinedFirings('tWeb', [], ['c3']).map((f) => ({ ...f, firing_id: 'tWeb-c3' })),
        sentOn('tMix', 'c1', 'web'),
        sentOn('tMix', 'c2', 'sms'),
      ],
    });
    const rows = await new LiftService(store.clickhouse, store.config).report('tenant-ch', {
      from: new Date('2026-10-01T00:00:00Z'),
      to: new Date('2026-11-01T00:00:00Z'),
    });
    expect(rows.map((r) => [r.triggerId, r.channel])).toEqual([
      ['tMix', ''],
      ['tWeb', 'web'],
    ]);
  });

  it('reads a control whose revenue nets to 0 as 0, with no relative revenue lift', async () => {
    // the holdout's buyers spend 10.1 and 5.3 and return 15.4: exactly 0 in decimals, while
    // doubles leave −1.8e-15 (10.1 + 5.3 − 15.4), which read as a level gave a relative revenue
    // lift of the order of 1e16; the treated buyer spends 20, so the absolute lift is 20/2 − 0 = 10
    await seedRows(store.clickhouse, 'tenant-n', {
      firings: undefinedFirings('tN', ['r1', 'r2'], ['r3', 'r4']),
      outcomes: [
        purchase('w1', 'r1', '10-03T00:00:00', 20),
        purchase('w2', 'r3', '10-03T00:00:00', 10.1),
        purchase('w3', 'r3', '10-04T00:00:00', 5.3),
        purchase('w4', 'r4', '10-05T00:00:00', -15.4),
      ],
    });
    const service = new LiftService(store.clickhouse, store.config);
    const [row] = await service.report('tenant-n', {
      from: new Date('2026-10-01T00:00:00Z'),
      to: new Date('2026-11-01T00:00:00Z'),
    });
    expect(row.holdout).toMatchObject({ persons: 2, revenue: 0, revenuePerPerson: 0 });
    expect(row.revenueLift!.estimate).toBe(10);
    expect(row.revenueRelativeLift).toBeNull();
  });
});
