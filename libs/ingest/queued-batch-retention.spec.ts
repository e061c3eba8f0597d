import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { AppConfig } from '../config/index.js';
import { PersonBlocklist } from '../lifecycle/index.js';
import { JobName, QueueName } from '../queue/index.js';
import { MemoryDataVersions, toClickHouseTime } from '../storage/index.js';
import { storeForSuite } from '../storage/testing.js';
import { describeWithRedis, redisContents, runIngestJob } from '../../test/support/redis-suite.js';
import { IngestProcessor } from './ingest.processor.js';
import { IngestWriter } from './ingest-writer.js';
import { QueuedBatchRetention } from './queued-batch-retention.js';
import { StoredBatches } from './stored-batches.js';

// Queued mode on a real redis-server: the jobs of failed batches keep their rows only as long as
// the store would (RETENTION_DAYS_<STREAM> from each row's event time), their rejected lines 180
// days, and go with their last line; a written batch's job goes after an hour, also when no
// other batch follows it, and so do the queue's events (a failure's reason among them). The rows still within their retention are stored when the batch is
// retried.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describeWithRedis('the ingest jobs Redis keeps', (redis) => {
  const store = storeForSuite();
  let queue: Queue;
  let retention: QueuedBatchRetention;
  let processor: IngestProcessor;
  let events: Redis;
  const now = Date.now();
  const ago = (ms: number) => toClickHouseTime(now - ms);

  const signal = (eventId: string, personId: string, occurredAgo: number) => ({
    tenant_id: 'acme',
    event_id: eventId,
    person_id: personId,
    type: 'view',
    occurred_at: ago(occurredAgo),
    received_at: ago(0),
  });
  const reject = (raw: string) => ({ stream: 'signals', line: 1, field: 'type', reason: 'x', raw });
  const batch = (
    id: string,
    stream: string,
    rows: object[],
    rejects: object[],
    receivedAgo = 0,
  ) => ({
    requestId: id,
    tenantId: 'acme',
    stream,
    receivedAt: ago(receivedAgo),
    ndjson: rows.map((row) => JSON.stringify(row)).join('\n'),
    rejects,
  });

  const run = (data: { requestId: string }, process: (job: Job) => Promise<void>) =>
    runIngestJob(queue, redis.port, data, process);
  const unavailable = () => Promise.reject(new Error('the store is unavailable'));
  const write = (j: Job) => processor.process(j as Parameters<IngestProcessor['process']>[0]);

  beforeAll(() => {
    queue = new Queue(QueueName.Ingest, { connection: { host: '127.0.0.1', port: redis.port } });
    events = new Redis({ host: '127.0.0.1', port: redis.port });
    const config = new AppConfig({
      ...store.config.env,
      RETENTION_DAYS_SIGNALS: 30,
      RETENTION_DAYS_FIRINGS: 10,
      RETENTION_DAYS_OUTCOMES: undefined,
      RETENTION_DAYS_CONSENT: 30,
    });
    retention = new QueuedBatchRetention(config, queue);
    processor = new IngestProcessor(
      new IngestWriter(store.clickhouse, new StoredBatches(), new MemoryDataVersions()),
      new PersonBlocklist(config, store.clickhouse),
    );
  });
  afterAll(async () => {
    events.disconnect();
    await queue.close();
  });

  it('keeps a failed batch only as long as the store keeps its lines', async () => {
    // signals kept 30 days: the row of 31 days ago goes, that of 29 stays with the rejected line
    await run(
      batch(
        'mixed',
        'signals',
        [signal('s1', 'past-person', 31 * DAY), signal('s2', 'kept-person', 29 * DAY)],
        [reject('{"person_id":"rejected-person"}')],
      ),
      unavailable,
    );
    // firings kept 10 days: a batch of firings of 11 days ago goes whole
    const firing = { firing_id: 'f1', person_id: 'firing-person', decided_at: ago(11 * DAY) };
    await run(batch('firings', 'firings', [firing], []), unavailable);
    // outcomes without a retention: kept, however old
    const outcome = { outcome_id: 'o1', person_id: 'outcome-person', occurred_at: ago(1000 * DAY) };
    await run(batch('outcomes', 'outcomes', [outcome], []), unavailable);
    // consent kept 30 days: the store keeps a person's latest event however old, so it stays
    const grant = {
      tenant_id: 'acme',
      event_id: 'c1',
      person_id: 'consent-person',
      purpose: 'email',
      granted: true,
      occurred_at: ago(100 * DAY),
      received_at: ago(0),
    };
    await run(batch('consent', 'consent', [grant], []), unavailable);
    // rejected lines alone, received 181 and 179 days ago: the store keeps them 180
    await run(
      batch('rejects-181', 'signals', [], [reject('"reject-past"')], 181 * DAY),
      unavailable,
    );
    await run(
      batch('rejects-179', 'signals', [], [reject('"reject-kept"')], 179 * DAY),
      unavailable,
    );
    // a written batch
    await run(batch('written', 'signals', [signal('s3', 'written-person', DAY)], []), write);

    // removed: 1 signal row, the firing (its job emptied), the old rejected line (its job too)
    expect(await retention.sweep()).toEqual({ writtenJobs: 0, failedRows: 3, failedJobs: 2 });
    const kept = await redisContents(redis.port);
    for (const gone of ['past-person', 'firing-person', 'reject-past']) {
      expect(kept).not.toContain(gone);
    }
    for (const stays of [
      'kept-person',
      'rejected-person',
      'outcome-person',
      'consent-person',
      'reject-kept',
    ]) {
      expect(kept).toContain(stays);
    }
    expect(await queue.getJob('firings')).toBeUndefined();
    expect(await queue.getJob('rejects-181')).toBeUndefined();
    // a second pass finds nothing more to remove
    expect(await retention.sweep()).toEqual({ writtenJobs: 0, failedRows: 0, failedJobs: 0 });

    // the queue's events: a failure's reason quoting a row is kept in its `failed` event
    const failedEvents = async () =>
      (await events.xrange(queue.keys.events, '-', '+')).filter(
        ([, fields]) => fields[0] === 'event' && fields[1] === 'failed',
      );
    expect(await failedEvents()).toHaveLength(6);

    // an hour later: the written batch's job (though no batch completed since), and the events
    expect(await retention.sweep(Date.now() + HOUR + 60_000)).toMatchObject({ writtenJobs: 1 });
    expect(await queue.getJob('written')).toBeUndefined();
    expect(await redisContents(redis.port)).not.toContain('written-person');
    expect(await failedEvents()).toEqual([]);

    // retried, the batch stores the row still within its retention
    await (await queue.getJob('mixed'))!.retry('failed');
    const worker = new Worker(QueueName.Ingest, write, {
      connection: { host: '127.0.0.1', port: redis.port },
    });
    await new Promise<void>((resolve) => worker.on('completed', () => resolve()));
    await worker.close();
    const stored = await store.clickhouse.query({
      tag: 'test.signals',
      sql: `SELECT person_id FROM signals FINAL WHERE tenant_id = 'acme' ORDER BY event_id`,
      row: z.object({ person_id: z.string() }),
    });
    expect(stored.map((r) => r.person_id)).toEqual(['kept-person', 'written-person']);
  });

  it('reaches every failed batch, however many, as it removes some', async () => {
    await queue.obliterate({ force: true });
    // 230 batches of one row each, every other one past its retention: pages of 100 to read
    const batches = Array.from({ length: 230 }, (_, i) =>
      batch(
        `many-${i}`,
        'signals',
        [signal(`m${i}`, `many-${i}`, (i % 2 === 0 ? 31 : 29) * DAY)],
        [],
      ),
    );
    await queue.addBulk(
      batches.map((data) => ({
        name: JobName.IngestBatch,
        data,
        opts: { jobId: data.requestId, attempts: 1, removeOnFail: false },
      })),
    );
    const worker = new Worker(QueueName.Ingest, unavailable, {
      connection: { host: '127.0.0.1', port: redis.port },
      concurrency: 20,
    });
    while ((await queue.getFailedCount()) < batches.length) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await worker.close();

    expect(await retention.sweep()).toEqual({ writtenJobs: 0, failedRows: 115, failedJobs: 115 });
    const left = (await queue.getJobs(['failed'])).map((job) => job.id!).sort();
    const odd = batches.filter((_, i) => i % 2 === 1).map((data) => data.requestId);
    expect(left).toEqual(odd.sort());
  });
});
