import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { openTemporaryStore, type TemporaryStore } from '../../storage/testing.js';
import { fixtureRows, seedRows } from '../common/testing.js';
import { ConsentAuditService } from '../consent/consent-audit.service.js';
import { LatencyService } from '../latency/latency.service.js';
import { SuppressionService } from '../suppression/suppression.service.js';
import { Granularity, GRANULARITY_MS } from './granularity.js';
import type { TrendPoint } from './models/trend-point.model.js';
import { OverTimeService } from './over-time.service.js';

const MINUTE = 60_000;
const at = (iso: string) => `2026-${iso}Z`;
const build = fixtureRows(at);
const sent = (id: string, trigger: string, person: string, decided: string, extra: object = {}) =>
  build.firing(id, trigger, person, decided, extra);

const FROM = new Date('2026-10-01T00:00:00Z');
const TO = new Date('2026-10-04T00:00:00Z');

describe('triggerTrend on the embedded engine', () => {
  let store: TemporaryStore;
  let trend: TrendPoint[];

  beforeAll(async () => {
    store = await openTemporaryStore();
    await seedRows(store.clickhouse, 'tenant-a', {
      triggers: [
        build.trigger('t1', 'push', { window_ms: 60 * MINUTE, consent_purpose: 'marketing' }),
        // a draft naming no consent purpose: its sends are never non-compliant
        build.trigger('t2', 'email', {
          window_ms: 10 * MINUTE,
          consent_purpose: '',
          status: 'draft',
        }),
      ],
      signals: [build.signal('s8', 'p6', 'cart_abandoned', '10-03T00:30:00')],
      firings: [
        sent('f1', 't1', 'p1', '10-01T10:00:00', { signal_at: at('10-01T09:30:00') }),
        sent('f2', 't1', 'p2', '10-01T11:00:00', { signal_at: at('10-01T09:00:00') }),
        sent('f3', 't1', 'p3', '10-01T12:00:00', { skip_reason: 'frequency_cap' }),
        sent('f4', 't1', 'p4', '10-01T13:00:00', { arm: 'holdout' }),
        sent('f5', 't1', 'p1', '10-02T10:00:00', { signal_at: at('10-02T09:59:00') }),
        sent('f6', 't1', 'p5', '10-02T23:00:00'), // no signal time
        sent('f7', 't2', 'p2', '10-02T05:00:00', { signal_at: at('10-02T04:55:00') }),
        sent('f8', 't2', 'p6', '10-03T01:00:00', { signal_event_id: 's8' }),
        sent('f9', 't1', 'p6', '10-03T02:00:00', { signal_at: at('10-03T01:55:00') }),
      ],
      exposures: [build.exposure('f1', 'delivered', '10-01T10:10:00')],
      outcomes: [
        build.outcome('o1', 'p1', 'purchase', '10-01T20:00:00'), // 14 h before f5
        build.outcome('o2', 'p2', 'unsubscribe', '10-05T00:00:00'), // within 7 days of f2, f7
        build.outcome('o3', 'p6', 'complaint', '10-11T01:00:00'), // 8 days after f8: too late
      ],
      consent: [
        build.consent('c1', 'p1', 'marketing', true, '09-30T00:00:00'),
        build.consent('c1b', 'p1', 'marketing', false, '10-02T10:00:00.001'),
        build.consent('c5', 'p5', 'marketing', true, '10-01T00:00:00'),
        build.consent('c5b', 'p5', 'marketing', false, '10-02T12:00:00'),
        build.consent('c6', 'p6', 'marketing', true, '10-03T02:00:00'),
      ],
    });
    trend = await new OverTimeService(store.clickhouse, store.config).triggerTrend('tenant-a', {
      from: FROM,
      to: TO,
    });
  });
  afterAll(async () => {
    await store.dispose();
  });

  it('counts each bucket by hand', () => {
    expect(
      trend.map((p) => [
        p.bucketStart.toISOString().slice(5, 10),
        p.triggerId,
        p.sentFirings,
        p.withinWindowRate,
        p.p50Ms,
        p.overwhelmed,
        p.convertedThenTargeted,
        p.nonCompliant,
      ]),
    ).toEqual([
      ['10-01', 't1', 2, 0.5, 80 * MINUTE, 1, 0, 1],
      ['10-02', 't1', 2, 1, MINUTE, 0, 1, 1],
      ['10-02', 't2', 1, 1, 5 * MINUTE, 1, 0, 0],
      ['10-03', 't1', 1, 1, 5 * MINUTE, 0, 0, 0],
      ['10-03', 't2', 1, 0, 30 * MINUTE, 0, 0, 0],
    ]);
    expect(trend[0].overwhelmRate).toBe(0.5);
  });

  it('equals triggerLatency, suppressionAudit and consentAudit run over each bucket', async () => {
    const latency = new LatencyService(store.clickhouse);
    const suppression = new SuppressionService(store.clickhouse);
    const consent = new ConsentAuditService(store.clickhouse);
    for (const point of trend) {
      const bucket = {
        from: point.bucketStart,
        to: new Date(point.bucketStart.getTime() + GRANULARITY_MS[Granularity.DAY]),
        triggerIds: [point.triggerId],
      };
      const [speed] = await latency.triggerLatency('tenant-a', bucket);
      const [failures] = await suppression.audit('tenant-a', bucket);
      const audit = await consent.audit('tenant-a', bucket);
      const purposed = audit.byTrigger.find((row) => row.triggerId === point.triggerId);
      expect([point.withinWindowRate, point.p50Ms]).toEqual([speed.withinWindowRate, speed.p50Ms]);
      expect([point.sentFirings, point.convertedThenTargeted]).toEqual([
        failures.sentFirings,
        failures.convertedThenTargeted,
      ]);
      expect(point.nonCompliant).toBe(purposed?.nonCompliant ?? 0);
    }
  });

  it('equals the BI view bi_trigger_trend day by day', async () => {
    const view = await store.clickhouse.query({
      tag: 'test.bi_trigger_trend',
      sql: `SELECT toString(date) AS date, trigger_id, sent_firings, within_window_rate,
                   latency_p50_ms, overwhelmed_firings, overwhelm_rate, converted_then_targeted,
                   non_compliant
            FROM bi_trigger_trend WHERE tenant_id = 'tenant-a' ORDER BY date, trigger_id`,
      row: z.object({
        date: z.string(),
        trigger_id: z.string(),
        sent_firings: z.coerce.number(),
        within_window_rate: z.number().nullable(),
        latency_p50_ms: z.number().nullable(),
        overwhelmed_firings: z.coerce.number(),
        overwhelm_rate: z.number(),
        converted_then_targeted: z.coerce.number(),
        non_compliant: z.coerce.number(),
      }),
    });
    expect(view).toEqual(
      trend.map((p) => ({
        date: p.bucketStart.toISOString().slice(0, 10),
        trigger_id: p.triggerId,
        sent_firings: p.sentFirings,
        within_window_rate: p.withinWindowRate,
        latency_p50_ms: p.p50Ms,
        overwhelmed_firings: p.overwhelmed,
        overwhelm_rate: p.overwhelmRate,
        converted_then_targeted: p.convertedThenTargeted,
        non_compliant: p.nonCompliant,
      })),
    );
  });

  it('buckets by the hour, and filters triggers', async () => {
    const hourly = await new OverTimeService(store.clickhouse, store.config).triggerTrend(
      'tenant-a',
      {
        from: FROM,
        to: TO,
        granularity: Granularity.HOUR,
        triggerIds: ['t2'],
      },
    );
    expect(hourly.map((p) => [p.bucketStart.toISOString(), p.sentFirings])).toEqual([
      ['2026-10-02T05:00:00.000Z', 1],
      ['2026-10-03T01:00:00.000Z', 1],
    ]);
  });
});
