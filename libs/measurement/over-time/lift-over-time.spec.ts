import { beforeAll, describe, expect, it } from '@jest/globals';
import { storeForSuite } from '../../storage/testing.js';
import { fixtureRows, seedRows } from '../common/testing.js';
import { buildAssignmentRollup } from '../lift/assignment-rollup.js';
import { LiftService } from '../lift/lift.service.js';
import { Granularity } from './granularity.js';
import type { LiftPoint } from './models/lift-point.model.js';
import { OverTimeService } from './over-time.service.js';

const DAY = 86_400_000;
const at = (iso: string) => `2026-${iso}Z`;
const build = fixtureRows(at);
const firing = (id: string, person: string, decided: string, arm: string) =>
  build.firing(id, 't1', person, decided, { arm });
const purchase = (id: string, person: string, when: string, value: number) =>
  build.outcome(id, person, 'purchase', when, { value });

const trigger = build.trigger('t1', 'push', { conversion_window_ms: 7 * DAY, holdout_pct: 0.5 });
const firings = [
  firing('f1', 'p1', '10-01T10:00:00', 'treatment'),
  firing('f2', 'p2', '10-01T12:00:00', 'treatment'),
  firing('f3', 'p3', '10-01T08:00:00', 'holdout'),
  firing('f3b', 'p3', '10-02T12:00:00', 'treatment'), // contaminated from 10-02T12 on
  firing('f4', 'p4', '10-02T03:00:00', 'holdout'),
  firing('f5', 'p5', '10-03T00:00:00', 'treatment'), // t0 = the second instant: not in it
  firing('f6a', 'p6', '09-30T00:00:00', 'holdout'), // before from
  firing('f6', 'p6', '10-02T00:00:00', 'holdout'), // t0 = the first instant: not in it
];
const outcomes = [
  purchase('o1', 'p1', '10-02T05:00:00', 50),
  purchase('o2', 'p2', '10-01T20:00:00', 30),
  purchase('o2b', 'p2', '10-03T01:00:00', 20),
  purchase('o4', 'p4', '10-02T04:00:00', 10),
];
const FROM = new Date('2026-10-01T00:00:00Z');
const TO = new Date('2026-10-04T00:00:00Z');

const arm = (persons: number, conversions: number, revenue: number) => ({
  persons,
  conversions,
  rate: persons === 0 ? 0 : conversions / persons,
  revenue,
  revenuePerPerson: persons === 0 ? 0 : revenue / persons,
});

// By hand from the rows of tenant-a (with p7), point by point (asOf 10-02, 10-03, 10-04).
const EXPECTED = [
  {
    asOf: '2026-10-02T00:00:00.000Z',
    treatment: arm(3, 1, 30),
    holdout: arm(1, 0, 0),
    contaminated: 0,
  },
  {
    asOf: '2026-10-03T00:00:00.000Z',
    treatment: arm(3, 2, 80),
    holdout: arm(2, 1, 10),
    contaminated: 1,
  },
  // p7 (tenant-a only) converts after `to`: never within the series
  {
    asOf: '2026-10-04T00:00:00.000Z',
    treatment: arm(4, 2, 100),
    holdout: arm(2, 1, 10),
    contaminated: 1,
  },
];

describe('liftOverTime on the embedded engine', () => {
  const store = storeForSuite();
  let service: OverTimeService;

  beforeAll(async () => {
    await seedRows(store.clickhouse, 'tenant-a', {
      triggers: [trigger],
      firings: [...firings, firing('f7', 'p7', '10-01T01:00:00', 'treatment')],
      outcomes: [...outcomes, purchase('o7', 'p7', '10-05T00:00:00', 70)],
    });
    // the same rows without the outcome after `to`
    await seedRows(store.clickhouse, 'tenant-b', { triggers: [trigger], firings, outcomes });
    service = new OverTimeService(store.clickhouse, store.config);
  });

  const series = (tenantId: string, extra: object = {}) =>
    service.liftOverTime(tenantId, { triggerId: 't1', from: FROM, to: TO, ...extra });

  const expectHandCounts = (points: LiftPoint[]) => {
    expect(
      points.map((point) => ({
        asOf: point.asOf.toISOString(),
        treatment: point.treatment,
        holdout: point.holdout,
        contaminated: point.contaminatedPersons,
      })),
    ).toEqual(EXPECTED);
  };

  it('reads each point from event times alone: assignments before asOf, conversions before asOf', async () => {
    expectHandCounts(await series('tenant-a'));
  });

  it('gives the same points from the assignment rollup', async () => {
    await buildAssignmentRollup(store.clickhouse);
    expectHandCounts(await series('tenant-a'));
  });

  it("ends on liftReport's row when no outcome falls after to", async () => {
    for (const sequential of [false, true]) {
      for (const cuped of [false, true]) {
        const points = await series('tenant-b', { sequential, cuped, confidence: 0.9 });
        const [report] = await new LiftService(store.clickhouse, store.config).report('tenant-b', {
          from: FROM,
          to: TO,
          sequential,
          cuped,
          confidence: 0.9,
        });
        // ρ is tuned once for the series, to the planned persons, never to each point's data
        expect(new Set(points.map((point) => point.plannedPersons))).toEqual(
          new Set([sequential ? store.config.env.SEQUENTIAL_PLANNED_PERSONS : null]),
        );
        const last = points[points.length - 1];
        expect(last).toEqual({
          asOf: TO,
          treatment: report.treatment,
          holdout: report.holdout,
          absoluteLift: report.absoluteLift,
          relativeLift: report.relativeLift,
          pValue: report.pValue,
          revenueLift: report.revenueLift,
          srm: report.srm,
          contaminatedPersons: report.contaminatedPersons,
          method: report.method,
          plannedPersons: report.plannedPersons,
          verdict: report.verdict,
        });
      }
    }
  });

  it('steps by the granularity and ends at to', async () => {
    const hours = await series('tenant-a', {
      granularity: Granularity.HOUR,
      to: new Date('2026-10-01T02:30:00Z'),
    });
    expect(hours.map((point) => point.asOf.toISOString())).toEqual([
      '2026-10-01T01:00:00.000Z',
      '2026-10-01T02:00:00.000Z',
      '2026-10-01T02:30:00.000Z',
    ]);
    // p7's firing at 01:00 is not before the first instant; it is before the second
    expect(hours.map((point) => point.treatment.persons)).toEqual([0, 1, 1]);
    expect(hours[0].verdict).toBe(
      'too little data: 0 treated persons (at least 100 per arm needed)',
    );
  });

  it('rejects an empty trigger id, a bad confidence and too many points, naming the field', async () => {
    await expect(
      service.liftOverTime('tenant-a', { triggerId: ' ', from: FROM, to: TO }),
    ).rejects.toThrow('triggerId');
    await expect(series('tenant-a', { confidence: 2 })).rejects.toThrow('confidence');
    await expect(
      series('tenant-a', { granularity: Granularity.HOUR, to: new Date('2027-01-01T00:00:00Z') }),
    ).rejects.toThrow('granularity');
  });
});
