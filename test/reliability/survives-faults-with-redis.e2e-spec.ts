import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintKey, postIngest } from '../support/client.js';
import { redisAvailable, startApi, type ApiProcess } from '../support/processes.js';
import { describeWithRedis } from '../support/redis-suite.js';
import {
  eventually,
  measuredByType,
  settleBatches,
  metric,
  sendWhileFrozen,
  sendWithFault,
  signalBatch,
  slowIngest,
  storedSignals,
  within,
  type SignalBatch,
} from './support/batches.js';
import { faultRecorder, recordFigures } from './support/figures.js';
import { freezeStore, storeFreezeUnavailable } from './support/store-faults.js';

const SUITE = 'faults-queued';
const missing = redisAvailable() ?? storeFreezeUnavailable();
if (missing !== undefined) {
  recordFigures(SUITE, (f) => f.skipped.push(`queued-mode faults: ${missing}`));
}

/**
 * Faults with real processes in queued mode: the API (embedded store, REDIS_URL set, so it also
 * runs the ingest processors) on a real redis-server.
 */
describeWithRedis('faults in queued mode (API + BullMQ on redis-server)', missing, (redis) => {
  let api: ApiProcess;
  let key: string;
  let thaw: (() => void) | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'causeway-faults-queued-'));
  const start = () =>
    startApi({
      REDIS_URL: redis.url,
      CAUSEWAY_DATA_DIR: dataDir,
      INGEST_JOB_BACKOFF_MS: '200',
      INGEST_JOB_ATTEMPTS: '12',
      RATE_LIMIT_INGEST: '0',
    });
  /** Every batch, acknowledged or not, as the measures count it; recorded in the figures. */
  const settle = (batches: { batch: SignalBatch; acknowledged: boolean }[]) =>
    settleBatches(SUITE, api.url, key, batches);
  const allAcknowledgedStored = (batches: { batch: SignalBatch; acknowledged: boolean }[]) => {
    return async () => {
      const measured = await measuredByType(api.url, key);
      return batches.every((b) => !b.acknowledged || measured.get(b.batch.type) === b.batch.rows);
    };
  };
  const fault = faultRecorder(SUITE);

  beforeAll(async () => {
    api = await start();
    key = await mintKey(api.url, api.adminKey, 'faults-q', ['INGEST', 'READ']);
  });
  afterAll(async () => {
    thaw?.();
    await api?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('SIGKILL of the API while it queues and writes batches: after a restart every acknowledged row is stored once', async () => {
    const batches = Array.from({ length: 16 }, (_, i) => signalBatch('kill-q', i, 5_000));
    let activeAtKill = 0;
    const outcomes = await sendWithFault(api.url, key, batches, {
      concurrency: 3,
      faultAfter: 4,
      // kill while the processor is writing a batch (as /metrics reports it), not between two
      fault: async () => {
        const deadline = Date.now() + 5_000;
        while (activeAtKill === 0 && Date.now() < deadline) {
          activeAtKill = await metric(api.url, 'causeway_queue_jobs', 'state="active"');
        }
        await api.stop('SIGKILL');
      },
    });
    const acknowledged = outcomes.filter((o) => o.acknowledged);
    const cutOff = outcomes.length - acknowledged.length;
    expect(acknowledged.length).toBeGreaterThanOrEqual(4);
    api = await start();
    // What the killed process left in Redis: acknowledged batches not yet in the store.
    const atRestart = await measuredByType(api.url, key);
    const leftInRedis = acknowledged.filter(
      (o) => (atRestart.get(o.batch.type) ?? 0) < o.batch.rows,
    ).length;
    // A job the killed process held is retried once its lock expires (lockDuration 10 s).
    const landed = await eventually(allAcknowledgedStored(outcomes), 40_000);
    const { rows, lost, doubleCounted } = await settle(outcomes);
    const stored = rows.reduce((n, r) => n + r.measured, 0);
    expect(await storedSignals(api.url, key)).toBe(stored);
    fault(
      'API SIGKILL mid-ingest, queued mode',
      landed && lost === 0 && doubleCounted === 0,
      `${acknowledged.length} batches acknowledged, ${cutOff} cut off by the kill, ${activeAtKill} being written at the kill; ${leftInRedis} acknowledged batches were not yet stored when it died; after the restart ${lost} rows lost, ${doubleCounted} double-counted`,
    );
    expect(landed).toBe(true);
    expect(lost).toBe(0);
    expect(doubleCounted).toBe(0);
  });

  it('store unwritable: queued jobs retry with backoff and land when it is writable again', async () => {
    const batches = Array.from({ length: 5 }, (_, i) => signalBatch('frozen-q', i, 300));
    const frozen = await sendWhileFrozen(api.url, key, dataDir, batches);
    const outcomes = frozen.outcomes;
    thaw = frozen.thaw;
    // The writes fail and BullMQ holds the jobs back (delayed) between attempts.
    const retried = await eventually(
      async () => (await metric(api.url, 'causeway_queue_jobs', 'state="delayed"')) > 0,
      15_000,
    );
    expect(retried).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const measuredWhileFrozen = await measuredByType(api.url, key);
    expect(batches.every((b) => (measuredWhileFrozen.get(b.type) ?? 0) === 0)).toBe(true);
    thaw();
    const landed = await eventually(allAcknowledgedStored(outcomes), 30_000);
    const { lost, doubleCounted } = await settle(outcomes);
    fault(
      'embedded store unwritable, queued mode',
      landed && lost === 0 && doubleCounted === 0,
      `${outcomes.length} batches queued while every table refused writes; jobs retried with backoff and landed once writable: ${lost} rows lost, ${doubleCounted} double-counted`,
    );
    expect(landed).toBe(true);
    expect(lost).toBe(0);
  });

  it('SIGTERM: the request in flight finishes, queued work stays in Redis, the process exits 0', async () => {
    const queued = Array.from({ length: 3 }, (_, i) => signalBatch('term-q', i, 200));
    const inFlight = signalBatch('term-q', 99, 2_000);
    // Keep the work in the queue: the store refuses writes until after the restart.
    thaw = freezeStore(dataDir);
    for (const batch of queued) {
      expect((await postIngest(api.url, key, 'signals', batch.body)).status).toBe(200);
    }
    let refusedDuringShutdown: number | string = 'not tried';
    const exited = new Promise<number | null>((resolve) => api.child.once('exit', resolve));
    const answer = await slowIngest(api.url, key, inFlight, async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      api.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      refusedDuringShutdown = await postIngest(api.url, key, 'signals', queued[0].body).then(
        (r) => r.status,
        (error: { cause?: { code?: string } }) => error.cause?.code ?? 'refused',
      );
    });
    const code = await exited;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ accepted: inFlight.rows });
    expect(code).toBe(0);
    expect([503, 'ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']).toContain(refusedDuringShutdown);
    thaw();
    api = await start();
    const outcomes = [...queued, inFlight].map((batch) => ({ batch, acknowledged: true }));
    const landed = await eventually(allAcknowledgedStored(outcomes), 30_000);
    const { lost, doubleCounted } = await settle(outcomes);
    fault(
      'SIGTERM with a request in flight and jobs queued, queued mode',
      landed && code === 0 && lost === 0 && doubleCounted === 0,
      `the in-flight request was answered 200, a new one got ${refusedDuringShutdown}, exit code ${code}; the queued jobs waited in Redis and landed after the restart: ${lost} rows lost`,
    );
    expect(landed).toBe(true);
    expect(lost).toBe(0);
  });

  it('Redis stopped: ingest answers 503 without acknowledging, readiness goes red, both recover', async () => {
    // This test's redis-server keeps nothing on disk: let the queue drain before stopping it.
    const drained = await eventually(
      async () =>
        (await metric(api.url, 'causeway_queue_jobs', 'state="waiting"')) +
          (await metric(api.url, 'causeway_queue_jobs', 'state="active"')) +
          (await metric(api.url, 'causeway_queue_jobs', 'state="delayed"')) ===
        0,
      30_000,
    );
    expect(drained).toBe(true);
    const during = signalBatch('redis-down', 0, 50);
    const after = signalBatch('redis-down', 1, 50);
    await redis.stop();
    // within 5 s even when the connection still looked ready as Redis went away
    const refused = await within(
      10_000,
      'ingest with Redis down',
      postIngest(api.url, key, 'signals', during.body),
    );
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).not.toBeNull();
    expect(refused.body.accepted).toBeUndefined();
    const readyDown = await within(10_000, 'readiness', fetch(`${api.url}/readyz`));
    expect(readyDown.status).toBe(503);
    expect(await readyDown.json()).toMatchObject({ checks: { redis: { ok: false } } });
    // Reads do not depend on Redis.
    expect(await within(10_000, 'a read', storedSignals(api.url, key))).toBeGreaterThan(0);
    await redis.restart();
    const ready = await eventually(async () => (await fetch(`${api.url}/readyz`)).ok, 30_000);
    expect(ready).toBe(true);
    let status = 0;
    await eventually(async () => {
      status = (await postIngest(api.url, key, 'signals', after.body)).status;
      return status === 200;
    }, 30_000);
    expect(status).toBe(200);
    const outcomes = [
      { batch: during, acknowledged: false },
      { batch: after, acknowledged: true },
    ];
    const landed = await eventually(allAcknowledgedStored(outcomes), 30_000);
    const { rows, lost } = await settle(outcomes);
    fault(
      'Redis stopped and restarted',
      landed && lost === 0,
      `ingest answered 503 with Retry-After and acknowledged nothing (${rows[0].measured} of its rows stored), /readyz 503 with redis down, both recovered after the restart`,
    );
    expect(lost).toBe(0);
  });
});
