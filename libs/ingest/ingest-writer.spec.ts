import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { z } from 'zod';
import { MemoryDataVersions, toClickHouseTime } from '../storage/index.js';
import { storeForSuite } from '../storage/testing.js';
import { IngestWriter } from './ingest-writer.js';
import { prepareBatch } from './prepare-batch.js';
import { StoredBatches } from './stored-batches.js';

// A request whose write fails is answered "nothing was accepted, retry later": the write stores
// no row of it then, whichever of its parts the store refused.
describe('a batch whose write fails part-way', () => {
  const store = storeForSuite();
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const count = async (table: string) =>
    (
      await store.clickhouse.query({
        tag: 'test.count',
        sql: `SELECT count() AS n FROM ${table} WHERE tenant_id = 'acme'`,
        row: z.object({ n: z.coerce.number() }),
      })
    )[0]?.n;

  it('stores none of its rows when the store refuses its refused lines', async () => {
    const good = {
      event_id: 'e1',
      person_id: 'p1',
      type: 'view',
      occurred_at: '2026-10-01T00:00:00Z',
    };
    const bad = { event_id: 'e2', person_id: 'p2', type: 'view' }; // no occurred_at
    const batch = await prepareBatch(
      'signals',
      [good, bad].map((value, index) => ({ line: index + 1, raw: JSON.stringify(value), value })),
      {
        tenantId: 'acme',
        receivedAt: Date.now(),
        limits: { maxRows: 100, maxFieldChars: 4096, maxBodyBytes: 1 << 20 },
      },
    );
    expect([batch.accepted, batch.rejected]).toEqual([1, 1]);
    const insert = store.clickhouse.insert.bind(store.clickhouse);
    jest
      .spyOn(store.clickhouse, 'insert')
      .mockImplementation((args) =>
        args.table === 'rejected_events'
          ? Promise.reject(new Error('the store is unavailable'))
          : insert(args),
      );
    const writer = new IngestWriter(
      store.clickhouse,
      new StoredBatches(),
      new MemoryDataVersions(),
    );
    const job = {
      requestId: 'r1',
      tenantId: 'acme',
      stream: 'signals' as const,
      receivedAt: toClickHouseTime(Date.now()),
      ndjson: batch.ndjson,
      rejects: batch.rejects,
    };
    await expect(writer.write(job)).rejects.toThrow('the store is unavailable');
    expect(await count('signals')).toBe(0);

    // the producer's retry, once the store takes writes again: the row and the refused line once
    jest.restoreAllMocks();
    await writer.write({ ...job, requestId: 'r2' });
    expect(await count('signals')).toBe(1);
    expect(await count('rejected_events')).toBe(1);
  });
});
