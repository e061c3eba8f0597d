// A snapshot.created message links to the stored snapshot's report, as an alert's does: the API
// runs in this process on a real embedded store, the endpoints are real HTTP receivers (one
// STANDARD, one SLACK), and the link is opened over HTTP without a key.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { warningsForSuite } from '../libs/testing/index.js';
import { startReceiver, type WebhookReceiver } from '../libs/notify/testing.js';
import { gqlData, mintKey } from './support/client.js';
import { inProcessApiForSuite } from './support/in-process-api.js';
import { ADMIN_KEY } from './support/processes.js';

const HOUR = 3_600_000;

const receivers: WebhookReceiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

/** A receiver subscribed to the tenant's snapshot.created in this format. */
async function subscribe(
  url: string,
  key: string,
  format: 'STANDARD' | 'SLACK',
): Promise<WebhookReceiver> {
  const receiver = await startReceiver();
  receivers.push(receiver);
  await gqlData(
    url,
    key,
    `mutation($url: String!) {
       createWebhook(url: $url, events: ["snapshot.created"], format: ${format}) { id } }`,
    { url: receiver.url },
  );
  return receiver;
}

/** Takes a snapshot of the first week of October 2026 through GraphQL. */
async function takeSnapshot(url: string, key: string): Promise<{ id: string; url: string }> {
  const taken = await gqlData<{ createReportSnapshot: { id: string; url: string } }>(
    url,
    key,
    `mutation { createReportSnapshot(from: "2026-10-01T00:00:00Z", to: "2026-10-08T00:00:00Z") { id url } }`,
  );
  return taken.createReportSnapshot;
}

describe('snapshot.created links to the report it announces', () => {
  const api = inProcessApiForSuite('snapshot-link', ADMIN_KEY, (port) => ({
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    ALERT_EVALUATE_EVERY_MS: '0',
    REPORT_SNAPSHOT_CRON: 'off',
    CHROMIUM_PATH: '/nonexistent/chromium',
  }));
  let key: string;

  beforeAll(async () => {
    key = await mintKey(api.url, ADMIN_KEY, 'snapshot-link', ['READ']);
  });
  const endpoint = (format: 'STANDARD' | 'SLACK') => subscribe(api.url, key, format);

  it('carries a share link to the snapshot in data.reportUrl and Slack text, opening without a key', async () => {
    const standard = await endpoint('STANDARD');
    const slack = await endpoint('SLACK');
    const snapshot = await takeSnapshot(api.url, key);

    const [message] = await standard.waitFor(1);
    const body = JSON.parse(message.body) as {
      type: string;
      data: { snapshotId: string; reportUrl: string | null };
    };
    expect(body.type).toBe('snapshot.created');
    expect(body.data.snapshotId).toBe(snapshot.id);
    const reportUrl = body.data.reportUrl ?? '';
    expect(reportUrl).toMatch(new RegExp(`^${api.url}/share/[A-Za-z0-9_-]{43}$`));

    const [slackMessage] = await slack.waitFor(1);
    const { text } = JSON.parse(slackMessage.body) as { text: string };
    expect(text).toMatch(
      /^Lift report snapshot \S+ of 1 Oct – 7 Oct 2026 taken <([^|>]+)\|Open the report>$/,
    );
    const slackUrl = /<([^|>]+)\|/.exec(text)?.[1] ?? '';
    // one link per message, whichever endpoints carry it
    expect(slackUrl).toBe(reportUrl);

    // the stored snapshot, read with the key, is what the link opens without one
    const stored = await fetch(`${api.url}${snapshot.url}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(stored.status).toBe(200);
    const html = await stored.text();
    const opened = await fetch(reportUrl);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toContain('text/html');
    expect(await opened.text()).toBe(html);

    // valid two weeks, like an alert's link, and listed with the tenant's links
    const { shareLinks } = await gqlData<{
      shareLinks: { resource: string; snapshotId: string; createdAt: string; expiresAt: string }[];
    }>(api.url, key, '{ shareLinks { resource snapshotId createdAt expiresAt } }');
    expect(shareLinks.map((l) => [l.resource, l.snapshotId])).toEqual([['SNAPSHOT', snapshot.id]]);
    const [link] = shareLinks;
    expect((Date.parse(link.expiresAt) - Date.parse(link.createdAt)) / HOUR).toBe(14 * 24);
  });
});

describe('snapshot.created without PUBLIC_URL', () => {
  const warnings = warningsForSuite();
  const api = inProcessApiForSuite('snapshot-link-localhost', ADMIN_KEY, () => ({
    WEBHOOK_ALLOW_PRIVATE: 'true',
    ALERT_EVALUATE_EVERY_MS: '0',
    REPORT_SNAPSHOT_CRON: 'off',
    CHROMIUM_PATH: '/nonexistent/chromium',
  }));

  it('links to localhost and warns so, naming PUBLIC_URL', async () => {
    const key = await mintKey(api.url, ADMIN_KEY, 'snapshot-localhost', ['READ']);
    const receiver = await subscribe(api.url, key, 'STANDARD');
    const snapshot = await takeSnapshot(api.url, key);
    const [message] = await receiver.waitFor(1);
    const { data } = JSON.parse(message.body) as { data: { reportUrl: string } };
    expect(data.reportUrl).toMatch(new RegExp(`^http://localhost:${api.port}/share/`));
    expect(warnings.filter((w) => w.startsWith(`snapshot ${snapshot.id}`))).toEqual([
      expect.stringContaining(
        `PUBLIC_URL is not set, so its report link points to http://localhost:${api.port}`,
      ),
    ]);
  });
});
