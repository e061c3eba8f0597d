import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mintKey, postIngest, storedRows } from './support/client.js';
import { startApi, type ApiProcess } from './support/processes.js';
import { describeWithRedis } from './support/redis-suite.js';

describeWithRedis('ingest through BullMQ on a real redis-server', (redis) => {
  let api: ApiProcess;
  let key: string;

  beforeAll(async () => {
    api = await startApi({ REDIS_URL: redis.url, INGEST_JOB_BACKOFF_MS: '100' });
    key = await mintKey(api.url, api.adminKey, 'q', ['INGEST', 'READ']);
  });
  afterAll(async () => {
    await api?.dispose();
  });

  const storedSignals = async () => (await storedRows(api.url, key)).signals ?? 0;

  it('answers after queueing, and the worker stores every row once', async () => {
    const lines = Array.from({ length: 500 }, (_, i) =>
      JSON.stringify({
        event_id: `q-${i}`,
        person_id: `p${i}`,
        type: 'page_view',
        occurred_at: '2026-10-01T00:00:00Z',
      }),
    );
    const body = `${lines.join('\n')}\n{bad\n`;
    const first = await postIngest(api.url, key, 'signals', body);
    expect(first.body).toMatchObject({ accepted: 500, rejected: 1 });
    const second = await postIngest(api.url, key, 'signals', body);
    expect(second.body).toMatchObject({ accepted: 500, rejected: 1 });
    const deadline = Date.now() + 30_000;
    while ((await storedSignals()) < 500 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await storedSignals()).toBe(500);
    const ready = await (await fetch(`${api.url}/readyz`)).json();
    expect(ready).toMatchObject({ ready: true, checks: { redis: { ok: true } } });
  });

  it('answers 503 without acknowledging while Redis is down, and recovers', async () => {
    await redis.stop();
    const line = `${JSON.stringify({ event_id: 'down-1', person_id: 'p', type: 'x', occurred_at: '2026-10-01T00:00:00Z' })}\n`;
    const down = await postIngest(api.url, key, 'signals', line);
    expect(down.status).toBe(503);
    expect((await fetch(`${api.url}/readyz`)).status).toBe(503);
    await redis.restart();
    const deadline = Date.now() + 30_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await postIngest(api.url, key, 'signals', line)).status;
      if (status === 200) {
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
  });
});
