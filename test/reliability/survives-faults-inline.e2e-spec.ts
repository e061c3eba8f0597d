import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintKey, postIngest } from '../support/client.js';
import { requirePart, startApi, type ApiProcess } from '../support/processes.js';
import {
  measuredByType,
  settleBatches,
  sendWithFault,
  signalBatch,
  slowIngest,
  storedSignals,
  type SignalBatch,
} from './support/batches.js';
import { faultRecorder, recordFigures } from './support/figures.js';
import { freezeStore, storeFreezeUnavailable } from './support/store-faults.js';

const SUITE = 'faults-inline';
const freezeUnavailable = storeFreezeUnavailable();

recordFigures(SUITE, (f) =>
  f.skipped.push(
    'server mode (ClickHouse server on a closed port, KILL QUERY on timeouts): no ClickHouse server here; the embedded engine stands in, made unwritable',
  ),
);

/**
 * Faults with real processes in inline mode (no Redis): the API writes every batch to the embedded
 * store before it answers.
 */
describe('faults in inline mode (API writes before answering)', () => {
  let api: ApiProcess;
  let key: string;
  let thaw: (() => void) | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'causeway-faults-inline-'));
  const start = () => startApi({ CAUSEWAY_DATA_DIR: dataDir, RATE_LIMIT_INGEST: '0' });
  const settle = (batches: { batch: SignalBatch; acknowledged: boolean }[]) =>
    settleBatches(SUITE, api.url, key, batches);
  const fault = faultRecorder(SUITE);

  beforeAll(async () => {
    api = await start();
    key = await mintKey(api.url, api.adminKey, 'faults-i', ['INGEST', 'READ']);
  });
  afterAll(async () => {
    thaw?.();
    await api?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  (requirePart(freezeUnavailable) ? it : it.skip)(
    'store unwritable: ingest answers 503 and acknowledges nothing; the same batch is stored once it is writable',
    async () => {
      const batch = signalBatch('frozen-i', 0, 300);
      thaw = freezeStore(dataDir);
      const refused = await postIngest(api.url, key, 'signals', batch.body);
      thaw();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).not.toBeNull();
      expect(refused.body.accepted).toBeUndefined();
      const before = await settle([{ batch, acknowledged: false }]);
      expect(before.rows[0].measured).toBe(0);
      const retried = await postIngest(api.url, key, 'signals', batch.body);
      expect(retried.status).toBe(200);
      const { lost, doubleCounted } = await settle([{ batch, acknowledged: true }]);
      fault(
        'embedded store unwritable, inline mode',
        lost === 0 && doubleCounted === 0,
        `ingest answered ${refused.status} with Retry-After and stored none of the ${batch.rows} rows; the producer's retry was stored once`,
      );
      expect(lost).toBe(0);
    },
  );

  it('SIGTERM: the request in flight is stored and answered, the process exits 0', async () => {
    const inFlight = signalBatch('term-i', 0, 3_000);
    const exited = new Promise<number | null>((resolve) => api.child.once('exit', resolve));
    const answer = await slowIngest(api.url, key, inFlight, async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      api.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    const code = await exited;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ accepted: inFlight.rows });
    expect(code).toBe(0);
    api = await start();
    const { lost, doubleCounted } = await settle([{ batch: inFlight, acknowledged: true }]);
    fault(
      'SIGTERM with a request in flight, inline mode',
      code === 0 && lost === 0 && doubleCounted === 0,
      `the request in flight was answered 200 and stored, exit code ${code}`,
    );
    expect(lost).toBe(0);
  });

  it('SIGKILL of the API mid-ingest: after a restart every acknowledged row is in the store', async () => {
    const batches = Array.from({ length: 30 }, (_, i) => signalBatch('kill-i', i, 400));
    const outcomes = await sendWithFault(api.url, key, batches, {
      concurrency: 4,
      faultAfter: 8,
      fault: () => api.stop('SIGKILL').then(() => undefined),
    });
    const acknowledged = outcomes.filter((o) => o.acknowledged).length;
    const cutOff = outcomes.length - acknowledged;
    api = await start();
    const { rows, lost, doubleCounted } = await settle(outcomes);
    const storedUnacknowledged = rows.filter((r) => !r.acknowledged && r.measured > 0).length;
    expect(await storedSignals(api.url, key)).toBe(
      [...(await measuredByType(api.url, key)).values()].reduce((a, b) => a + b, 0),
    );
    fault(
      'API SIGKILL mid-ingest, inline mode',
      lost === 0 && doubleCounted === 0,
      `${acknowledged} batches acknowledged, ${cutOff} cut off by the kill (${storedUnacknowledged} of those stored anyway, unanswered: a producer's retry would collapse onto them); ${lost} acknowledged rows lost, ${doubleCounted} double-counted`,
    );
    expect(lost).toBe(0);
    expect(doubleCounted).toBe(0);
  });
});
