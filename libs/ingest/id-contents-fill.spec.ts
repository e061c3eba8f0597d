import { beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { Scope } from '../auth/index.js';
import { loadMigrations, planStatements } from '../storage/index.js';
import { storeForSuite } from '../storage/testing.js';
import { IdConflictsService } from './id-conflicts.service.js';
import { IngestService } from './ingest.service.js';
import { compileIngestModule } from './module.testing.js';
import type { StreamName } from './streams.js';

// Migration 0113 fills the record of the ids' contents with the rows stored before its views
// existed. A signal stored then with a sent_at carries a hash that covered sent_at: it is left
// out, so that its next retry (with a new sent_at) is not read as a second content.

const STORED = Date.UTC(2026, 9, 2, 12);
const RETRIED = Date.UTC(2026, 9, 9, 12);
const principal = { keyId: 'k', tenantId: 'upgraded', scopes: [Scope.INGEST] };

const signal = (id: string, extra: Record<string, unknown> = {}) => ({
  event_id: id,
  person_id: 'p-1',
  type: 'cart_abandoned',
  occurred_at: '2026-10-02T11:00:00.000Z',
  ...extra,
});
const firing = (channel: string) => ({
  firing_id: 'f',
  trigger_id: 't',
  person_id: 'p-1',
  decided_at: '2026-10-02T11:00:01.000Z',
  arm: 'treatment',
  channel,
});

describe('the record of contents filled on upgrade (migration 0113)', () => {
  const store = storeForSuite();
  let ingest: IngestService;
  let conflicts: IdConflictsService;

  const send = (stream: StreamName, rows: object[], receivedAt: number) =>
    ingest.ingest(
      principal,
      stream,
      rows.map((value, i) => ({ line: i + 1, raw: JSON.stringify(value), value })),
      receivedAt,
    );

  beforeAll(async () => {
    ingest = (await compileIngestModule(store)).get(IngestService);
    conflicts = new IdConflictsService(store.clickhouse);
    await send(
      'signals',
      [signal('a'), signal('b', { sent_at: '2026-10-02T11:00:02.000Z' })],
      STORED,
    );
    await send('firings', [firing('email')], STORED);
    // As the previous version left them: no record, and b hashed with its sent_at.
    const run = (sql: string) => store.clickhouse.command('test.upgrade', sql);
    await run('TRUNCATE TABLE id_contents');
    await run(
      `ALTER TABLE signals UPDATE content_hash = content_hash + 1 WHERE event_id = 'b'
       SETTINGS mutations_sync = 2`,
    );
    const [fill] = planStatements(loadMigrations().filter((m) => m.version === 113));
    for (const statement of fill.statements) {
      await run(statement);
    }
  });

  it('records every stored row but the signals stored with a sent_at', async () => {
    const recorded = await store.clickhouse.query({
      tag: 'test.id_contents',
      sql: `SELECT stream, id, sum(copies) AS copies, toString(min(first_received_at)) AS first
            FROM id_contents WHERE tenant_id = {tenantId:String}
            GROUP BY stream, id ORDER BY stream, id`,
      params: { tenantId: principal.tenantId },
      row: z.object({ stream: z.string(), id: z.string(), copies: z.number(), first: z.string() }),
    });
    expect(recorded).toEqual([
      { stream: 'firings', id: 'f', copies: 1, first: '2026-10-02 12:00:00.000' },
      { stream: 'signals', id: 'a', copies: 1, first: '2026-10-02 12:00:00.000' },
    ]);
  });

  it('reads retries after the upgrade as copies, and other content as a conflict', async () => {
    await send(
      'signals',
      [signal('a'), signal('b', { sent_at: '2026-10-09T11:59:00.000Z' })],
      RETRIED,
    );
    await send('firings', [firing('push')], RETRIED);
    expect(await conflicts.list(principal.tenantId, { limit: 100, offset: 0 })).toEqual([
      {
        stream: 'firings',
        id: 'f',
        contents: 2,
        copies: 2,
        firstReceivedAt: new Date(STORED),
        lastReceivedAt: new Date(RETRIED),
      },
    ]);
  });
});
