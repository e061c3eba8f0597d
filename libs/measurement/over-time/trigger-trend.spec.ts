import { beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { AppConfig } from '../../config/index.js';
import { MemoryDataVersions, toClickHouseTime } from '../../storage/index.js';
import { type TemporaryStore, storeForSuite } from '../../storage/testing.js';
import { fixtureRows, seedRows } from '../common/testing.js';
import { ConsentAuditService } from '../consent/consent-audit.service.js';
import { LatencyService } from '../latency/latency.service.js';
import { SuppressionService } from '../suppression/suppression.service.js';
import { Granularity, GRANULARITY_MS } from './granularity.js';
import type { TrendPoint } from './models/trend-point.model.js';
import { OverTimeService } from './over-time.service.js';
import { TrendFacts } from './trend-facts.js';
import { TrendFactsRefresher } from './trend-facts.refresher.js';
import { TREND_FACTS_QUERY, TRIGGER_TREND_QUERY } from './trigger-trend.query.js';
import { OVERWHELM_TYPES } from '../common/outcome-classes.js';
import { OVERWHELM_WINDOW_MS } from '../pressure/pressure.query.js';

const MINUTE = 60_000;
const at = (iso: string) => `2026-${iso}Z`;
const build = fixtureRows(at);
const sent = (id: string, trigger: string, person: string, decided: string, extra: object = {}) =>
  build.firing(id, trigger, person, decided, extra);

const FROM = new Date('2026-10-01T00:00:00Z');
const TO = new Date('2026-10-04T00:00:00Z');

/** The trend of the fixture below, day by day, counted by hand. */
const BY_HAND = [
  ['10-01', 't1', 2, 0.5, 80 * MINUTE, 1, 0, 1],
  ['10-02', 't1', 2, 1, MINUTE, 0, 1, 1],
  ['10-02', 't2', 1, 1, 5 * MINUTE, 1, 0, 0],
  // t9 was never defined: no window, no consent purpose; f11 after a sign-up (a default success
  // type) 12 h before, within the default 24 h lookback
  ['10-02', 't9', 1, null, 5 * MINUTE, 0, 1, 0],
  ['10-03', 't1', 1, 1, 5 * MINUTE, 0, 0, 0],
  ['10-03', 't2', 1, 0, 30 * MINUTE, 0, 0, 0],
];

const byHand = (points: TrendPoint[]) =>
  points.map((p) => [
    p.bucketStart.toISOString().slice(5, 10),
    p.triggerId,
    p.sentFirings,
    p.withinWindowRate,
    p.p50Ms,
    p.overwhelmed,
    p.convertedThenTargeted,
    p.nonCompliant,
  ]);

/** The fixture's rows: its trend is BY_HAND. */
const seedFixture = (clickhouse: TemporaryStore['clickhouse'], tenantId: string) =>
  seedRows(clickhouse, tenantId, {
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
      // t9 has no definition
      sent('f11', 't9', 'p8', '10-02T12:00:00', {
        channel: 'sms',
        signal_at: at('10-02T11:55:00'),
      }),
    ],
    exposures: [build.exposure('f1', 'delivered', '10-01T10:10:00')],
    outcomes: [
      build.outcome('o1', 'p1', 'purchase', '10-01T20:00:00'), // 14 h before f5
      build.outcome('o2', 'p2', 'unsubscribe', '10-05T00:00:00'), // within 7 days of f2, f7
      build.outcome('o3', 'p6', 'complaint', '10-11T01:00:00'), // 8 days after f8: too late
      build.outcome('o4', 'p8', 'signup', '10-02T00:00:00'), // 12 h before f11
    ],
    consent: [
      build.consent('c1', 'p1', 'marketing', true, '09-30T00:00:00'),
      build.consent('c1b', 'p1', 'marketing', false, '10-02T10:00:00.001'),
      build.consent('c5', 'p5', 'marketing', true, '10-01T00:00:00'),
      build.consent('c5b', 'p5', 'marketing', false, '10-02T12:00:00'),
      build.consent('c6', 'p6', 'marketing', true, '10-03T02:00:00'),
    ],
  });

describe('triggerTrend on the embedded engine', () => {
  const store = storeForSuite();
  let trend: TrendPoint[];

  beforeAll(async () => {
    await seedFixture(store.clickhouse, 'tenant-a');
    trend = await new OverTimeService(store.clickhouse, store.config).triggerTrend('tenant-a', {
      from: FROM,
      to: TO,
    });
  });

  it('counts each bucket by hand', () => {
    expect(byHand(trend)).toEqual(BY_HAND);
    expect(trend[0].overwhelmRate).toBe(0.5);
  });

  it('gives the same answer over the streams one trigger at a time (memory bounded per group)', async () => {
    const oneAtATime = new AppConfig({ ...store.config.env, STREAMS_PART_FIRINGS: 1 });
    const split = await new OverTimeService(store.clickhouse, oneAtATime).triggerTrend('tenant-a', {
      from: FROM,
      to: TO,
    });
    expect(new Set(trend.map((point) => point.triggerId)).size).toBeGreaterThan(1);
    expect(split).toEqual(trend);
  });

  it('equals triggerLatency, suppressionAudit and consentAudit run over each bucket', async () => {
    const latency = new LatencyService(store.clickhouse, store.config);
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

describe('triggerTrend from the trend facts', () => {
  const store = storeForSuite();
  let versions: MemoryDataVersions;
  let facts: TrendFacts;
  let service: OverTimeService;
  const day = { from: FROM, to: TO };
  /** The statement over the streams and the facts of a build, both run on the same request. */
  const bothPaths = async (buildId: number, stepMs: number, triggerIds: string[]) => {
    const params = {
      tenantId: 'tenant-a',
      from: toClickHouseTime(FROM.getTime()),
      to: toClickHouseTime(TO.getTime()),
      triggerIds,
      stepMs,
    };
    return [
      await store.clickhouse.run(TRIGGER_TREND_QUERY, {
        ...params,
        overwhelmTypes: [...OVERWHELM_TYPES],
        overwhelmWindowMs: OVERWHELM_WINDOW_MS,
      }),
      await store.clickhouse.run(TREND_FACTS_QUERY, { ...params, buildId }),
    ];
  };
  // a firing of t2 on 10-03 that the fixture lacks: the 10-03 t2 bucket has 2 sent firings with it
  const extraFiring = () =>
    seedRows(store.clickhouse, 'tenant-a', {
      firings: [sent('f10', 't2', 'p7', '10-03T05:00:00', { signal_at: at('10-03T04:00:00') })],
    });
  const t2On1003 = (points: TrendPoint[]) =>
    points.find((p) => p.triggerId === 't2' && p.bucketStart.toISOString().startsWith('2026-10-03'))
      ?.sentFirings;

  beforeAll(async () => {
    await seedFixture(store.clickhouse, 'tenant-a');
    await seedFixture(store.clickhouse, 'tenant-b');
    versions = new MemoryDataVersions();
    facts = new TrendFacts(store.clickhouse, versions, store.config);
    service = new OverTimeService(store.clickhouse, store.config, facts);
  });

  it('reads the streams while no build is made', async () => {
    // read from the streams instead: f11 is converted then targeted (BY_HAND)
    expect(await facts.current('tenant-a')).toBeUndefined();
    const t9 = (await service.triggerTrend('tenant-a', day)).find((p) => p.triggerId === 't9');
    expect(t9?.convertedThenTargeted).toBe(1);
  });

  it('builds every sent firing in parts, and answers from the facts what the streams answer', async () => {
    // 8 sent treatment firings (f3 skipped, f4 held out), 2 per part: 4 parts of persons at most
    const build = await facts.build('tenant-a', { firingsPerPart: 2 });
    expect(build.firings).toBe(8);
    expect(await facts.current('tenant-a')).toBe(build.buildId);
    for (const [stepMs, triggerIds] of [
      [GRANULARITY_MS[Granularity.DAY], []],
      [GRANULARITY_MS[Granularity.HOUR], []],
      [GRANULARITY_MS[Granularity.WEEK], ['t1']],
      [GRANULARITY_MS[Granularity.HOUR], ['t2']],
    ] as const) {
      const [streams, fromFacts] = await bothPaths(build.buildId, stepMs, [...triggerIds]);
      expect(fromFacts).toEqual(streams);
      expect(fromFacts.length).toBeGreaterThan(0);
    }
    expect(byHand(await service.triggerTrend('tenant-a', day))).toEqual(BY_HAND);
  });

  it('answers from the facts while the data version stands, from the streams once a write moves it', async () => {
    await facts.build('tenant-b');
    const tenantB = await facts.current('tenant-b');
    // rows stored without a write's version move (as a write half-way): the facts still answer
    await extraFiring();
    expect(t2On1003(await service.triggerTrend('tenant-a', day))).toBe(1);
    // the write is told: the facts are no longer used, the streams count the new firing
    await versions.bump('tenant-a');
    expect(await facts.current('tenant-a')).toBeUndefined();
    expect(t2On1003(await service.triggerTrend('tenant-a', day))).toBe(2);
    // another tenant's facts are untouched
    expect(tenantB).toBeDefined();
    expect(await facts.current('tenant-b')).toBe(tenantB);
    // a new build counts it too
    const build = await facts.build('tenant-a');
    expect(build.firings).toBe(9);
    expect(await facts.current('tenant-a')).toBe(build.buildId);
    expect(t2On1003(await service.triggerTrend('tenant-a', day))).toBe(2);
    const [streams, fromFacts] = await bothPaths(
      build.buildId,
      GRANULARITY_MS[Granularity.DAY],
      [],
    );
    expect(fromFacts).toEqual(streams);
  });

  it('keeps the two newest builds of each tenant', async () => {
    await facts.build('tenant-a');
    const builds = await store.clickhouse.query({
      tag: 'test.trend_fact_builds',
      sql: `SELECT tenant_id, count(DISTINCT build_id) AS builds FROM trend_facts
            GROUP BY tenant_id ORDER BY tenant_id`,
      row: z.object({ tenant_id: z.string(), builds: z.coerce.number() }),
    });
    expect(builds).toEqual([
      { tenant_id: 'tenant-a', builds: 2 },
      { tenant_id: 'tenant-b', builds: 1 },
    ]);
  });

  it('trusts no build of another process: the embedded versions restart from zero', async () => {
    const restarted = new TrendFacts(store.clickhouse, new MemoryDataVersions(), store.config);
    // tenant-b was built at version 0, which the new process reads too
    expect(await restarted.current('tenant-b')).toBeUndefined();
    expect(await facts.current('tenant-b')).toBeDefined();
  });

  it('builds a tenant once its data version stood still for a whole pass', async () => {
    const refresher = new TrendFactsRefresher(store.config, facts, versions);
    await versions.bump('tenant-a');
    // first pass: tenant-a's version is new to it; tenant-b's facts are current
    expect(await refresher.refresh()).toEqual([]);
    await versions.bump('tenant-a');
    expect(await refresher.refresh()).toEqual([]);
    // nothing written since the previous pass: built
    const built = await refresher.refresh();
    expect(built.map((b) => [b.tenantId, b.version, b.firings])).toEqual([
      ['tenant-a', await versions.current('tenant-a'), 9],
    ]);
    expect(await facts.current('tenant-a')).toBe(built[0].buildId);
    expect(await refresher.refresh()).toEqual([]);
  });
  it('uses no build of layout 2, which left the firings of a trigger never defined unchecked', async () => {
    const build = await facts.build('tenant-a');
    // a newer build as layout 2 wrote it: the same facts, but t9's firing (f11, converted then
    // targeted by the defaults) not flagged
    const stale = build.buildId + 1;
    const columns = `tenant_id, trigger_id, decided_ms, person_key, end_to_end_ms, overwhelmed,
                     converted_then_targeted, non_compliant, channel, signal_to_decision_ms,
                     decision_to_delivery_ms, converted_in_flight, cap_breached`;
    await store.clickhouse.command(
      'test.stale_trend_facts',
      `INSERT INTO trend_facts (build_id, ${columns})
       SELECT {stale:UInt64}, ${columns.replace(
         'converted_then_targeted',
         "converted_then_targeted AND trigger_id != 't9'",
       )}
       FROM trend_facts WHERE build_id = {buildId:UInt64}`,
      { stale, buildId: build.buildId },
    );
    await store.clickhouse.command(
      'test.stale_trend_fact_build',
      `INSERT INTO trend_fact_builds (tenant_id, build_id, version, epoch, overwhelm_types,
                                      overwhelm_window_ms, layout, started_at, finished_at, firings)
       SELECT tenant_id, {stale:UInt64}, version, epoch, overwhelm_types, overwhelm_window_ms, 2,
              started_at, finished_at, firings
       FROM trend_fact_builds WHERE build_id = {buildId:UInt64}`,
      { stale, buildId: build.buildId },
    );
    // read from the streams instead: f11 is converted then targeted (BY_HAND)
    expect(await facts.current('tenant-a')).toBeUndefined();
    const t9 = (await service.triggerTrend('tenant-a', day)).find((p) => p.triggerId === 't9');
    expect(t9?.convertedThenTargeted).toBe(1);
  });
});
