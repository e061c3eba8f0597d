import { beforeAll, describe, expect, it } from '@jest/globals';
import { storeForSuite } from '../../storage/testing.js';
import { fixtureRows, seedRows } from '../common/testing.js';
import { buildAssignmentRollup } from '../lift/assignment-rollup.js';
import { LiftService } from '../lift/lift.service.js';
import { Granularity } from './granularity.js';
import type { TriggerLift } from '../lift/models/lift.model.js';
import type { LiftPoint } from './models/lift-point.model.js';
import { OverTimeService } from './over-time.service.js';
import { TriggersRepository, TriggersService } from '../../triggers/index.js';

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

// tenant-v: a 50/50 split kept exactly (100 control, 50 + 50 treated in variants a and b), so
// the whole trigger's SRM check reads χ² = 0, p = 1. Variant a alone against the control (50
// against 100) would read a holdout share of 2/3. In a, 10 of 50 convert; in the control, 10 of
// 100; p-c fires in the control on 10-01, then in b on 10-02: contaminated, in neither arm.
const VARIANT_ROWS = (() => {
  const persons = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
  const groups = [
    { persons: persons('a-', 50), arm: 'treatment', variant: 'a' },
    { persons: persons('b-', 50), arm: 'treatment', variant: 'b' },
    { persons: persons('h-', 100), arm: 'holdout', variant: '' },
  ];
  const rows = groups.flatMap(({ persons: ids, arm: side, variant }) =>
    ids.map((person) =>
      build.firing(`f-${person}`, 'tv', person, '10-01T06:00:00', { arm: side, variant }),
    ),
  );
  rows.push(
    build.firing('f-c1', 'tv', 'p-c', '10-01T07:00:00', { arm: 'holdout' }),
    build.firing('f-c2', 'tv', 'p-c', '10-02T07:00:00', { variant: 'b' }),
  );
  const converters = [...groups[0].persons.slice(0, 10), ...groups[2].persons.slice(0, 10)];
  return {
    firings: rows,
    outcomes: converters.map((person) => purchase(`o-${person}`, person, '10-02T06:00:00', 40)),
  };
})();

/** The LiftPoint at `to` that reads exactly as the given liftReport row. */
const pointOf = (row: TriggerLift): LiftPoint => ({
  asOf: TO,
  treatment: row.treatment,
  holdout: row.holdout,
  absoluteLift: row.absoluteLift,
  relativeLift: row.relativeLift,
  pValue: row.pValue,
  revenueLift: row.revenueLift,
  srm: row.srm,
  contaminatedPersons: row.contaminatedPersons,
  method: row.method,
  plannedPersons: row.plannedPersons,
  verdict: row.verdict,
});

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
    await seedRows(store.clickhouse, 'tenant-v', {
      triggers: [build.trigger('tv', 'push', { conversion_window_ms: 7 * DAY, holdout_pct: 0.5 })],
      ...VARIANT_ROWS,
    });
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
        expect(last).toEqual(pointOf(report));
      }
    }
  });

  it("reads a variant as liftReport by VARIANT does: its treated persons, the whole trigger's split", async () => {
    const points = await series('tenant-v', { triggerId: 'tv', variant: 'a' });
    const last = points[points.length - 1];
    // by hand: 10/50 against 10/100; the split 100 treated to 100 control, as declared
    expect(last.treatment).toEqual(arm(50, 10, 400));
    expect(last.holdout).toEqual(arm(100, 10, 400));
    expect(last.absoluteLift?.estimate).toBeCloseTo(0.2 - 0.1, 12);
    expect(last.srm).toEqual({
      expectedHoldoutShare: 0.5,
      observedHoldoutShare: 0.5,
      pValue: 1,
      flagged: false,
      sharesInPeriod: [],
    });
    expect(last.contaminatedPersons).toBe(1);
    expect(last.verdict).not.toMatch(/^SRM/);
    const reportRow = (
      await new LiftService(store.clickhouse, store.config).report('tenant-v', {
        from: FROM,
        to: TO,
        groupByVariant: true,
      })
    ).find((row) => row.variant === 'a');
    expect(reportRow).toBeDefined();
    expect(last).toEqual(pointOf(reportRow!));
  });

  it("refuses a variant none of the trigger's treated persons carry, naming the ones they do", async () => {
    const request = { triggerId: 'tv', from: FROM, to: TO, variant: 'c' };
    const message =
      "variant 'c' has no treated persons of trigger 'tv' in [from, to); its variants there: 'a', 'b'";
    await expect(service.liftOverTime('tenant-v', request)).rejects.toThrow(message);
    await expect(service.conversionCurve('tenant-v', { ...request, horizon: TO })).rejects.toThrow(
      message,
    );
    // a trigger with no one treated in the period has no variants to check against
    const empty = await service.liftOverTime('tenant-v', { ...request, triggerId: 'nobody' });
    expect(empty.map((point) => point.treatment.persons)).toEqual([0, 0, 0]);
  });

  it('refuses a trigger id no definition nor firing of the period carries, naming the one meant', async () => {
    const triggers = new TriggersService(new TriggersRepository(store.clickhouse), store.config);
    const checked = new OverTimeService(store.clickhouse, store.config, undefined, triggers);
    const request = { from: FROM, to: TO };
    await expect(checked.liftOverTime('tenant-v', { ...request, triggerId: 'tw' })).rejects.toThrow(
      "no trigger 'tw' here: no definition of the tenant has that id, and no firing of it was decided in [from, to); did you mean 'tv'?",
    );
    await expect(
      checked.conversionCurve('tenant-v', {
        ...request,
        triggerId: 'nothing-like-it',
        horizon: TO,
      }),
    ).rejects.toThrow(
      "no trigger 'nothing-like-it' here: no definition of the tenant has that id, and no firing of it was decided in [from, to)",
    );
    // a defined trigger with no firing in the period reads as one with no one in it
    const quiet = { from: new Date('2026-06-01T00:00:00Z'), to: new Date('2026-06-03T00:00:00Z') };
    const points = await checked.liftOverTime('tenant-v', { ...quiet, triggerId: 'tv' });
    expect(points.map((point) => point.treatment.persons)).toEqual([0, 0]);
    // and a trigger with firings in the period is read as before
    expect(await checked.liftOverTime('tenant-a', { ...request, triggerId: 't1' })).toHaveLength(3);
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
