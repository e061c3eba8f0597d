// Report snapshots: the weekly schedule takes the last full week's snapshot by itself (through a
// BullMQ job scheduler on a real redis-server, or a timer in the process without Redis), once per
// week however often it runs, and a stored snapshot does not change when new data arrives for its
// period, while the live report does.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { lastFullWeek } from '../libs/reports/index.js';
import { gqlData, mintKey, ndjson, postIngest } from './support/client.js';
import { MAIN_PROGRAM_ONLY, uploadDemoProgram } from './support/demo-program.js';
import { startApi, type ApiProcess } from './support/processes.js';
import { describeWithRedis } from './support/redis-suite.js';

/** Every second: the test need not wait for Monday. */
const EVERY_SECOND = '* * * * * *';

interface SnapshotRow {
  id: string;
  kind: 'SCHEDULED' | 'ON_DEMAND';
  from: string;
  to: string;
  createdAt: string;
  url: string;
}

async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value)) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} did not happen in 60 s; last: ${JSON.stringify(value)}`);
    }
    await sleep(250);
  }
}

/**
 * The same story in both modes: data for last week arrives, the schedule snapshots it, late data
 * for the same week arrives, the snapshot stays as it was and the live figures move.
 */
function weeklySnapshotStory(setup: () => { api: ApiProcess; key: string }): void {
  const week = lastFullWeek(new Date());
  const trigger = 'cart-recovery-email';
  let scheduled: SnapshotRow;
  let first: { html: string; measures: unknown };

  const snapshots = () =>
    gqlData<{ reportSnapshots: SnapshotRow[] }>(
      setup().api.url,
      setup().key,
      '{ reportSnapshots { id kind from to createdAt url } }',
    ).then((d) => d.reportSnapshots);
  const stored = (id: string) =>
    gqlData<{ reportSnapshot: { html: string; measures: unknown } }>(
      setup().api.url,
      setup().key,
      'query($id: ID!) { reportSnapshot(id: $id) { html measures } }',
      { id },
    ).then((d) => d.reportSnapshot);
  const treatedPersons = async (): Promise<number> => {
    const data = await gqlData<{ liftReport: { treatment: { persons: number } }[] }>(
      setup().api.url,
      setup().key,
      'query($from: DateTime!, $to: DateTime!, $ids: [ID!]) { liftReport(from: $from, to: $to, triggerIds: $ids) { treatment { persons } } }',
      { from: week.from.toISOString(), to: week.to.toISOString(), ids: [trigger] },
    );
    return data.liftReport[0]?.treatment.persons ?? 0;
  };

  it('takes the last full week’s snapshot by itself, once', async () => {
    const { api, key } = setup();
    await uploadDemoProgram(api.url, key, {
      seed: 7,
      persons: 600,
      days: 7,
      start: week.from,
      plantedBlockRows: MAIN_PROGRAM_ONLY,
    });
    const list = await until('a scheduled snapshot', snapshots, (rows) =>
      rows.some((r) => r.kind === 'SCHEDULED'),
    );
    scheduled = list.find((r) => r.kind === 'SCHEDULED')!;
    expect(scheduled).toMatchObject({
      from: week.from.toISOString(),
      to: week.to.toISOString(),
      url: `/reports/snapshots/${scheduled.id}`,
    });
    first = await stored(scheduled.id);
    expect(first.html).toContain('<svg class="chart" id="forest-plot"');
    expect(first.html).toContain(`Snapshot <strong>${scheduled.id}</strong>`);
    // the schedule keeps running every second; the week's snapshot is not taken again
    await sleep(3_000);
    expect((await snapshots()).filter((r) => r.kind === 'SCHEDULED')).toEqual([scheduled]);
  });

  it('keeps the snapshot unchanged when new data arrives for its week', async () => {
    const { api, key } = setup();
    const onDemand = (
      await gqlData<{ createReportSnapshot: SnapshotRow }>(
        api.url,
        key,
        'mutation($from: DateTime!, $to: DateTime!) { createReportSnapshot(from: $from, to: $to) { id kind from to createdAt url } }',
        { from: week.from.toISOString(), to: week.to.toISOString() },
      )
    ).createReportSnapshot;
    expect(onDemand.kind).toBe('ON_DEMAND');
    const onDemandFirst = await stored(onDemand.id);
    const before = await treatedPersons();

    // late data: 150 more treated persons of one trigger, each converting an hour later
    const late = Array.from({ length: 150 }, (_, i) => {
      const at = week.from.getTime() + 86_400_000 + i * 60_000;
      return {
        firing: {
          firing_id: `late-f-${i}`,
          trigger_id: trigger,
          person_id: `late-p-${i}`,
          decided_at: new Date(at).toISOString(),
          arm: 'treatment',
          signal_at: new Date(at - 30_000).toISOString(),
        },
        outcome: {
          outcome_id: `late-o-${i}`,
          person_id: `late-p-${i}`,
          type: 'purchase',
          occurred_at: new Date(at + 3_600_000).toISOString(),
          value: 25,
          currency: 'EUR',
          order_id: `late-order-${i}`,
        },
      };
    });
    expect(
      (await postIngest(api.url, key, 'firings', ndjson(late.map((l) => l.firing)))).status,
    ).toBe(200);
    expect(
      (await postIngest(api.url, key, 'outcomes', ndjson(late.map((l) => l.outcome)))).status,
    ).toBe(200);
    const after = await until(
      'the late rows to be measured',
      treatedPersons,
      (n) => n === before + 150,
    );
    expect(after).toBe(before + 150);
    await sleep(2_500);

    // the stored snapshots read exactly as before, by GraphQL and by URL
    expect(await stored(scheduled.id)).toEqual(first);
    expect(await stored(onDemand.id)).toEqual(onDemandFirst);
    const page = await fetch(`${api.url}${scheduled.url}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(first.html);
    expect((await snapshots()).filter((r) => r.kind === 'SCHEDULED')).toEqual([scheduled]);

    // a new snapshot of the same week sees the late data
    const fresh = await gqlData<{
      createReportSnapshot: {
        measures: { lift: { triggerId: string; treatment: { persons: number } }[] };
      };
    }>(
      api.url,
      key,
      'mutation($from: DateTime!, $to: DateTime!) { createReportSnapshot(from: $from, to: $to) { measures } }',
      { from: week.from.toISOString(), to: week.to.toISOString() },
    );
    const row = fresh.createReportSnapshot.measures.lift.find((l) => l.triggerId === trigger);
    expect(row?.treatment.persons).toBe(before + 150);
  });

  it('serves a snapshot to its own tenant only', async () => {
    const { api } = setup();
    const stranger = await mintKey(api.url, api.adminKey, 'stranger', ['READ']);
    const page = await fetch(`${api.url}${scheduled.url}`, {
      headers: { authorization: `Bearer ${stranger}` },
    });
    expect(page.status).toBe(404);
  });
}

describe('weekly snapshots without Redis (a timer in the API process)', () => {
  let api: ApiProcess;
  let key: string;
  beforeAll(async () => {
    api = await startApi({ REPORT_SNAPSHOT_CRON: EVERY_SECOND });
    key = await mintKey(api.url, api.adminKey, 'weekly-inline', ['INGEST', 'READ']);
  });
  afterAll(async () => {
    await api?.dispose();
  });

  weeklySnapshotStory(() => ({ api, key }));
});

describeWithRedis('weekly snapshots through BullMQ on a real redis-server', (redis) => {
  let api: ApiProcess;
  let key: string;
  let connection: Redis;
  let queue: Queue;

  beforeAll(async () => {
    api = await startApi({ REDIS_URL: redis.url, REPORT_SNAPSHOT_CRON: EVERY_SECOND });
    key = await mintKey(api.url, api.adminKey, 'weekly-queued', ['INGEST', 'READ']);
    connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    queue = new Queue('reports', { connection });
  });
  afterAll(async () => {
    await queue?.close();
    connection?.disconnect();
    await api?.dispose();
  });

  weeklySnapshotStory(() => ({ api, key }));

  it('holds the schedule in Redis and ran the snapshot as a BullMQ job', async () => {
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toEqual([
      expect.objectContaining({
        key: 'weekly-report-snapshots',
        pattern: EVERY_SECOND,
        tz: 'UTC',
      }),
    ]);
    const completed = await queue.getCompleted(0, 200);
    const created = completed.flatMap(
      (job) => (job.returnvalue as { created?: string[] } | null)?.created ?? [],
    );
    const list = await gqlData<{ reportSnapshots: { id: string; kind: string }[] }>(
      api.url,
      key,
      '{ reportSnapshots { id kind } }',
    );
    const scheduled = list.reportSnapshots.filter((s) => s.kind === 'SCHEDULED').map((s) => s.id);
    expect(scheduled.length).toBe(1);
    expect(created).toEqual(scheduled);
  });
});
