import { beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { fixtureRows, seedRows } from '../measurement/testing.js';
import { storeForSuite } from '../storage/testing.js';

const rows = fixtureRows((when: string) => `2026-10-${when}Z`);

const listed = z.object({
  tenant_id: z.string(),
  trigger_id: z.string(),
  trigger_name: z.string(),
  channel: z.string(),
  status: z.string(),
  defined: z.boolean(),
  newest_version: z.number(),
  firings: z.coerce.number(),
  first_decided_at: z.string().nullable(),
  last_decided_at: z.string().nullable(),
});

describe('bi_triggers', () => {
  const store = storeForSuite();

  beforeAll(async () => {
    // tenant a: "cart" defined twice (v2 renamed, moved to push and made live) and its v1 sent
    // again; fired three times, one firing sent again in a later request. "orphan" fired twice
    // (once skipped) and was never defined. "quiet" is defined and never fired.
    await seedRows(store.clickhouse, 'a', {
      triggers: [
        rows.trigger('cart', 'email', { name: 'Cart v1', version: 1, status: 'draft' }),
        rows.trigger('cart', 'push', { name: 'Cart recovery', version: 2 }),
        rows.trigger('quiet', 'sms', { name: 'Quiet one', status: 'paused' }),
      ],
      firings: [
        rows.firing('c1', 'cart', 'p1', '01T10:00:00.000'),
        rows.firing('c2', 'cart', 'p2', '02T11:00:00.000', { arm: 'holdout' }),
        rows.firing('c3', 'cart', 'p3', '03T12:00:00.500'),
        rows.firing('o1', 'orphan', 'p1', '05T08:00:00.000'),
        rows.firing('o2', 'orphan', 'p4', '04T09:30:00.000', { skip_reason: 'frequency_cap' }),
      ],
    });
    await seedRows(store.clickhouse, 'a', {
      triggers: [rows.trigger('cart', 'email', { name: 'Cart v1', version: 1, status: 'draft' })],
      firings: [rows.firing('c2', 'cart', 'p2', '02T11:00:00.000', { arm: 'holdout' })],
    });
    // tenant b: its own "cart", which must not mix with a's
    await seedRows(store.clickhouse, 'b', {
      triggers: [rows.trigger('cart', 'web', { name: 'B cart' })],
      firings: [rows.firing('c1', 'cart', 'q1', '20T00:00:00.000')],
    });
  });

  it('lists each trigger once, defined or only fired, named and counted by hand', async () => {
    const found = await store.clickhouse.query({
      tag: 'test.bi_triggers',
      sql: 'SELECT * FROM bi_triggers ORDER BY tenant_id, trigger_id',
      row: listed,
    });
    expect(found).toEqual([
      {
        tenant_id: 'a',
        trigger_id: 'cart',
        trigger_name: 'Cart recovery',
        channel: 'push',
        status: 'live',
        defined: true,
        newest_version: 2,
        firings: 3,
        first_decided_at: '2026-10-01 10:00:00.000',
        last_decided_at: '2026-10-03 12:00:00.500',
      },
      {
        tenant_id: 'a',
        trigger_id: 'orphan',
        trigger_name: 'orphan',
        channel: '',
        status: '',
        defined: false,
        newest_version: 0,
        firings: 2,
        first_decided_at: '2026-10-04 09:30:00.000',
        last_decided_at: '2026-10-05 08:00:00.000',
      },
      {
        tenant_id: 'a',
        trigger_id: 'quiet',
        trigger_name: 'Quiet one',
        channel: 'sms',
        status: 'paused',
        defined: true,
        newest_version: 1,
        firings: 0,
        first_decided_at: null,
        last_decided_at: null,
      },
      {
        tenant_id: 'b',
        trigger_id: 'cart',
        trigger_name: 'B cart',
        channel: 'web',
        status: 'live',
        defined: true,
        newest_version: 1,
        firings: 1,
        first_decided_at: '2026-10-20 00:00:00.000',
        last_decided_at: '2026-10-20 00:00:00.000',
      },
    ]);
  });

  it('answers a tenant filter with that tenant alone, as a dashboard asks', async () => {
    const ids = await store.clickhouse.query({
      tag: 'test.bi_triggers_tenant',
      sql: "SELECT trigger_id FROM bi_triggers WHERE tenant_id = 'b' ORDER BY trigger_id",
      row: z.object({ trigger_id: z.string() }),
    });
    expect(ids).toEqual([{ trigger_id: 'cart' }]);
  });
});
