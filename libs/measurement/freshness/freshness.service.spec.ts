import { beforeAll, describe, expect, it } from '@jest/globals';
import { storeForSuite } from '../../storage/testing.js';
import { MeasurementException } from '../common/measurement.exception.js';
import { READY_DEFINITIONS, seedRows } from '../common/testing.js';
import { FreshnessService } from './freshness.service.js';
import type { FreshnessStats } from './models/freshness-stats.model.js';

// Hand-built fixtures on the real engine and migrations; expected numbers worked out in the
// comments. Percentiles are exact and interpolated (PERCENTILE.INC): for n sorted values, p →
// h = (n − 1)·p, x[floor(h)] + (h − floor(h))·(x[floor(h)+1] − x[floor(h)]).

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const FROM = new Date('2024-05-01T00:00:00Z');
const TO = new Date('2024-05-02T00:00:00Z');
// All of a seedRows call arrives at one received_at; a signal's lag is set by its occurred_at.
const RECEIVED = Date.parse('2024-05-01T12:00:00Z');

const iso = (ms: number): string => new Date(ms).toISOString();

let sequence = 0;
const signal = (
  type: string,
  source: string,
  lagMs: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => {
  sequence += 1;
  return {
    event_id: `sig-${sequence}`,
    person_id: `person-${sequence}`,
    type,
    source,
    occurred_at: iso(RECEIVED - lagMs),
    ...extra,
  };
};

const predictive = (lagMs: number, inputAgeMs: number | null) =>
  signal('churn_risk_high', 'churn_model', lagMs, {
    kind: 'predictive',
    ...(inputAgeMs === null ? {} : { computed_at: iso(RECEIVED - lagMs - inputAgeMs) }),
  });

const webCart = [1_000, 2_000, 3_000, 100_000].map((lag) =>
  signal('cart_abandoned', 'web_sdk', lag),
);

const signals = [
  // cart_abandoned / web_sdk (kind left to its default, behavioral): lags 1 000, 2 000, 3 000,
  //   100 000 → p50 h=1.5 → 2 500; p90 h=2.7 → 3 000 + 0.7·97 000 = 70 900;
  //   p99 h=2.97 → 3 000 + 0.97·97 000 = 97 090
  ...webCart,
  // cart_abandoned / app_sdk: one signal, lag 500
  signal('cart_abandoned', 'app_sdk', 500, { kind: 'behavioral' }),
  // churn_risk_high / churn_model (predictive): lags 1 000, 2 000, 3 000 → p50 2 000,
  //   p90 h=1.8 → 2 800, p99 h=1.98 → 2 980. Input ages 1 h, 2 h (the third has no computed_at)
  //   → p50 5 400 000, p90 h=0.9 → 3 600 000 + 0.9·3 600 000 = 6 840 000.
  //   Age compared with windows: 2 800 + 6 840 000 = 6 842 800.
  predictive(1_000, HOUR),
  predictive(2_000, 2 * HOUR),
  predictive(3_000, null),
  // login / auth_service (identity): lags 10, 20 → p50 15, p90 19, p99 19.9
  signal('login', 'auth_service', 10, { kind: 'identity' }),
  signal('login', 'auth_service', 20, { kind: 'identity' }),
  // Outside [from, to): occurred just before from, and exactly at to (12 h "ahead" of arrival,
  // under the 24 h clamp). Either would change web_sdk's numbers.
  signal('cart_abandoned', 'web_sdk', 0, { occurred_at: iso(FROM.getTime() - 1) }),
  signal('cart_abandoned', 'web_sdk', 0, { occurred_at: iso(TO.getTime()) }),
];

const trigger = (
  trigger_id: string,
  signal_types: string[],
  window_ms: number,
  extra: Record<string, unknown> = {},
) => ({
  trigger_id,
  name: trigger_id,
  channel: 'push',
  signal_types,
  window_ms,
  success_types: ['purchase'],
  ...READY_DEFINITIONS,
  status: 'live',
  ...extra,
});

const triggers = [
  // 60 000 < 70 900 (web_sdk p90): exceeded; 500 (app_sdk) is not.
  trigger('cart-push', ['cart_abandoned'], 60_000),
  // Equal to web_sdk's p90: not shorter, so not exceeded.
  trigger('cart-exact', ['cart_abandoned'], 70_900),
  trigger('cart-email', ['product_viewed', 'cart_abandoned'], HOUR),
  // churn-save v1 had a day; v2 (newest) has 6 000 000 < 6 842 800: exceeded. The p90 lag alone
  // (2 800) would not exceed it: the stale model input does.
  trigger('churn-save', ['churn_risk_high'], DAY, { version: 1 }),
  trigger('churn-save', ['churn_risk_high'], 6_000_000, { version: 2 }),
  trigger('churn-winback', ['churn_risk_high'], DAY),
  // Any status counts: a draft whose window the signal cannot meet is flagged before it goes live.
  trigger('churn-draft', ['churn_risk_high'], 1_000, { status: 'draft' }),
  // A window of 0 is no window (a draft: a live trigger needs one): never exceeded.
  trigger('churn-nowindow', ['churn_risk_high'], 0, { status: 'draft' }),
];

describe('FreshnessService on the embedded engine', () => {
  const store = storeForSuite();
  let service: FreshnessService;

  beforeAll(async () => {
    service = new FreshnessService(store.clickhouse);
    await seedRows(store.clickhouse, 'tenant-a', { signals, triggers }, RECEIVED);
    // A re-delivery of one web_sdk signal in its own part, at the same received_at: counts once.
    await seedRows(store.clickhouse, 'tenant-a', { signals: webCart.slice(0, 1) }, RECEIVED);
    // Another tenant: a slow login and a tight login trigger. Neither may reach tenant-a.
    await seedRows(
      store.clickhouse,
      'tenant-b',
      {
        signals: [signal('login', 'auth_service', HOUR, { kind: 'identity' })],
        triggers: [trigger('login-b', ['login'], 1)],
      },
      RECEIVED,
    );
    // A backfill arriving 30 days later: two signals say when the producer's pipeline collected
    // them (4 000 and 6 000 ms after they occurred), one does not and is measured to its arrival.
    // One states a collection 1 h after its arrival here (a collector's clock ahead), which
    // cannot be: it is measured to its arrival, 30 days and 2 000 ms after it occurred.
    await seedRows(
      store.clickhouse,
      'tenant-c',
      {
        signals: [
          signal('page_view', 'warehouse', 4_000, { collected_at: iso(RECEIVED) }),
          signal('page_view', 'warehouse', 6_000, { collected_at: iso(RECEIVED) }),
          signal('page_view', 'live', 0),
          signal('page_view', 'skewed', 2_000, { collected_at: iso(RECEIVED + 30 * DAY + HOUR) }),
        ],
      },
      RECEIVED + 30 * DAY,
    );
  }, 120_000);

  it('measures lag and input age per type, source and kind, and flags stale types', async () => {
    const expected: FreshnessStats[] = [
      {
        type: 'cart_abandoned',
        source: 'app_sdk',
        kind: 'behavioral',
        signals: 1,
        lagP50Ms: 500,
        lagP90Ms: 500,
        lagP99Ms: 500,
        inputAgeP50Ms: null,
        inputAgeP90Ms: null,
        exceedsWindowOf: [],
        exceededWindows: [],
        stale: false,
      },
      {
        type: 'cart_abandoned',
        source: 'web_sdk',
        kind: 'behavioral',
        signals: 4,
        lagP50Ms: 2_500,
        lagP90Ms: 70_900,
        lagP99Ms: 97_090,
        inputAgeP50Ms: null,
        inputAgeP90Ms: null,
        exceedsWindowOf: ['cart-push'],
        exceededWindows: [{ triggerId: 'cart-push', windowMs: 60_000 }],
        stale: true,
      },
      {
        type: 'churn_risk_high',
        source: 'churn_model',
        kind: 'predictive',
        signals: 3,
        lagP50Ms: 2_000,
        lagP90Ms: 2_800,
        lagP99Ms: 2_980,
        inputAgeP50Ms: 5_400_000,
        inputAgeP90Ms: 6_840_000,
        exceedsWindowOf: ['churn-draft', 'churn-save'],
        // churn-save's newest window (v2), not v1's day.
        exceededWindows: [
          { triggerId: 'churn-draft', windowMs: 1_000 },
          { triggerId: 'churn-save', windowMs: 6_000_000 },
        ],
        stale: true,
      },
      {
        type: 'login',
        source: 'auth_service',
        kind: 'identity',
        signals: 2,
        lagP50Ms: 15,
        lagP90Ms: 19,
        lagP99Ms: 19.9,
        inputAgeP50Ms: null,
        inputAgeP90Ms: null,
        exceedsWindowOf: [],
        exceededWindows: [],
        stale: false,
      },
    ];
    expect(await service.signalFreshness('tenant-a', FROM, TO)).toEqual(expected);
  });

  it('keeps tenants apart', async () => {
    const stats = await service.signalFreshness('tenant-b', FROM, TO);
    // Lag 1 h against login-b's 1 ms window.
    expect(stats.map((s) => [s.type, s.signals, s.lagP90Ms, s.exceedsWindowOf])).toEqual([
      ['login', 1, HOUR, ['login-b']],
    ]);
  });

  it("measures an imported signal's lag to when its pipeline collected it (collected_at)", async () => {
    const stats = await service.signalFreshness('tenant-c', FROM, TO);
    // warehouse: lags 4 000 and 6 000 → p50 h=0.5 → 5 000; p90 h=0.9 → 5 800; p99 h=0.99 → 5 980.
    // live: no collected_at, received 30 days after it occurred. skewed: collected_at after the
    // arrival, measured to the arrival.
    const skewed = 30 * DAY + 2_000;
    expect(stats.map((s) => [s.source, s.signals, s.lagP50Ms, s.lagP90Ms, s.lagP99Ms])).toEqual([
      ['live', 1, 30 * DAY, 30 * DAY, 30 * DAY],
      ['skewed', 1, skewed, skewed, skewed],
      ['warehouse', 2, 5_000, 5_800, 5_980],
    ]);
  });

  it('answers an empty list for a period without signals', async () => {
    const stats = await service.signalFreshness(
      'tenant-a',
      new Date('2023-01-01T00:00:00Z'),
      new Date('2023-01-02T00:00:00Z'),
    );
    expect(stats).toEqual([]);
  });

  it('refuses an empty period', async () => {
    await expect(service.signalFreshness('tenant-a', FROM, FROM)).rejects.toBeInstanceOf(
      MeasurementException,
    );
  });
});
