import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { AuditLogService } from '../audit/index.js';
import { z } from 'zod';
import { generateProgram, type GeneratedProgram } from '../demo/index.js';
import { prepareBatch, type StreamName } from '../ingest/index.js';
import {
  AttributionModel,
  AttributionService,
  buildAssignmentRollup,
  ConsentAuditService,
  GuardrailsService,
  LatencyService,
  LiftService,
  PressureService,
  SuppressionService,
  TimelineService,
  TrendFacts,
} from '../measurement/index.js';
import { seedRows } from '../measurement/testing.js';
import { MemoryDataVersions } from '../storage/index.js';
import { storeForSuite } from '../storage/testing.js';
import { personTokenPattern, type ErasureService } from './erasure.service.js';
import type { PersonBlocklist } from './person-blocklist.js';
import { erasureOn, rounded, withoutPersons } from './testing.js';

type Row = Record<string, unknown>;

/** The person with the most rows across the streams: the hardest one to forget. */
function busiestPerson(program: GeneratedProgram): string {
  const count = new Map<string, number>();
  for (const stream of ['signals', 'firings', 'outcomes', 'consent'] as const) {
    for (const row of program.rows[stream] as unknown as readonly Row[]) {
      const person = row.person_id as string;
      count.set(person, (count.get(person) ?? 0) + 1);
    }
  }
  return [...count.entries()].sort((a, b) => b[1] - a[1])[0][0];
}

describe('erasing a person', () => {
  let erasure: ErasureService;
  let blocklist: PersonBlocklist;
  let program: GeneratedProgram;
  let person: string;
  const versions = new MemoryDataVersions();
  const pepper = 'erasure-spec-pepper-0123456789abcdef';
  const store = storeForSuite({ CAUSEWAY_KEY_PEPPER: pepper });

  beforeAll(async () => {
    ({ erasure, blocklist } = erasureOn(store, versions));
    program = generateProgram({ seed: 11, persons: 400 });
    person = busiestPerson(program);
    await seedRows(store.clickhouse, 'full', program.rows);
    await seedRows(store.clickhouse, 'without', withoutPersons(program, person));
    // Rejected lines: one naming the person, one naming a person whose id merely starts the same.
    await store.clickhouse.insert({
      table: 'rejected_events',
      tag: 'test.rejects',
      rows: ['full', 'without'].flatMap((tenant) => [
        ...(tenant === 'full'
          ? [
              {
                tenant_id: tenant,
                stream: 'signals',
                request_id: 'r1',
                line: 1,
                field: 'type',
                reason: 'missing',
                raw: JSON.stringify({ person_id: person }),
                received_at: '2026-10-02 00:00:00.000',
              },
            ]
          : []),
        {
          tenant_id: tenant,
          stream: 'signals',
          request_id: 'r1',
          line: 2,
          field: 'type',
          reason: 'missing',
          raw: JSON.stringify({ person_id: `${person}9` }),
          received_at: '2026-10-02 00:00:00.000',
        },
      ]),
    });
    await new Promise((r) => setTimeout(r, 20));
    await buildAssignmentRollup(store.clickhouse, { marginMs: 0 });
    await new TrendFacts(store.clickhouse, versions, store.config).build('full');
  });

  it('leaves no row naming the person in any table of the tenant', async () => {
    const before = await erasure.rowsOf('full', person);
    expect(before.firings).toBeGreaterThan(0);
    expect(before.assignment_sequences).toBeGreaterThan(0);
    expect(before.trend_facts).toBeGreaterThan(0);
    expect(before.rejected_events).toBe(1);
    // The person weighs in the measures before: the comparison after is not empty-handed.
    const lift = new LiftService(store.clickhouse, store.config);
    const period = { from: program.period.from, to: program.period.to };
    expect(await lift.report('full', period)).not.toEqual(await lift.report('without', period));
    const record = await erasure.erasePerson('full', person, true, 'eraser-key');
    expect(record.rowsDeleted).toEqual(before);
    // answers kept for the tenant are retired, another tenant's are not
    expect([await versions.current('full'), await versions.current('without')]).toEqual([1, 0]);

    // Every table of the store with a tenant column, every column of every row, as JSON text.
    const tables = await store.clickhouse.query({
      tag: 'test.tables',
      sql: `SELECT table, countIf(name = 'person_key') > 0 AS keyed FROM system.columns
            WHERE database = currentDatabase() AND table IN (
              SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree')
            GROUP BY table HAVING countIf(name = 'tenant_id') > 0`,
      row: z.object({ table: z.string(), keyed: z.union([z.boolean(), z.number()]) }),
    });
    expect(tables.length).toBeGreaterThanOrEqual(12);
    for (const { table, keyed } of tables) {
      const [found] = await store.clickhouse.query({
        tag: 'test.scan',
        sql: `SELECT count() AS n FROM ${table} WHERE tenant_id = 'full'
              AND (match(formatRow('JSONEachRow', *), {pattern:String})
                   ${keyed ? 'OR person_key = cityHash64({person:String})' : ''})`,
        params: { pattern: personTokenPattern(person), person },
        row: z.object({ n: z.number() }),
      });
      expect({ table, n: found.n }).toEqual({ table, n: 0 });
    }
    const timeline = await new TimelineService(store.clickhouse).personTimeline('full', {
      personId: person,
      limit: 1000,
    });
    expect(timeline).toEqual([]);
  });

  it("keeps neither the id nor its firings' ids in the engine's record of the deletes", async () => {
    const firingIds = (program.rows.firings as unknown as readonly Row[])
      .filter((f) => f.person_id === person)
      .map((f) => f.firing_id as string);
    expect(firingIds.length).toBeGreaterThan(0);
    // every ALTER ... DELETE the engine keeps, as it keeps it: the statement, parameters substituted
    const mutations = await store.clickhouse.query({
      tag: 'test.mutations',
      sql: 'SELECT table, command FROM system.mutations WHERE database = currentDatabase()',
      row: z.object({ table: z.string(), command: z.string() }),
    });
    expect(mutations.map((m) => m.table)).toEqual(
      expect.arrayContaining(['signals', 'firings', 'exposures', 'rejected_events', 'trend_facts']),
    );
    for (const { table, command } of mutations) {
      for (const id of [person, ...firingIds]) {
        expect({ table, named: command.includes(id) }).toEqual({ table, named: false });
      }
    }
  });

  it('measures the tenant as a store that was never sent the person', async () => {
    const period = { from: program.period.from, to: program.period.to };
    const lift = new LiftService(store.clickhouse, store.config);
    const measures = (tenant: string) =>
      Promise.all([
        lift.report(tenant, period),
        lift.report(tenant, { ...period, groupByVariant: true, cuped: true }),
        new GuardrailsService(store.clickhouse).report(tenant, period.from, period.to),
        new LatencyService(store.clickhouse, store.config).triggerLatency(tenant, period),
        new SuppressionService(store.clickhouse).audit(tenant, period),
        new ConsentAuditService(store.clickhouse).audit(tenant, period),
        new PressureService(store.clickhouse).report(tenant, period),
        new AttributionService(store.clickhouse, lift).attribution(tenant, {
          ...period,
          model: AttributionModel.LINEAR,
        }),
      ]);
    const [full, without] = await Promise.all([measures('full'), measures('without')]);
    expect(JSON.stringify(full)).toContain('"persons"');
    expect(rounded(full)).toEqual(rounded(without));
  });

  /**
   * Validates `values` as lines of `stream` of the tenant, as ingest does now: the first is refused
   * as erased by `field`, without its text, and the second accepted.
   */
  async function expectFirstRefused(stream: StreamName, values: Row[], field: string) {
    const lines = values.map((value, i) => ({ line: i + 1, raw: JSON.stringify(value) }));
    const batch = await prepareBatch(stream, lines, {
      tenantId: 'full',
      receivedAt: Date.now(),
      limits: { maxRows: 100, maxFieldChars: 4096, maxBodyBytes: 1 << 20 },
      namesErasedPerson: await blocklist.checkFor('full'),
    });
    expect(batch.errors).toEqual([{ line: 1, field, message: 'erased' }]);
    expect(batch.rejects).toEqual([{ stream, line: 1, field, reason: 'erased', raw: '' }]);
    expect(batch.accepted).toBe(1);
  }

  it('refuses rows naming the person later, with reason erased and without their text', async () => {
    const rows = (program.rows.signals as unknown as readonly Row[]).filter(
      (s) => s.person_id === person,
    );
    const other = (program.rows.signals as unknown as readonly Row[]).find(
      (s) => s.person_id !== person,
    )!;
    await expectFirstRefused('signals', [rows[0], other], 'person_id');
    expect(await blocklist.checkFor('without')).toBeUndefined();
  });

  it("refuses later exposures of the person's firings, kept only as keyed hashes", async () => {
    const firingIds = (program.rows.firings as unknown as readonly Row[])
      .filter((f) => f.person_id === person)
      .map((f) => f.firing_id as string);
    const otherFiring = (program.rows.firings as unknown as readonly Row[]).find(
      (f) => f.person_id !== person,
    )!.firing_id as string;
    // an e-mail provider's late `clicked` for the person's firing, and one for another's
    const clicked = (firingId: string) => ({
      firing_id: firingId,
      type: 'clicked',
      occurred_at: '2026-10-03T10:00:00Z',
    });
    await expectFirstRefused(
      'exposures',
      [clicked(firingIds[0]), clicked(otherFiring)],
      'firing_id',
    );
    const stored = await store.clickhouse.query({
      tag: 'test.erased_firings',
      sql: `SELECT DISTINCT firing_hash FROM erased_firings WHERE tenant_id = 'full' ORDER BY firing_hash`,
      row: z.object({ firing_hash: z.string() }),
    });
    const keyed = (id: string) => createHmac('sha256', pepper).update(`full\n${id}`).digest('hex');
    expect(stored.map((r) => r.firing_hash)).toEqual([...new Set(firingIds.map(keyed))].sort());
  });

  /** Keeps `raws` as rejected lines of the tenant's signals, numbered from 1. */
  async function rejectLines(tenant: string, raws: string[]) {
    await store.clickhouse.insert({
      table: 'rejected_events',
      tag: 'test.rejects',
      rows: raws.map((raw, i) => ({
        tenant_id: tenant,
        stream: 'signals',
        request_id: 'r1',
        line: i + 1,
        field: 'type',
        reason: 'missing',
        raw,
        received_at: '2026-10-02 00:00:00.000',
      })),
    });
  }

  /** Erases `personId` of a tenant whose rejected lines are `named` and `others`: only `named` go. */
  async function expectTaken(tenant: string, personId: string, named: string[], others: string[]) {
    await rejectLines(tenant, [...named, ...others]);
    const record = await erasure.erasePerson(tenant, personId, false);
    expect(record.rowsDeleted.rejected_events).toBe(named.length);
    const left = await store.clickhouse.query({
      tag: 'test.rejects_left',
      sql: `SELECT raw FROM rejected_events WHERE tenant_id = {tenant:String} ORDER BY line`,
      params: { tenant },
      row: z.object({ raw: z.string() }),
    });
    expect(left.map((r) => r.raw)).toEqual(others);
  }

  it('takes rejected lines that spell the id with any JSON escapes', async () => {
    const id = 'jörg_ü/7';
    // the id's lines as producers' JSON encoders write them, by hand: Python's json.dumps (ASCII
    // only), PHP's json_encode (ASCII, and "/" escaped), an encoder writing capital hex digits
    const named = [
      '{"person_id": "j\\u00f6rg_\\u00fc/7", "type": null}',
      '{"person_id":"j\\u00f6rg_\\u00fc\\/7","type":null}',
      '{"userId":"j\\u00F6rg_\\u00FC\\/7"}',
      '{"person_id":"jörg_ü/7"}',
    ];
    // another person's, whose id merely starts the same
    const others = ['{"person_id": "j\\u00f6rg_\\u00fc/70"}', '{"person_id":"jörg_ü\\/70"}'];
    await expectTaken('dialects', id, named, others);
  });

  it('leaves the lines and kept messages of a person whose id goes on with a character beyond ASCII', async () => {
    // A token runs on through characters beyond ASCII (wordsOf reads "josé" as one word), so
    // "josé" and "éjos" are other persons than "jos", whether written as they are or as Python's
    // json.dumps writes them.
    const named = [
      '{"person_id":"jos"}',
      '{"person_id": "jos", "note": "jos\\u00e9 too"}',
      'jos;x',
    ];
    const others = [
      '{"person_id":"josé"}',
      '{"person_id": "jos\\u00e9"}',
      '{"person_id": "jos\\u00E9"}',
      '{"person_id":"éjos"}',
      '{"person_id":"jos😀"}',
    ];
    await rejectLines('beyond', [...named, ...others]);
    // a Segment message kept unmapped, as the endpoint keeps it (JSON.stringify), per person
    await store.clickhouse.insert({
      table: 'segment_unmapped',
      tag: 'test.kept',
      rows: ['jos', 'josé'].map((userId, i) => ({
        tenant_id: 'beyond',
        message_id: `m${i}`,
        type: 'identify',
        event: '',
        person_id: userId,
        timestamp: '2026-10-02 00:00:00.000',
        received_at: '2026-10-02 00:00:00.000',
        raw: JSON.stringify({ type: 'identify', userId, messageId: `m${i}` }),
        mapped_at: null,
        updated_at: '2026-10-02 00:00:00.000',
      })),
    });
    const record = await erasure.erasePerson('beyond', 'jos', false);
    expect(record.rowsDeleted).toMatchObject({ rejected_events: 3, segment_unmapped: 1 });
    const left = await store.clickhouse.query({
      tag: 'test.left',
      sql: `SELECT raw FROM rejected_events WHERE tenant_id = 'beyond'
            UNION ALL SELECT person_id FROM segment_unmapped WHERE tenant_id = 'beyond'`,
      row: z.object({ raw: z.string() }),
    });
    expect(left.map((r) => r.raw).sort()).toEqual([...others, 'josé'].sort());
    // the queue's rows and failures are read with the same pattern
    const pattern = new RegExp(personTokenPattern('jos'));
    expect(named.filter((raw) => pattern.test(raw))).toEqual(named);
    expect(others.filter((raw) => pattern.test(raw))).toEqual([]);
  });

  it('takes rejected lines naming the id right after an escape in a JSON string', async () => {
    // a line refused for its person_id, whose other fields name the person after a newline, a
    // tab or an escaped control character: the string, decoded, holds the id as a whole token
    const named = [
      '{"person_id": null, "note": "called back\\nrenee"}',
      '{"person_id": 7, "note": "from\\trenee"}',
      '{"person_id": 7, "note": "\\u0007renee"}',
    ];
    // other persons: a JSON string holding a backslash and "nrenee", and "\u00e9renee" ("érenee")
    const others = ['{"note": "a\\\\nrenee"}', '{"person_id": "\\u00e9renee"}'];
    await expectTaken('escapes', 'renee', named, others);
  });

  it('erases a person whose id is as long as ingest takes it, in characters beyond the BMP', async () => {
    // 256 characters, each two UTF-16 units: ingest counts characters, and stores the row
    const id = '\u{1D4B3}'.repeat(256);
    await seedRows(store.clickhouse, 'astral', {
      signals: [
        { event_id: 'e1', person_id: id, type: 'viewed', occurred_at: '2026-10-02T10:00:00Z' },
      ],
    });
    const record = await erasure.erasePerson('astral', id, false);
    expect(record.rowsDeleted.signals).toBe(1);
    await expect(erasure.erasePerson('astral', `${id}x`, false)).rejects.toThrow(
      'personId: 1 to 256 characters',
    );
  });

  it("deletes the person's version of a firing whose later version names another person", async () => {
    const firing = (personId: string) => ({
      firing_id: 'f-moved',
      trigger_id: 't1',
      person_id: personId,
      decided_at: '2026-10-02T10:00:00Z',
      arm: 'treatment',
    });
    // sent for "ann", then again for "bob" (the producer corrected its identity mapping)
    await seedRows(store.clickhouse, 'moved', { firings: [firing('ann')] }, Date.now() - 60_000);
    await seedRows(store.clickhouse, 'moved', { firings: [firing('bob')] });
    const record = await erasure.erasePerson('moved', 'ann', true);
    expect(record.rowsDeleted.firings).toBe(1);
    const left = await store.clickhouse.query({
      tag: 'test.firings_left',
      sql: `SELECT person_id FROM firings WHERE tenant_id = 'moved'`,
      row: z.object({ person_id: z.string() }),
    });
    expect(left).toEqual([{ person_id: 'bob' }]);
    // bob's firing is his: its later exposures are not refused as an erased person's
    const check = await blocklist.checkFor('moved');
    expect(check?.({ raw: '', value: { person_id: 'ann' } })).toBe('person_id');
    expect(check?.({ raw: '', value: { firing_id: 'f-moved', type: 'clicked' } })).toBeUndefined();
  });

  it('writes a failed erasure, which may have blocked the person and deleted rows, to the audit log', async () => {
    await seedRows(store.clickhouse, 'failing', {
      signals: [
        { event_id: 'e1', person_id: 'fay', type: 'viewed', occurred_at: '2026-10-02T10:00:00Z' },
      ],
      consent: [
        {
          event_id: 'c1',
          person_id: 'fay',
          purpose: 'email',
          granted: true,
          occurred_at: '2026-10-02T10:00:00Z',
        },
      ],
    });
    const command = store.clickhouse.command.bind(store.clickhouse);
    const failing = jest.spyOn(store.clickhouse, 'command').mockImplementation((tag, sql, params) =>
      // the person's signals are deleted, then the store fails on their consent
      tag === 'erasure.delete.consent'
        ? Promise.reject(new Error('the store is unavailable'))
        : command(tag, sql, params),
    );
    try {
      await expect(erasure.erasePerson('failing', 'fay', true, 'eraser-key')).rejects.toThrow(
        'the store is unavailable',
      );
    } finally {
      failing.mockRestore();
    }
    const entries = await new AuditLogService(store.clickhouse).list('failing', {}, 100);
    const hash = createHmac('sha256', pepper).update('failing\nfay').digest('hex');
    expect(entries.map((e) => [e.action, e.actorKeyId, e.detail])).toEqual([
      ['person.erasure_failed', 'eraser-key', { personIdHash: hash, blockReingest: true }],
    ]);
    expect(entries[0].target).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(entries)).not.toContain('fay');
  });

  it('keeps a record with counts and a keyed hash, never the id', async () => {
    const records = await erasure.erasures('full');
    expect(records).toHaveLength(1);
    const expectedHash = createHmac('sha256', pepper).update(`full\n${person}`).digest('hex');
    expect(records[0].personIdHash).toBe(expectedHash);
    expect(JSON.stringify(records)).not.toContain(person);
    const stored = await store.clickhouse.query({
      tag: 'test.erasure_rows',
      sql: `SELECT formatRow('JSONEachRow', *) AS text FROM erasures
            UNION ALL SELECT formatRow('JSONEachRow', *) FROM erased_persons
            UNION ALL SELECT formatRow('JSONEachRow', *) FROM erased_firings
            UNION ALL SELECT formatRow('JSONEachRow', *) FROM audit_log`,
      row: z.object({ text: z.string() }),
    });
    expect(stored.length).toBeGreaterThanOrEqual(3);
    for (const { text } of stored) {
      expect(text).not.toMatch(new RegExp(personTokenPattern(person)));
    }
    expect(await erasure.erasures('full', new Date(Date.now() + 60_000))).toEqual([]);
  });
});
