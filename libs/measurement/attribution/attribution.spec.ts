import { beforeAll, describe, expect, it } from '@jest/globals';
import { storeForSuite } from '../../storage/testing.js';
import { MeasurementException } from '../common/measurement.exception.js';
import { fixtureRows, seedRows } from '../common/testing.js';
import { LiftService } from '../lift/lift.service.js';
import { AttributionService } from './attribution.service.js';
import { AttributionModel } from './dto/attribution-model.enum.js';

// A small program on the real engine; every credit below is worked out by hand in the comments.
//
// Definitions: email v1 (C = 3 d) and v2, its newest (C = 1 d); push (C = 2 d); modal (success
// type subscription_started, C = 7 d). Times are October 2026, UTC.
//
// p1: f1 email naming v1 at 02 00:00, f2 push at 03 00:00, f3 push at 03 12:00, f4 push skipped
//     (frequency_cap) at 03 18:00, f5 push holdout at 03 19:00, f6 email (no version: v2) at
//     05 00:00.
//     o1 purchase 04 00:00, 100: touches f1 (2 d old; within v1's 3 d, not v2's 1 d), f2 (1 d),
//        f3 (0.5 d); f4 skipped and f5 holdout are no touches.
//     o4 purchase 03 00:00, 20: f1 (1 d); f2 decided at the same instant does not reach it (the
//        window is (decided_at, decided_at + C]).
//     o2 purchase 06 12:00, 50: f6 reaches 06 00:00 at most (v2's 1 d): unattributed.
//     o3 subscription_started 04 00:00: no firing of p1 has it as success: unattributed.
// p2: g1 modal at 10 00:00, g2 push at 10 06:00.
//     o5 subscription_started 17 00:00 (exactly g1 + 7 d, included), 9.99: modal alone.
//     o6 purchase 11 06:00, 30: push alone (modal's success is subscription_started).
// p3: h1 email on 09-30 (before the period: no touch), h2 email naming v1 on 30 23:00.
//     o7 purchase 10-01 01:00: only h1 could reach it: unattributed.
//     o8 purchase 11-02 00:00 (after `to`, within h2's 3 d), 10: email alone.
//
// o1 under each model (half-life 1 d): last touch f3 → push; first touch f1 → email; linear 1/3
// each → email 1/3, push 2/3; time decay weights 2^−2, 2^−1, 2^−0.5 → email 0.25 / (0.75 +
// 2^−0.5) = 3 − 2√2 ≈ 0.171573, push 2√2 − 2 ≈ 0.828427. Every other reached outcome has one
// touch. Per model and trigger (conversions, revenue):
//   LAST_TOUCH   email o4 + o8 = 2, 30;          push o1 + o6 = 2, 130;          modal 1, 9.99
//   FIRST_TOUCH  email o1 + o4 + o8 = 3, 130;    push o6 = 1, 30;                modal 1, 9.99
//   LINEAR       email 1/3 + 2, 100/3 + 30;      push 2/3 + 1, 200/3 + 30;       modal 1, 9.99
//   TIME_DECAY   email (3 − 2√2) + 2, 100(3 − 2√2) + 30; push (2√2 − 2) + 1, 100(2√2 − 2) + 30
// Every model distributes 5 conversions and 169.99 of revenue. Touches: email f1, h2 = 2;
// push f2, f3, g2 = 3; modal g1 = 1.

const DAY = 86_400_000;
const at = (text: string) => `2026-${text}Z`;
const FROM = new Date('2026-10-01T00:00:00Z');
const TO = new Date('2026-10-31T00:00:00Z');
const RECEIVED = Date.parse('2026-11-10T00:00:00Z');

const build = fixtureRows(at);
const { firing } = build;
const definition = (triggerId: string, extra: object) =>
  build.trigger(triggerId, 'email', { signal_types: ['s'], window_ms: DAY, ...extra });
const triggers = [
  definition('email', { version: 1, conversion_window_ms: 3 * DAY }),
  definition('email', { version: 2, conversion_window_ms: DAY }),
  definition('push', { channel: 'push', conversion_window_ms: 2 * DAY }),
  definition('modal', {
    channel: 'in_app',
    success_types: ['subscription_started'],
    conversion_window_ms: 7 * DAY,
  }),
];
const firings = [
  firing('f1', 'email', 'p1', '10-02T00:00:00', { trigger_version: 1 }),
  firing('f2', 'push', 'p1', '10-03T00:00:00'),
  firing('f3', 'push', 'p1', '10-03T12:00:00'),
  firing('f4', 'push', 'p1', '10-03T18:00:00', { skip_reason: 'frequency_cap' }),
  firing('f5', 'push', 'p1', '10-03T19:00:00', { arm: 'holdout' }),
  firing('f6', 'email', 'p1', '10-05T00:00:00'),
  firing('g1', 'modal', 'p2', '10-10T00:00:00'),
  firing('g2', 'push', 'p2', '10-10T06:00:00'),
  firing('h1', 'email', 'p3', '09-30T12:00:00', { trigger_version: 1 }),
  firing('h2', 'email', 'p3', '10-30T23:00:00', { trigger_version: 1 }),
  // email holdout persons for the lift beside: q1 converts, q2 and q3 do not
  firing('k1', 'email', 'q1', '10-02T00:00:00', { arm: 'holdout' }),
  firing('k2', 'email', 'q2', '10-02T00:00:00', { arm: 'global_holdout' }),
  firing('k3', 'email', 'q3', '10-02T00:00:00', { arm: 'holdout' }),
];
const outcome = (id: string, person: string, type: string, when: string, value: number) =>
  build.outcome(id, person, type, when, { value });
const outcomes = [
  outcome('o1', 'p1', 'purchase', '10-04T00:00:00', 100),
  outcome('o2', 'p1', 'purchase', '10-06T12:00:00', 50),
  outcome('o3', 'p1', 'subscription_started', '10-04T00:00:00', 9.99),
  outcome('o4', 'p1', 'purchase', '10-03T00:00:00', 20),
  outcome('o5', 'p2', 'subscription_started', '10-17T00:00:00', 9.99),
  outcome('o6', 'p2', 'purchase', '10-11T06:00:00', 30),
  outcome('o7', 'p3', 'purchase', '10-01T01:00:00', 40),
  outcome('o8', 'p3', 'purchase', '11-02T00:00:00', 10),
  outcome('o9', 'q1', 'purchase', '10-02T12:00:00', 25),
];

const SQRT2 = Math.SQRT2;
type Expected = [string, number, number, number];
const expected: Record<AttributionModel, Expected[]> = {
  [AttributionModel.LAST_TOUCH]: [
    ['email', 2, 30, 2],
    ['modal', 1, 9.99, 1],
    ['push', 2, 130, 3],
  ],
  [AttributionModel.FIRST_TOUCH]: [
    ['email', 3, 130, 2],
    ['modal', 1, 9.99, 1],
    ['push', 1, 30, 3],
  ],
  [AttributionModel.LINEAR]: [
    ['email', 1 / 3 + 2, 100 / 3 + 30, 2],
    ['modal', 1, 9.99, 1],
    ['push', 2 / 3 + 1, 200 / 3 + 30, 3],
  ],
  [AttributionModel.TIME_DECAY]: [
    ['email', 3 - 2 * SQRT2 + 2, 100 * (3 - 2 * SQRT2) + 30, 2],
    ['modal', 1, 9.99, 1],
    ['push', 2 * SQRT2 - 2 + 1, 100 * (2 * SQRT2 - 2) + 30, 3],
  ],
};

describe('AttributionService on the embedded engine', () => {
  const store = storeForSuite();
  let service: AttributionService;
  let lift: LiftService;

  beforeAll(async () => {
    lift = new LiftService(store.clickhouse, store.config);
    service = new AttributionService(store.clickhouse, lift);
    await seedRows(store.clickhouse, 'tenant-a', { triggers, firings, outcomes }, RECEIVED);
    // a re-delivered outcome in its own part counts once
    await seedRows(store.clickhouse, 'tenant-a', { outcomes: outcomes.slice(0, 1) }, RECEIVED);
    // another tenant with the same ids: none of it reaches tenant-a
    await seedRows(
      store.clickhouse,
      'tenant-b',
      { triggers, firings, outcomes: [outcome('o1', 'p1', 'purchase', '10-02T01:00:00', 999)] },
      RECEIVED,
    );
  }, 120_000);

  for (const model of Object.values(AttributionModel)) {
    it(`credits by hand: ${model}`, async () => {
      const rows = await service.attribution('tenant-a', {
        from: FROM,
        to: TO,
        model,
        halfLifeMs: DAY,
      });
      expect(rows.map((r) => r.triggerId)).toEqual(expected[model].map(([id]) => id));
      for (const [row, [triggerId, conversions, revenue, touches]] of rows.map(
        (r, i) => [r, expected[model][i]] as const,
      )) {
        expect([row.triggerId, row.model, row.touches]).toEqual([triggerId, model, touches]);
        expect(row.conversions).toBeCloseTo(conversions, 9);
        expect(row.revenue).toBeCloseTo(revenue, 6);
        expect(row.halfLifeMs).toBe(model === AttributionModel.TIME_DECAY ? DAY : null);
      }
      // every model distributes the same total: the 5 outcomes reached, worth 169.99
      expect(rows.reduce((sum, r) => sum + r.conversions, 0)).toBeCloseTo(5, 9);
      expect(rows.reduce((sum, r) => sum + r.revenue, 0)).toBeCloseTo(169.99, 6);
    });
  }

  it('shows the holdout-based incremental conversions beside the credit', async () => {
    const rows = await service.attribution('tenant-a', {
      from: FROM,
      to: TO,
      model: AttributionModel.LINEAR,
    });
    const lifts = await lift.report('tenant-a', { from: FROM, to: TO });
    for (const row of rows) {
      const beside = lifts.find((l) => l.triggerId === row.triggerId);
      expect([row.triggerId, row.incrementalConversions, row.liftVerdict]).toEqual([
        row.triggerId,
        beside?.incrementalConversions?.estimate ?? null,
        beside?.verdict ?? null,
      ]);
    }
    // email (lift reads the newest definition, C = 1 d): treated p1 (t0 = 02, o4 on 03 00:00
    // converts) and p3 (t0 = 30 23:00, o8 too late): 1/2; control q1 (converts), q2, q3: 1/3;
    // incremental = (1/2 − 1/3) · 2 = 1/3. push: p1 contaminated, p2 treated, no control: none.
    const email = rows.find((r) => r.triggerId === 'email');
    expect(email?.incrementalConversions).toBeCloseTo(1 / 3, 9);
    expect(rows.find((r) => r.triggerId === 'push')?.incrementalConversions).toBeNull();
    // the default half-life is 7 days, and only TIME_DECAY reports one
    expect(rows.every((r) => r.halfLifeMs === null)).toBe(true);
  });

  it('narrows touches to the period and keeps tenants apart', async () => {
    // [10-10, 10-31): g1, g2, h2 only
    const rows = await service.attribution('tenant-a', {
      from: new Date('2026-10-10T00:00:00Z'),
      to: TO,
      model: AttributionModel.LAST_TOUCH,
    });
    expect(rows.map((r) => [r.triggerId, r.conversions, r.revenue, r.touches])).toEqual([
      ['email', 1, 10, 1],
      ['modal', 1, 9.99, 1],
      ['push', 1, 30, 1],
    ]);
    const other = await service.attribution('tenant-b', {
      from: FROM,
      to: TO,
      model: AttributionModel.LAST_TOUCH,
    });
    // tenant-b: o1 at 10-02 01:00 is reached by f1 (email v1) alone
    expect(other.filter((r) => r.conversions > 0).map((r) => [r.triggerId, r.revenue])).toEqual([
      ['email', 999],
    ]);
  });

  it('refuses a half-life that is not positive or past ten years, and an empty period', async () => {
    await expect(
      service.attribution('tenant-a', {
        from: FROM,
        to: TO,
        model: AttributionModel.TIME_DECAY,
        halfLifeMs: 0,
      }),
    ).rejects.toBeInstanceOf(MeasurementException);
    // one past ten years: refused by name, where the engine's client refused to send it
    await expect(
      service.attribution('tenant-a', {
        from: FROM,
        to: TO,
        model: AttributionModel.TIME_DECAY,
        halfLifeMs: 1e300,
      }),
    ).rejects.toThrow('halfLifeMs must be a positive number of milliseconds, at most');
    await expect(
      service.attribution('tenant-a', { from: TO, to: FROM, model: AttributionModel.LINEAR }),
    ).rejects.toBeInstanceOf(MeasurementException);
  });
});
