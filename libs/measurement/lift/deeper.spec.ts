import { beforeAll, describe, expect, it } from '@jest/globals';
import { storeForSuite } from '../../storage/testing.js';
import { fixtureRows, seedRows } from '../common/testing.js';
import { DeeperLiftService } from './deeper.service.js';

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
const segmentFirings = [
  build.firing('s1', 't1', 'p1', '10-02T00:00:00', {
    properties: { tier: 'gold' },
    channel: 'email',
  }),
  build.firing('s1b', 't1', 'p1', '10-03T00:00:00', { properties: { tier: 'silver' } }),
  build.firing('s2', 't1', 'p2', '10-02T00:00:00', {
    properties: { tier: 'gold' },
    channel: 'email',
  }),
  build.firing('s3', 't1', 'p3', '10-02T00:00:00', {
    arm: 'holdout',
    properties: { tier: 'gold' },
  }),
  build.firing('s4', 't1', 'p4', '10-02T00:00:00', {
    properties: { tier: 'silver' },
    channel: 'push',
  }),
  build.firing('s5', 't1', 'p5', '10-02T00:00:00', {
    arm: 'holdout',
    properties: { tier: 'silver' },
  }),
  build.firing('s6', 't1', 'p6', '10-02T00:00:00', {
    arm: 'holdout',
    properties: { tier: 'silver' },
  }),
  build.firing('s7', 't1', 'p7', '10-02T00:00:00', { properties: { tier: 3 } }),
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
    service = new DeeperLiftService(store.clickhouse);
  });

  it('segments by a firing property, read from the assignment firing', async () => {
    const result = await service.segments('tenant-a', {
      triggerId: 't1',
      from: FROM,
      to: TO,
      by: 'property',
      property: 'tier',
    });
    expect(result.by).toBe('property:tier');
    const view = result.segments.map((s) => [
      s.segment,
      s.treatment.persons,
      s.treatment.conversions,
      s.holdout.persons,
      s.holdout.conversions,
    ]);
    expect(view).toEqual([
      ['gold', 2, 1, 1, 1],
      ['silver', 1, 1, 2, 0],
      ['(none)', 0, 0, 1, 1],
      ['3', 1, 0, 0, 0],
    ]);
  });

  it('pools the segments beyond maxSegments as (other)', async () => {
    const result = await service.segments('tenant-a', {
      triggerId: 't1',
      from: FROM,
      to: TO,
      by: 'property',
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

  it('segments by channel, (none) where the firing has none', async () => {
    const result = await service.segments('tenant-a', {
      triggerId: 't1',
      from: FROM,
      to: TO,
      by: 'channel',
    });
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
    expect(ab.verdict).toMatch(/do not add/);
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
});
