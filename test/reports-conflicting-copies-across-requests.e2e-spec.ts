import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openTemporaryStore } from '../libs/storage/testing.js';
import { parquetOf } from '../libs/ingest/tabular.testing.js';
import { gqlData, graphql, mintKey, postIngest, storedRows } from './support/client.js';
import { startApi, type ApiProcess } from './support/processes.js';
import { describeWithRedis } from './support/redis-suite.js';

// docs/design.md §5: an id sent again with other content counts once and is reported, however
// far apart its copies came and whichever door they came through; a retry that differs only in
// how it travelled (sent_at, the arrival) is a plain copy.

interface Conflict {
  stream: string;
  id: string;
  contents: number;
  copies: number;
  firstReceivedAt: string;
  lastReceivedAt: string;
}

const CONFLICTS = `query($stream: Stream, $from: DateTime, $to: DateTime, $limit: Int, $offset: Int) {
  idConflicts(stream: $stream, from: $from, to: $to, limit: $limit, offset: $offset) {
    stream id contents copies firstReceivedAt lastReceivedAt
  }
}`;

const firing = (changes: Record<string, unknown> = {}) =>
  JSON.stringify({
    firing_id: 'f-1',
    trigger_id: 't-1',
    person_id: 'p-1',
    decided_at: '2026-10-02T10:00:00.000Z',
    signal_at: '2026-10-02T09:59:59.000Z',
    dispatched_at: '2026-10-02T10:00:00.400Z',
    arm: 'treatment',
    channel: 'email',
    ...changes,
  });

const signal = (changes: Record<string, unknown> = {}) =>
  JSON.stringify({
    event_id: 's-1',
    person_id: 'p-1',
    type: 'cart_abandoned',
    occurred_at: '2026-10-02T09:59:59.000Z',
    ...changes,
  });

/** A request's arrival lies between the clock read before it and the one read after. */
async function timed<T>(
  send: () => Promise<T>,
): Promise<{ answer: T; before: number; after: number }> {
  const before = Date.now();
  const answer = await send();
  return { answer, before, after: Date.now() };
}

function conflictsOf(url: string, key: string, variables: Record<string, unknown> = {}) {
  return gqlData<{ idConflicts: Conflict[] }>(url, key, CONFLICTS, variables).then(
    (data) => data.idConflicts,
  );
}

/** A conflict as answered, its times checked to lie within the requests that sent its copies. */
function expectConflict(
  conflict: Conflict | undefined,
  expected: Omit<Conflict, 'firstReceivedAt' | 'lastReceivedAt'>,
  first: { before: number; after: number },
  last: { before: number; after: number },
) {
  expect(conflict).toMatchObject(expected);
  const firstAt = Date.parse(conflict!.firstReceivedAt);
  const lastAt = Date.parse(conflict!.lastReceivedAt);
  expect(firstAt).toBeGreaterThanOrEqual(first.before);
  expect(firstAt).toBeLessThanOrEqual(first.after);
  expect(lastAt).toBeGreaterThanOrEqual(last.before);
  expect(lastAt).toBeLessThanOrEqual(last.after);
}

describe('conflicting copies of an id sent in separate requests', () => {
  let api: ApiProcess;
  let key: string;

  beforeAll(async () => {
    api = await startApi();
    key = await mintKey(api.url, api.adminKey, 'conflicts', ['INGEST', 'READ']);
  });
  afterAll(async () => {
    await api?.dispose();
  });

  it('reports a firing sent again with other content once, and counts it once', async () => {
    const first = await timed(() => postIngest(api.url, key, 'firings', firing()));
    const again = await postIngest(api.url, key, 'firings', firing());
    // a signal retried with a new send time each time, as Segment's libraries stamp sentAt
    await postIngest(api.url, key, 'signals', signal({ sent_at: '2026-10-02T10:00:00.000Z' }));
    await postIngest(api.url, key, 'signals', signal({ sent_at: '2026-10-02T10:05:00.000Z' }));
    expect(again.body).toMatchObject({ accepted: 1, duplicates: 0, conflicts: 0 });
    expect(await conflictsOf(api.url, key)).toEqual([]);

    const changed = await timed(() =>
      postIngest(api.url, key, 'firings', firing({ channel: 'push' })),
    );
    // the request alone holds no second copy: only the record across requests sees it
    expect(changed.answer.body).toMatchObject({ accepted: 1, duplicates: 0, conflicts: 0 });
    const conflicts = await conflictsOf(api.url, key);
    expect(conflicts).toHaveLength(1);
    expectConflict(
      conflicts[0],
      { stream: 'firings', id: 'f-1', contents: 2, copies: 3 },
      first,
      changed,
    );
    expect(await storedRows(api.url, key)).toMatchObject({ firings: 1, signals: 1 });
    const latency = await gqlData<{ triggerLatency: { firings: number }[] }>(
      api.url,
      key,
      '{ triggerLatency(from: "2026-10-01T00:00:00Z", to: "2026-10-31T00:00:00Z") { firings } }',
    );
    expect(latency.triggerLatency).toEqual([{ firings: 1 }]);
  });

  it('reports ids sent through the GraphQL mutation and an engine-stored Parquet import alike', async () => {
    const viaGraphql = await timed(() =>
      gqlData(
        api.url,
        key,
        'mutation($rows: [JSON!]!) { ingest(stream: SIGNALS, rows: $rows) { accepted } }',
        {
          rows: [JSON.parse(signal({ event_id: 's-gql' })) as unknown],
        },
      ),
    );
    const store = await openTemporaryStore();
    let file: Uint8Array;
    try {
      file = await parquetOf(
        store.clickhouse,
        ['s-pq-1', 's-pq-2'].map((id) => ({ ...(JSON.parse(signal({ event_id: id })) as object) })),
        'timestamps',
      );
    } finally {
      await store.dispose();
    }
    const importFile = () =>
      fetch(`${api.url}/v1/import/signals`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/vnd.apache.parquet',
        },
        body: file,
      }).then(async (response) => (await response.json()) as Record<string, unknown>);
    const imported = await timed(importFile);
    expect(imported.answer).toMatchObject({ accepted: 2, rejected: 0 });
    // imported again as it was: plain copies
    expect(await importFile()).toMatchObject({ accepted: 2 });
    expect(await conflictsOf(api.url, key, { stream: 'SIGNALS' })).toEqual([]);

    const changed = await timed(() =>
      postIngest(
        api.url,
        key,
        'signals',
        [
          signal({ event_id: 's-gql', type: 'cart_viewed' }),
          signal({ event_id: 's-pq-2', kind: 'identity' }),
        ].join('\n'),
      ),
    );
    const conflicts = await conflictsOf(api.url, key, { stream: 'SIGNALS' });
    expect(conflicts.map((c) => c.id).sort()).toEqual(['s-gql', 's-pq-2']);
    expectConflict(
      conflicts.find((c) => c.id === 's-gql'),
      { stream: 'signals', id: 's-gql', contents: 2, copies: 2 },
      viaGraphql,
      changed,
    );
    expectConflict(
      conflicts.find((c) => c.id === 's-pq-2'),
      { stream: 'signals', id: 's-pq-2', contents: 2, copies: 3 },
      imported,
      changed,
    );
    expect(await storedRows(api.url, key)).toMatchObject({ signals: 4 });
  });

  it('reads a Segment batch retried with a new sentAt as copies, and other content as a conflict', async () => {
    const segmentKey = await mintKey(api.url, api.adminKey, 'conflicts-segment', [
      'INGEST',
      'READ',
    ]);
    for (const mapping of [
      'mutation { defineEventMapping(input: { event: "Order Completed", stream: OUTCOMES, type: "purchase", valueProperty: "revenue" }) { event } }',
      'mutation { defineEventMapping(input: { event: "Cart Abandoned", stream: SIGNALS, type: "cart_abandoned" }) { event } }',
    ]) {
      await gqlData(api.url, segmentKey, mapping);
    }
    // A phone's library sends the batch, gets no answer, and sends it again a little later,
    // stamping sentAt anew each time (Segment's libraries do): the event times on the device stay.
    const batch = (sentAt: string, revenue: number) => ({
      sentAt,
      batch: [
        {
          type: 'track',
          messageId: 'seg-order',
          userId: 'phone-user',
          event: 'Order Completed',
          properties: { revenue },
          timestamp: '2026-10-06T07:00:00.000Z',
        },
        {
          type: 'track',
          messageId: 'seg-cart',
          userId: 'phone-user',
          event: 'Cart Abandoned',
          timestamp: '2026-10-06T06:59:00.000Z',
        },
      ],
    });
    const send = async (body: unknown) => {
      const response = await fetch(`${api.url}/v1/segment/batch`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${segmentKey}:`).toString('base64')}`,
        },
        body: JSON.stringify(body),
      });
      return (await response.json()) as Record<string, unknown>;
    };
    expect(await send(batch('2026-10-06T07:02:30.500Z', 5))).toMatchObject({ mapped: 2 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await send(batch('2026-10-06T07:03:40.000Z', 5))).toMatchObject({ mapped: 2 });
    expect(await conflictsOf(api.url, segmentKey)).toEqual([]);

    await send(batch('2026-10-06T07:04:00.000Z', 7));
    expect(await conflictsOf(api.url, segmentKey)).toMatchObject([
      { stream: 'outcomes', id: 'seg-order', contents: 2, copies: 3 },
    ]);
    expect(await storedRows(api.url, segmentKey)).toMatchObject({ outcomes: 1, signals: 1 });
  });

  it('filters by stream and by when the latest copy arrived, pages, and keeps tenants apart', async () => {
    const all = await conflictsOf(api.url, key);
    expect(all.map((c) => `${c.stream}:${c.id}`).sort()).toEqual([
      'firings:f-1',
      'signals:s-gql',
      'signals:s-pq-2',
    ]);
    // the latest arrival first
    const latest = all.map((c) => Date.parse(c.lastReceivedAt));
    expect(latest).toEqual([...latest].sort((a, b) => b - a));
    expect(await conflictsOf(api.url, key, { stream: 'FIRINGS' })).toEqual([all[2]]);
    expect(await conflictsOf(api.url, key, { stream: 'OUTCOMES' })).toEqual([]);
    const lastFiring = all[2].lastReceivedAt;
    expect(await conflictsOf(api.url, key, { to: lastFiring })).toEqual([]);
    expect(await conflictsOf(api.url, key, { from: lastFiring })).toEqual(all);
    const afterFiring = new Date(Date.parse(lastFiring) + 1).toISOString();
    expect(await conflictsOf(api.url, key, { from: afterFiring })).toEqual(all.slice(0, 2));
    expect(await conflictsOf(api.url, key, { limit: 1, offset: 1 })).toEqual([all[1]]);

    const refused = await graphql(api.url, key, CONFLICTS, { limit: 1001 });
    expect(refused.errors?.[0].message).toBe('limit: must be between 1 and 1000 (was 1001)');
    const backwards = await graphql(api.url, key, CONFLICTS, { from: lastFiring, to: lastFiring });
    expect(backwards.errors?.[0]).toMatchObject({
      message: `from, to: from must be before to (was from ${lastFiring}, to ${lastFiring})`,
      extensions: { code: 'BAD_USER_INPUT' },
    });

    const other = await mintKey(api.url, api.adminKey, 'conflicts-other', ['READ']);
    expect(await conflictsOf(api.url, other)).toEqual([]);
  });
});

describeWithRedis('conflicting copies of an id written by the queue worker', (redis) => {
  let api: ApiProcess;
  let key: string;

  beforeAll(async () => {
    api = await startApi({ REDIS_URL: redis.url, INGEST_JOB_BACKOFF_MS: '100' });
    key = await mintKey(api.url, api.adminKey, 'queued', ['INGEST', 'READ']);
  });
  afterAll(async () => {
    await api?.dispose();
  });

  it('reports a firing whose queued copies differ', async () => {
    await postIngest(api.url, key, 'firings', firing());
    await postIngest(api.url, key, 'firings', firing({ arm: 'holdout' }));
    const deadline = Date.now() + 30_000;
    let conflicts: Conflict[] = [];
    while (conflicts.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      conflicts = await conflictsOf(api.url, key);
    }
    expect(conflicts).toMatchObject([{ stream: 'firings', id: 'f-1', contents: 2, copies: 2 }]);
    expect(await storedRows(api.url, key)).toMatchObject({ firings: 1 });
  });
});
