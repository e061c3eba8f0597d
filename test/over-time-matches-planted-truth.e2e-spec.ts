// The planted-truth test of the measures read over time (docs/design.md §7): a seeded demo program
// goes in through HTTP, and every point of liftOverTime, every step of conversionCurve and every
// bucket of triggerTrend read back through GraphQL must equal the answers libs/demo/
// truth-over-time.ts computes from the same rows with plain loops. Counts are compared exactly,
// intervals recomputed here from the truth's counts with the design's formulas (docs/design.md), to 1e-6.
// The demo's over-time block (libs/demo/over-time-block.ts) plants two shapes the reads must find:
// a lift that wears off over the month and a lift that shows only a day after the firing.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  OVER_TIME_PLANTED,
  conversionCurveTruth,
  expectedNoveltyRelativeLift,
  indexProgram,
  liftOverTimeTruth,
  overTimeDecisionSpan,
  triggerTrendTruth,
  type ArmCounts,
  type GeneratedProgram,
  type TruthIndex,
} from '../libs/demo/index.js';
import { gqlData } from './support/client.js';
import {
  apiWithPlantedProgram,
  DAY,
  near,
  Z_975,
  type Arm,
  type Interval,
} from './support/planted-truth.js';
import type { ApiProcess } from './support/processes.js';

/** docs/design.md §3.4: Δ = p_t − p_c ± z·√(p_t(1−p_t)/n_t + p_c(1−p_c)/n_c); null if an arm is empty. */
function absoluteLift(t: { persons: number; conversions: number }, c: typeof t) {
  if (t.persons === 0 || c.persons === 0) {
    return null;
  }
  const pt = t.conversions / t.persons;
  const pc = c.conversions / c.persons;
  const se = Math.sqrt((pt * (1 - pt)) / t.persons + (pc * (1 - pc)) / c.persons);
  return {
    estimate: near(pt - pc),
    low: near(pt - pc - Z_975 * se),
    high: near(pt - pc + Z_975 * se),
  };
}

/**
 * docs/design.md §3.4: Δ/p_c ± z·√(p_t(1−p_t)/(n_t·p_c²) + p_c(1−p_c)·p_t²/(n_c·p_c⁴)), the
 * delta-method interval of the relative lift.
 */
function relativeLift(t: { persons: number; conversions: number }, c: typeof t) {
  const pt = t.conversions / t.persons;
  const pc = c.conversions / c.persons;
  const se = Math.sqrt(
    (pt * (1 - pt)) / (t.persons * pc ** 2) + (pc * (1 - pc) * pt ** 2) / (c.persons * pc ** 4),
  );
  const estimate = (pt - pc) / pc;
  return {
    estimate: near(estimate),
    low: near(estimate - Z_975 * se),
    high: near(estimate + Z_975 * se),
  };
}

const arm = (counts: ArmCounts) => ({
  persons: counts.persons,
  conversions: counts.conversions,
  revenue: near(counts.revenue),
});

interface LiftPoint {
  asOf: string;
  treatment: Arm;
  holdout: Arm;
  contaminatedPersons: number;
  absoluteLift: Interval | null;
  verdict: string;
}

const LIFT_OVER_TIME = `query($triggerId: ID!, $from: DateTime!, $to: DateTime!, $granularity: Granularity) {
  liftOverTime(triggerId: $triggerId, from: $from, to: $to, granularity: $granularity) {
    asOf contaminatedPersons verdict
    treatment { persons conversions revenue } holdout { persons conversions revenue }
    absoluteLift { estimate low high }
  }
}`;

interface RelativePoint {
  asOf: string;
  relativeLift: Interval | null;
  absoluteLift: Interval | null;
  verdict: string;
}

const RELATIVE_OVER_TIME = `query($triggerId: ID!, $from: DateTime!, $to: DateTime!) {
  liftOverTime(triggerId: $triggerId, from: $from, to: $to) {
    asOf verdict relativeLift { estimate low high } absoluteLift { estimate low high }
  }
}`;

const CONVERSION_CURVE = `query($triggerId: ID!, $from: DateTime!, $to: DateTime!, $horizon: DateTime) {
  conversionCurve(triggerId: $triggerId, from: $from, to: $to, horizon: $horizon) {
    sinceMs treatmentPersons holdoutPersons treatmentConversions holdoutConversions
    absoluteLift { estimate low high }
  }
}`;

const TRIGGER_TREND = `query($from: DateTime!, $to: DateTime!, $granularity: Granularity) {
  triggerTrend(from: $from, to: $to, granularity: $granularity) {
    bucketStart triggerId sentFirings withinWindowRate p50Ms overwhelmed
    convertedThenTargeted nonCompliant
  }
}`;

describe('measures over time match the truth planted in a generated program', () => {
  let program: GeneratedProgram;
  let index: TruthIndex;
  let api: ApiProcess;
  let key: string;
  let from: number;
  let to: number;

  const read = <T>(query: string, variables: Record<string, unknown>): Promise<T> =>
    gqlData<T>(api.url, key, query, variables);
  const iso = (ms: number) => new Date(ms).toISOString();
  /** The trend truth as triggerTrend answers it. */
  const trendAnswer = (truth: ReturnType<typeof triggerTrendTruth>) =>
    truth.map((row) => ({
      ...row,
      bucketStart: iso(row.bucketStart),
      withinWindowRate: near(row.withinWindowRate),
      p50Ms: near(row.p50Ms),
    }));
  const { novelty, delayed } = OVER_TIME_PLANTED;
  /** The program's live triggers and the over-time block's two. */
  const measured = () => [...program.planted.liveTriggerIds, novelty.triggerId, delayed.triggerId];

  beforeAll(async () => {
    ({ program, api, key } = await apiWithPlantedProgram('over-time-truth'));
    index = indexProgram(program.rows, program.period);
    from = program.period.from.getTime();
    to = program.period.to.getTime();
  }, 150_000);

  afterAll(async () => {
    await api?.dispose();
  });

  it("liftOverTime: every daily point of the program's live triggers and the over-time block's (persons, conversions, revenue, interval)", async () => {
    for (const triggerId of measured()) {
      const { liftOverTime } = await read<{ liftOverTime: LiftPoint[] }>(LIFT_OVER_TIME, {
        triggerId,
        from: iso(from),
        to: iso(to),
      });
      const truth = liftOverTimeTruth(index, triggerId, from, to, DAY);
      expect(truth.length).toBeGreaterThan(20);
      expect(
        liftOverTime.map(({ verdict: _verdict, ...point }) => ({ triggerId, ...point })),
      ).toEqual(
        truth.map((point) => ({
          triggerId,
          asOf: iso(point.asOf),
          treatment: arm(point.treatment),
          holdout: arm(point.control),
          contaminatedPersons: point.contaminated,
          absoluteLift: absoluteLift(point.treatment, point.control),
        })),
      );
    }
  });

  it("liftOverTime's last point, on data with no outcome after to, equals liftReport", async () => {
    // `to` after every outcome of the program: nothing is left to arrive after the last point
    const end = Math.max(...index.outcomes.map((o) => o.at)) + 1;
    for (const triggerId of measured()) {
      const variables = { triggerId, from: iso(from), to: iso(end), granularity: 'WEEK' };
      const { liftOverTime } = await read<{ liftOverTime: LiftPoint[] }>(LIFT_OVER_TIME, variables);
      const { liftReport } = await read<{ liftReport: Omit<LiftPoint, 'asOf'>[] }>(
        `query($from: DateTime!, $to: DateTime!, $triggerIds: [ID!]) {
          liftReport(from: $from, to: $to, triggerIds: $triggerIds) {
            contaminatedPersons verdict
            treatment { persons conversions revenue } holdout { persons conversions revenue }
            absoluteLift { estimate low high }
          }
        }`,
        { from: iso(from), to: iso(end), triggerIds: [triggerId] },
      );
      const [report] = liftReport;
      // revenue sums may differ in the last bits with the order of addition
      const sameArm = (a: Arm) => ({ ...a, revenue: near(a.revenue) });
      expect(liftOverTime[liftOverTime.length - 1]).toEqual({
        asOf: iso(end),
        ...report,
        treatment: sameArm(report.treatment),
        holdout: sameArm(report.holdout),
      });
    }
  });

  it("conversionCurve: every step of the program's live triggers and the over-time block's, observed persons only", async () => {
    // a horizon inside the follow-up leaves late assignments out of the later steps
    const horizon = to + 2 * DAY;
    for (const triggerId of measured()) {
      const { conversionCurve } = await read<{
        conversionCurve: {
          sinceMs: number;
          treatmentPersons: number;
          holdoutPersons: number;
          treatmentConversions: number;
          holdoutConversions: number;
          absoluteLift: Interval | null;
        }[];
      }>(CONVERSION_CURVE, { triggerId, from: iso(from), to: iso(to), horizon: iso(horizon) });
      const truth = conversionCurveTruth(index, triggerId, from, to, horizon);
      expect(truth.length).toBeGreaterThan(0);
      expect(conversionCurve.map((step) => ({ triggerId, ...step }))).toEqual(
        truth.map((step) => ({
          triggerId,
          sinceMs: step.sinceMs,
          treatmentPersons: step.treatment.persons,
          holdoutPersons: step.control.persons,
          treatmentConversions: step.treatment.conversions,
          holdoutConversions: step.control.conversions,
          absoluteLift: absoluteLift(step.treatment, step.control),
        })),
      );
    }
  });

  it('triggerTrend: every daily bucket of every trigger', async () => {
    const { triggerTrend } = await read<{ triggerTrend: Record<string, unknown>[] }>(
      TRIGGER_TREND,
      {
        from: iso(from),
        to: iso(to),
      },
    );
    const truth = triggerTrendTruth(index, from, to, DAY);
    expect(truth.some((row) => row.overwhelmed > 0 && row.convertedThenTargeted > 0)).toBe(true);
    expect(truth.some((row) => row.nonCompliant > 0)).toBe(true);
    expect(triggerTrend).toEqual(trendAnswer(truth));
  });

  it('triggerTrend from the trend facts: once built, every bucket still matches the truth', async () => {
    const { buildTrendFacts } = await read<{ buildTrendFacts: { firings: number } }>(
      'mutation { buildTrendFacts { firings } }',
      {},
    );
    // every sent treatment firing of the tenant, each once
    const sent = new Set(index.firings.filter((f) => f.sent).map((f) => f.row.firing_id));
    expect(buildTrendFacts.firings).toBe(sent.size);
    // periods and steps not asked before: no answer kept from the streams' reading is served
    for (const [start, end, step, granularity] of [
      [from + DAY, to, DAY, 'DAY'],
      [from, from + 3 * DAY, DAY / 24, 'HOUR'],
    ] as const) {
      const { triggerTrend } = await read<{ triggerTrend: Record<string, unknown>[] }>(
        TRIGGER_TREND,
        { from: iso(start), to: iso(end), granularity },
      );
      const truth = triggerTrendTruth(index, start, end, step);
      expect(truth.length).toBeGreaterThan(10);
      expect(triggerTrend).toEqual(trendAnswer(truth));
    }
  });

  it('finds the planted novelty: the first week reads a far larger relative lift than the month', async () => {
    const { liftOverTime } = await read<{ liftOverTime: RelativePoint[] }>(RELATIVE_OVER_TIME, {
      triggerId: novelty.triggerId,
      from: iso(from),
      to: iso(to),
    });
    const truth = liftOverTimeTruth(index, novelty.triggerId, from, to, DAY);
    const [week, month] = [liftOverTime[6], liftOverTime[liftOverTime.length - 1]];
    expect([week.asOf, month.asOf]).toEqual([iso(from + 7 * DAY), iso(to)]);
    expect([week.relativeLift, month.relativeLift]).toEqual(
      [truth[6], truth[truth.length - 1]].map((p) => relativeLift(p.treatment, p.control)),
    );
    // expected from the planted numbers: the uplift 2^(−t/h) averaged over the persons decided in
    // the first week, and over all of the month's
    const { firstMs, lastMs } = overTimeDecisionSpan(to - from, novelty.conversionWindowMs);
    const expectedDrop =
      expectedNoveltyRelativeLift(firstMs, 7 * DAY) - expectedNoveltyRelativeLift(firstMs, lastMs);
    expect(expectedDrop).toBeGreaterThan(0.5);
    expect(week.relativeLift!.estimate - month.relativeLift!.estimate).toBeGreaterThan(
      expectedDrop / 2,
    );
    // worn off, not gone: the month's lift is still above 0
    expect(month.absoluteLift!.low).toBeGreaterThan(0);
    expect(month.verdict).toMatch(/significant$/);
  });

  it('finds the planted delay: no lift within the first day after the firing, a clear one after', async () => {
    // a horizon after every outcome: every assigned person is observed at every step
    const horizon = Math.max(...index.outcomes.map((o) => o.at)) + 1;
    const { conversionCurve } = await read<{
      conversionCurve: { sinceMs: number; absoluteLift: Interval }[];
    }>(CONVERSION_CURVE, {
      triggerId: delayed.triggerId,
      from: iso(from),
      to: iso(to),
      horizon: iso(horizon),
    });
    // a conversion window of 4 days: the default step is one day
    expect(conversionCurve.map((step) => step.sinceMs)).toEqual([DAY, 2 * DAY, 3 * DAY, 4 * DAY]);
    const [first, ...later] = conversionCurve.map((step) => step.absoluteLift);
    expect(delayed.delayMs).toBe(DAY);
    expect([first.low < 0, first.high > 0]).toEqual([true, true]);
    // the planted extra: the treated persons the base rate leaves, times the uplift
    const planted = (1 - delayed.baseRate) * delayed.uplift;
    for (const step of later) {
      expect(step.low).toBeGreaterThan(0);
      expect(step.estimate).toBeGreaterThan(planted / 2);
    }
  });
});
