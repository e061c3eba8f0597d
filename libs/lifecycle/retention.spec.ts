import { beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { loadConfig } from '../config/index.js';
import { generateProgram } from '../demo/index.js';
import {
  buildAssignmentRollup,
  GuardrailsService,
  LiftService,
  rollupIsStale,
  TrendFacts,
} from '../measurement/index.js';
import { seedRows } from '../measurement/testing.js';
import { MemoryDataVersions } from '../storage/index.js';
import { storeForSuite } from '../storage/testing.js';
import { applyRetention } from './retention.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('retention as ClickHouse TTLs on event time', () => {
  const store = storeForSuite();
  const now = Date.now();

  beforeAll(async () => {
    await seedRows(store.clickhouse, 'acme', {
      signals: [
        { event_id: 'old', person_id: 'p1', type: 'view', occurred_at: iso(now - 45 * DAY) },
        { event_id: 'edge', person_id: 'p1', type: 'view', occurred_at: iso(now - 29 * DAY) },
        { event_id: 'new', person_id: 'p2', type: 'view', occurred_at: iso(now - DAY) },
      ],
      outcomes: [
        {
          outcome_id: 'o-old',
          person_id: 'p1',
          type: 'purchase',
          occurred_at: iso(now - 45 * DAY),
        },
      ],
    });
  });

  const ids = async (table: 'signals' | 'outcomes', column: string) =>
    (
      await store.clickhouse.query({
        tag: 'test.ids',
        sql: `SELECT ${column} AS id FROM ${table} FINAL ORDER BY id`,
        row: z.object({ id: z.string() }),
      })
    ).map((r) => r.id);

  const ttlOf = async (table: string) =>
    (
      await store.clickhouse.query({
        tag: 'test.ttl',
        sql: `SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = {table:String}`,
        params: { table },
        row: z.object({ engine_full: z.string() }),
      })
    )[0].engine_full;

  it('removes rows older than RETENTION_DAYS_SIGNALS and keeps newer ones and other streams', async () => {
    const config = loadConfig({ CAUSEWAY_DATA_DIR: store.dataDir, RETENTION_DAYS_SIGNALS: '30' });
    expect(await applyRetention(store.clickhouse, config)).toEqual({ signals: 30 });
    // Applied once: a restart with the same setting changes nothing.
    expect(await applyRetention(store.clickhouse, config)).toEqual({});
    await store.clickhouse.command(
      'test.materialize',
      'ALTER TABLE signals MATERIALIZE TTL SETTINGS mutations_sync = 2',
    );
    expect(await ids('signals', 'event_id')).toEqual(['edge', 'new']);
    expect(await ids('outcomes', 'outcome_id')).toEqual(['o-old']);
    expect(await ttlOf('outcomes')).not.toMatch(/\bTTL\b/);
  });

  it('drops the TTL when the variable is unset', async () => {
    expect(await ttlOf('signals')).toMatch(/\bTTL\b/);
    const config = loadConfig({ CAUSEWAY_DATA_DIR: store.dataDir });
    expect(await applyRetention(store.clickhouse, config)).toEqual({ signals: null });
    expect(await ttlOf('signals')).not.toMatch(/\bTTL\b/);
  });

  it('removes a TTL an earlier release set on trigger definitions, which are kept now', async () => {
    await store.clickhouse.command(
      'test.triggers_ttl',
      'ALTER TABLE triggers MODIFY TTL toDateTime(received_at) + INTERVAL 30 DAY',
    );
    const config = loadConfig({ CAUSEWAY_DATA_DIR: store.dataDir });
    expect(await applyRetention(store.clickhouse, config)).toEqual({ triggers: null });
    expect(await ttlOf('triggers')).not.toMatch(/\bTTL\b/);
  });

  it('refuses a retention that is not a whole number of days', () => {
    expect(() => loadConfig({ RETENTION_DAYS_FIRINGS: '0' })).toThrow(
      /RETENTION_DAYS_FIRINGS: at least 1 day/,
    );
    expect(() => loadConfig({ RETENTION_DAYS_FIRINGS: '7.5' })).toThrow(
      /RETENTION_DAYS_FIRINGS: a whole number of days/,
    );
  });
});

describe('retention of firings as lift and guardrails read them', () => {
  const store = storeForSuite();
  const now = Date.now();
  const days = 15;
  // The program's 30 days end today; the retention's cutoff lies in their middle. Firings within
  // an hour of it are left out, so which side each firing is on does not hang on the seconds
  // between this line and the TTL's merge.
  const cutoff = now - days * DAY;
  const program = generateProgram({
    seed: 5,
    persons: 300,
    start: new Date(Math.floor((now - 30 * DAY) / DAY) * DAY),
    days: 31,
    plantedBlockRows: 300,
  });
  type Row = Record<string, unknown>;
  const rows = program.rows as unknown as Record<string, readonly Row[]>;
  const decidedAt = (firing: Row) => Date.parse(firing.decided_at as string);
  const firings = rows.firings.filter((f) => Math.abs(decidedAt(f) - cutoff) > 3_600_000);
  const retained = firings.filter((f) => decidedAt(f) > cutoff);
  const period = { from: program.period.from, to: program.period.to };

  const measures = (tenantId: string) =>
    Promise.all([
      new LiftService(store.clickhouse, store.config).report(tenantId, period),
      new LiftService(store.clickhouse, store.config).report(tenantId, {
        ...period,
        groupByVariant: true,
      }),
      new GuardrailsService(store.clickhouse).report(tenantId, period.from, period.to),
    ]);

  beforeAll(async () => {
    // 'all' is sent every firing, 'retained' only those the retention keeps; the rollup is built
    // over both before the retention is set, as a running service would have it
    await seedRows(store.clickhouse, 'all', { ...rows, firings });
    await seedRows(store.clickhouse, 'retained', { ...rows, firings: retained });
    await buildAssignmentRollup(store.clickhouse, { marginMs: 0 });
  });

  it('counts only the firings RETENTION_DAYS_FIRINGS keeps, once removed and the rollup built again', async () => {
    expect(retained.length).toBeGreaterThan(100);
    expect(firings.length - retained.length).toBeGreaterThan(100);
    expect(await measures('all')).not.toEqual(await measures('retained'));
    const config = loadConfig({
      CAUSEWAY_DATA_DIR: store.dataDir,
      RETENTION_DAYS_FIRINGS: String(days),
    });
    expect(await applyRetention(store.clickhouse, config)).toEqual({
      firings: days,
      trend_facts: days,
    });
    await store.clickhouse.command(
      'test.materialize',
      'ALTER TABLE firings MATERIALIZE TTL SETTINGS mutations_sync = 2',
    );
    const [left] = await store.clickhouse.query({
      tag: 'test.firings_left',
      sql: `SELECT countIf(tenant_id = 'all') AS all_, countIf(tenant_id = 'retained') AS retained
            FROM firings FINAL`,
      row: z.object({ all_: z.number(), retained: z.number() }),
    });
    expect(left).toEqual({ all_: retained.length, retained: retained.length });
    // Nothing was written since the build, so only a retention makes it due (at its age, here 0);
    // built again, it holds what the retention kept.
    expect(await rollupIsStale(store.clickhouse, { maxAgeMs: 0 })).toBe(false);
    expect(await rollupIsStale(store.clickhouse, { maxAgeMs: 0, retention: true })).toBe(true);
    await buildAssignmentRollup(store.clickhouse, { marginMs: 0 });
    expect(await measures('all')).toEqual(await measures('retained'));
  });
});

describe('retention of the trend facts', () => {
  const store = storeForSuite();
  const now = Date.now();
  const firing = (firingId: string, daysAgo: number) => ({
    firing_id: firingId,
    trigger_id: 't1',
    person_id: `p-${firingId}`,
    decided_at: iso(now - daysAgo * DAY),
    arm: 'treatment',
  });

  /** The decision days ago of the facts stored per tenant, whichever build holds them. */
  const factAges = async () =>
    (
      await store.clickhouse.query({
        tag: 'test.fact_ages',
        sql: `SELECT tenant_id, groupArray(intDiv({now:Int64} - decided_ms, ${DAY})) AS ages
              FROM (SELECT tenant_id, decided_ms FROM trend_facts ORDER BY decided_ms)
              GROUP BY tenant_id ORDER BY tenant_id`,
        params: { now },
        row: z.object({ tenant_id: z.string(), ages: z.array(z.coerce.number()) }),
      })
    ).map((r) => [r.tenant_id, r.ages]);

  beforeAll(async () => {
    // 'quiet' sent its last firings 45 days ago; 'busy' sends still
    await seedRows(store.clickhouse, 'quiet', { firings: [firing('q1', 45), firing('q2', 40)] });
    await seedRows(store.clickhouse, 'busy', { firings: [firing('b1', 45), firing('b2', 1)] });
    const facts = new TrendFacts(store.clickhouse, new MemoryDataVersions(), store.config);
    await facts.build('quiet');
    await facts.build('busy');
  });

  it('removes the facts of firings older than RETENTION_DAYS_FIRINGS with the firings, built again or not', async () => {
    expect(await factAges()).toEqual([
      ['busy', [45, 1]],
      ['quiet', [45, 40]],
    ]);
    const config = loadConfig({ CAUSEWAY_DATA_DIR: store.dataDir, RETENTION_DAYS_FIRINGS: '30' });
    expect(await applyRetention(store.clickhouse, config)).toEqual({
      firings: 30,
      trend_facts: 30,
    });
    // applied once: a restart with the same setting changes nothing
    expect(await applyRetention(store.clickhouse, config)).toEqual({});
    // what the engine's merges do in time, on every table with a TTL
    const withTtl = await store.clickhouse.query({
      tag: 'test.ttl_tables',
      sql: `SELECT name FROM system.tables
            WHERE database = currentDatabase() AND engine_full LIKE '% TTL %' ORDER BY name`,
      row: z.object({ name: z.string() }),
    });
    for (const { name } of withTtl) {
      await store.clickhouse.command(
        'test.materialize',
        `ALTER TABLE ${name} MATERIALIZE TTL SETTINGS mutations_sync = 2`,
      );
    }
    // no firing of 'quiet' is left, so nothing builds its facts again: they leave by their own TTL
    const [left] = await store.clickhouse.query({
      tag: 'test.firings_left',
      sql: `SELECT groupArray(firing_id) AS ids FROM (SELECT firing_id FROM firings FINAL ORDER BY firing_id)`,
      row: z.object({ ids: z.array(z.string()) }),
    });
    expect(left.ids).toEqual(['b2']);
    expect(await factAges()).toEqual([['busy', [1]]]);
  });
});

describe('retention of the Segment messages kept unmapped', () => {
  const store = storeForSuite();
  const now = Date.now();
  const message = (messageId: string, daysAgo: number) => ({
    tenant_id: 'acme',
    message_id: messageId,
    type: 'identify',
    event: '',
    person_id: 'p1',
    timestamp: iso(now - daysAgo * DAY)
      .replace('T', ' ')
      .replace('Z', ''),
    received_at: iso(now).replace('T', ' ').replace('Z', ''),
    raw: `{"type":"identify","userId":"p1","traits":{"email":"p1@example.com"},"messageId":"${messageId}"}`,
    updated_at: iso(now).replace('T', ' ').replace('Z', ''),
  });

  it('removes the messages older than RETENTION_DAYS_SEGMENT by their event time', async () => {
    await store.clickhouse.insert({
      table: 'segment_unmapped',
      tag: 'test.segment_unmapped',
      rows: [message('m-old', 45), message('m-edge', 29), message('m-new', 1)],
    });
    const config = loadConfig({ CAUSEWAY_DATA_DIR: store.dataDir, RETENTION_DAYS_SEGMENT: '30' });
    expect(await applyRetention(store.clickhouse, config)).toEqual({ segment_unmapped: 30 });
    await store.clickhouse.command(
      'test.materialize',
      'ALTER TABLE segment_unmapped MATERIALIZE TTL SETTINGS mutations_sync = 2',
    );
    const kept = await store.clickhouse.query({
      tag: 'test.segment_kept',
      sql: 'SELECT message_id FROM segment_unmapped FINAL ORDER BY message_id',
      row: z.object({ message_id: z.string() }),
    });
    expect(kept.map((r) => r.message_id)).toEqual(['m-edge', 'm-new']);
  });
});
