// The weekly snapshot run goes on past a tenant whose snapshot fails, on the real embedded store:
// the others are taken, the failed one is reported, and a second run (or the BullMQ job's retry,
// on a real redis-server) takes only what is missing, never a second copy of a week's snapshot.
// The report's measures are hand-made, failing for one tenant as a query deadline would.

import { beforeEach, describe, expect, it } from '@jest/globals';
import { Worker, type Job } from 'bullmq';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { describeWithRedis, queueForSuite } from '../../../test/support/redis-suite.js';
import { JobName, QueueName } from '../../queue/index.js';
import { toClickHouseTime } from '../../storage/index.js';
import { storeForSuite, type TemporaryStore } from '../../storage/testing.js';
import { loggedErrorsForSuite, refusePerson, writeFiringOf } from '../../testing/index.js';
import { fixtureMeasures } from '../render/testing.js';
import type { ReportMeasuresService, ReportOptions } from '../report-measures.service.js';
import { AppConfig, loadConfig } from '../../config/index.js';
import { WEEKLY_SNAPSHOT_SCHEDULER_ID } from './report-snapshot.job.js';
import { ReportSnapshotProcessor } from './report-snapshot.processor.js';
import { ReportSnapshotsRepository } from './report-snapshots.repository.js';
import { ReportSnapshotsService, type WeeklySnapshotRun } from './report-snapshots.service.js';
import { SnapshotCreatedHook } from './snapshot-created.hook.js';
import { SnapshotSchedule } from './snapshot-schedule.js';

/** A week as the weekly run sees it from a Wednesday after it, and a time of a firing in it. */
interface Week {
  at: Date;
  from: string;
  to: string;
  firedAt: string;
}
const NOVEMBER_9: Week = {
  at: new Date('2026-11-18T10:00:00Z'),
  from: '2026-11-09T00:00:00.000Z',
  to: '2026-11-16T00:00:00.000Z',
  firedAt: '2026-11-10 12:00:00.000',
};
const NOVEMBER_16: Week = {
  at: new Date('2026-11-25T10:00:00Z'),
  from: '2026-11-16T00:00:00.000Z',
  to: '2026-11-23T00:00:00.000Z',
  firedAt: '2026-11-17 12:00:00.000',
};

const NOVEMBER_23: Week = {
  at: new Date('2026-12-02T10:00:00Z'),
  from: '2026-11-23T00:00:00.000Z',
  to: '2026-11-30T00:00:00.000Z',
  firedAt: '2026-11-24 12:00:00.000',
};

/** The weekly id as the design states it: the week's Monday and the tenant's SHA-256 prefix. */
const idOf = (tenant: string, week: Week) =>
  `weekly-${week.from.slice(0, 10)}-${createHash('sha256').update(tenant).digest('hex').slice(0, 10)}`;

/**
 * The run expected over `week`: the snapshots it took and found, no on-demand snapshot told late,
 * and the tenants that failed.
 */
const runOf = (
  week: Week,
  created: string[],
  existing: string[],
  failed: WeeklySnapshotRun['failed'] = [],
): WeeklySnapshotRun => ({
  from: week.from,
  to: week.to,
  created,
  existing,
  announcedLate: [],
  failed,
});

/** The person whose firings the store refuses (see refusedWrite). */
const PERSON = 'cust-4711';

/**
 * A write of a firing of PERSON that the store refuses (a CHECK constraint, as an operator or a
 * later migration might add), whose refusal names that person: the failure of a tenant below.
 */
async function refusedWrite(store: TemporaryStore, tenantId: string): Promise<void> {
  await refusePerson(store.clickhouse, 'firings', PERSON);
  await writeFiringOf(store.clickhouse, tenantId, PERSON, 'test.refused_firing');
}

/** A failure as a run lists it (failureName): the store's refusal of a row. */
const REFUSED = 'StorageException STORAGE_QUERY_FAILED test.refused_firing VIOLATED_CONSTRAINT';

/** Tenants with firings in the week (the run visits them by tenant id). */
async function fireIn(store: TemporaryStore, week: Week, tenants: string[]): Promise<void> {
  await store.clickhouse.insert({
    table: 'firings',
    tag: 'test.firings',
    rows: tenants.map((tenant) => ({
      tenant_id: tenant,
      firing_id: `f-${tenant}`,
      trigger_id: 't',
      person_id: 'p',
      decided_at: week.firedAt,
      arm: 'treatment',
      received_at: toClickHouseTime(Date.now()),
    })),
  });
}

/** Expects one stored row for each tenant's snapshot of the week: none missing, none twice. */
async function expectStoredOnce(store: TemporaryStore, week: Week, tenants: string[]) {
  const rows = await store.clickhouse.query({
    tag: 'test.snapshot_rows',
    sql: `SELECT snapshot_id, count() AS n FROM report_snapshots
          WHERE has({tenants:Array(String)}, tenant_id) GROUP BY snapshot_id ORDER BY snapshot_id`,
    params: { tenants },
    row: z.object({ snapshot_id: z.string(), n: z.number() }),
  });
  expect(Object.fromEntries(rows.map((r) => [r.snapshot_id, r.n]))).toEqual(
    Object.fromEntries(tenants.map((t) => [idOf(t, week), 1])),
  );
}

/** What goes wrong: measures failing or slow, an announcement's listener unreachable. */
interface Trouble {
  failing?: string[];
  unreachable?: string[];
  /** how long the measures take */
  slowMs?: number;
}

/**
 * The service on the store, with measures that fail for the tenants in `failing`, and a listener
 * of the hook (as the webhooks' snapshot.created) whose enqueue fails for the tenants in
 * `unreachable`; `told` lists the snapshots it took, in order. Both sets are answered, for a test
 * to end the trouble.
 */
function snapshotsOn(store: TemporaryStore, trouble: Trouble = {}) {
  const failing = new Set(trouble.failing);
  const unreachable = new Set(trouble.unreachable);
  const measures = {
    // read with the cap asked for; none asked, with the deployment's (REPORT_REVENUE_CAP=off)
    collect: async (
      tenantId: string,
      _from: Date,
      _to: Date,
      _at: Date,
      options?: ReportOptions,
    ) => {
      if (failing.has(tenantId)) {
        await refusedWrite(store, tenantId);
      }
      await new Promise((resolve) => setTimeout(resolve, trouble.slowMs ?? 0));
      return { ...fixtureMeasures(), revenueCap: options?.revenueCap ?? null };
    },
  } as unknown as ReportMeasuresService;
  const hook = new SnapshotCreatedHook();
  const told: string[] = [];
  hook.subscribe((snapshot) => {
    if (unreachable.has(snapshot.tenantId)) {
      return Promise.reject(new Error('Connection is closed.'));
    }
    told.push(snapshot.snapshotId);
    return Promise.resolve();
  });
  const service = new ReportSnapshotsService(
    new ReportSnapshotsRepository(store.clickhouse),
    measures,
    hook,
  );
  return { service, told, failing, unreachable };
}

/** `tenants` firing in `week`, and the service on the store (see snapshotsOn). */
async function firingIn(
  store: TemporaryStore,
  week: Week,
  tenants: string[],
  trouble: Trouble = {},
) {
  await fireIn(store, week, tenants);
  return snapshotsOn(store, trouble);
}

/** The snapshot ids of the tenants recorded as announced, each once. */
async function announced(store: TemporaryStore, tenants: string[]): Promise<string[]> {
  const rows = await store.clickhouse.query({
    tag: 'test.announced',
    sql: `SELECT DISTINCT snapshot_id FROM report_snapshot_announcements
          WHERE has({tenants:Array(String)}, tenant_id) ORDER BY snapshot_id`,
    params: { tenants },
    row: z.object({ snapshot_id: z.string() }),
  });
  return rows.map((r) => r.snapshot_id);
}

const errors = loggedErrorsForSuite();
beforeEach(() => {
  errors.length = 0;
});

/** What each line logged at error says: its text, ids and failure type, naming no person. */
function logged() {
  expect(JSON.stringify(errors)).not.toContain(PERSON);
  return errors.map(({ fields, text }) => {
    const { err, ...ids } = fields as { err: { type: string } };
    return { text, ...ids, type: err.type };
  });
}

describe('the weekly snapshot run when one tenant fails', () => {
  const store = storeForSuite();

  it('takes the others, reports the failed one, and a second run takes only it', async () => {
    const week = NOVEMBER_9;
    const tenants = ['weekly-a', 'weekly-b', 'weekly-c'];
    const { service, told, failing } = await firingIn(store, week, tenants, {
      failing: ['weekly-b'],
    });

    const first = await service.runWeekly(week.at);
    expect(first).toEqual(
      runOf(
        week,
        [idOf('weekly-a', week), idOf('weekly-c', week)],
        [],
        [{ tenantId: 'weekly-b', error: REFUSED }],
      ),
    );
    expect(logged()).toEqual([
      {
        text: 'weekly report snapshot failed',
        snapshotId: idOf('weekly-b', week),
        tenantId: 'weekly-b',
        type: 'StorageException',
      },
    ]);

    failing.clear();
    const second = await service.runWeekly(week.at);
    expect(second).toEqual(
      runOf(week, [idOf('weekly-b', week)], [idOf('weekly-a', week), idOf('weekly-c', week)]),
    );
    await expectStoredOnce(store, week, tenants);
    expect(told).toEqual([idOf('weekly-a', week), idOf('weekly-c', week), idOf('weekly-b', week)]);
  });

  it('announces a stored snapshot whose announcement failed on the next run, and only once', async () => {
    const week = NOVEMBER_16;
    const tenants = ['told-a', 'told-b', 'told-c'];
    // the snapshot.created of told-b cannot be queued (Redis went away) in the first run
    const { service, told, unreachable } = await firingIn(store, week, tenants, {
      unreachable: ['told-b'],
    });

    const first = await service.runWeekly(week.at);
    expect(first).toEqual(
      runOf(
        week,
        [idOf('told-a', week), idOf('told-c', week)],
        [],
        [{ tenantId: 'told-b', error: 'SnapshotNotAnnounced' }],
      ),
    );
    // stored all the same, and not announced
    await expectStoredOnce(store, week, tenants);
    expect(await announced(store, tenants)).toEqual(
      [idOf('told-a', week), idOf('told-c', week)].sort(),
    );

    unreachable.clear();
    const second = await service.runWeekly(week.at);
    expect(second).toEqual(
      runOf(
        week,
        [],
        tenants.map((t) => idOf(t, week)),
      ),
    );
    expect(told).toEqual([idOf('told-a', week), idOf('told-c', week), idOf('told-b', week)]);
    expect(await announced(store, tenants)).toEqual(tenants.map((t) => idOf(t, week)).sort());

    // a third run finds every snapshot taken and announced: nothing is told again
    await service.runWeekly(week.at);
    expect(told).toHaveLength(3);
    await expectStoredOnce(store, week, tenants);
  });
});

describe('two weekly runs of one week at once', () => {
  const store = storeForSuite();

  it('take and tell the snapshot once', async () => {
    // the embedded make-up run and the timer's, or two jobs of a frequent REPORT_SNAPSHOT_CRON:
    // each would find the week not taken while the other's measures are still being collected
    const week = NOVEMBER_9;
    const { service, told } = await firingIn(store, week, ['race-a'], { slowMs: 300 });
    const runs = await Promise.all([
      service.runWeekly(week.at),
      service.runWeekly(new Date(week.at.getTime() + 60_000)),
    ]);
    expect(runs).toEqual([
      runOf(week, [idOf('race-a', week)], []),
      runOf(week, [], [idOf('race-a', week)]),
    ]);
    await expectStoredOnce(store, week, ['race-a']);
    expect(told).toEqual([idOf('race-a', week)]);
  });
});

describe('the weekly snapshot run and on-demand snapshots not announced when taken', () => {
  const store = storeForSuite();
  const MINUTE = 60_000;

  it('tells them once, when at least 15 minutes old, and the run fails while one cannot be told', async () => {
    const { service, told, unreachable } = snapshotsOn(store, {
      unreachable: ['demand-a', 'demand-b'],
    });
    const from = new Date('2026-11-02T00:00:00Z');
    const to = new Date('2026-11-09T00:00:00Z');
    const early = await service.create('demand-a', from, to);
    const late = await service.create('demand-b', from, to);
    expect(told).toEqual([]);
    expect(logged()).toEqual(
      [early, late].map(({ snapshotId, tenantId }) => ({
        text: 'report snapshot not announced',
        snapshotId,
        tenantId,
        type: 'SnapshotNotAnnounced',
      })),
    );
    expect(await announced(store, ['demand-a', 'demand-b'])).toEqual([]);

    // the run 10 minutes after: both may still be announcing themselves, so both are left alone
    unreachable.delete('demand-a');
    const runAt = (minutes: number) => new Date(late.createdAt.getTime() + minutes * MINUTE);
    const first = await service.runWeekly(runAt(10));
    expect(first.announcedLate).toEqual([]);
    expect(first.failed).toEqual([]);

    // 16 minutes after: demand-a is told; demand-b still cannot be, and fails the run
    const second = await service.runWeekly(runAt(16));
    expect(second.announcedLate).toEqual([early.snapshotId]);
    expect(second.failed).toEqual([{ tenantId: 'demand-b', error: 'SnapshotNotAnnounced' }]);
    expect(told).toEqual([early.snapshotId]);

    unreachable.clear();
    const third = await service.runWeekly(runAt(17));
    expect(third.announcedLate).toEqual([late.snapshotId]);
    expect(third.failed).toEqual([]);
    // a fourth run finds both told: nothing is told again
    const fourth = await service.runWeekly(runAt(60 * 24 * 7));
    expect(fourth.announcedLate).toEqual([]);
    expect(told).toEqual([early.snapshotId, late.snapshotId]);
    expect(await announced(store, ['demand-a', 'demand-b'])).toEqual(
      [early.snapshotId, late.snapshotId].sort(),
    );
  });
});

describeWithRedis(
  'the weekly snapshot job on a real redis-server when one tenant fails',
  (redis) => {
    const store = storeForSuite();
    const reports = queueForSuite(redis, QueueName.Reports);
    const { connection } = reports;

    /**
     * Runs the weekly job of `week` with the real processor on a worker of its own, two attempts,
     * calling `afterFailure` after a failed attempt; resolves with the job once it has ended, and
     * the messages of its failed attempts.
     */
    async function runJob(
      service: ReportSnapshotsService,
      week: Week,
      afterFailure: () => void,
    ): Promise<{ job: Job; failures: string[] }> {
      const processor = new ReportSnapshotProcessor(service);
      const failures: string[] = [];
      const worker = new Worker(
        QueueName.Reports,
        async (job: Job) => {
          try {
            return await processor.process(
              job as Parameters<ReportSnapshotProcessor['process']>[0],
            );
          } catch (error) {
            failures.push((error as Error).message);
            afterFailure();
            throw error;
          }
        },
        { connection: connection() },
      );
      try {
        const added = await reports.queue.add(
          JobName.ReportSnapshot,
          { run: 'weekly' },
          { attempts: 2, backoff: { type: 'fixed', delay: 50 }, prevMillis: week.at.getTime() },
        );
        const job = await new Promise<Job>((resolve) => {
          worker.on('completed', (done) => done.id === added.id && resolve(done));
          worker.on(
            'failed',
            (done) =>
              done !== undefined && done.id === added.id && done.attemptsMade >= 2 && resolve(done),
          );
        });
        return { job, failures };
      } finally {
        await worker.close();
      }
    }

    it('fails the job after taking the others, and its retry takes only the failed one', async () => {
      const week = NOVEMBER_9;
      const tenants = ['queued-a', 'queued-b', 'queued-c'];
      // the failure passes after the first attempt, as a deadline met once would
      const { service, told, failing } = await firingIn(store, week, tenants, {
        failing: ['queued-b'],
      });

      const { job, failures } = await runJob(service, week, () => failing.clear());
      expect(failures).toEqual([
        `weekly report snapshots of [${week.from}, ${week.to}) failed for 1 tenant(s): queued-b (${REFUSED})`,
      ]);
      expect(job.attemptsMade).toBe(2);
      expect(job.returnvalue as WeeklySnapshotRun).toEqual(
        runOf(week, [idOf('queued-b', week)], [idOf('queued-a', week), idOf('queued-c', week)]),
      );
      await expectStoredOnce(store, week, tenants);
      expect(told).toEqual([
        idOf('queued-a', week),
        idOf('queued-c', week),
        idOf('queued-b', week),
      ]);
    });

    it('fails the job when an announcement fails, and its retry announces the stored snapshot', async () => {
      const week = NOVEMBER_16;
      const tenants = ['enqueue-a', 'enqueue-b'];
      const { service, told, unreachable } = await firingIn(store, week, tenants, {
        unreachable: ['enqueue-a'],
      });

      const { job, failures } = await runJob(service, week, () => unreachable.clear());
      expect(failures).toEqual([
        `weekly report snapshots of [${week.from}, ${week.to}) failed for 1 tenant(s): enqueue-a (SnapshotNotAnnounced)`,
      ]);
      expect(job.returnvalue as WeeklySnapshotRun).toEqual(
        runOf(week, [], [idOf('enqueue-a', week), idOf('enqueue-b', week)]),
      );
      expect(told).toEqual([idOf('enqueue-b', week), idOf('enqueue-a', week)]);
      await expectStoredOnce(store, week, tenants);
    });

    it('runs one job at a time across worker processes, so two jobs of one week take it once', async () => {
      // a frequent REPORT_SNAPSHOT_CRON, or a run outlasting the interval: the scheduler's next
      // job is due while the last still runs, and another process's worker takes it
      const week = NOVEMBER_23;
      await fireIn(store, week, ['workers-a']);
      const processes = [snapshotsOn(store, { slowMs: 400 }), snapshotsOn(store, { slowMs: 400 })];
      const env = { ...loadConfig({}).env, REPORT_SNAPSHOT_CRON: '0 6 * * 1' };
      const schedule = new SnapshotSchedule(
        new AppConfig(env),
        processes[0].service,
        reports.queue,
      );
      schedule.onApplicationBootstrap();
      for (let i = 0; i < 100 && (await reports.queue.getGlobalConcurrency()) !== 1; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      schedule.onModuleDestroy();
      await reports.queue.removeJobScheduler(WEEKLY_SNAPSHOT_SCHEDULER_ID);

      const done = new Map<string, WeeklySnapshotRun>();
      const workers = processes.map(({ service }) => {
        const processor = new ReportSnapshotProcessor(service);
        const worker = new Worker(
          QueueName.Reports,
          (job: Job) => processor.process(job as Parameters<typeof processor.process>[0]),
          { connection: connection() },
        );
        worker.on('completed', (job) => done.set(job.id!, job.returnvalue));
        return worker;
      });
      try {
        const jobs = await reports.queue.addBulk(
          [0, 60_000].map((later) => ({
            name: JobName.ReportSnapshot,
            data: { run: 'weekly' },
            opts: { prevMillis: week.at.getTime() + later },
          })),
        );
        for (let i = 0; i < 200 && done.size < jobs.length; i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const runs = jobs.map((job) => done.get(job.id!));
        const byCreated = (run?: WeeklySnapshotRun) => -(run?.created.length ?? 0);
        expect(runs.sort((a, b) => byCreated(a) - byCreated(b))).toEqual([
          runOf(week, [idOf('workers-a', week)], []),
          runOf(week, [], [idOf('workers-a', week)]),
        ]);
      } finally {
        await Promise.all(workers.map((worker) => worker.close()));
      }
      await expectStoredOnce(store, week, ['workers-a']);
      expect(processes.flatMap((p) => p.told)).toEqual([idOf('workers-a', week)]);
    });
  },
);

describe('listing snapshots with a limit it does not answer', () => {
  const store = storeForSuite();

  it.each([0, 501, 2.5])('refuses limit %p, naming the field, the range and the value', (limit) => {
    const { service } = snapshotsOn(store);
    expect(() => service.list('listing', { limit })).toThrow(
      `limit: must be between 1 and 500 (was ${limit})`,
    );
  });

  it('refuses a from at or after to naming both, as the other lists with a period do', () => {
    const { service } = snapshotsOn(store);
    const at = new Date('2026-10-05T00:00:00Z');
    expect(() => service.list('listing', { from: at, to: at })).toThrow(
      'from, to: from must be before to (was from 2026-10-05T00:00:00.000Z, to 2026-10-05T00:00:00.000Z)',
    );
  });
});

describe('an on-demand snapshot taken with its own revenue cap', () => {
  const store = storeForSuite();
  const from = new Date('2026-10-05T00:00:00Z');
  const to = new Date('2026-10-12T00:00:00Z');
  /** The text of the report's "Revenue capping" item. */
  const cappingText = (html: string) =>
    /<dt>Revenue capping<\/dt><dd>([^<]*)<\/dd>/.exec(html)?.[1];

  it('says the cap came from the snapshot, not from the setting or an address', async () => {
    const { service } = snapshotsOn(store);
    const snapshot = await service.create('capped', from, to, { revenueCap: { percentile: 99 } });
    expect(cappingText(snapshot.html)).toBe(
      'Each person’s revenue is capped at the 99th percentile of the trigger’s revenues above 0 before any revenue figure is computed (the revenueCap this snapshot was taken with).',
    );
  });

  it('says a snapshot taken without one read the setting when it was taken', async () => {
    const { service } = snapshotsOn(store);
    const snapshot = await service.create('uncapped', from, to);
    expect(cappingText(snapshot.html)).toBe(
      'Revenue is not capped in this snapshot (REPORT_REVENUE_CAP was off when it was taken; createReportSnapshot’s revenueCap caps a snapshot).',
    );
  });
});
