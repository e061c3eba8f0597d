// At-least-once delivery with Redis: the API (a real process of the built app) fails to deliver a
// snapshot.created message (the receiver answers 500), stops before the retry is due, and the
// retry, kept in a real redis-server, is delivered by the restarted API with the same message id.
// Every attempt is listed in webhookDeliveries; the signature verifies with standardwebhooks.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook as ReferenceVerifier } from 'standardwebhooks';
import { startReceiver, type WebhookReceiver } from '../libs/notify/testing.js';
import { gqlData, mintKey } from './support/client.js';
import {
  redisAvailable,
  requirePart,
  startApi,
  startRedis,
  type ApiProcess,
  type RedisProcess,
} from './support/processes.js';

const runs = requirePart(redisAvailable());
const BACKOFF_MS = 3_000;

(runs ? describe : describe.skip)('webhook delivery across an API restart, with Redis', () => {
  let redis: RedisProcess;
  let api: ApiProcess;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    redis = await startRedis();
    receiver = await startReceiver((n) => ({ status: n === 1 ? 500 : 200 }));
  });
  afterAll(async () => {
    await api?.dispose();
    await receiver?.close();
    await redis?.stop();
  });

  it('delivers the retry after the restart, once, with the same message id', async () => {
    const env = {
      REDIS_URL: redis.url,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_BACKOFF_MS: String(BACKOFF_MS),
      ALERT_EVALUATE_EVERY_MS: '0',
      REPORT_SNAPSHOT_CRON: 'off',
    };
    const first = await startApi(env);
    const key = await mintKey(first.url, first.adminKey, 'acme', ['INGEST', 'READ']);
    const created = await gqlData<{ createWebhook: { id: string; secret: string } }>(
      first.url,
      key,
      `mutation($url: String!) { createWebhook(url: $url, events: ["snapshot.created"]) { id secret } }`,
      { url: receiver.url },
    );
    const { id, secret } = created.createWebhook;
    const snapshot = await gqlData<{ createReportSnapshot: { id: string } }>(
      first.url,
      key,
      `mutation { createReportSnapshot(from: "2026-10-01T00:00:00Z", to: "2026-10-08T00:00:00Z") { id } }`,
    );
    await receiver.waitFor(1);
    // stop before the retry is due; the job waits in Redis
    await first.stop();
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, BACKOFF_MS + 1_000));
    expect(receiver.received).toHaveLength(1);

    api = await startApi({ ...env, CAUSEWAY_DATA_DIR: first.dataDir });
    const [failed, delivered] = await receiver.waitFor(2, 60_000);
    expect(delivered.at - stoppedAt).toBeGreaterThanOrEqual(BACKOFF_MS);
    expect(delivered.headers['webhook-id']).toBe(failed.headers['webhook-id']);
    const message = new ReferenceVerifier(secret).verify(
      delivered.body,
      delivered.headers as Record<string, string>,
    ) as { type: string; data: { snapshotId: string } };
    expect(message.type).toBe('snapshot.created');
    expect(message.data.snapshotId).toBe(snapshot.createReportSnapshot.id);

    type Attempt = { attempt: number; status: string; responseStatus: number | null };
    const deliveries = async () =>
      (
        await gqlData<{ webhookDeliveries: Attempt[] }>(
          api.url,
          key,
          `query($id: ID!) { webhookDeliveries(webhookId: $id) { attempt status responseStatus } }`,
          { id },
        )
      ).webhookDeliveries;
    // the receiver answers before the API records the attempt
    let listed = { webhookDeliveries: await deliveries() };
    for (let i = 0; i < 50 && listed.webhookDeliveries.length < 2; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      listed = { webhookDeliveries: await deliveries() };
    }
    expect(listed.webhookDeliveries).toEqual([
      { attempt: 2, status: 'DELIVERED', responseStatus: 200 },
      { attempt: 1, status: 'FAILED', responseStatus: 500 },
    ]);
    await new Promise((r) => setTimeout(r, 2 * BACKOFF_MS));
    expect(receiver.received).toHaveLength(2);
  });
});
