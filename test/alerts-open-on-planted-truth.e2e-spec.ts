// The alert rules on the demo program: evaluated as of the end of the demo month, they open exactly
// the alerts computed independently from the program's rows (libs/demo/alerts-truth.ts), among them
// the planted SRM and harm; a subscribed receiver gets each signed (verified with the reference
// standardwebhooks library); a second evaluation sends nothing; when the cause of one alert is
// removed (the missing consent records arrive), exactly that alert resolves and alert.resolved is
// sent. The API runs in this process on a real embedded store.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook as ReferenceVerifier } from 'standardwebhooks';
import { expectedAlerts, type ExpectedAlert } from '../libs/demo/alerts-truth.js';
import type { GeneratedProgram } from '../libs/demo/index.js';
import { startReceiver, type WebhookReceiver } from '../libs/notify/testing.js';
import { alertLinkPattern, openAlertLink, REPORT_PLACE } from './support/alert-links.js';
import { gqlData, mintKey, postIngest } from './support/client.js';
import { uploadDemoProgram } from './support/demo-program.js';
import { inProcessApiForSuite } from './support/in-process-api.js';
import { ADMIN_KEY } from './support/processes.js';

const DAY = 86_400_000;
const ALERT_FIELDS = 'id kind triggerId subject state openedAt resolvedAt summary evidence';

interface AlertRow {
  id: string;
  kind: string;
  subject: string;
  state: string;
  resolvedAt: string | null;
}
interface Message {
  type: string;
  data: {
    alertId: string;
    kind: string;
    subject: string;
    state: string;
    summary: string;
    reportUrl: string | null;
  };
}

const byKey = (a: ExpectedAlert) => `${a.kind}/${a.subject}`;

describe('alerts on the demo program', () => {
  let key: string;
  let program: GeneratedProgram;
  let receiver: WebhookReceiver;
  let slack: WebhookReceiver;
  let secret: string;
  let expected: ExpectedAlert[];
  let asOf: Date;

  const api = inProcessApiForSuite('alerts', ADMIN_KEY, (port) => ({
    // where the messages' links point
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ALERT_EVALUATE_EVERY_MS: '0',
    // the receiver listens on 127.0.0.1
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_BACKOFF_MS: '200',
  }));

  beforeAll(async () => {
    key = await mintKey(api.url, ADMIN_KEY, 'demo', ['INGEST', 'READ']);
    const receivedAtLeast = new Date();
    program = await uploadDemoProgram(api.url, key, { seed: 20_261_001, persons: 6_000 });
    asOf = program.period.to;
    expected = expectedAlerts(program.rows, asOf, { receivedAtLeast });
    receiver = await startReceiver();
    const created = await gqlData<{ createWebhook: { secret: string } }>(
      api.url,
      key,
      `mutation($url: String!) { createWebhook(url: $url, events: ["alert.opened", "alert.resolved"]) { id secret } }`,
      { url: receiver.url },
    );
    secret = created.createWebhook.secret;
    slack = await startReceiver();
    await gqlData(
      api.url,
      key,
      `mutation($url: String!) { createWebhook(url: $url, events: ["alert.opened"], format: SLACK) { id } }`,
      { url: slack.url },
    );
  });
  afterAll(async () => {
    await receiver?.close();
    await slack?.close();
  });

  /** evaluateAlerts as of `at`, with the key given (the tenant's own by default). */
  const evaluate = async (at: Date, withKey = key) =>
    (
      await gqlData<{ evaluateAlerts: AlertRow[] }>(
        api.url,
        withKey,
        `mutation($asOf: DateTime) { evaluateAlerts(asOf: $asOf) { ${ALERT_FIELDS} } }`,
        { asOf: at.toISOString() },
      )
    ).evaluateAlerts;
  const openAlerts = async () =>
    (
      await gqlData<{ alerts: AlertRow[] }>(
        api.url,
        key,
        `{ alerts(state: OPEN) { ${ALERT_FIELDS} } }`,
      )
    ).alerts;
  const verified = (count: number) =>
    receiver.received
      .slice(0, count)
      .map(
        (request) =>
          new ReferenceVerifier(secret).verify(
            request.body,
            request.headers as Record<string, string>,
          ) as Message,
      );

  it('opens exactly the alerts the planted truth calls for, and tells the receiver, signed', async () => {
    // what was planted is among them: the SRM trigger and the harming one
    const planted = program.planted;
    expect(expected).toEqual(
      expect.arrayContaining([
        ...planted.srmTriggers.map((t) => ({ kind: 'SRM', subject: t.triggerId })),
        ...planted.harmTriggerIds.map((subject) => ({ kind: 'HARM', subject })),
      ]),
    );
    const answered = await evaluate(asOf);
    expect(answered.map(byKey).sort()).toEqual(expected.map(byKey).sort());
    expect(answered.every((a) => a.state === 'OPEN')).toBe(true);
    expect((await openAlerts()).map(byKey).sort()).toEqual(expected.map(byKey).sort());
    await receiver.waitFor(expected.length);
    const messages = verified(expected.length);
    expect(messages.every((m) => m.type === 'alert.opened')).toBe(true);
    expect(messages.map((m) => `${m.data.kind}/${m.data.subject}`).sort()).toEqual(
      expected.map(byKey).sort(),
    );
  });

  it('links each message to the report of the period its rule read, opening without a key, in the payload and in Slack', async () => {
    const messages = verified(expected.length);
    const slackTexts = (await slack.waitFor(expected.length)).map(
      (request) => (JSON.parse(request.body) as { text: string }).text,
    );
    const linked = messages.filter((m) => REPORT_PLACE[m.data.kind] !== undefined);
    const pages = new Map(
      await Promise.all(
        [...new Set(linked.map((m) => (m.data.reportUrl ?? '').replace(/#.*$/, '')))].map(
          async (link) => [link, await openAlertLink(link)] as const,
        ),
      ),
    );
    expect(linked.length).toBeGreaterThan(0);
    for (const message of messages) {
      const place = REPORT_PLACE[message.data.kind];
      if (place === undefined) {
        // STALE_SIGNALS: its figures are in its evidence, not in the report
        expect(message.data.reportUrl).toBeNull();
        continue;
      }
      const link = message.data.reportUrl ?? '';
      expect(link).toMatch(alertLinkPattern(`^${api.url}`, `${place.section}$`));
      // the Slack message of the same alert carries the same link (its summary escaped for Slack)
      const summary = message.data.summary
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;');
      expect(slackTexts.filter((text) => text.includes(summary))).toEqual([
        expect.stringContaining(`<${link}|Open the report>`),
      ]);
      // a share link: no key (alerts judged together share one, each at its own section)
      const page = pages.get(link.replace(/#.*$/, ''));
      expect(page?.status).toBe(200);
      expect(page?.type).toContain('text/html');
      expect(page?.body).toContain(`<section id="${place.section}">`);
    }
    // one link per period read, the report of [asOf − days, asOf)
    const links = await gqlData<{ shareLinks: { resource: string; from: string; to: string }[] }>(
      api.url,
      key,
      '{ shareLinks { resource from to } }',
    );
    const periods = new Set(linked.map((m) => REPORT_PLACE[m.data.kind]!.days));
    expect(links.shareLinks.map((l) => [l.resource, l.from, l.to]).sort()).toEqual(
      [...periods]
        .map((days) => [
          'LIFT_REPORT',
          new Date(asOf.getTime() - days * DAY).toISOString(),
          asOf.toISOString(),
        ])
        .sort(),
    );
  });

  it('sends nothing new on a second evaluation', async () => {
    const before = await openAlerts();
    const again = await evaluate(asOf);
    expect(again.map((a) => a.id).sort()).toEqual(before.map((a) => a.id).sort());
    await new Promise((r) => setTimeout(r, 1_500));
    expect(receiver.received).toHaveLength(expected.length);
  });

  it('resolves the alert whose cause is removed, and only that one', async () => {
    const violation = expected.find((a) => a.kind === 'CONSENT_VIOLATION');
    expect(violation).toBeDefined();
    const trigger = program.rows.triggers.find((t) => t.trigger_id === violation!.subject)!;
    // the consent records that were missing: a grant just before every send of the last day
    const grants = program.rows.firings
      .filter(
        (f) =>
          f.trigger_id === trigger.trigger_id &&
          f.arm === 'treatment' &&
          (f.skip_reason ?? '') === '' &&
          Date.parse(f.decided_at) >= asOf.getTime() - DAY &&
          Date.parse(f.decided_at) < asOf.getTime(),
      )
      .map((f, i) => ({
        event_id: `late-grant-${i}`,
        person_id: f.person_id,
        purpose: trigger.consent_purpose,
        granted: true,
        occurred_at: new Date(Date.parse(f.decided_at) - 1).toISOString(),
      }));
    const ingest = await postIngest(
      api.url,
      key,
      'consent',
      grants.map((g) => JSON.stringify(g)).join('\n'),
    );
    expect(ingest.body.accepted).toBe(grants.length);
    const seen = receiver.received.length;
    const after = await evaluate(asOf);
    const resolved = after.filter((a) => a.state === 'RESOLVED');
    expect(resolved.map(byKey)).toEqual([byKey(violation!)]);
    expect((await openAlerts()).map(byKey).sort()).toEqual(
      expected
        .filter((a) => byKey(a) !== byKey(violation!))
        .map(byKey)
        .sort(),
    );
    await receiver.waitFor(seen + 1);
    const [message] = verified(seen + 1).slice(seen);
    expect(message?.type).toBe('alert.resolved');
    expect(`${message?.data.kind}/${message?.data.subject}`).toBe(byKey(violation!));
    // the report of the last day as the evaluation that resolved it read it
    expect(message?.data.reportUrl).toMatch(alertLinkPattern(`^${api.url}`, 'compliance$'));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(receiver.received).toHaveLength(seen + 1);
  });

  it('opens REJECTED_ROWS over 1% of a stream’s lines in the last hour, and resolves it below', async () => {
    const other = await mintKey(api.url, ADMIN_KEY, 'rejects', ['INGEST', 'READ']);
    const signal = (i: number) =>
      JSON.stringify({
        event_id: `s-${i}`,
        person_id: `p-${i % 50}`,
        type: 'page_view',
        occurred_at: new Date(Date.now() - 60_000).toISOString(),
      });
    // 195 good lines and 5 without a person: 5 / 200 = 2.5% rejected
    const lines = [
      ...Array.from({ length: 195 }, (_, i) => signal(i)),
      ...Array.from({ length: 5 }, (_, i) =>
        JSON.stringify({
          event_id: `bad-${i}`,
          type: 'page_view',
          occurred_at: new Date().toISOString(),
        }),
      ),
    ];
    const first = await postIngest(api.url, other, 'signals', lines.join('\n'));
    expect([first.body.accepted, first.body.rejected]).toEqual([195, 5]);
    const opened = await evaluate(new Date(Date.now() + 1_000), other);
    expect(opened.map((a) => [a.kind, a.subject, a.state])).toEqual([
      ['REJECTED_ROWS', 'signals', 'OPEN'],
    ]);
    // 400 more good lines: 5 / 600 = 0.83%, under 1%
    const more = Array.from({ length: 400 }, (_, i) => signal(1_000 + i));
    expect((await postIngest(api.url, other, 'signals', more.join('\n'))).body.accepted).toBe(400);
    const after = await evaluate(new Date(Date.now() + 1_000), other);
    expect(after.map((a) => [a.kind, a.subject, a.state])).toEqual([
      ['REJECTED_ROWS', 'signals', 'RESOLVED'],
    ]);
  });
});
