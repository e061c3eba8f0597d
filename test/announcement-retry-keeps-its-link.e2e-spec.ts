// A snapshot.created whose first attempt fails is told again by the next weekly run, and that
// retry carries the share link the first attempt made: one link per announcement, which opens the
// report. Alike for alert messages, told again by the next evaluation. The API runs in this process on a real embedded store and a real redis-server, which
// refuses the first attempt's message as a full server does (maxmemory reached, no eviction); the
// endpoint is a real HTTP receiver.

import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { startReceiver, type WebhookReceiver } from '../libs/notify/testing.js';
import { LATE_ANNOUNCEMENT_AGE_MS, ReportSnapshotsService } from '../libs/reports/index.js';
import { gqlData, graphql, mintKey } from './support/client.js';
import { inProcessApiForSuite } from './support/in-process-api.js';
import { openAlertLink, REPORT_PLACE } from './support/alert-links.js';
import { MAIN_PROGRAM_ONLY, uploadDemoProgram } from './support/demo-program.js';
import { ADMIN_KEY } from './support/processes.js';
import { describeWithRedis } from './support/redis-suite.js';

describeWithRedis('a retried snapshot.created', (redis) => {
  let receiver: WebhookReceiver;
  let admin: Redis;

  beforeAll(async () => {
    admin = new Redis(redis.url, { maxRetriesPerRequest: null });
    receiver = await startReceiver();
  });
  const api = inProcessApiForSuite('announce-retry', ADMIN_KEY, (port) => ({
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    REDIS_URL: redis.url,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    ALERT_EVALUATE_EVERY_MS: '0',
    REPORT_SNAPSHOT_CRON: 'off',
    CHROMIUM_PATH: '/nonexistent/chromium',
  }));
  afterAll(async () => {
    await admin?.config('SET', 'maxmemory', '0');
    admin?.disconnect();
    await receiver?.close();
  });

  it('carries the link its failed first attempt made, and that link opens the report', async () => {
    const key = await mintKey(api.url, ADMIN_KEY, 'retried', ['READ']);
    await gqlData(
      api.url,
      key,
      `mutation($url: String!) { createWebhook(url: $url, events: ["snapshot.created"]) { id } }`,
      { url: receiver.url },
    );

    // the first attempt: the link is made, then Redis refuses the message's job
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', '1');
    const taken = await gqlData<{ createReportSnapshot: { id: string; url: string } }>(
      api.url,
      key,
      `mutation { createReportSnapshot(from: "2026-10-01T00:00:00Z", to: "2026-10-08T00:00:00Z") { id url } }`,
    );
    const snapshot = taken.createReportSnapshot;
    await admin.config('SET', 'maxmemory', '0');
    const linksAfterFirst = await gqlData<{ shareLinks: { id: string }[] }>(
      api.url,
      key,
      '{ shareLinks { id } }',
    );
    expect(linksAfterFirst.shareLinks).toHaveLength(1);
    expect(receiver.received).toEqual([]);

    // the retry: a weekly run after the snapshot is old enough tells its event late
    const run = await api.app
      .get(ReportSnapshotsService)
      .runWeekly(new Date(Date.now() + LATE_ANNOUNCEMENT_AGE_MS + 60_000));
    expect(run.announcedLate).toEqual([snapshot.id]);

    const [message] = await receiver.waitFor(1);
    const body = JSON.parse(message.body) as { data: { snapshotId: string; reportUrl: string } };
    expect(body.data.snapshotId).toBe(snapshot.id);
    const { shareLinks } = await gqlData<{ shareLinks: { id: string; snapshotId: string }[] }>(
      api.url,
      key,
      '{ shareLinks { id snapshotId } }',
    );
    expect(shareLinks).toEqual([{ id: linksAfterFirst.shareLinks[0].id, snapshotId: snapshot.id }]);

    // and the link the message carries opens the stored report without a key
    const stored = await fetch(`${api.url}${snapshot.url}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(stored.status).toBe(200);
    const opened = await fetch(body.data.reportUrl);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toBe(await stored.text());
  });
  it('carries on alert messages told again the links their failed first attempt made', async () => {
    const key = await mintKey(api.url, ADMIN_KEY, 'alerts-retried', ['INGEST', 'READ']);
    // three weeks of a demo program before today: its alerts are open as of now
    const DAY = 86_400_000;
    await uploadDemoProgram(api.url, key, {
      seed: 7,
      persons: 2_000,
      start: new Date(Math.floor((Date.now() - 21 * DAY) / DAY) * DAY),
      days: 21,
      plantedBlockRows: MAIN_PROGRAM_ONLY,
    });
    const alerts = await startReceiver();
    try {
      await gqlData(
        api.url,
        key,
        `mutation($url: String!) { createWebhook(url: $url, events: ["alert.opened"]) { id } }`,
        { url: alerts.url },
      );
      const listed = async () =>
        (await gqlData<{ shareLinks: { id: string }[] }>(api.url, key, '{ shareLinks { id } }'))
          .shareLinks;

      // the first attempt: the links are made, then Redis refuses the messages' jobs
      await admin.config('SET', 'maxmemory', '1');
      const first = await graphql(api.url, key, 'mutation { evaluateAlerts { id } }');
      await admin.config('SET', 'maxmemory', '0');
      expect(first.errors).toBeDefined();
      const made = await listed();
      expect(made.length).toBeGreaterThan(0);

      // the retry: the next evaluation tells them all, with the links made the first time
      const retried = await gqlData<{ evaluateAlerts: { kind: string }[] }>(
        api.url,
        key,
        'mutation { evaluateAlerts { kind } }',
      );
      const linked = retried.evaluateAlerts.filter((a) => REPORT_PLACE[a.kind] !== undefined);
      expect(linked.length).toBeGreaterThan(0);
      const messages = (await alerts.waitFor(retried.evaluateAlerts.length)).map(
        (m) => JSON.parse(m.body) as { data: { reportUrl: string | null } },
      );
      expect((await listed()).map((l) => l.id).sort()).toEqual(made.map((l) => l.id).sort());
      const urls = messages.flatMap((m) => (m.data.reportUrl === null ? [] : [m.data.reportUrl]));
      expect(urls).toHaveLength(linked.length);
      for (const link of new Set(urls.map((u) => u.replace(/#.*$/, '')))) {
        expect(link).toMatch(new RegExp(`^${api.url}/share/[A-Za-z0-9_-]{43}$`));
        expect((await openAlertLink(link)).status).toBe(200);
      }
    } finally {
      await alerts.close();
    }
  });
});
