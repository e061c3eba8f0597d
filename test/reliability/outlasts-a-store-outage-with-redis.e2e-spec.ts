import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintKey } from '../support/client.js';
import { redisAvailable, startApi, type ApiProcess } from '../support/processes.js';
import { describeWithRedis } from '../support/redis-suite.js';
import {
  eventually,
  measuredByType,
  metric,
  sendWhileFrozen,
  settleBatches,
  signalBatch,
} from './support/batches.js';
import { faultRecorder, recordFigures } from './support/figures.js';
import { storeFreezeUnavailable } from './support/store-faults.js';

const SUITE = 'store-outage-queued';
const missing = redisAvailable() ?? storeFreezeUnavailable();
if (missing !== undefined) {
  recordFigures(SUITE, (f) => f.skipped.push(`queued-mode store outage: ${missing}`));
}

/**
 * A store that takes no write for longer than a batch's attempts last: the API (embedded store,
 * REDIS_URL set, so it also runs the ingest processors) on a real redis-server, its attempts few
 * and short, so that they would all be spent within the outage.
 */
describeWithRedis('a store outage longer than the attempts (queued mode)', missing, (redis) => {
  let api: ApiProcess;
  let key: string;
  let thaw: (() => void) | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'causeway-store-outage-'));
  const fault = faultRecorder(SUITE);

  beforeAll(async () => {
    api = await startApi({
      REDIS_URL: redis.url,
      CAUSEWAY_DATA_DIR: dataDir,
      // two attempts 200 ms apart: spent within the first half second of the outage
      INGEST_JOB_ATTEMPTS: '2',
      INGEST_JOB_BACKOFF_MS: '200',
      RATE_LIMIT_INGEST: '0',
    });
    key = await mintKey(api.url, api.adminKey, 'outage-q', ['INGEST', 'READ']);
  });
  afterAll(async () => {
    thaw?.();
    await api?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the acknowledged batches queued through the outage and stores them once after', async () => {
    const batches = Array.from({ length: 3 }, (_, i) => signalBatch('outage-q', i, 200));
    const frozen = await sendWhileFrozen(api.url, key, dataDir, batches);
    const outcomes = frozen.outcomes;
    thaw = frozen.thaw;
    // four seconds without a write: ten times what the two attempts take
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const failedDuring = await metric(api.url, 'causeway_queue_jobs', 'state="failed"');
    thaw();
    const landed = await eventually(async () => {
      const measured = await measuredByType(api.url, key);
      return batches.every((b) => measured.get(b.type) === b.rows);
    }, 30_000);
    const { lost, doubleCounted } = await settleBatches(SUITE, api.url, key, outcomes);
    fault(
      'embedded store unwritable longer than the attempts, queued mode',
      landed && lost === 0 && doubleCounted === 0,
      `${outcomes.length} batches acknowledged while every table refused writes for 4 s (2 attempts 200 ms apart); ${failedDuring} jobs failed during it; ${lost} rows lost, ${doubleCounted} double-counted once writable`,
    );
    expect(failedDuring).toBe(0);
    expect(landed).toBe(true);
    expect(lost).toBe(0);
    expect(doubleCounted).toBe(0);
  });
});
