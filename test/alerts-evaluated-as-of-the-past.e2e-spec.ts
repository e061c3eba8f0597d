// evaluateAlerts(asOf) of a past time, as an operator runs it to see what the rules found then,
// beside the evaluations of now: it neither resolves an alert a later evaluation found nor reopens
// one a later evaluation resolved, and tells the webhooks nothing of either. The condition is a
// digest that a real SMTP server, down and then up on its port, did not and then did take
// (DIGEST_NOT_SENT); the receiver is a real HTTP server. The API runs in this process on a real
// embedded store, without Redis.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { startReceiver, type WebhookReceiver } from '../libs/notify/testing.js';
import { gqlData, graphql, mintKey } from './support/client.js';
import { inProcessApiForSuite } from './support/in-process-api.js';
import { ADMIN_KEY, freePort } from './support/processes.js';
import { startTestSmtp, type TestSmtp } from './support/smtp.js';

interface AlertRow {
  id: string;
  kind: string;
  state: string;
}

describe('an evaluation as of a past time', () => {
  let key: string;
  let smtpPort: number;
  let smtp: TestSmtp | undefined;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    smtpPort = await freePort();
  });
  const api = inProcessApiForSuite('alerts-past', ADMIN_KEY, () => ({
    // nothing listens there until the test starts the server
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    CHROMIUM_PATH: '/nonexistent/chromium',
    ALERT_EVALUATE_EVERY_MS: '0',
    WEBHOOK_ALLOW_PRIVATE: 'true',
  }));

  beforeAll(async () => {
    key = await mintKey(api.url, ADMIN_KEY, 'past', ['READ']);
    receiver = await startReceiver();
    await gqlData(
      api.url,
      key,
      `mutation($url: String!) { createWebhook(url: $url, events: ["alert.opened", "alert.resolved"]) { id } }`,
      { url: receiver.url },
    );
    await gqlData(
      api.url,
      key,
      'mutation { setDigest(recipients: ["ops@example.com"]) { schedule } }',
    );
  });
  afterAll(async () => {
    await receiver?.close();
    await smtp?.close();
  });

  const evaluate = async (asOf?: Date) =>
    (
      await gqlData<{ evaluateAlerts: AlertRow[] }>(
        api.url,
        key,
        'mutation($asOf: DateTime) { evaluateAlerts(asOf: $asOf) { id kind state } }',
        { asOf: asOf?.toISOString() ?? null },
      )
    ).evaluateAlerts;
  const openAlerts = async () =>
    (
      await gqlData<{ alerts: AlertRow[] }>(
        api.url,
        key,
        '{ alerts(state: OPEN) { id kind state } }',
      )
    ).alerts;
  /** The events the receiver got, once it has `count` (and nothing more after a pause). */
  const told = async (count: number) => {
    await receiver.waitFor(count);
    await sleep(1_000);
    return receiver.received.map((r) => (JSON.parse(r.body) as { type: string }).type);
  };
  /** sendDigestNow; answers its error code, or 'sent'. */
  const sendDigest = async () => {
    const answer = await graphql<{ sendDigestNow: boolean }>(
      api.url,
      key,
      'mutation { sendDigestNow }',
    );
    return answer.errors?.[0]?.extensions?.causewayCode ?? 'sent';
  };
  /** A time strictly between two moments of the test. */
  const between = (before: number, after: number) => new Date((before + after) / 2);

  it('leaves alone what later evaluations decided, and tells nobody', async () => {
    const start = Date.now();
    await sleep(10);
    expect(await sendDigest()).toBe('NOTIFY_MAIL_FAILED'); // the mail server is down
    const opened = await evaluate();
    expect(opened.map((a) => [a.kind, a.state])).toEqual([['DIGEST_NOT_SENT', 'OPEN']]);
    expect(await told(1)).toEqual(['alert.opened']);
    const told1 = JSON.parse(receiver.received[0].body) as { data: { summary: string } };
    expect(told1.data.summary).toMatch(
      /^the digest was not sent at .+ UTC: the mail server did not take it \(ESOCKET\); the digest's lastError \(read with a key of the tenant\) has the details$/,
    );

    // as of before the failure nothing was wrong: that does not resolve what was found since
    expect(await evaluate(between(start, start + 10))).toEqual([]);
    expect(await openAlerts()).toEqual(opened);
    expect(await told(1)).toEqual(['alert.opened']);
    // and the next evaluation of now finds the same alert open: nothing to tell again
    expect(await evaluate()).toEqual(opened);
    expect(await told(1)).toEqual(['alert.opened']);

    // the mail server comes back: a send goes out, and an evaluation of now resolves the alert
    const failedBy = Date.now();
    await sleep(10);
    smtp = await startTestSmtp({ port: smtpPort });
    expect(await sendDigest()).toBe('sent');
    const resolved = await evaluate();
    expect(resolved.map((a) => [a.id, a.state])).toEqual([[opened[0].id, 'RESOLVED']]);
    expect(await told(2)).toEqual(['alert.opened', 'alert.resolved']);

    // as of while the failure stood, the rule finds it: that does not reopen what was resolved since
    expect(await evaluate(between(failedBy, failedBy + 10))).toEqual([]);
    expect(await openAlerts()).toEqual([]);
    expect(await told(2)).toEqual(['alert.opened', 'alert.resolved']);
  });

  it('judges an evaluation as of a later time than now as of now: those of now go on', async () => {
    await smtp?.close();
    smtp = undefined;
    expect(await sendDigest()).toBe('NOTIFY_MAIL_FAILED');
    const aYearOn = new Date(Date.now() + 365 * 24 * 3_600_000);
    const opened = await evaluate(aYearOn);
    expect(opened.map((a) => [a.kind, a.state])).toEqual([['DIGEST_NOT_SENT', 'OPEN']]);
    smtp = await startTestSmtp({ port: smtpPort });
    expect(await sendDigest()).toBe('sent');
    const resolved = await evaluate();
    expect(resolved.map((a) => [a.id, a.state])).toEqual([[opened[0].id, 'RESOLVED']]);
    expect(await told(4)).toEqual([
      'alert.opened',
      'alert.resolved',
      'alert.opened',
      'alert.resolved',
    ]);
  });
});
