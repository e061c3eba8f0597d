import { beforeAll, describe, expect, it } from '@jest/globals';
import { storeForSuite } from '../../storage/testing.js';
import { fixtureRows, seedRows } from '../common/testing.js';
import { LiftService } from '../lift/lift.service.js';
import { OverTimeService } from './over-time.service.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => `2026-${iso}Z`;
const build = fixtureRows(at);
const firing = (id: string, trigger: string, person: string, decided: string, arm: string) =>
  build.firing(id, trigger, person, decided, { arm });
const purchase = (id: string, person: string, when: string) =>
  build.outcome(id, person, 'purchase', when, { value: 10 });

const FROM = new Date('2026-10-01T00:00:00Z');
const TO = new Date('2026-10-03T00:00:00Z');
const HORIZON = new Date('2026-10-05T00:00:00Z');

describe('conversionCurve on the embedded engine', () => {
  const store = storeForSuite();
  let service: OverTimeService;
  /** The curve of one trigger over [FROM, TO), with the step and horizon given (or defaulted). */
  const curveOf = (triggerId: string, options: { stepMs?: number; horizon?: Date } = {}) =>
    service.conversionCurve('tenant-a', { triggerId, from: FROM, to: TO, ...options });

  beforeAll(async () => {
    await seedRows(store.clickhouse, 'tenant-a', {
      triggers: [
        build.trigger('t1', 'push', { conversion_window_ms: 3 * DAY, holdout_pct: 0.5 }),
        build.trigger('t2', 'email', { conversion_window_ms: 36 * HOUR }),
      ],
      firings: [
        firing('a1', 't1', 'a1', '10-01T00:00:00', 'treatment'),
        firing('a2', 't1', 'a2', '10-01T06:00:00', 'treatment'),
        firing('a3', 't1', 'a3', '10-02T12:00:00', 'treatment'), // observed 2.5 days by HORIZON
        firing('b1', 't1', 'b1', '10-01T00:00:00', 'holdout'),
        firing('b2', 't1', 'b2', '10-02T00:00:00', 'holdout'),
        firing('c1', 't1', 'c', '10-01T00:00:00', 'treatment'), // contaminated: left out
        firing('c2', 't1', 'c', '10-01T05:00:00', 'holdout'),
        firing('e1', 't2', 'a1', '10-01T00:00:00', 'treatment'),
      ],
      outcomes: [
        purchase('o1', 'a1', '10-01T12:00:00'), // 12 h after t0
        purchase('o2', 'a2', '10-03T07:00:00'), // 2 days 1 hour after t0
        purchase('o3', 'b1', '10-04T00:00:00'), // exactly C after t0: counts at C
        purchase('o4', 'b2', '10-02T00:00:00'), // at t0 itself: never counts
        purchase('o5', 'c', '10-01T01:00:00'),
      ],
    });
    service = new OverTimeService(store.clickhouse, store.config);
  });

  it('counts the persons observed for each step and those converted by then (by hand)', async () => {
    const curve = await curveOf('t1', { stepMs: DAY, horizon: HORIZON });
    expect(
      curve.map((p) => [
        p.sinceMs,
        p.treatmentPersons,
        p.treatmentConversions,
        p.holdoutPersons,
        p.holdoutConversions,
        p.isConversionWindow,
      ]),
    ).toEqual([
      [DAY, 3, 1, 2, 0, false],
      [2 * DAY, 3, 1, 2, 0, false],
      [3 * DAY, 2, 2, 2, 1, true],
    ]);
    // Δ = 1 − 0.5 with SE √(0 + 0.25/2) at z 1.959964
    const se = Math.sqrt(0.25 / 2);
    expect(curve[2].absoluteLift?.estimate).toBeCloseTo(0.5, 12);
    expect(curve[2].absoluteLift?.low).toBeCloseTo(0.5 - 1.959963984540054 * se, 9);
  });

  it("ends, with everyone observed, on liftReport's rates", async () => {
    const curve = await curveOf('t1', { stepMs: DAY });
    const last = curve[curve.length - 1];
    const [report] = await new LiftService(store.clickhouse, store.config).report('tenant-a', {
      from: FROM,
      to: TO,
      triggerIds: ['t1'],
    });
    expect(last.isConversionWindow).toBe(true);
    expect([last.treatmentPersons, last.treatmentConversions, last.treatmentRate]).toEqual([
      report.treatment.persons,
      report.treatment.conversions,
      report.treatment.rate,
    ]);
    expect([last.holdoutPersons, last.holdoutConversions, last.holdoutRate]).toEqual([
      report.holdout.persons,
      report.holdout.conversions,
      report.holdout.rate,
    ]);
  });

  it('steps by the hour when C is at most 2 days, by the day otherwise', async () => {
    const hourly = await curveOf('t2');
    expect(hourly.map((p) => p.sinceMs)).toEqual(
      Array.from({ length: 36 }, (_, k) => (k + 1) * HOUR),
    );
    const daily = await curveOf('t1');
    expect(daily.map((p) => p.sinceMs)).toEqual([DAY, 2 * DAY, 3 * DAY]);
  });

  it('ends on C when the step does not divide it', async () => {
    const curve = await curveOf('t1', { stepMs: 2 * DAY });
    expect(curve.map((p) => p.sinceMs)).toEqual([2 * DAY, 3 * DAY]);
  });

  it('rejects a step under a minute or over 400 days, naming stepMs', async () => {
    for (const stepMs of [10, 400 * DAY + 1, 1e300]) {
      await expect(curveOf('t1', { stepMs })).rejects.toThrow(
        `stepMs must be a whole number of ms from 60000 to ${400 * DAY}`,
      );
    }
  });
});
