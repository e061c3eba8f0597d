import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { IngestProcessor, IngestWriter, StoredBatches } from '../ingest/index.js';
import { JobName, QueueName } from '../queue/index.js';
import { MemoryDataVersions } from '../storage/index.js';
import { storeForSuite } from '../storage/testing.js';
import { describeWithRedis, redisContents, runIngestJob } from '../../test/support/redis-suite.js';
import type { ErasureService } from './erasure.service.js';
import { erasureOn } from './testing.js';

// Queued mode on a real redis-server: Redis keeps the ingest jobs with their rows, completed ones
// for an hour and failed ones until retried. After an erasure no key of Redis holds the person's
// id or their firing's, a failed job retried later brings none of their rows back, and a batch
// validated before the erasure but written after it is written without them. A failure that
// quoted the person's row (its reason, its stack, the queue's event of it) is kept with the
// person's id and their firing's replaced, and the other persons' rows of its batch still arrive.

const signal = (eventId: string, personId: string) => ({
  event_id: eventId,
  person_id: personId,
  type: 'view',
  occurred_at: '2026-10-01 00:00:00.000',
  received_at: '2026-10-01 00:00:01.000',
});

describeWithRedis('erasing a person in queued mode', (redis) => {
  const store = storeForSuite({ CAUSEWAY_KEY_PEPPER: 'erasure-queue-spec-pepper-0123456789' });
  const person = 'erase-q';
  const firing = 'f-erase-q';
  let queue: Queue;
  let processor: IngestProcessor;
  let erasure: ErasureService;
  let sequence = 0;

  const connection = () => ({ host: '127.0.0.1', port: redis.port });
  const job = (stream: string, rows: object[], rejects: object[] = []) => ({
    requestId: `r${++sequence}`,
    tenantId: 'acme',
    stream,
    receivedAt: '2026-10-01 00:00:01.000',
    // storage rows, as the API queues them: the tenant in each
    ndjson: rows.map((row) => JSON.stringify({ tenant_id: 'acme', ...row })).join('\n'),
    rejects,
  });

  // the real processor, as the worker app runs it
  const write = (j: Job) => processor.process(j as Parameters<IngestProcessor['process']>[0]);

  const run = (data: { requestId: string }, process: (job: Job) => Promise<void>) =>
    runIngestJob(queue, redis.port, data, process);

  const everythingInRedis = () => redisContents(redis.port);

  const storedSignals = async () =>
    (
      await store.clickhouse.query({
        tag: 'test.signals',
        sql: `SELECT person_id FROM signals FINAL WHERE tenant_id = 'acme' ORDER BY event_id`,
        row: z.object({ person_id: z.string() }),
      })
    ).map((r) => r.person_id);

  beforeAll(() => {
    queue = new Queue(QueueName.Ingest, { connection: connection() });
    const versions = new MemoryDataVersions();
    const assembled = erasureOn(store, versions, { queue });
    erasure = assembled.erasure;
    processor = new IngestProcessor(
      new IngestWriter(store.clickhouse, new StoredBatches(), versions),
      assembled.blocklist,
    );
  });
  afterAll(async () => {
    await queue.close();
  });

  it('leaves no job holding the person, and a job written after the erasure without them', async () => {
    await run(job('signals', [signal('s1', person), signal('s2', 'keep-1')]), write);
    await run(
      job(
        'firings',
        [
          {
            firing_id: firing,
            trigger_id: 't1',
            person_id: person,
            decided_at: '2026-10-01 00:00:00.000',
            arm: 'treatment',
            received_at: '2026-10-01 00:00:01.000',
          },
        ],
        [
          {
            stream: 'firings',
            line: 2,
            field: 'arm',
            reason: 'invalid',
            raw: `{"person_id":"${person}"}`,
          },
        ],
      ),
      write,
    );
    await run(
      job('exposures', [
        {
          exposure_id: 'x1',
          firing_id: firing,
          type: 'delivered',
          occurred_at: '2026-10-01 00:00:00.000',
          received_at: '2026-10-01 00:00:01.000',
        },
      ]),
      write,
    );
    // a batch the store could not take: failed, kept with its rows until retried
    const failed = await run(job('signals', [signal('s3', person), signal('s4', 'keep-2')]), () =>
      Promise.reject(new Error('the store is unavailable')),
    );
    expect(await failed.getState()).toBe('failed');
    expect(await storedSignals()).toEqual([person, 'keep-1']);
    expect(await everythingInRedis()).toContain(person);
    expect(await everythingInRedis()).toContain(firing);

    const record = await erasure.erasePerson('acme', person, true);
    expect(record.rowsDeleted).toMatchObject({ signals: 1, firings: 1, exposures: 1 });
    const redisText = await everythingInRedis();
    expect(redisText).not.toContain(person);
    expect(redisText).not.toContain(firing);

    // the failed batch retried: the other person's row is written, the erased one's is not
    const retried = await queue.getJob(failed.id!);
    await retried!.retry('failed');
    const worker = new Worker(QueueName.Ingest, write, {
      connection: connection(),
    });
    await new Promise<void>((resolve) => worker.on('completed', () => resolve()));
    await worker.close();
    expect(await storedSignals()).toEqual(['keep-1', 'keep-2']);

    // a batch validated before the erasure and written after it: the processor leaves them out
    await run(job('signals', [signal('s5', person), signal('s6', 'keep-3')]), write);
    expect(await storedSignals()).toEqual(['keep-1', 'keep-2', 'keep-3']);
    // nor does Redis keep them with the job, written and kept for an hour
    expect(await everythingInRedis()).not.toContain(person);
  });

  it('does not bring back, from a failed batch, an earlier version of a row erased with every version of it', async () => {
    // s20 sent for one person (its batch failed, kept to be retried), then sent again for
    // another (the producer's correction, the later version: the row is theirs), who is erased;
    // a third batch, failed too, carries a later correction for a third person
    const at = (second: number) => `2026-10-01 00:00:0${second}.000`;
    const version = (personId: string, second: number) => ({
      ...signal('s20', personId),
      received_at: at(second),
    });
    const failing = () => Promise.reject(new Error('the store is unavailable'));
    const first = await run(job('signals', [version('erase-q-first', 1)]), failing);
    await run(job('signals', [version('erase-q-corrected', 2)]), write);
    const third = await run(
      job('signals', [version('erase-q-third', 3), signal('s21', 'erase-q-first')]),
      failing,
    );
    const stored = async () =>
      await store.clickhouse.query({
        tag: 'test.signal',
        sql: `SELECT event_id, person_id FROM signals FINAL
              WHERE tenant_id = 'acme' AND event_id IN ('s20', 's21') ORDER BY event_id`,
        row: z.object({ event_id: z.string(), person_id: z.string() }),
      });
    expect(await stored()).toEqual([{ event_id: 's20', person_id: 'erase-q-corrected' }]);

    const record = await erasure.erasePerson('acme', 'erase-q-corrected', false);
    expect(record.rowsDeleted.signals).toBe(1);
    expect(await stored()).toEqual([]);

    // the first batch retried alone: the earlier version, older than the one erased, is not
    // written; the row stays erased
    await (await queue.getJob(first.id!))!.retry('failed');
    const drain = async (jobs: number) => {
      const worker = new Worker(QueueName.Ingest, write, { connection: connection() });
      let completed = 0;
      await new Promise<void>((resolve) =>
        worker.on('completed', () => (++completed === jobs ? resolve() : undefined)),
      );
      await worker.close();
    };
    await drain(1);
    expect(await stored()).toEqual([]);

    // the third, retried: its correction came after the erased version, and the row is theirs
    await (await queue.getJob(third.id!))!.retry('failed');
    await drain(1);
    expect(await stored()).toEqual([
      { event_id: 's20', person_id: 'erase-q-third' },
      { event_id: 's21', person_id: 'erase-q-first' },
    ]);
  });

  it('rewrites the jobs of a person with thousands of firings in moments', async () => {
    const busy = 'erase-q-busy';
    const firings = Array.from({ length: 5_000 }, (_, i) => `f-busy-${i}-0123456789abcdef`);
    const firingRow = (firingId: string, personId: string) => ({
      firing_id: firingId,
      trigger_id: 't1',
      person_id: personId,
      decided_at: '2026-10-01 00:00:00.000',
      arm: 'treatment',
      received_at: '2026-10-01 00:00:01.000',
    });
    await run(
      job('firings', [...firings.map((f) => firingRow(f, busy)), firingRow('f-busy-kept', 'keep')]),
      write,
    );
    // rejected exposures of each firing, and of another person's, kept with their completed job
    const rejected = (firingId: string, line: number) => ({
      stream: 'exposures',
      line,
      field: 'type',
      reason: 'invalid',
      raw: JSON.stringify({ firing_id: firingId, type: 'opened_twice' }),
    });
    await run(
      job(
        'exposures',
        [],
        [...firings, 'f-busy-kept'].map((f, i) => rejected(f, i + 1)),
      ),
      write,
    );
    expect(await everythingInRedis()).toContain(firings[4_999]);

    const startedAt = Date.now();
    const record = await erasure.erasePerson('acme', busy, true);
    // the rewrite of the jobs looks each line's words up, it does not try a pattern per firing
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    expect(record.rowsDeleted.firings).toBe(firings.length);
    const redisText = await everythingInRedis();
    expect(firings.filter((f) => redisText.includes(f))).toEqual([]);
    expect(redisText).not.toContain(busy);
    expect(redisText).toContain('f-busy-kept');
  });

  it('scrubs the reason and stack of a failure that quoted the person, and keeps the others', async () => {
    const quoted = 'erase-q-quoted';
    const quotedFiring = 'f-erase-q-quoted';
    const failure = () =>
      Promise.reject(
        new Error(
          `Cannot parse input at row 1: {"person_id":"${quoted}"} (firing ${quotedFiring})`,
        ),
      );
    await run(
      job('firings', [
        {
          firing_id: quotedFiring,
          trigger_id: 't1',
          person_id: quoted,
          decided_at: '2026-10-01 00:00:00.000',
          arm: 'treatment',
          received_at: '2026-10-01 00:00:01.000',
        },
      ]),
      write,
    );
    const failed = await run(
      job('signals', [signal('s7', quoted), signal('s8', 'keep-4')]),
      failure,
    );
    expect(await failed.getState()).toBe('failed');
    expect((await queue.getJob(failed.id!))!.failedReason).toContain(`"person_id":"${quoted}"`);

    await erasure.erasePerson('acme', quoted, false);
    const redisText = await everythingInRedis();
    expect(redisText).not.toContain(quoted);
    expect(redisText).not.toContain(quotedFiring);
    // the failure still says what went wrong
    const kept = await queue.getJob(failed.id!);
    expect(kept!.failedReason).toBe(
      'Cannot parse input at row 1: {"person_id":"[erased]"} (firing [erased])',
    );
    expect(kept!.stacktrace!.join('\n')).toContain('(firing [erased])');

    // retried, the batch brings the other person's row and none of the erased one's
    await kept!.retry('failed');
    const worker = new Worker(QueueName.Ingest, write, { connection: connection() });
    await new Promise<void>((resolve) => worker.on('completed', () => resolve()));
    await worker.close();
    expect(await storedSignals()).toContain('keep-4');
    expect(await storedSignals()).not.toContain(quoted);
  });
  it('scrubs a firing whose id is no plain token from a failure and a rejected line that are not JSON', async () => {
    const owner = 'erase-q-odd';
    const odd = 'f "q/ü"';
    // as JavaScript spells it in a JSON string, and as Python ("ü" as \u00fc) and PHP ("/" as \/)
    const escaped = JSON.stringify(odd).slice(1, -1);
    const python = escaped.replace('ü', '\\u00fc').replace('/', '\\/');
    await run(
      job('firings', [
        {
          firing_id: odd,
          trigger_id: 't1',
          person_id: owner,
          decided_at: '2026-10-01 00:00:00.000',
          arm: 'treatment',
          received_at: '2026-10-01 00:00:01.000',
        },
      ]),
      write,
    );
    // a completed job keeping a rejected exposure that is no JSON, naming the firing as sent
    const reject = { stream: 'exposures', line: 1, field: 'firing_id', reason: 'invalid' };
    await run(job('exposures', [], [{ ...reject, raw: `firing ${odd} opened twice` }]), write);
    // a failure naming it as sent and as an encoder spelled it, after an odd quote
    const failed = await run(job('signals', [signal('s9', 'keep-5')]), () =>
      Promise.reject(new Error(`expected '"' before: ${python} (firing ${odd})`)),
    );
    // Redis's contents as JSON text: each spelling as that writes it
    const dumped = [odd, escaped, python].map((spelled) => JSON.stringify(spelled).slice(1, -1));
    for (const spelled of dumped) {
      expect(await everythingInRedis()).toContain(spelled);
    }

    await erasure.erasePerson('acme', owner, false);
    const redisText = await everythingInRedis();
    for (const spelled of dumped) {
      expect(redisText).not.toContain(spelled);
    }
    const kept = await queue.getJob(failed.id!);
    expect(kept!.failedReason).toBe(`expected '"' before: [erased] (firing [erased])`);
  });

  it("keeps the other persons' rows of a failed batch that merely hold the id as a word", async () => {
    // person "3"; another person's firing of variant 3 of its trigger, and another's signal
    // whose properties name them: rows of those persons, which the erasure leaves in the store
    const firingOf = (firingId: string, personId: string) => ({
      firing_id: firingId,
      trigger_id: 't3',
      trigger_version: 3,
      person_id: personId,
      decided_at: '2026-10-01 00:00:00.000',
      arm: 'treatment',
      variant: '3',
      received_at: '2026-10-01 00:00:01.000',
    });
    const failedFirings = await run(
      job('firings', [firingOf('f-three', '3'), firingOf('f-keep-6', 'keep-6')]),
      () => Promise.reject(new Error('the store is unavailable')),
    );
    const failedSignals = await run(
      job('signals', [{ ...signal('s14', 'keep-7'), properties: '{"referred_by":"3"}' }]),
      () => Promise.reject(new Error('the store is unavailable')),
    );
    await erasure.erasePerson('acme', '3', true);

    // retried, the batches bring the other persons' rows, and none of the erased one's
    for (const failed of [failedFirings, failedSignals]) {
      await (await queue.getJob(failed.id!))!.retry('failed');
    }
    const worker = new Worker(QueueName.Ingest, write, { connection: connection() });
    let completed = 0;
    await new Promise<void>((resolve) =>
      worker.on('completed', () => (++completed === 2 ? resolve() : undefined)),
    );
    await worker.close();
    const firings = await store.clickhouse.query({
      tag: 'test.firings',
      sql: `SELECT firing_id FROM firings FINAL WHERE tenant_id = 'acme' AND trigger_id = 't3'`,
      row: z.object({ firing_id: z.string() }),
    });
    expect(firings).toEqual([{ firing_id: 'f-keep-6' }]);
    expect(await storedSignals()).toContain('keep-7');
  });

  it("leaves another tenant's queue events alone, though they name the same id", async () => {
    // "erase-q-twin" is a person of acme and, another one, of tenant other: each tenant's batch
    // failed quoting its own row
    const shared = 'erase-q-twin';
    const failing = () =>
      Promise.reject(new Error(`Cannot parse input at row 1: {"person_id":"${shared}"}`));
    const ours = await run(job('signals', [signal('s12', shared)]), failing);
    const otherBatch = { ...job('signals', [signal('s13', shared)]), tenantId: 'other' };
    const theirs = await run(otherBatch, failing);
    /** The ids of the jobs with a `failed` event in the queue's event stream. */
    const failedEvents = async () => {
      const client = new Redis({ host: '127.0.0.1', port: redis.port });
      try {
        const entries = await client.xrange(queue.keys.events, '-', '+');
        // each entry's fields are names and values one after the other
        return entries
          .filter(([, fields]) => fields[fields.indexOf('event') + 1] === 'failed')
          .map(([, fields]) => fields[fields.indexOf('jobId') + 1]);
      } finally {
        client.disconnect();
      }
    };
    expect(await failedEvents()).toEqual(expect.arrayContaining([ours.id, theirs.id]));

    await erasure.erasePerson('acme', shared, false);
    // acme's event is gone with its person; the other tenant's, its own, is still there
    const left = await failedEvents();
    expect(left).not.toContain(ours.id);
    expect(left).toContain(theirs.id);
    // and so is the other tenant's failure itself
    expect((await queue.getJob(theirs.id!))!.failedReason).toContain(shared);
    await theirs.remove();
  });

  it("leaves the tenant's own queue events alone when the id is only one of their field values", async () => {
    // persons whose ids are words of BullMQ's own fields: an event's name, the state it left, a
    // count of attempts; another person's batch failed, and its events carry those words
    const failing = () => Promise.reject(new Error('the store is unavailable'));
    const kept = await run(job('signals', [signal('s14', 'erase-q-bystander')]), failing);
    const eventsOf = async (jobId: string) => {
      const client = new Redis({ host: '127.0.0.1', port: redis.port });
      try {
        const entries = await client.xrange(queue.keys.events, '-', '+');
        return entries.filter(([, fields]) => fields[fields.indexOf('jobId') + 1] === jobId);
      } finally {
        client.disconnect();
      }
    };
    const before = await eventsOf(kept.id!);
    expect(before.length).toBeGreaterThan(0);
    for (const personId of ['failed', 'active', '1', '0']) {
      await erasure.erasePerson('acme', personId, false);
    }
    expect(await eventsOf(kept.id!)).toEqual(before);
    await kept.remove();
  });

  it("does not wait for another tenant's batches queued before it", async () => {
    await run(job('signals', [signal('s11', 'erase-q-alone')]), write);
    // another tenant's batch, queued and not written (its worker is busy, or down)
    const waiting = await queue.add(JobName.IngestBatch, {
      ...job('signals', [signal('s10', 'other-person')]),
      tenantId: 'other',
    });
    expect(await waiting.getState()).toBe('waiting');
    const startedAt = Date.now();
    const record = await erasure.erasePerson('acme', 'erase-q-alone', true);
    expect(record.rowsDeleted.signals).toBe(1);
    // the settling wait, not the two minutes given to batches that may hold the person's rows
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    await waiting.remove();
  });
});
