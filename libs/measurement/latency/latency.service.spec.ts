import { beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryDataVersions } from '../../storage/index.js';
import { storeForSuite } from '../../storage/testing.js';
import { MeasurementException } from '../common/measurement.exception.js';
import { fixtureRows, seedRows } from '../common/testing.js';
import { TrendFacts } from '../over-time/trend-facts.js';
import { LatencyDimension } from './dto/latency-dimension.enum.js';
import { LatencyService } from './latency.service.js';
import type { LatencyStats } from './models/latency-stats.model.js';

// Hand-built fixtures on the real engine and migrations. Every expected number below is worked out
// in the comments from the rows, not taken from a run. Percentiles are exact and interpolated
// (PERCENTILE.INC): for n sorted values x[0..n-1], p → h = (n − 1)·p,
// x[floor(h)] + (h − floor(h))·(x[floor(h)+1] − x[floor(h)]).

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const DAY1 = Date.parse('2024-05-01T00:00:00Z');
const DAY2 = Date.parse('2024-05-02T00:00:00Z');
const FROM = new Date(DAY1);
const TO = new Date(Date.parse('2024-05-03T00:00:00Z'));
// Every row arrives after the period, so no event time is clamped as "from the future".
const RECEIVED = Date.parse('2024-05-10T00:00:00Z');

const iso = (ms: number): string => new Date(ms).toISOString();

// Decision times.
const C1 = DAY1 + 10 * HOUR;
const C2 = DAY1 + 11 * HOUR;
const C3 = DAY1 + 12 * HOUR;
const C4 = DAY2 + 9 * HOUR;
const C5 = DAY2 + 10 * HOUR;
const C6 = DAY2 + 11 * HOUR;
const C7 = DAY2 + 12 * HOUR;
const P1 = DAY1 + 8 * HOUR;
const P2 = DAY1 + 9 * HOUR;
const G1 = DAY1 + 13 * HOUR;
const W1 = DAY1 + 14 * HOUR;

const triggers = [
  // cart-push v1 had a 30 s window; v2 (the newest) has 60 s and is the one measured against.
  {
    trigger_id: 'cart-push',
    version: 1,
    name: 'Cart push',
    channel: 'push',
    signal_types: ['cart_abandoned'],
    window_ms: 30 * SECOND,
    success_types: ['purchase'],
  },
  {
    trigger_id: 'cart-push',
    version: 2,
    name: 'Cart push',
    channel: 'push',
    signal_types: ['cart_abandoned'],
    window_ms: MINUTE,
    success_types: ['purchase'],
  },
  {
    trigger_id: 'price-email',
    name: 'Pricing email',
    channel: 'email',
    signal_types: ['pricing_page_visit'],
    window_ms: HOUR,
    success_types: ['signup'],
  },
  // A window of 0 is no window (readiness reports it missing): windowMs null.
  {
    trigger_id: 'welcome-sms',
    name: 'Welcome SMS',
    channel: 'sms',
    signal_types: ['account_created'],
    window_ms: 0,
    success_types: ['signup'],
  },
];

const build = fixtureRows(iso);
// Each firing and signal has a person of its own.
const firing = (firingId: string, triggerId: string, decided: number, extra: object = {}) =>
  build.firing(firingId, triggerId, `person-${firingId}`, decided, extra);
const { exposure } = build;
const signal = (eventId: string, occurred: number) =>
  build.signal(eventId, `person-${eventId}`, 'cart_abandoned', occurred);

const firings = [
  // cart-push (window 60 000 ms). end_to_end per firing:
  // c1: own signal_at −2 s, delivered +3 s                → e2e 5 000, s→d 2 000, d→d 3 000
  firing('c1', 'cart-push', C1, { signal_at: iso(C1 - 2 * SECOND) }),
  // c2: signal by id (occurred −10 s); opened +1 s (ignored), rendered +20 s, delivered +30 s
  //     → first delivered|rendered +20 s                  → e2e 30 000, s→d 10 000, d→d 20 000
  firing('c2', 'cart-push', C2, { signal_event_id: 's-c2', channel: '' }),
  // c3: own signal_at −50 s, no exposure (tenant-b's exposure of "c3" must not count)
  //     → decided − signal                                → e2e 50 000, s→d 50 000, no d→d
  firing('c3', 'cart-push', C3, { signal_at: iso(C3 - 50 * SECOND), channel: 'push' }),
  // c4: channel in_app, own signal_at −40 s, delivered +30 s → e2e 70 000 > 60 000: expired
  firing('c4', 'cart-push', C4, { signal_at: iso(C4 - 40 * SECOND), channel: 'in_app' }),
  // c5: own signal_at −1 s, delivered +59 s               → e2e 60 000 = W: within (≤ W)
  firing('c5', 'cart-push', C5, { signal_at: iso(C5 - SECOND), channel: 'push' }),
  // c6: no signal time at all; delivered +0.5 s           → noSignalTime, d→d 500 still counts
  firing('c6', 'cart-push', C6),
  // c7: names a signal that is not stored for tenant-a (tenant-b has one by that id) → noSignalTime
  firing('c7', 'cart-push', C7, { signal_event_id: 's-missing' }),

  // price-email (window 3 600 000 ms):
  // p1: own signal_at −2 min wins over its referenced signal (−999 999 ms); delivered +2 h
  //     → e2e 7 320 000 > W: expired
  firing('p1', 'price-email', P1, {
    signal_at: iso(P1 - 2 * MINUTE),
    signal_event_id: 's-p1',
  }),
  // p2: signal by id (−1 min); opened +30 s (ignored); delivered +1 min → e2e 120 000
  firing('p2', 'price-email', P2, { signal_event_id: 's-p2' }),

  // ghost: no definition → window null; channel from the firing. e2e = decided − signal = 1 000.
  firing('g1', 'ghost', G1, { signal_at: iso(G1 - SECOND), channel: 'web' }),
  // welcome-sms (window 0 = none): e2e 5 000.
  firing('w1', 'welcome-sms', W1, { signal_at: iso(W1 - 5 * SECOND) }),

  // Not subjects; each would change cart-push's numbers if it were counted.
  firing('x-skip', 'cart-push', C1, {
    signal_at: iso(C1 - 10 * HOUR),
    skip_reason: 'frequency_cap',
  }),
  firing('x-hold', 'cart-push', C1, { signal_at: iso(C1 - 10 * HOUR), arm: 'holdout' }),
  firing('x-global', 'cart-push', C1, { signal_at: iso(C1 - 10 * HOUR), arm: 'global_holdout' }),
  firing('x-before', 'cart-push', DAY1 - 1, { signal_at: iso(DAY1 - 10 * HOUR) }),
  firing('x-at-to', 'cart-push', TO.getTime(), { signal_at: iso(TO.getTime() - 10 * HOUR) }),
];

const exposures = [
  exposure('c1', 'delivered', C1 + 3 * SECOND),
  exposure('c1', 'opened', C1 + 4 * SECOND),
  exposure('c2', 'opened', C2 + SECOND),
  exposure('c2', 'rendered', C2 + 20 * SECOND),
  exposure('c2', 'delivered', C2 + 30 * SECOND),
  exposure('c4', 'delivered', C4 + 30 * SECOND),
  exposure('c5', 'delivered', C5 + 59 * SECOND),
  exposure('c6', 'delivered', C6 + 500),
  exposure('p1', 'delivered', P1 + 2 * HOUR),
  exposure('p2', 'opened', P2 + 30 * SECOND),
  exposure('p2', 'delivered', P2 + MINUTE),
  // Delivered exposures of excluded firings: must not matter.
  exposure('x-skip', 'delivered', C1 + SECOND),
  exposure('x-hold', 'delivered', C1 + SECOND),
];

const signals = [
  signal('s-c2', C2 - 10 * SECOND),
  signal('s-p1', P1 - 999_999),
  signal('s-p2', P2 - MINUTE),
];

// Expected, cart-push over the whole period (measured: c1..c5; c6, c7 lack a signal time):
//   e2e sorted 5 000, 30 000, 50 000, 60 000, 70 000 (n = 5)
//   p50 h=2 → 50 000; p90 h=3.6 → 60 000 + 0.6·10 000 = 66 000; p95 h=3.8 → 68 000;
//   p99 h=3.96 → 69 600; max 70 000; expired 1 (c4); within 4/5 = 0.8
//   s→d 1 000, 2 000, 10 000, 40 000, 50 000 → p50 10 000
//   d→d over c1 3 000, c2 20 000, c4 30 000, c5 59 000, c6 500 → sorted 500, 3 000, 20 000,
//   30 000, 59 000 → p50 20 000
const cartPush: LatencyStats = {
  triggerId: 'cart-push',
  channel: 'push',
  day: null,
  firings: 5,
  noSignalTime: 2,
  p50Ms: 50_000,
  p90Ms: 66_000,
  p95Ms: 68_000,
  p99Ms: 69_600,
  maxMs: 70_000,
  signalToDecisionP50Ms: 10_000,
  decisionToDeliveryP50Ms: 20_000,
  windowMs: 60_000,
  withinWindowRate: 0.8,
  expired: 1,
};

// price-email: e2e 120 000 and 7 320 000 → p50 h=0.5 → 3 720 000; p90 h=0.9 → 120 000 +
//   0.9·7 200 000 = 6 600 000; p95 6 960 000; p99 7 248 000; max 7 320 000; expired 1; within 0.5
//   s→d 120 000 (p1), 60 000 (p2) → p50 90 000; d→d 7 200 000, 60 000 → p50 3 630 000
const priceEmail: LatencyStats = {
  triggerId: 'price-email',
  channel: 'email',
  day: null,
  firings: 2,
  noSignalTime: 0,
  p50Ms: 3_720_000,
  p90Ms: 6_600_000,
  p95Ms: 6_960_000,
  p99Ms: 7_248_000,
  maxMs: 7_320_000,
  signalToDecisionP50Ms: 90_000,
  decisionToDeliveryP50Ms: 3_630_000,
  windowMs: 3_600_000,
  withinWindowRate: 0.5,
  expired: 1,
};

// A single value: every percentile is that value.
const single = (
  triggerId: string,
  channel: string,
  e2e: number,
  rest: Partial<LatencyStats> = {},
): LatencyStats => ({
  triggerId,
  channel,
  day: null,
  firings: 1,
  noSignalTime: 0,
  p50Ms: e2e,
  p90Ms: e2e,
  p95Ms: e2e,
  p99Ms: e2e,
  maxMs: e2e,
  signalToDecisionP50Ms: e2e,
  decisionToDeliveryP50Ms: null,
  windowMs: null,
  withinWindowRate: null,
  expired: 0,
  ...rest,
});

// Every expectation holds read from the streams (in one statement, and one trigger at a time as
// when a period's sent firings exceed STREAMS_PART_FIRINGS) and read from the trend facts (built
// after the rows are stored, so current): every source must give the same answer.
describe.each([
  ['the streams', {}],
  ['the streams, one trigger at a time', { STREAMS_PART_FIRINGS: '1' }],
  ['the trend facts', {}],
])('LatencyService from %s', (source, env) => {
  const store = storeForSuite(env);
  let service: LatencyService;
  let facts: TrendFacts | undefined;
  /** cart-push over the whole period of tenant-a, grouped as given. */
  const cartPushBy = (...groupBy: LatencyDimension[]) =>
    service.triggerLatency('tenant-a', { from: FROM, to: TO, triggerIds: ['cart-push'], groupBy });

  beforeAll(async () => {
    if (source === 'the trend facts') {
      facts = new TrendFacts(store.clickhouse, new MemoryDataVersions(), store.config);
    }
    service = new LatencyService(store.clickhouse, store.config, facts);
    await seedRows(
      store.clickhouse,
      'tenant-a',
      { triggers, signals, firings, exposures },
      RECEIVED,
    );
    // Re-deliveries in separate inserts (separate parts, not merged): each must count once.
    await seedRows(
      store.clickhouse,
      'tenant-a',
      {
        firings: firings.filter((f) => f.firing_id === 'c1'),
        signals: signals.filter((s) => s.event_id === 's-c2'),
        exposures: exposures.filter((e) => e.firing_id === 'c2'),
      },
      RECEIVED + HOUR,
    );
    // Another tenant: same trigger and firing ids, an exposure of tenant-a's c3 and the signal c7
    // names. None of it may reach tenant-a's numbers.
    await seedRows(
      store.clickhouse,
      'tenant-b',
      {
        triggers,
        firings: [
          firing('c1', 'cart-push', C1, { signal_at: iso(C1 - 10 * HOUR) }),
          firing('b1', 'cart-push', C1, { signal_at: iso(C1 - 10 * HOUR) }),
        ],
        exposures: [exposure('c3', 'delivered', C3 + SECOND)],
        signals: [signal('s-missing', C7 - SECOND)],
      },
      RECEIVED,
    );
    if (facts !== undefined) {
      await facts.build('tenant-a');
      await facts.build('tenant-b');
    }
  }, 120_000);

  it(`reads ${source}`, async () => {
    const build = await facts?.current('tenant-a');
    expect(build !== undefined).toBe(source === 'the trend facts');
  });

  it('measures each trigger over its sent treatment firings, once each', async () => {
    const stats = await service.triggerLatency('tenant-a', { from: FROM, to: TO });
    expect(stats).toEqual([
      cartPush,
      // ghost: no definition → no window; channel from its only firing.
      single('ghost', 'web', 1_000),
      priceEmail,
      // welcome-sms: window 0 = none; channel from the definition (the firing names none).
      single('welcome-sms', 'sms', 5_000),
    ]);
  });

  it('filters by trigger ids', async () => {
    const stats = await service.triggerLatency('tenant-a', {
      from: FROM,
      to: TO,
      triggerIds: ['price-email'],
    });
    expect(stats).toEqual([priceEmail]);
  });

  it('splits by channel, the firing channel falling back to the trigger channel', async () => {
    const stats = await cartPushBy(LatencyDimension.CHANNEL);
    expect(stats).toEqual([
      // in_app: c4 alone → 70 000 everywhere, expired, within 0; s→d 40 000, d→d 30 000.
      single('cart-push', 'in_app', 70_000, {
        signalToDecisionP50Ms: 40_000,
        decisionToDeliveryP50Ms: 30_000,
        windowMs: 60_000,
        withinWindowRate: 0,
        expired: 1,
      }),
      // push: c1 (no channel), c2 (""), c3, c5 → 5 000, 30 000, 50 000, 60 000;
      //   p50 h=1.5 → 40 000; p90 h=2.7 → 57 000; p95 h=2.85 → 58 500; p99 h=2.97 → 59 700;
      //   max 60 000; expired 0; within 1; noSignalTime c6, c7 (channel "" → push) = 2
      //   s→d 2 000, 10 000, 50 000, 1 000 → sorted 1 000, 2 000, 10 000, 50 000 → p50 6 000
      //   d→d 3 000, 20 000, 59 000, 500 (c6) → sorted 500, 3 000, 20 000, 59 000 → p50 11 500
      {
        triggerId: 'cart-push',
        channel: 'push',
        day: null,
        firings: 4,
        noSignalTime: 2,
        p50Ms: 40_000,
        p90Ms: 57_000,
        p95Ms: 58_500,
        p99Ms: 59_700,
        maxMs: 60_000,
        signalToDecisionP50Ms: 6_000,
        decisionToDeliveryP50Ms: 11_500,
        windowMs: 60_000,
        withinWindowRate: 1,
        expired: 0,
      },
    ]);
  });

  it('splits by UTC day of decided_at', async () => {
    const stats = await cartPushBy(LatencyDimension.DAY);
    expect(stats).toEqual([
      // 2024-05-01: c1, c2, c3 → 5 000, 30 000, 50 000; p50 30 000; p90 h=1.8 → 46 000;
      //   p95 h=1.9 → 48 000; p99 h=1.98 → 49 600; max 50 000; none expired.
      //   s→d 2 000, 10 000, 50 000 → 10 000; d→d 3 000, 20 000 → 11 500
      {
        triggerId: 'cart-push',
        channel: 'push',
        day: '2024-05-01',
        firings: 3,
        noSignalTime: 0,
        p50Ms: 30_000,
        p90Ms: 46_000,
        p95Ms: 48_000,
        p99Ms: 49_600,
        maxMs: 50_000,
        signalToDecisionP50Ms: 10_000,
        decisionToDeliveryP50Ms: 11_500,
        windowMs: 60_000,
        withinWindowRate: 1,
        expired: 0,
      },
      // 2024-05-02: c4, c5 → 60 000, 70 000; p50 65 000; p90 69 000; p95 69 500; p99 69 900;
      //   expired 1 (c4), within 0.5; c6, c7 without signal time.
      //   s→d 40 000, 1 000 → 20 500; d→d 30 000, 59 000, 500 → 30 000.
      //   Ungrouped by channel: the trigger's channel (push), though c4 went in_app.
      {
        triggerId: 'cart-push',
        channel: 'push',
        day: '2024-05-02',
        firings: 2,
        noSignalTime: 2,
        p50Ms: 65_000,
        p90Ms: 69_000,
        p95Ms: 69_500,
        p99Ms: 69_900,
        maxMs: 70_000,
        signalToDecisionP50Ms: 20_500,
        decisionToDeliveryP50Ms: 30_000,
        windowMs: 60_000,
        withinWindowRate: 0.5,
        expired: 1,
      },
    ]);
  });

  it('splits by channel and day together', async () => {
    const stats = await cartPushBy(LatencyDimension.DAY, LatencyDimension.CHANNEL);
    expect(
      stats.map((s) => [s.day, s.channel, s.firings, s.noSignalTime, s.p50Ms, s.expired]),
    ).toEqual([
      ['2024-05-01', 'push', 3, 0, 30_000, 0],
      ['2024-05-02', 'in_app', 1, 0, 70_000, 1],
      // c5 only; c6 and c7 (push by fallback) lack a signal time.
      ['2024-05-02', 'push', 1, 2, 60_000, 0],
    ]);
  });

  it('keeps the period half-open and the tenant separate', async () => {
    // [C1, C2): c1 only; x-skip, x-hold and x-global share C1 and stay out.
    const stats = await service.triggerLatency('tenant-a', {
      from: new Date(C1),
      to: new Date(C2),
    });
    expect(stats).toEqual([
      single('cart-push', 'push', 5_000, {
        signalToDecisionP50Ms: 2_000,
        decisionToDeliveryP50Ms: 3_000,
        windowMs: 60_000,
        withinWindowRate: 1,
      }),
    ]);
    // tenant-b: c1 and b1, both 10 h from signal to decision, no exposure.
    const other = await service.triggerLatency('tenant-b', { from: FROM, to: TO });
    expect(other.map((s) => [s.triggerId, s.firings, s.p50Ms, s.expired])).toEqual([
      ['cart-push', 2, 10 * HOUR, 2],
    ]);
  });

  it('answers an empty list for a period without firings', async () => {
    const stats = await service.triggerLatency('tenant-a', {
      from: new Date('2023-01-01T00:00:00Z'),
      to: new Date('2023-01-02T00:00:00Z'),
    });
    expect(stats).toEqual([]);
  });

  it('refuses a period that ends before it starts', async () => {
    await expect(service.triggerLatency('tenant-a', { from: TO, to: FROM })).rejects.toBeInstanceOf(
      MeasurementException,
    );
  });
});
