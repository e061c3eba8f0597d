import { beforeAll, describe, expect, it } from '@jest/globals';
import { storeForSuite } from '../../storage/testing.js';
import { MeasurementException } from '../common/measurement.exception.js';
import { READY_DEFINITIONS, seedRows } from '../common/testing.js';
import { TimelineService } from './timeline.service.js';

// One person's rows of every stream on the real engine. Expected entries are read off the rows;
// latencies and consent states are worked out in the comments.

const HOUR = 3_600_000;
const MINUTE = 60_000;
const at = (text: string) => `2026-${text}Z`;
const date = (text: string) => new Date(at(text));
const RECEIVED = Date.parse('2026-11-10T00:00:00Z');

const definition = (version: number, windowMs: number) => ({
  trigger_id: 'cart-email',
  version,
  name: 'Cart email',
  channel: 'email',
  signal_types: ['cart_abandoned'],
  window_ms: windowMs,
  success_types: ['purchase'],
  ...READY_DEFINITIONS,
  consent_purpose: 'email_marketing',
  status: 'live',
});
const triggers = [
  definition(1, HOUR),
  definition(2, 10 * MINUTE),
  {
    trigger_id: 'browse-push',
    name: 'Browse push',
    channel: 'push',
    signal_types: ['product_viewed'],
    window_ms: 30 * MINUTE,
    success_types: ['purchase'],
    consent_purpose: 'push_notifications',
  },
];
const consent = [
  {
    event_id: 'c1',
    person_id: 'p1',
    purpose: 'email_marketing',
    granted: true,
    occurred_at: at('09-01T00:00:00'),
  },
  {
    event_id: 'c2',
    person_id: 'p1',
    purpose: 'email_marketing',
    granted: false,
    occurred_at: at('10-02T10:00:00'),
    source: 'esp_sync',
    recorded_at: at('10-02T20:00:00'),
  },
  {
    event_id: 'c3',
    person_id: 'p1',
    purpose: 'push_notifications',
    granted: true,
    occurred_at: at('10-03T09:00:00'),
  },
  // another person's grant of the same purpose must not count for p1
  {
    event_id: 'c9',
    person_id: 'p2',
    purpose: 'email_marketing',
    granted: true,
    occurred_at: at('10-02T10:00:00'),
  },
];
const signals = [
  {
    event_id: 's1',
    person_id: 'p1',
    type: 'cart_abandoned',
    occurred_at: at('10-02T09:59:00'),
    source: 'web_sdk',
    properties: { cart_value: 80 },
  },
  {
    event_id: 's2',
    person_id: 'p1',
    type: 'product_viewed',
    occurred_at: at('10-03T08:59:30'),
    kind: 'behavioral',
  },
  { event_id: 's9', person_id: 'p2', type: 'product_viewed', occurred_at: at('10-03T08:00:00') },
];
const firings = [
  // v1 named: window 1 h. Signal time from s1 (09:59:00); first delivery x1 at 10:20:00 → 21 min,
  // within 1 h (v2's 10 min would not be). email_marketing at 10:00:00: c2 (revoked at that very
  // instant) → not granted.
  {
    firing_id: 'fa',
    trigger_id: 'cart-email',
    trigger_version: 1,
    person_id: 'p1',
    decided_at: at('10-02T10:00:00'),
    arm: 'treatment',
    signal_event_id: 's1',
    dispatched_at: at('10-02T10:00:30'),
    variant: 'b',
    properties: { tier: 'gold', country: 'DE', orders: 3, churn_risk: 0.25, trial: false },
  },
  // holdout: latency 30 s from its own signal_at (no exposure); push consent granted by c3 at the
  // same instant
  {
    firing_id: 'fb',
    trigger_id: 'browse-push',
    person_id: 'p1',
    decided_at: at('10-03T09:00:00'),
    arm: 'holdout',
    signal_at: at('10-03T08:59:30'),
  },
  // no version named → v2 (10 min); its signal is not stored → no latency; consent: c2 → revoked
  {
    firing_id: 'fc',
    trigger_id: 'cart-email',
    person_id: 'p1',
    decided_at: at('10-04T12:00:00'),
    arm: 'treatment',
    skip_reason: 'frequency_cap',
    signal_event_id: 'missing',
  },
  {
    firing_id: 'f9',
    trigger_id: 'cart-email',
    person_id: 'p2',
    decided_at: at('10-02T10:00:00'),
    arm: 'treatment',
  },
];
const exposures = [
  { event_id: 'x1', firing_id: 'fa', type: 'delivered', occurred_at: at('10-02T10:20:00') },
  {
    event_id: 'x2',
    firing_id: 'fa',
    type: 'opened',
    occurred_at: at('10-02T11:00:00'),
    machine: true,
    rendered_variant: 'b',
  },
  { event_id: 'x9', firing_id: 'f9', type: 'delivered', occurred_at: at('10-02T10:01:00') },
];
const outcomes = [
  {
    outcome_id: 'o1',
    person_id: 'p1',
    type: 'purchase',
    occurred_at: at('10-02T11:30:00'),
    value: 42.5,
    currency: 'EUR',
    order_id: 'A1',
    firing_id: 'fa',
  },
  { outcome_id: 'o2', person_id: 'p1', type: 'unsubscribe', occurred_at: at('10-03T00:00:00') },
  { outcome_id: 'o3', person_id: 'p1', type: 'wishlist_added', occurred_at: at('10-05T00:00:00') },
  {
    outcome_id: 'o4',
    person_id: 'p1',
    type: 'return',
    occurred_at: at('10-06T00:00:00'),
    value: 42.5,
    refund_of_order_id: 'A1',
  },
  { outcome_id: 'o9', person_id: 'p2', type: 'purchase', occurred_at: at('10-02T11:00:00') },
];

const empty = {
  type: null,
  triggerId: null,
  arm: null,
  value: null,
  skipReason: null,
  latencyMs: null,
  withinWindow: null,
  consentPurpose: null,
  consentGranted: null,
};

describe('TimelineService on the embedded engine', () => {
  const store = storeForSuite();
  let service: TimelineService;

  beforeAll(async () => {
    service = new TimelineService(store.clickhouse);
    await seedRows(
      store.clickhouse,
      'tenant-a',
      { triggers, consent, signals, firings, exposures, outcomes },
      RECEIVED,
    );
    // re-deliveries in a separate part count once
    await seedRows(
      store.clickhouse,
      'tenant-a',
      { firings: firings.slice(0, 1), signals: signals.slice(0, 1) },
      RECEIVED,
    );
    // another tenant's p1
    await seedRows(
      store.clickhouse,
      'tenant-b',
      {
        signals: [{ ...signals[0], event_id: 'other' }],
        outcomes: [{ ...outcomes[0], outcome_id: 'ob' }],
      },
      RECEIVED,
    );
  }, 120_000);

  it('lists every kind in time order; consent first at one instant', async () => {
    const timeline = await service.personTimeline('tenant-a', { personId: 'p1' });
    expect(timeline.map((e) => [e.kind, e.id])).toEqual([
      ['consent', 'c1'],
      ['signal', 's1'],
      ['consent', 'c2'],
      ['firing', 'fa'],
      ['exposure', 'x1'],
      ['exposure', 'x2'],
      ['outcome', 'o1'],
      ['outcome', 'o2'],
      ['signal', 's2'],
      ['consent', 'c3'],
      ['firing', 'fb'],
      ['firing', 'fc'],
      ['outcome', 'o3'],
      ['outcome', 'o4'],
    ]);
    const byId = new Map(timeline.map((e) => [e.id, e]));
    expect(byId.get('fa')).toEqual({
      ...empty,
      at: date('10-02T10:00:00'),
      kind: 'firing',
      id: 'fa',
      type: 'sent',
      triggerId: 'cart-email',
      arm: 'treatment',
      latencyMs: 21 * MINUTE,
      withinWindow: true,
      consentPurpose: 'email_marketing',
      consentGranted: false,
      detail: {
        trigger_version: 1,
        measured_version: 1,
        channel: '',
        surface: '',
        variant: 'b',
        signal_event_id: 's1',
        // as sent: the person's context at the decision
        properties: { tier: 'gold', country: 'DE', orders: 3, churn_risk: 0.25, trial: false },
        signal_at: '2026-10-02T09:59:00.000Z',
        dispatched_at: '2026-10-02T10:00:30.000Z',
        delivered_at: '2026-10-02T10:20:00.000Z',
        signal_to_decision_ms: MINUTE,
        decision_to_delivery_ms: 20 * MINUTE,
        window_ms: HOUR,
      },
    });
    expect(byId.get('fb')).toMatchObject({
      type: 'held_out',
      arm: 'holdout',
      skipReason: null,
      latencyMs: 30_000,
      withinWindow: true,
      consentPurpose: 'push_notifications',
      consentGranted: true,
      // sent without properties: an empty object
      detail: { trigger_version: 0, measured_version: 1, window_ms: 30 * MINUTE, properties: {} },
    });
    expect(byId.get('fc')).toMatchObject({
      type: 'skipped',
      skipReason: 'frequency_cap',
      latencyMs: null,
      withinWindow: null,
      consentGranted: false,
      detail: { trigger_version: 0, measured_version: 2, window_ms: 10 * MINUTE, signal_at: null },
    });
    expect(byId.get('s1')).toEqual({
      ...empty,
      at: date('10-02T09:59:00'),
      kind: 'signal',
      id: 's1',
      type: 'cart_abandoned',
      detail: {
        kind: 'behavioral',
        source: 'web_sdk',
        session_id: '',
        properties: { cart_value: 80 },
        computed_at: null,
        collected_at: null,
        received_at: '2026-11-10T00:00:00.000Z',
      },
    });
    expect(byId.get('x2')).toEqual({
      ...empty,
      at: date('10-02T11:00:00'),
      kind: 'exposure',
      id: 'x2',
      type: 'opened',
      triggerId: 'cart-email',
      detail: { firing_id: 'fa', rendered_variant: 'b', machine: true },
    });
    expect(byId.get('o1')).toEqual({
      ...empty,
      at: date('10-02T11:30:00'),
      kind: 'outcome',
      id: 'o1',
      type: 'purchase',
      triggerId: 'cart-email',
      value: 42.5,
      detail: {
        class: 'success',
        currency: 'EUR',
        order_id: 'A1',
        refund_of_order_id: '',
        channel: '',
        firing_id: 'fa',
      },
    });
    expect(['o2', 'o3', 'o4'].map((id) => [id, byId.get(id)?.detail?.class])).toEqual([
      ['o2', 'overwhelm'],
      ['o3', 'other'],
      ['o4', 'regret'],
    ]);
    expect(byId.get('c2')).toEqual({
      ...empty,
      at: date('10-02T10:00:00'),
      kind: 'consent',
      id: 'c2',
      type: 'email_marketing',
      consentPurpose: 'email_marketing',
      consentGranted: false,
      detail: { source: 'esp_sync', recorded_at: '2026-10-02T20:00:00.000Z' },
    });
  });

  it('keeps to the period, with exposures of earlier firings, and honours the limit', async () => {
    const window = await service.personTimeline('tenant-a', {
      personId: 'p1',
      from: date('10-02T10:10:00'),
      to: date('10-03T09:00:00'),
    });
    // fa was decided before `from`; its exposures in the period still show
    expect(window.map((e) => e.id)).toEqual(['x1', 'x2', 'o1', 'o2', 's2']);
    const first = await service.personTimeline('tenant-a', { personId: 'p1', limit: 2 });
    expect(first.map((e) => e.id)).toEqual(['c1', 's1']);
  });

  it('shows nothing of other persons or tenants', async () => {
    const other = await service.personTimeline('tenant-b', { personId: 'p1' });
    expect(other.map((e) => e.id)).toEqual(['other', 'ob']);
    expect(await service.personTimeline('tenant-a', { personId: 'nobody' })).toEqual([]);
  });

  it('refuses an empty period and a bad limit', async () => {
    await expect(
      service.personTimeline('tenant-a', {
        personId: 'p1',
        from: date('10-03T00:00:00'),
        to: date('10-02T00:00:00'),
      }),
    ).rejects.toBeInstanceOf(MeasurementException);
    await expect(
      service.personTimeline('tenant-a', { personId: 'p1', limit: 0 }),
    ).rejects.toBeInstanceOf(MeasurementException);
  });
});
