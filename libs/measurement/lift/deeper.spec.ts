import { beforeAll, describe, expect, it } from '@jest/globals';
import { storeForSuite } from '../../storage/testing.js';
import { fixtureRows, seedRows } from '../common/testing.js';
import { TriggersRepository, TriggersService } from '../../triggers/index.js';
import { buildInteractions } from './deeper.calculator.js';
import { DeeperLiftService, type SegmentsRequest } from './deeper.service.js';
import type { SegmentedLift } from './models/segments.model.js';

const at = (iso: string) => `2026-${iso}Z`;
const build = fixtureRows(at);
const FROM = new Date('2026-10-01T00:00:00Z');
const TO = new Date('2026-10-15T00:00:00Z');

// Segments: t1 with 8 persons. Their first firings carry the tier (p8 none) and channel.
//   gold:   p1 T converted, p2 T, p3 H converted → treated 2 (1 conv), holdout 1 (1 conv)
//   silver: p4 T converted, p5 H, p6 H         → treated 1 (1 conv), holdout 2 (0 conv)
//   tier 3 (a number): p7 T                    → treated 1 (0 conv)
//   (none): p8 H converted                     → holdout 1 (1 conv)
// p1's later firing says 'silver': only the assignment (first) firing counts.
/** t1's assignment firing of a person on 10-02 carrying the tier, with other columns given. */
const tiered = (id: string, person: string, tier: string | number, columns: object = {}) =>
  build.firing(id, 't1', person, '10-02T00:00:00', { properties: { tier }, ...columns });
const segmentFirings = [
  tiered('s1', 'p1', 'gold', { channel: 'email' }),
  build.firing('s1b', 't1', 'p1', '10-03T00:00:00', { properties: { tier: 'silver' } }),
  tiered('s2', 'p2', 'gold', { channel: 'email' }),
  tiered('s3', 'p3', 'gold', { arm: 'holdout' }),
  tiered('s4', 'p4', 'silver', { channel: 'push' }),
  tiered('s5', 'p5', 'silver', { arm: 'holdout' }),
  tiered('s6', 'p6', 'silver', { arm: 'holdout' }),
  tiered('s7', 'p7', 3),
  build.firing('s8', 't1', 'p8', '10-02T00:00:00', { arm: 'holdout' }),
];
const segmentOutcomes = ['p1', 'p3', 'p4', 'p8'].map((person, index) =>
  build.outcome(`so${index}`, person, 'purchase', '10-04T00:00:00', { value: 10 }),
);

// Interactions: 160 persons assigned to both tA and tB, 40 per cell, each cell's A-conversions
// chosen: TT 10, TC 20, CT 8, CC 4 → interaction (0.25 − 0.2) − (0.5 − 0.1) = −0.35.
const CELLS = [
  ['treatment', 'treatment', 10],
  ['treatment', 'holdout', 20],
  ['holdout', 'treatment', 8],
  ['holdout', 'holdout', 4],
] as const;
const pairFirings: object[] = [];
const pairOutcomes: object[] = [];
CELLS.forEach(([armA, armB, converters], cell) => {
  for (let i = 0; i < 40; i += 1) {
    const person = `q${cell}-${i}`;
    pairFirings.push(build.firing(`a${cell}-${i}`, 'tA', person, '10-02T00:00:00', { arm: armA }));
    pairFirings.push(build.firing(`b${cell}-${i}`, 'tB', person, '10-02T01:00:00', { arm: armB }));
    if (i < converters) {
      pairOutcomes.push(build.outcome(`qo${cell}-${i}`, person, 'purchase', '10-03T00:00:00'));
    }
  }
});
// tC: 99 of those persons (each then assigned to three triggers): no pair with tC reported, and
// the tA–tB cells unchanged
for (let i = 0; i < 99; i += 1) {
  const person = `q${Math.floor(i / 40)}-${i % 40}`;
  pairFirings.push(build.firing(`c${i}`, 'tC', person, '10-02T02:00:00'));
}

// Variants: tv, a 50/50 split kept exactly. Treated: a 100 persons (30 convert), b 100 (50),
// c 50 (10); control 250 (25), with no variant of its own, as producers send a holdout firing.
const VARIANTS = [
  { variant: 'a', persons: 100, converters: 30 },
  { variant: 'b', persons: 100, converters: 50 },
  { variant: 'c', persons: 50, converters: 10 },
  { variant: '', persons: 250, converters: 25 },
];
const variantFirings: object[] = [];
const variantOutcomes: object[] = [];
for (const { variant, persons, converters } of VARIANTS) {
  for (let i = 0; i < persons; i += 1) {
    const person = `v${variant}-${i}`;
    const extra = variant === '' ? { arm: 'holdout' } : { variant };
    variantFirings.push(build.firing(`fv${variant}-${i}`, 'tv', person, '10-02T00:00:00', extra));
    if (i < converters) {
      variantOutcomes.push(
        build.outcome(`ov${variant}-${i}`, person, 'purchase', '10-02T00:30:00'),
      );
    }
  }
}

/** Each segment's name, treated persons and conversions, control persons and conversions. */
const countsOf = (result: SegmentedLift) =>
  result.segments.map((s) => [
    s.segment,
    s.treatment.persons,
    s.treatment.conversions,
    s.holdout.persons,
    s.holdout.conversions,
  ]);

describe('deeper statistics on the embedded engine', () => {
  const store = storeForSuite();
  let service: DeeperLiftService;

  beforeAll(async () => {
    await seedRows(store.clickhouse, 'tenant-a', {
      triggers: [
        build.trigger('t1', 'email'),
        build.trigger('tA', 'email'),
        build.trigger('tB', 'push'),
      ],
      firings: [...segmentFirings, ...pairFirings],
      outcomes: [...segmentOutcomes, ...pairOutcomes],
    });
    await seedRows(store.clickhouse, 'tenant-v', {
      triggers: [build.trigger('tv', 'push', { holdout_pct: 0.5 })],
      firings: variantFirings,
      outcomes: variantOutcomes,
    });
    service = new DeeperLiftService(store.clickhouse);
  });

  /** One trigger's segments over the suite's period. */
  const segmentsOf = (
    tenantId: string,
    triggerId: string,
    by: SegmentsRequest['by'],
    extra: Partial<SegmentsRequest> = {},
  ) => service.segments(tenantId, { triggerId, from: FROM, to: TO, by, ...extra });

  it('segments by a firing property, read from the assignment firing', async () => {
    const result = await segmentsOf('tenant-a', 't1', 'property', { property: 'tier' });
    expect(result.by).toBe('property:tier');
    expect(countsOf(result)).toEqual([
      ['gold', 2, 1, 1, 1],
      ['silver', 1, 1, 2, 0],
      ['(none)', 0, 0, 1, 1],
      ['3', 1, 0, 0, 0],
    ]);
  });

  it('pools the segments beyond maxSegments as (other)', async () => {
    const result = await segmentsOf('tenant-a', 't1', 'property', {
      property: 'tier',
      maxSegments: 2,
    });
    expect(result.segments.map((s) => [s.segment, s.treatment.persons, s.holdout.persons])).toEqual(
      [
        ['gold', 2, 1],
        ['silver', 1, 2],
        ['(other)', 1, 1],
      ],
    );
  });

  it('segments by variant as liftReport by VARIANT: each against the whole control group', async () => {
    const result = await segmentsOf('tenant-v', 'tv', 'variant');
    expect(countsOf(result)).toEqual([
      ['a', 100, 30, 250, 25],
      ['b', 100, 50, 250, 25],
      ['c', 50, 10, 250, 25],
    ]);
    // the split is the whole trigger's, 250 treated to 250 control as declared: no SRM caveat
    expect(result.segments.map((segment) => segment.verdict.split(' [')[0])).toEqual([
      '+20.00 pts',
      '+40.00 pts',
      'too little data: 50 treated persons (at least 100 per arm needed)',
    ]);
    result.segments.forEach((segment, i) => {
      expect(segment.absoluteLift?.estimate).toBeCloseTo([0.2, 0.4, 0.1][i], 12);
    });
    // the shared control cancels from every difference of lifts: Cochran's Q over the treated
    // rates, w = n/(p(1 − p)), df 2, p = e^(−Q/2)
    const rates = [
      { p: 0.3, n: 100 },
      { p: 0.5, n: 100 },
      { p: 0.2, n: 50 },
    ];
    const weights = rates.map(({ p, n }) => n / (p * (1 - p)));
    const pooled =
      rates.reduce((sum, { p }, i) => sum + weights[i] * p, 0) / weights.reduce((a, b) => a + b, 0);
    const q = rates.reduce((sum, { p }, i) => sum + weights[i] * (p - pooled) ** 2, 0);
    expect(result.heterogeneity?.q).toBeCloseTo(q, 10);
    expect(result.heterogeneity?.df).toBe(2);
    expect(result.heterogeneity?.pValue).toBeCloseTo(Math.exp(-q / 2), 12);
    // empirical Bayes over the treated rates (μ their mean, τ² = max(0, s² − mean se²)); the
    // shrunk lift is the posterior rate less the control's 0.1, its variance the posterior's plus
    // the control rate's 0.1·0.9/250. The posterior's: 1/precision, plus what μ's own variance
    // (τ² + mean se²)/3 = s²/3 (a mean of 3) adds through its weight B = (1/τ²)/precision.
    const se2 = rates.map(({ p, n }) => (p * (1 - p)) / n);
    const mu = (0.3 + 0.5 + 0.2) / 3;
    const s2 = rates.reduce((sum, { p }) => sum + (p - mu) ** 2, 0) / 2;
    const tau2 = s2 - se2.reduce((a, b) => a + b, 0) / 3;
    expect(tau2).toBeGreaterThan(0);
    result.segments.forEach((segment, i) => {
      const precision = 1 / se2[i] + 1 / tau2;
      const mean = (rates[i].p / se2[i] + mu / tau2) / precision;
      const weightOfMu = 1 / tau2 / precision;
      const posteriorVariance = 1 / precision + weightOfMu ** 2 * (s2 / 3);
      const halfWidth = 1.959963984540054 * Math.sqrt(posteriorVariance + (0.1 * 0.9) / 250);
      expect(segment.shrunkLift?.estimate).toBeCloseTo(mean - 0.1, 12);
      expect(segment.shrunkLift?.high).toBeCloseTo(mean - 0.1 + halfWidth, 9);
    });
  });

  it('segments by channel, (none) where the firing has none', async () => {
    const result = await segmentsOf('tenant-a', 't1', 'channel');
    expect(
      result.segments.map((s) => [s.segment, s.treatment.persons + s.holdout.persons]),
    ).toEqual([
      ['(none)', 5],
      ['email', 2],
      ['push', 1],
    ]);
  });

  it('names the property names of the firings, most used first', async () => {
    // s1, s1b, s2 … s7 carry a tier; s8 and the pair's firings none
    expect(
      await service.firingPropertyKeys('tenant-a', {
        from: FROM,
        to: TO,
        triggerIds: [],
        limit: 5,
      }),
    ).toEqual([{ property: 'tier', firings: 8 }]);
    expect(
      await service.firingPropertyKeys('tenant-a', {
        from: FROM,
        to: TO,
        triggerIds: ['tA'],
        limit: 5,
      }),
    ).toEqual([]);
  });

  it('segments several triggers in one statement as it segments each alone', async () => {
    const request = { from: FROM, to: TO, by: 'property' as const, property: 'tier' };
    const together = await service.segmentsOfTriggers('tenant-a', {
      ...request,
      triggerIds: ['t1', 'tA', 'never-fired'],
    });
    expect(together.map((answer) => answer.triggerId)).toEqual(['t1', 'tA']);
    expect(together).toEqual([
      await service.segments('tenant-a', { ...request, triggerId: 't1' }),
      await service.segments('tenant-a', { ...request, triggerId: 'tA' }),
    ]);
    // tA's firings carry no tier: every person in (none)
    expect(
      together[1].segments.map((s) => [s.segment, s.treatment.persons + s.holdout.persons]),
    ).toEqual([['(none)', 160]]);
  });

  it('refuses a property segment without a property', async () => {
    await expect(
      service.segments('tenant-a', { triggerId: 't1', from: FROM, to: TO, by: 'property' }),
    ).rejects.toThrow(/property must name a firing property/);
  });

  it('reports each ordered pair with enough overlap, with its 2×2 and interaction', async () => {
    const result = await service.interactions('tenant-a', { from: FROM, to: TO });
    expect(result.map((r) => [r.triggerA, r.triggerB, r.overlapPersons])).toEqual([
      ['tA', 'tB', 160],
      ['tB', 'tA', 160],
    ]);
    const ab = result[0];
    expect(ab.cells.map((c) => [c.armA, c.armB, c.persons, c.conversions])).toEqual([
      ['treatment', 'treatment', 40, 10],
      ['treatment', 'control', 40, 20],
      ['control', 'treatment', 40, 8],
      ['control', 'control', 40, 4],
    ]);
    // (10/40 − 8/40) − (20/40 − 4/40) = −0.35; SE² = Σ p(1−p)/40
    const se = Math.sqrt((0.25 * 0.75 + 0.5 * 0.5 + 0.2 * 0.8 + 0.1 * 0.9) / 40);
    expect(ab.interaction!.estimate).toBeCloseTo(-0.35, 12);
    expect(ab.interaction!.high).toBeCloseTo(-0.35 + 1.959963984540054 * se, 9);
    // arms drawn independently here: 40 in every cell, χ² = 0, p = 1
    expect(ab.assignmentPValue).toBeCloseTo(1, 12);
    // 4 converters in the control/control cell: too few for its p(1−p)/n to be read
    expect(ab.verdict).toBe(
      'too little data: 4 conversions among the 40 persons of the control/control cell (each cell needs at least 5 persons who convert and 5 who do not)',
    );
  });

  it('plans a holdout from the period', async () => {
    const plan = await service.holdoutPlan('tenant-a', {
      triggerId: 'tA',
      from: FROM,
      to: TO,
      relativeMde: 0.1,
    });
    // tA: 80 treated, 80 control with 12 conversions → p = 0.15, h = 0.5, 160 persons / 14 days
    expect(plan.baselineRate).toBeCloseTo(0.15, 12);
    expect(plan.holdoutShare).toBeCloseTo(0.5, 12);
    expect(plan.personsPerDay).toBeCloseTo(160 / 14, 12);
    const z = 1.959963984540054 + 0.8416212335729143;
    expect(plan.currentMde!).toBeCloseTo((z * Math.sqrt(0.15 * 0.85 * (2 / 80))) / 0.15, 9);
    expect(plan.daysToDetect!).toBeCloseTo(
      (z * z * 0.15 * 0.85 * 4) / (0.015 ** 2 * (160 / 14)),
      6,
    );
  });

  it('refuses a trigger id no definition nor firing of the period carries, naming the one meant', async () => {
    const triggers = new TriggersService(new TriggersRepository(store.clickhouse), store.config);
    const checked = new DeeperLiftService(store.clickhouse, triggers);
    const period = { from: FROM, to: TO };
    await expect(
      checked.holdoutPlan('tenant-v', { ...period, triggerId: 'tw', relativeMde: 0.1 }),
    ).rejects.toThrow(
      "no trigger 'tw' here: no definition of the tenant has that id, and no firing of it was decided in [from, to); did you mean 'tv'?",
    );
    await expect(
      checked.segments('tenant-a', { ...period, triggerId: 'nothing-like-it', by: 'channel' }),
    ).rejects.toThrow(
      "no trigger 'nothing-like-it' here: no definition of the tenant has that id, and no firing of it was decided in [from, to)",
    );
    // a defined trigger with no firing in the period reads as one with no one in it
    const quiet = { from: new Date('2026-06-01T00:00:00Z'), to: new Date('2026-06-03T00:00:00Z') };
    const empty = await checked.segments('tenant-v', { ...quiet, triggerId: 'tv', by: 'channel' });
    expect(empty.segments).toEqual([]);
    const plan = await checked.holdoutPlan('tenant-v', {
      ...quiet,
      triggerId: 'tv',
      relativeMde: 0.1,
    });
    expect(plan.personsPerDay).toBe(0);
  });
});

describe('the reading of an interaction', () => {
  // one cell of the 2×2 of triggers a and b; a tenth of its persons convert
  const cell = (treatedA: number, treatedB: number, persons: number) => ({
    trigger_a: 'a',
    trigger_b: 'b',
    treated_a: treatedA,
    treated_b: treatedB,
    persons,
    conversions: Math.round(persons / 10),
  });
  // the verdict of a 2×2 given as [persons, conversions] of TT, TC, CT and CC
  const verdictOf = (...cells: [number, number][]) => {
    const arms = [
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
    ];
    const rows = cells.map(([persons, conversions], i) => ({
      ...cell(arms[i][0], arms[i][1], persons),
      conversions,
    }));
    return buildInteractions(rows, 0.95)[0].verdict;
  };

  it('distrusts a pair whose holdouts were drawn together, printing p as verdicts do', () => {
    // a shared holdout: every person is in the same arm of both triggers, 100 each way
    const [pair] = buildInteractions([cell(1, 1, 100), cell(0, 0, 100)], 0.95);
    expect(pair.verdict).toBe(
      'do not trust: the two holdouts were not drawn independently (p < 0.0001), e.g. a shared holdout',
    );
  });

  it('reads an interaction whose cells can carry it', () => {
    // TT 40/400, TC 80/400, CT 40/400, CC 40/400: (0.1 − 0.1) − (0.2 − 0.1) = −0.1;
    // SE = √((3·0.1·0.9 + 0.2·0.8)/400) = 0.03278719262151001, 95 %: [−0.16426, −0.03574]
    expect(verdictOf([400, 40], [400, 80], [400, 40], [400, 40])).toBe(
      '-10.00 pts [-16.43, -3.57]: the lift is smaller when b also acts (the effects do not add)',
    );
  });

  it('says too little data when a cell is too small to carry its rate, however narrow the interval', () => {
    // TT 891/89, TC 99/10, CT 9/0, CC 1/1, drawn independently (χ² = 0): (89/891 − 0) −
    // (10/99 − 1) = +0.99888 with SE √(89/891·802/891/891 + 10/99·89/99/99 + 0 + 0) = 0.0319,
    // an interval of [93.63, 106.14] pts that rests on one person and nine who never convert
    expect(verdictOf([891, 89], [99, 10], [9, 0], [1, 1])).toBe(
      'too little data: 0 conversions among the 9 persons of the control/treatment cell (each cell needs at least 5 persons who convert and 5 who do not)',
    );
    // a cell where all but a few convert is as thin: 396 of 400
    expect(verdictOf([400, 40], [400, 80], [400, 396], [400, 40])).toBe(
      'too little data: 4 persons without a conversion among the 400 of the control/treatment cell (each cell needs at least 5 persons who convert and 5 who do not)',
    );
  });

  it('never prints a p-value under 0.001 that distrusts the pair as 0.0010', () => {
    // persons 58 | 86 / 86 | 58: every expected count is 72, χ² = 4·14²/72 = 10.889 on 1 df,
    // p = 2(1 − Φ(√10.889 = 3.2998)) = 0.000967: under 0.001, and 0.0010 at four decimals
    const [pair] = buildInteractions(
      [cell(1, 1, 58), cell(1, 0, 86), cell(0, 1, 86), cell(0, 0, 58)],
      0.95,
    );
    expect(pair.verdict).toBe(
      'do not trust: the two holdouts were not drawn independently (p = 0.00097), e.g. a shared holdout',
    );
  });
});
