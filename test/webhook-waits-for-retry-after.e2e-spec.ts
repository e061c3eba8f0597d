// A receiver that answers 429 or 503 with Retry-After is not tried again before the time it asks,
// with Redis: the API runs in this process on a real embedded store with a real redis-server, so
// the retries are BullMQ delayed jobs. The receivers are real HTTP servers; the attempts are read
// back through GraphQL (webhookDeliveries { retryAfter nextAttemptAt }).

import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { startReceiver, type WebhookReceiver } from '../libs/notify/testing.js';
import { gqlData, mintKey } from './support/client.js';
import { inProcessApiForSuite } from './support/in-process-api.js';
import { ADMIN_KEY } from './support/processes.js';
import { describeWithRedis } from './support/redis-suite.js';

const BACKOFF_MS = 250;

interface Attempt {
  attempt: number;
  status: string;
  responseStatus: number | null;
  error: string | null;
  at: string;
  retryAfter: string | null;
  nextAttemptAt: string | null;
}

describeWithRedis('Retry-After honoured by BullMQ deliveries', (redis) => {
  const api = inProcessApiForSuite('retry-after', ADMIN_KEY, () => ({
    REDIS_URL: redis.url,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_BACKOFF_MS: String(BACKOFF_MS),
    WEBHOOK_RETRY_WINDOW_MS: '20000',
    ALERT_EVALUATE_EVERY_MS: '0',
    REPORT_SNAPSHOT_CRON: 'off',
    CHROMIUM_PATH: '/nonexistent/chromium',
  }));
  let key: string;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    key = await mintKey(api.url, ADMIN_KEY, 'retry-after', ['INGEST', 'READ']);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
  });

  async function endpoint(receiver: WebhookReceiver): Promise<string> {
    receivers.push(receiver);
    const created = await gqlData<{ createWebhook: { id: string } }>(
      api.url,
      key,
      `mutation($url: String!) { createWebhook(url: $url, events: ["snapshot.created"]) { id } }`,
      { url: receiver.url },
    );
    return created.createWebhook.id;
  }

  /** The endpoint's attempts, oldest first, once there are `count` of them. */
  async function attempts(id: string, count: number): Promise<Attempt[]> {
    const read = async () =>
      (
        await gqlData<{ webhookDeliveries: Attempt[] }>(
          api.url,
          key,
          `query($id: ID!) { webhookDeliveries(webhookId: $id) {
             attempt status responseStatus error at retryAfter nextAttemptAt } }`,
          { id },
        )
      ).webhookDeliveries;
    let listed = await read();
    for (let i = 0; i < 50 && listed.length < count; i += 1) {
      await sleep(100);
      listed = await read();
    }
    return listed.reverse();
  }

  it('waits the seconds of a 429, then the HTTP date of a 503, and gives up on one past the window', async () => {
    let until = new Date(0);
    const waiting = await startReceiver((n) => {
      if (n === 1) {
        return { status: 429, headers: { 'retry-after': '2' } };
      }
      if (n === 2) {
        // a whole second (HTTP dates have no finer part) at least 2 s ahead
        until = new Date(Math.ceil((Date.now() + 2_000) / 1000) * 1000);
        return { status: 503, headers: { 'retry-after': until.toUTCString() } };
      }
      return { status: 200 };
    });
    const late = await startReceiver(() => ({
      status: 429,
      headers: { 'retry-after': '3600' },
    }));
    const waitingId = await endpoint(waiting);
    const lateId = await endpoint(late);
    await gqlData(
      api.url,
      key,
      `mutation { createReportSnapshot(from: "2026-10-01T00:00:00Z", to: "2026-10-08T00:00:00Z") { id } }`,
    );

    const requests = await waiting.waitFor(3, 15_000);
    // where the backoff alone would have waited 0.25 s, then 0.5 s
    expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(2_000);
    expect(requests[2].at).toBeGreaterThanOrEqual(until.getTime());
    const listed = await attempts(waitingId, 3);
    expect(listed.map((a) => [a.attempt, a.status, a.responseStatus, a.retryAfter])).toEqual([
      [1, 'FAILED', 429, '2'],
      [2, 'FAILED', 503, until.toUTCString()],
      [3, 'DELIVERED', 200, null],
    ]);
    expect(Date.parse(listed[0].nextAttemptAt ?? '')).toBe(Date.parse(listed[0].at) + 2_000);
    expect(listed[1].nextAttemptAt).toBe(until.toISOString());
    expect(listed[2].nextAttemptAt).toBeNull();

    // an hour asked, 20 s of window: one attempt, saying why there is no other
    await late.waitFor(1);
    await sleep(8 * BACKOFF_MS);
    expect(late.received).toHaveLength(1);
    const [only] = await attempts(lateId, 1);
    expect(only).toMatchObject({ attempt: 1, status: 'FAILED', retryAfter: '3600' });
    expect(only.nextAttemptAt).toBeNull();
    expect(only.error).toContain(
      'not tried again: the receiver asked to wait (Retry-After: 3600) longer than the 20 s left of the retry window',
    );
  });
});
