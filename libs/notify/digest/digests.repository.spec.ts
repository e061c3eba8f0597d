// A digest's settings and its attempts are written apart, on the real embedded store: a
// setDigest and a send never write over each other's fields; what earlier versions stored (the
// last send time in digests, then the last send and failure in tables of their own) is carried
// over by the migrations; and the failure is read as it stood at any past time.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { ClickHouseService, loadMigrations, Migrator } from '../../storage/index.js';
import { DigestsRepository } from './digests.repository.js';

describe('the stored digest', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'causeway-digests-'));
  let clickhouse: ClickHouseService;
  let repository: DigestsRepository;

  beforeAll(async () => {
    clickhouse = new ClickHouseService(
      loadConfig({ CAUSEWAY_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
    );
    /** Applies the migrations below `version`; stores one row as those left the table. */
    const migrateBelow = (version: number) =>
      new Migrator(
        clickhouse,
        loadMigrations().filter((m) => m.version < version),
      ).run();
    const storeRow = (table: string, row: Record<string, unknown>) =>
      clickhouse.insert({ table, tag: `test.${table}_before`, rows: [row] });
    // the store as it was before digest_sends: a digest sent once, its time in digests
    await migrateBelow(92);
    await storeRow('digests', {
      tenant_id: 'sent-before',
      recipients: ['ceo@example.com'],
      schedule: '0 7 * * 1',
      updated_at: '2026-11-01 10:00:00.000',
      last_sent_at: '2026-11-02 07:00:01.250',
      version: 1,
    });
    // and as it was before digest_attempts: the last send and the last failure of another tenant
    await migrateBelow(99);
    await storeRow('digest_sends', {
      tenant_id: 'failed-before',
      sent_at: '2026-11-30 07:00:00.000',
      refused: ['x@y.z'],
    });
    await storeRow('digest_failures', {
      tenant_id: 'failed-before',
      failed_at: '2026-12-07 07:00:00.000',
      error: 'down',
    });
    await new Migrator(clickhouse).run();
    repository = new DigestsRepository(clickhouse);
    await saveDigest('failed-before', 'cfo@example.com', '0 7 * * 1', '2026-11-01T10:00:00.000Z');
  });
  afterAll(async () => {
    await clickhouse?.onApplicationShutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Sets the tenant's digest: one recipient, a schedule, set at `updatedAt`. */
  const saveDigest = (tenantId: string, recipient: string, schedule: string, updatedAt: string) =>
    repository.save({
      tenantId,
      recipients: [recipient],
      schedule,
      timeZone: 'UTC',
      updatedAt: new Date(updatedAt),
    });

  it('keeps the last send of a digest stored before the sends had their own table', async () => {
    expect(await repository.list('sent-before')).toEqual([
      {
        tenantId: 'sent-before',
        recipients: ['ceo@example.com'],
        schedule: '0 7 * * 1',
        // set before a digest had a time zone (migration 0103): its schedule was read in UTC
        timeZone: 'UTC',
        updatedAt: new Date('2026-11-01T10:00:00.000Z'),
        lastSentAt: new Date('2026-11-02T07:00:01.250Z'),
        lastRefused: [],
        lastFailure: null,
      },
    ]);
  });

  it('keeps the last send and failure stored before every attempt had its row', async () => {
    const [digest] = await repository.list('failed-before');
    expect(digest).toMatchObject({
      lastSentAt: new Date('2026-11-30T07:00:00.000Z'),
      lastRefused: ['x@y.z'],
      lastFailure: { failedAt: new Date('2026-12-07T07:00:00.000Z'), error: 'down' },
    });
  });

  it('keeps settings set after a send began, and a send recorded after settings were set', async () => {
    const tenantId = 'apart';
    await saveDigest(tenantId, 'before@example.com', '*/2 * * * * *', '2026-12-01T09:00:00.000Z');
    // a send reads the digest, a setDigest changes it, then the send records its result
    await saveDigest(tenantId, 'after@example.com', '0 7 * * 1', '2026-12-01T09:00:01.000Z');
    await repository.recordSend(tenantId, {
      sentAt: new Date('2026-12-01T09:00:02.000Z'),
      refused: ['gone@example.com'],
    });
    const expected = {
      tenantId,
      recipients: ['after@example.com'],
      schedule: '0 7 * * 1',
      timeZone: 'UTC',
      updatedAt: new Date('2026-12-01T09:00:01.000Z'),
      lastSentAt: new Date('2026-12-01T09:00:02.000Z'),
      lastRefused: ['gone@example.com'],
      lastFailure: null,
    };
    expect(await repository.list(tenantId)).toEqual([expected]);

    // and a setDigest after the send leaves its result as it is
    await repository.save({ ...expected, recipients: ['later@example.com'] });
    expect(await repository.list(tenantId)).toEqual([
      { ...expected, recipients: ['later@example.com'] },
    ]);
  });

  it('shows the last failed send until a send succeeds after it', async () => {
    const tenantId = 'failing';
    await saveDigest(tenantId, 'ceo@example.com', '0 7 * * 1', '2026-12-01T08:00:00.000Z');
    const lastOf = async () => {
      const [digest] = await repository.list(tenantId);
      return { lastSentAt: digest?.lastSentAt, lastFailure: digest?.lastFailure };
    };
    // failing before any send
    const down = { failedAt: new Date('2026-12-07T07:00:00.500Z'), error: 'connect ECONNREFUSED' };
    await repository.recordFailure(tenantId, down);
    expect(await lastOf()).toEqual({ lastSentAt: null, lastFailure: down });
    // a later failure takes its place
    const refused = {
      failedAt: new Date('2026-12-07T07:01:00.200Z'),
      error: 'all recipients were rejected',
      kind: 'the mail server refused its only recipient (reply 550)',
    };
    await repository.recordFailure(tenantId, refused);
    expect(await lastOf()).toEqual({ lastSentAt: null, lastFailure: refused });
    // a send after it: no failure to show
    const sentAt = new Date('2026-12-07T07:03:00.000Z');
    await repository.recordSend(tenantId, { sentAt, refused: [] });
    expect(await lastOf()).toEqual({ lastSentAt: sentAt, lastFailure: null });
    // and a failure after that send shows again, beside it
    const again = { failedAt: new Date('2026-12-14T07:00:00.000Z'), error: 'connect ECONNREFUSED' };
    await repository.recordFailure(tenantId, again);
    expect(await lastOf()).toEqual({ lastSentAt: sentAt, lastFailure: again });
  });

  it('answers the failure as it stood at a past time, whatever came after', async () => {
    const tenantId = 'history';
    await saveDigest(tenantId, 'ceo@example.com', '0 7 * * 1', '2026-12-01T08:00:00.000Z');
    const at = (time: string) => new Date(`2026-12-${time}Z`);
    const first = { failedAt: at('07T07:00:00.000'), error: 'connect ECONNREFUSED' };
    const second = { failedAt: at('14T07:00:00.000'), error: 'all recipients were rejected' };
    const third = { failedAt: at('21T07:00:00.000'), error: 'connect ETIMEDOUT' };
    // failed on the 7th, sent on the 8th; failed on the 14th and the 21st, sent on the 22nd
    await repository.recordFailure(tenantId, first);
    await repository.recordSend(tenantId, { sentAt: at('08T07:00:00.000'), refused: [] });
    await repository.recordFailure(tenantId, second);
    await repository.recordFailure(tenantId, third);
    await repository.recordSend(tenantId, { sentAt: at('22T07:00:00.000'), refused: [] });

    const asOf = (time: string) => repository.failureAsOf(tenantId, at(time));
    expect(await asOf('07T06:59:59.999')).toBeNull(); // nothing attempted yet
    expect(await asOf('07T07:00:00.000')).toEqual(first); // the failure itself
    expect(await asOf('08T06:59:59.999')).toEqual(first); // cleared only later
    expect(await asOf('08T07:00:00.000')).toBeNull(); // the send clears it
    expect(await asOf('14T12:00:00.000')).toEqual(second);
    expect(await asOf('21T12:00:00.000')).toEqual(third); // the later of two failures
    expect(await asOf('22T07:00:00.000')).toBeNull();
    // and the digest as it is now: sent last, no failure to show
    const [digest] = await repository.list(tenantId);
    expect(digest).toMatchObject({ lastSentAt: at('22T07:00:00.000'), lastFailure: null });
  });
});
