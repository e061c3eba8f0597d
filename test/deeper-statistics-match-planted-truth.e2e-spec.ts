// The deeper statistics (docs/design.md §9) against the truth planted in a generated program: the
// program goes in through HTTP, liftSegments, capped liftReport, holdoutPlan and
// triggerInteractions are read back through GraphQL and compared with libs/demo/truth-deeper.ts,
// which counts from the same rows with plain loops; statistics are recomputed here from those
// counts with the design's formulas (docs/design.md), never with the code under test. Then the planted effects must be
// found: the tier trigger flagged heterogeneous, the pair's interaction below 0, and capping
// changing the revenue verdict of the trigger with the very large orders.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  armsTruth,
  cappedRevenueTruth,
  computeDeeperTruth,
  interactionTruth,
  plantedDeeperFacts,
  segmentTruth,
  type CountsTruth,
  type DeeperTruth,
  type GeneratedProgram,
} from '../libs/demo/index.js';
import { gqlData } from './support/client.js';
import {
  absoluteEffect,
  apiWithPlantedProgram,
  DAY,
  segmentCheck,
  TOLERANCE,
  Z_975,
  type Arm,
  type Interval,
} from './support/planted-truth.js';
import type { ApiProcess } from './support/processes.js';

const Z_080 = 0.8416212335729143;

const close = (received: number | null, expected: number, tolerance = TOLERANCE): void => {
  expect({
    received,
    expected,
    ok: received !== null && Math.abs(received - expected) <= tolerance,
  }).toEqual({
    received,
    expected,
    ok: true,
  });
};

/** Welch's difference of revenue per person, docs/design.md §3.4, from the sums. */
function welch(t: CountsTruth, c: CountsTruth) {
  const moments = (a: CountsTruth) => {
    const mean = a.revenue / a.persons;
    return { mean, variance: (a.revenueSumOfSquares - a.revenue * mean) / (a.persons - 1) };
  };
  const [mt, mc] = [moments(t), moments(c)];
  const estimate = mt.mean - mc.mean;
  const se = Math.sqrt(mt.variance / t.persons + mc.variance / c.persons);
  return { estimate, low: estimate - Z_975 * se, high: estimate + Z_975 * se };
}

describe('deeper statistics match the truth planted in a generated program', () => {
  let program: GeneratedProgram;
  let truth: DeeperTruth;
  let api: ApiProcess;
  let key: string;
  let period: { from: string; to: string };
  const planted = plantedDeeperFacts();
  const read = <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> =>
    gqlData<T>(api.url, key, query, { ...period, ...variables });

  beforeAll(async () => {
    ({ program, api, key } = await apiWithPlantedProgram('deeper-truth'));
    truth = computeDeeperTruth(program.rows, program.period);
    period = { from: program.period.from.toISOString(), to: program.period.to.toISOString() };
  }, 150_000);

  afterAll(async () => {
    await api?.dispose();
  });

  it('segments the tier trigger by its tier property exactly, and flags it heterogeneous', async () => {
    const { triggerId, property, respondingTier } = planted.heterogeneousTrigger;
    const data = await read<{
      liftSegments: {
        by: string;
        segments: {
          segment: string;
          treatment: Arm;
          holdout: Arm;
          absoluteLift: Interval;
          shrunkLift: Interval | null;
          qValue: number;
        }[];
        heterogeneity: { q: number; df: number; pValue: number; flagged: boolean };
      };
    }>(
      `query($from: DateTime!, $to: DateTime!, $triggerId: ID!, $property: String) {
        liftSegments(triggerId: $triggerId, from: $from, to: $to, by: PROPERTY, property: $property) {
          by segments { segment qValue treatment { persons conversions revenue } holdout { persons conversions revenue }
            absoluteLift { estimate low high } shrunkLift { estimate low high } }
          heterogeneity { q df pValue flagged }
        }
      }`,
      { triggerId, property },
    );
    const expected = segmentTruth(truth, triggerId, 'property', property, 20);
    const got = data.liftSegments;
    expect(got.by).toBe(`property:${property}`);
    expect(
      got.segments.map((s) => [
        s.segment,
        s.treatment.persons,
        s.treatment.conversions,
        s.holdout.persons,
        s.holdout.conversions,
      ]),
    ).toEqual(
      expected.map((s) => [
        s.segment,
        s.treatment.persons,
        s.treatment.converters,
        s.control.persons,
        s.control.converters,
      ]),
    );
    // Cochran's Q and the empirical-Bayes posteriors over the three segments (docs/design.md §9),
    // recomputed from the truth's counts by segmentCheck; three segments: df 2, p = e^(−Q/2)
    const effects = expected.map((s) => absoluteEffect(s.treatment, s.control)!);
    const check = segmentCheck(effects)!;
    expect(expected).toHaveLength(3);
    close(got.heterogeneity.q, check.q);
    expect(got.heterogeneity.df).toBe(2);
    close(got.heterogeneity.pValue, check.pValue, 1e-9);
    got.segments.forEach((s, i) => {
      close(s.absoluteLift.estimate, effects[i].estimate);
      close(s.absoluteLift.low, effects[i].estimate - Z_975 * effects[i].se);
    });
    // each segment shrunk toward μ, with τ² above 0 (the normal–normal posterior, not μ alone)
    expect(check.tau2).toBeGreaterThan(0);
    got.segments.forEach((s, i) => {
      close(s.shrunkLift!.estimate, check.shrunk[i]!.estimate);
      close(s.shrunkLift!.high, check.shrunk[i]!.high);
    });
    // the planted effect is found: flagged, and only the responding tier's interval above 0
    expect(got.heterogeneity.flagged).toBe(true);
    expect(got.segments.filter((s) => s.absoluteLift.low > 0).map((s) => s.segment)).toEqual([
      respondingTier,
    ]);
  });

  it('segments a trigger by variant exactly: each variant against the whole control group', async () => {
    const srm = new Set(program.planted.srmTriggers.map((t) => t.triggerId));
    const [triggerId, variants] = Object.entries(program.planted.variants).find(
      ([id]) => !srm.has(id),
    )!;
    const data = await read<{
      liftSegments: {
        segments: {
          segment: string;
          treatment: Arm;
          holdout: Arm;
          absoluteLift: Interval;
          verdict: string;
        }[];
        heterogeneity: { q: number; df: number };
      };
    }>(
      `query($from: DateTime!, $to: DateTime!, $triggerId: ID!) {
        liftSegments(triggerId: $triggerId, from: $from, to: $to, by: VARIANT) {
          segments { segment verdict treatment { persons conversions revenue } holdout { persons conversions revenue }
            absoluteLift { estimate low high } }
          heterogeneity { q df }
        }
      }`,
      { triggerId },
    );
    const expected = segmentTruth(truth, triggerId, 'variant', undefined, 20);
    const got = data.liftSegments;
    const counts = (t: { persons: number; converters: number }, c: typeof t) => [
      t.persons,
      t.converters,
      c.persons,
      c.converters,
    ];
    expect(got.segments.map((s) => s.segment).sort()).toEqual([...variants].sort());
    expect(
      got.segments.map((s) => [
        s.segment,
        ...counts(
          { persons: s.treatment.persons, converters: s.treatment.conversions },
          { persons: s.holdout.persons, converters: s.holdout.conversions },
        ),
      ]),
    ).toEqual(expected.map((s) => [s.segment, ...counts(s.treatment, s.control)]));
    got.segments.forEach((s, i) => {
      close(
        s.absoluteLift.estimate,
        absoluteEffect(expected[i].treatment, expected[i].control)!.estimate,
      );
      expect(s.verdict).not.toMatch(/^SRM/);
    });
    // the control is shared: Cochran's Q over the treated rates, w = n/(p(1 − p))
    const rates = expected.map((s) => ({
      p: s.treatment.converters / s.treatment.persons,
      n: s.treatment.persons,
    }));
    const weights = rates.map(({ p, n }) => n / (p * (1 - p)));
    const pooled =
      rates.reduce((sum, { p }, i) => sum + weights[i] * p, 0) / weights.reduce((a, b) => a + b, 0);
    close(
      got.heterogeneity.q,
      rates.reduce((sum, { p }, i) => sum + weights[i] * (p - pooled) ** 2, 0),
    );
    expect(got.heterogeneity.df).toBe(variants.length - 1);
  });

  it('caps revenue at the 99th percentile exactly, and capping changes the revenue verdict', async () => {
    const { triggerId } = planted.outlierTrigger;
    const query = `query($from: DateTime!, $to: DateTime!, $ids: [ID!], $cap: RevenueCapInput) {
      liftReport(from: $from, to: $to, triggerIds: $ids, revenueCap: $cap) {
        revenueCapValue treatment { persons conversions revenue } holdout { persons conversions revenue }
        revenueLift { estimate low high } incrementalRevenue { estimate }
      }
    }`;
    type Row = {
      revenueCapValue: number | null;
      treatment: Arm;
      holdout: Arm;
      revenueLift: Interval;
      incrementalRevenue: Interval;
    };
    const plain = (await read<{ liftReport: Row[] }>(query, { ids: [triggerId] })).liftReport[0];
    const capped = (
      await read<{ liftReport: Row[] }>(query, { ids: [triggerId], cap: { percentile: 99 } })
    ).liftReport[0];
    const arms = armsTruth(truth, triggerId);
    const cappedTruth = cappedRevenueTruth(truth, triggerId, 99);
    expect(plain.revenueCapValue).toBeNull();
    close(plain.treatment.revenue, arms.treatment.revenue, 1e-4);
    close(capped.revenueCapValue, cappedTruth.cap);
    close(capped.treatment.revenue, cappedTruth.treatment.revenue, 1e-4);
    close(capped.holdout.revenue, cappedTruth.control.revenue, 1e-4);
    const plainLift = welch(arms.treatment, arms.control);
    const cappedLift = welch(cappedTruth.treatment, cappedTruth.control);
    close(plain.revenueLift.low, plainLift.low);
    close(capped.revenueLift.estimate, cappedLift.estimate);
    close(capped.revenueLift.low, cappedLift.low);
    close(
      capped.incrementalRevenue.estimate,
      cappedLift.estimate * cappedTruth.treatment.persons,
      1e-3,
    );
    // planted: the large orders hide the lift (interval across 0); capped, it is significant
    expect([
      plain.revenueLift.low < 0 && plain.revenueLift.high > 0,
      capped.revenueLift.low > 0,
    ]).toEqual([true, true]);
  });

  it('plans the holdout by docs/design.md §9', async () => {
    const { triggerId } = planted.heterogeneousTrigger;
    const data = await read<{
      holdoutPlan: {
        baselineRate: number;
        personsPerDay: number;
        holdoutShare: number;
        currentMde: number;
        daysToDetect: number;
        requiredHoldoutShareIn28Days: number | null;
      };
    }>(
      `query($from: DateTime!, $to: DateTime!, $triggerId: ID!) {
        holdoutPlan(triggerId: $triggerId, from: $from, to: $to, relativeMde: 0.1) {
          baselineRate personsPerDay holdoutShare currentMde daysToDetect requiredHoldoutShareIn28Days
        }
      }`,
      { triggerId },
    );
    const { treatment, control } = armsTruth(truth, triggerId);
    const n = treatment.persons + control.persons;
    const p = control.converters / control.persons;
    const h = control.persons / n;
    const days = (program.period.to.getTime() - program.period.from.getTime()) / DAY;
    const z = Z_975 + Z_080;
    const plan = data.holdoutPlan;
    close(plan.baselineRate, p);
    close(plan.holdoutShare, h);
    close(plan.personsPerDay, n / days);
    close(plan.currentMde, (z * Math.sqrt(p * (1 - p) * (1 / (n * h) + 1 / (n * (1 - h))))) / p);
    close(
      plan.daysToDetect,
      (z * z * p * (1 - p) * (1 / h + 1 / (1 - h))) / ((p * 0.1) ** 2 * (n / days)),
      1e-6,
    );
    const k = ((p * 0.1) ** 2 * 28 * (n / days)) / (z * z * p * (1 - p));
    if (k >= 4) {
      close(plan.requiredHoldoutShareIn28Days, (1 - Math.sqrt(1 - 4 / k)) / 2);
    } else {
      expect(plan.requiredHoldoutShareIn28Days).toBeNull();
    }
  });

  it('gives every pair of triggers with 100 shared persons its exact 2×2, and finds the planted interaction', async () => {
    const data = await read<{
      triggerInteractions: {
        triggerA: string;
        triggerB: string;
        overlapPersons: number;
        cells: { armA: string; armB: string; persons: number; conversions: number }[];
        assignmentPValue: number | null;
        interaction: Interval | null;
      }[];
    }>(`query($from: DateTime!, $to: DateTime!) {
      triggerInteractions(from: $from, to: $to) {
        triggerA triggerB overlapPersons assignmentPValue
        cells { armA armB persons conversions } interaction { estimate low high }
      }
    }`);
    const expected = interactionTruth(truth, 100);
    const got = data.triggerInteractions;
    expect(
      got.map((r) => [r.triggerA, r.triggerB, r.cells.map((c) => [c.persons, c.conversions])]),
    ).toEqual(
      expected.map((e) => [e.triggerA, e.triggerB, e.cells.map((c) => [c.persons, c.converters])]),
    );
    for (const [index, e] of expected.entries()) {
      if (e.cells.some((c) => c.persons === 0)) {
        continue;
      }
      const rate = e.cells.map((c) => c.converters / c.persons);
      const estimate = rate[0] - rate[2] - (rate[1] - rate[3]);
      const se = Math.sqrt(
        e.cells.reduce((sum, c, i) => sum + (rate[i] * (1 - rate[i])) / c.persons, 0),
      );
      close(got[index].interaction!.estimate, estimate);
      close(got[index].interaction!.high, estimate + Z_975 * se);
    }
    const { triggerA, triggerB } = planted.interactingPair;
    const pair = got.find((r) => r.triggerA === triggerA && r.triggerB === triggerB)!;
    // planted: the effects do not add, so A's lift is smaller when B acts; holdouts independent
    expect([pair.interaction!.high < 0, (pair.assignmentPValue ?? 0) > 0.001]).toEqual([
      true,
      true,
    ]);
  });

  it('answers Bayesian lifts with an empirical prior over the report', async () => {
    const data = await read<{
      liftReport: {
        triggerId: string;
        method: string;
        chanceToWin: number | null;
        risk: { control: number; treatment: number } | null;
      }[];
    }>(`query($from: DateTime!, $to: DateTime!) {
      liftReport(from: $from, to: $to, method: BAYESIAN, prior: { empirical: true }) {
        triggerId method chanceToWin risk { control treatment }
      }
    }`);
    const tier = data.liftReport.find(
      (r) => r.triggerId === planted.heterogeneousTrigger.triggerId,
    )!;
    expect(tier.method).toBe('bayesian');
    expect(tier.chanceToWin!).toBeGreaterThan(0.99);
    expect(tier.risk!.treatment).toBeLessThan(tier.risk!.control);
  });
});
