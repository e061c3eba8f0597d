// Webhook delivery against a real HTTP receiver on the real embedded store, in the timer mode (no
// Redis; the BullMQ mode is proven across a restart in test/, and its retry window after a failed
// record here, on a real redis-server). Signatures are verified with the
// reference `standardwebhooks` library, not with the code under test.

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import { Webhook as ReferenceVerifier } from 'standardwebhooks';
import { describeWithRedis, queueForSuite } from '../../../test/support/redis-suite.js';
import { QueueName } from '../../queue/index.js';
import { loadConfig } from '../../config/index.js';
import type { ClickHouseService } from '../../storage/index.js';
import { openTemporaryStore, type TemporaryStore } from '../../storage/testing.js';
import { loggedErrorsForSuite } from '../../testing/index.js';
import { NotifyException } from '../notify.exception.js';
import {
  checkTarget,
  HostResolver,
  parseWebhookUrl,
  refusedAddressReason,
  type ResolvedAddress,
} from './address-guard.js';
import { snapshotSummary } from './snapshot-webhooks.js';
import { WebhookFormat, type MessageLink, type WebhookEvent } from './webhook-events.js';
import { WebhookDeliverer } from './webhook-deliverer.js';
import { WebhookDeliveryProcessor, webhookBackoffStrategy } from './webhook-delivery.processor.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { attemptsWithin, retryAfterMs } from './webhook.job.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';
import { startReceiver, type ReceiverAnswer, type WebhookReceiver } from './testing.js';

/** A resolver whose answers a test sets per host name (as a DNS server under attack would). */
class ScriptedResolver extends HostResolver {
  readonly answers = new Map<string, string[]>();
  override resolve(host: string): Promise<ResolvedAddress[]> {
    const addresses = this.answers.get(host);
    if (addresses === undefined) {
      return Promise.reject(new Error(`ENOTFOUND ${host}`));
    }
    return Promise.resolve(
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  }
}

const BACKOFF_MS = 250;

function build(
  store: TemporaryStore,
  env: Record<string, string>,
  resolver: HostResolver,
  queue?: Queue,
) {
  const config = loadConfig({
    CAUSEWAY_DATA_DIR: store.dataDir,
    WEBHOOK_BACKOFF_MS: String(BACKOFF_MS),
    WEBHOOK_RETRY_WINDOW_MS: String(BACKOFF_MS * 3),
    ...env,
  });
  const repository = new WebhooksRepository(store.clickhouse);
  const deliverer = new WebhookDeliverer(config, repository, resolver);
  const dispatcher = new WebhookDispatcher(config, deliverer, queue);
  return {
    config,
    deliverer,
    dispatcher,
    service: new WebhooksService(config, repository, resolver, dispatcher),
  };
}

/**
 * Holds the next write to the store (an insert or a statement) until released, as a slow network
 * between one API process and the server would; every other statement runs meanwhile.
 */
function holdNextWrite(clickhouse: ClickHouseService) {
  let arrive = (): void => undefined;
  let release = (): void => undefined;
  const reached = new Promise<void>((resolve) => (arrive = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let armed = true;
  const hold = async (): Promise<void> => {
    if (armed) {
      armed = false;
      arrive();
      await released;
    }
  };
  const insert = clickhouse.insert.bind(clickhouse);
  const command = clickhouse.command.bind(clickhouse);
  const spies = [
    jest.spyOn(clickhouse, 'insert').mockImplementation(async (spec) => {
      await hold();
      return insert(spec);
    }),
    jest.spyOn(clickhouse, 'command').mockImplementation(async (tag, sql, params) => {
      await hold();
      return command(tag, sql, params);
    }),
  ];
  return {
    reached,
    release: () => {
      spies.forEach((spy) => spy.mockRestore());
      release();
    },
  };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NotifyException) {
      return error.message;
    }
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['0.0.0.0', 'unspecified'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::127.0.0.1', 'ipv4Compatible'],
    ['::7f00:1', 'ipv4Compatible'],
    ['::808:808', 'ipv4Compatible'],
    // the same address written dotted, as DNS answers give it: not the mapped ::ffff:8.8.8.8
    ['::8.8.8.8', 'ipv4Compatible'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::808:808', 'rfc6052'],
    ['2002:808:808::1', '6to4'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
  ])('refuses %s (%s)', (address, range) => {
    expect(refusedAddressReason(address)).toContain(range);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'accepts %s',
    (address) => {
      expect(refusedAddressReason(address)).toBeUndefined();
    },
  );

  it('refuses a name when any one of its addresses is private', async () => {
    const resolver = new ScriptedResolver();
    resolver.answers.set('mixed.example', ['93.184.216.34', '10.0.0.7']);
    const message = await refusal(
      checkTarget(parseWebhookUrl('https://mixed.example/x'), resolver, false),
    );
    expect(message).toContain('10.0.0.7');
  });

  it('fits retries into the window: 30 s doubling over 24 h is 12 attempts', () => {
    // 30 s · (2^11 − 1) = 61,410 s ≤ 86,400 s < 30 s · (2^12 − 1) = 122,850 s
    expect(attemptsWithin(30_000, 86_400_000)).toBe(12);
    expect(attemptsWithin(250, 750)).toBe(3);
    expect(attemptsWithin(1000, 0)).toBe(1);
  });

  it('reads Retry-After as seconds or as an HTTP date in any of its three forms, all GMT', () => {
    // RFC 9110's example date, 30 s after `now`
    const now = Date.UTC(2015, 9, 21, 7, 27, 30);
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wednesday, 21-Oct-15 07:28:00 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed Oct 21 07:28:00 2015', now)).toBe(30_000);
    // a date past asks no wait; what is neither asks nothing
    expect(retryAfterMs('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0);
    for (const unread of ['-5', '1.5', 'soon', '']) {
      expect(retryAfterMs(unread, now)).toBeUndefined();
    }
  });
});

describe('webhook delivery to a real receiver', () => {
  let store: TemporaryStore;
  const receivers: WebhookReceiver[] = [];
  const dispatchers: WebhookDispatcher[] = [];

  beforeAll(async () => {
    store = await openTemporaryStore();
  });
  afterAll(async () => {
    for (const d of dispatchers) {
      d.onModuleDestroy();
    }
    await Promise.all(receivers.map((r) => r.close()));
    await store?.dispose();
  });

  /**
   * A service on the store that may post to loopback receivers, unless `resolver` decides; `env`
   * on top of the test's backoff and window.
   */
  function webhooks(resolver?: HostResolver, env: Record<string, string> = {}): WebhooksService {
    const { service, dispatcher } =
      resolver === undefined
        ? build(store, { WEBHOOK_ALLOW_PRIVATE: 'true', ...env }, new HostResolver())
        : build(store, env, resolver);
    dispatchers.push(dispatcher);
    return service;
  }

  /** The endpoint's delivery records once there are `count` of them (or after 5 s). */
  async function deliveries(service: WebhooksService, tenantId: string, id: string, count: number) {
    let records = await service.deliveries(tenantId, id);
    for (let i = 0; i < 50 && records.length < count; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      records = await service.deliveries(tenantId, id);
    }
    return records;
  }

  async function receiver(answer?: (n: number) => ReceiverAnswer) {
    const r = await startReceiver(answer);
    receivers.push(r);
    return r;
  }

  it('signs a Standard Webhooks message the reference library verifies', async () => {
    const service = webhooks();
    const target = await receiver();
    const created = await service.create('t-sign', { url: target.url, events: ['alert.opened'] });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await service.emit('t-sign', 'alert.opened', 'al_1-open', { alertId: 'al_1' }, 'SRM on x');
    await service.emit('t-sign', 'alert.resolved', 'al_1-resolved', {}, 'not subscribed');
    const [request] = await target.waitFor(1);
    const verified = new ReferenceVerifier(created.secret).verify(
      request.body,
      request.headers as Record<string, string>,
    ) as { type: string; timestamp: string; data: unknown };
    expect(verified.type).toBe('alert.opened');
    expect(verified.data).toEqual({ alertId: 'al_1' });
    expect(Object.keys(JSON.parse(request.body) as object).sort()).toEqual([
      'data',
      'timestamp',
      'type',
    ]);
    expect(request.headers['webhook-id']).toBe('msg_al_1-open');
    // a tampered body fails the reference check
    expect(() =>
      new ReferenceVerifier(created.secret).verify(
        request.body.replace('al_1', 'al_2'),
        request.headers as Record<string, string>,
      ),
    ).toThrow();
    await new Promise((r) => setTimeout(r, 300));
    expect(target.received).toHaveLength(1);
  });

  /** What a Slack endpoint of the tenant receives for one event with this summary (and link). */
  async function slackBody(
    tenantId: string,
    event: WebhookEvent,
    summary: string,
    link?: MessageLink,
  ) {
    const service = webhooks();
    const target = await receiver();
    await service.create(tenantId, {
      url: target.url,
      events: [event],
      format: WebhookFormat.SLACK,
    });
    await service.emit(tenantId, event, `${tenantId}-1`, {}, summary, link);
    const [request] = await target.waitFor(1);
    return JSON.parse(request.body) as { text: string; blocks: { text?: { text: string } }[] };
  }

  it('posts {text, blocks} to a Slack endpoint', async () => {
    const body = await slackBody('t-slack', 'snapshot.created', 'Snapshot s1 taken');
    expect(body.text).toBe('Snapshot s1 taken');
    expect(body.blocks.length).toBeGreaterThan(0);
  });

  it('escapes what Slack would read as markup in a summary (&, <, >)', async () => {
    // a mail server's reply, as a summary might quote one
    const body = await slackBody(
      't-slack-escape',
      'alert.opened',
      'the digest was not sent: 550 <ceo@example.com>: no such user & no other',
    );
    const escaped =
      'the digest was not sent: 550 &lt;ceo@example.com&gt;: no such user &amp; no other';
    expect(body.text).toBe(escaped);
    expect(body.blocks[0].text?.text).toBe(`*alert.opened*\n${escaped}`);
  });

  it('puts the link after the summary as Slack writes one, <url|words>', async () => {
    const url = 'https://causeway.example.com/share/abc#lift';
    const body = await slackBody('t-slack-link', 'alert.opened', 'SRM on x & y', {
      url,
      text: 'Open the report',
    });
    expect(body.text).toBe(`SRM on x &amp; y <${url}|Open the report>`);
    expect(body.blocks[0].text?.text).toBe(
      `*alert.opened*\nSRM on x &amp; y <${url}|Open the report>`,
    );
  });

  it("names a snapshot's week by the days it covers", () => {
    const week = { from: new Date('2026-11-23T00:00:00Z'), to: new Date('2026-11-30T00:00:00Z') };
    expect(snapshotSummary({ snapshotId: 'rs_1', ...week })).toBe(
      'Lift report snapshot rs_1 of 23 Nov – 29 Nov 2026 taken',
    );
  });

  it('retries 500, 500 then 200 with growing delays, every attempt listed', async () => {
    const service = webhooks();
    const target = await receiver((n) => ({ status: n <= 2 ? 500 : 200 }));
    const created = await service.create('t-retry', { url: target.url, events: ['alert.opened'] });
    await service.emit('t-retry', 'alert.opened', 'al_r-open', { alertId: 'al_r' }, 'x');
    const requests = await target.waitFor(3);
    const ids = new Set(requests.map((r) => r.headers['webhook-id']));
    expect(ids).toEqual(new Set(['msg_al_r-open']));
    const first = requests[1].at - requests[0].at;
    const second = requests[2].at - requests[1].at;
    expect(first).toBeGreaterThanOrEqual(BACKOFF_MS);
    expect(second).toBeGreaterThanOrEqual(2 * BACKOFF_MS);
    expect(second).toBeGreaterThan(first);
    const records = await deliveries(service, 't-retry', created.webhookId, 3);
    expect(records.map((d) => [d.attempt, d.status, d.responseStatus])).toEqual([
      [3, 'DELIVERED', 200],
      [2, 'FAILED', 500],
      [1, 'FAILED', 500],
    ]);
    await new Promise((r) => setTimeout(r, 4 * BACKOFF_MS));
    expect(target.received).toHaveLength(3);
  });

  /**
   * What one `alert.opened` message comes to, from a new endpoint of `tenantId` on a receiver that
   * answers its nth request `answer(n)`, with `env` on top of the test's backoff and window: the
   * requests it got once `count` have come and `settleMs` more have passed, and the attempts listed.
   */
  async function oneMessage(
    tenantId: string,
    answer: (n: number) => ReceiverAnswer,
    count: number,
    settleMs: number,
    env: Record<string, string> = {},
  ) {
    const service = webhooks(undefined, env);
    const target = await receiver(answer);
    const created = await service.create(tenantId, { url: target.url, events: ['alert.opened'] });
    await service.emit(tenantId, 'alert.opened', `${tenantId}-open`, {}, 'x');
    await target.waitFor(count);
    await new Promise((r) => setTimeout(r, settleMs));
    const requests = [...target.received];
    const records = await deliveries(service, tenantId, created.webhookId, requests.length);
    return { requests, records };
  }

  /**
   * What one message to a receiver whose first answer is `first` (then 200) comes to, with a
   * retry window of 10 s: the requests it got once `expected` had come and `settleMs` more had
   * passed (waiting for the expected ones, not for a fixed time, holds on a loaded machine), and
   * the attempts listed.
   */
  const answeredFirst = (
    tenantId: string,
    first: ReceiverAnswer,
    expected: number,
    settleMs: number,
  ) =>
    oneMessage(tenantId, (n) => (n === 1 ? first : { status: 200 }), expected, settleMs, {
      WEBHOOK_RETRY_WINDOW_MS: '10000',
    });

  it("waits the seconds a 429's Retry-After asks, longer than the backoff, and lists when", async () => {
    const { requests, records } = await answeredFirst(
      't-retry-after-seconds',
      { status: 429, headers: { 'retry-after': '2' } },
      2,
      BACKOFF_MS,
    );
    expect(requests).toHaveLength(2);
    // 2 s, where the backoff alone would have retried after 0.25 s
    expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(2_000);
    expect(records.map((d) => [d.attempt, d.status, d.responseStatus, d.retryAfter])).toEqual([
      [2, 'DELIVERED', 200, null],
      [1, 'FAILED', 429, '2'],
    ]);
    expect(records[1].nextAttemptAt?.getTime()).toBe(records[1].at.getTime() + 2_000);
    expect(requests[1].at).toBeGreaterThanOrEqual(records[1].nextAttemptAt?.getTime() ?? 0);
    expect(records[0].nextAttemptAt).toBeNull();
  });

  it("waits until the HTTP date a 503's Retry-After names", async () => {
    // a whole second (HTTP dates have no finer part) at least 2 s ahead
    const until = new Date(Math.ceil((Date.now() + 2_000) / 1000) * 1000);
    const { requests, records } = await answeredFirst(
      't-retry-after-date',
      { status: 503, headers: { 'retry-after': until.toUTCString() } },
      2,
      BACKOFF_MS,
    );
    expect(requests).toHaveLength(2);
    expect(requests[1].at).toBeGreaterThanOrEqual(until.getTime());
    expect(records[1].retryAfter).toBe(until.toUTCString());
    expect(records[1].nextAttemptAt).toEqual(until);
    expect(records[0].status).toBe('DELIVERED');
  });

  it('waits a Retry-After longer than a timer can hold (24.8 days) when the window has room', async () => {
    // 25.5 days: past Node's longest timer (2^31 − 1 ms), within the 30-day window
    const { requests, records } = await oneMessage(
      't-retry-after-long',
      (n) => (n === 1 ? { status: 429, headers: { 'retry-after': '2203200' } } : { status: 200 }),
      1,
      4 * BACKOFF_MS,
      { WEBHOOK_RETRY_WINDOW_MS: String(30 * 86_400_000) },
    );
    expect(requests).toHaveLength(1);
    expect(records.map((d) => [d.attempt, d.status, d.retryAfter])).toEqual([
      [1, 'FAILED', '2203200'],
    ]);
    expect(records[0].nextAttemptAt?.getTime()).toBe(records[0].at.getTime() + 2_203_200_000);
  });

  it('never retries sooner than the backoff for a shorter Retry-After, nor blames it when the backoff runs out', async () => {
    const zero = () => ({ status: 429, headers: { 'retry-after': '0' } });
    const { requests, records } = await oneMessage('t-retry-after-zero', zero, 3, 6 * BACKOFF_MS);
    expect(requests).toHaveLength(3);
    expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(BACKOFF_MS);
    expect(requests[2].at - requests[1].at).toBeGreaterThanOrEqual(2 * BACKOFF_MS);
    // the window (3 × base) is spent by the backoff's 0.25 s + 0.5 s, whatever was asked
    expect(records[0].error).toBe(
      'answered 429 receiver says no; not tried again: the next backoff is longer than the 0 s left of the retry window',
    );
  });

  it('keeps to the backoff when Retry-After is neither seconds nor a date, and says so', async () => {
    const { requests, records } = await answeredFirst(
      't-retry-after-unread',
      { status: 429, headers: { 'retry-after': 'soon' } },
      2,
      BACKOFF_MS,
    );
    expect(requests).toHaveLength(2);
    expect(records[1]).toMatchObject({
      status: 'FAILED',
      retryAfter: 'soon',
      error:
        'answered 429 receiver says no; Retry-After "soon" is neither seconds nor an HTTP date: the backoff applies',
    });
    expect(records[1].nextAttemptAt?.getTime()).toBe(records[1].at.getTime() + BACKOFF_MS);
  });

  it.each([
    ['an hour', '3600'],
    ['absurdly many seconds', '99999999999999999999'],
    ['a date in the year 9999', 'Fri, 31 Dec 9999 23:59:59 GMT'],
  ])(
    'does not retry early when Retry-After (%s) runs past the retry window, and says so',
    async (_name, header) => {
      const { requests, records } = await answeredFirst(
        `t-retry-after-past-${header.length}`,
        { status: 429, headers: { 'retry-after': header } },
        1,
        // the backoff alone would have retried twice by now
        4 * BACKOFF_MS,
      );
      expect(requests).toHaveLength(1);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        status: 'FAILED',
        retryAfter: header,
        nextAttemptAt: null,
      });
      expect(records[0].error).toBe(
        `answered 429 receiver says no; not tried again: the receiver asked to wait (Retry-After: ${header}) longer than the 10 s left of the retry window`,
      );
    },
  );

  it('does not follow a redirect and gives up when the window is spent', async () => {
    const elsewhere = await receiver();
    const redirect = () => ({ status: 307, location: elsewhere.url });
    const { requests, records } = await oneMessage('t-redirect', redirect, 3, 6 * BACKOFF_MS);
    // three attempts fit a window of 3 × base (0, +base, +2·base); none reached the Location
    expect(requests).toHaveLength(3);
    expect(elsewhere.received).toHaveLength(0);
    // the last attempt says none follows, and the one before when the last was due
    expect(records[0].error).toBe(
      `redirect to ${elsewhere.url} not followed; not tried again: the next backoff is longer than the 0 s left of the retry window`,
    );
    expect(records[0].nextAttemptAt).toBeNull();
    expect(records[1].nextAttemptAt?.getTime()).toBe(records[1].at.getTime() + 2 * BACKOFF_MS);
  });

  it('stops at a 410 Gone: the message is not retried, and the endpoint gets no more', async () => {
    const service = webhooks();
    const gone = await receiver(() => ({ status: 410 }));
    const other = await receiver();
    const created = await service.create('t-gone', { url: gone.url, events: ['alert.opened'] });
    await service.create('t-gone', { url: other.url, events: ['alert.opened'] });
    await service.emit('t-gone', 'alert.opened', 'al_g-open', {}, 'x');
    await Promise.all([gone.waitFor(1), other.waitFor(1)]);
    // the window holds three attempts (0, +base, +2·base): a retry would have come by now
    await new Promise((r) => setTimeout(r, 6 * BACKOFF_MS));
    expect(gone.received).toHaveLength(1);
    const records = await service.deliveries('t-gone', created.webhookId);
    expect(records.map((d) => [d.attempt, d.status, d.responseStatus])).toEqual([[1, 'GONE', 410]]);
    const listed = await service.list('t-gone');
    expect(new Map(listed.map((w) => [w.url, w.disabledAt]))).toEqual(
      new Map([
        [gone.url, records[0].at],
        [other.url, null],
      ]),
    );
    // the delivery history is kept 30 days; the endpoint stays disabled after it is gone
    await store.clickhouse.command(
      'test.deliveries_expire',
      `DELETE FROM webhook_deliveries WHERE tenant_id = 't-gone'`,
    );
    expect((await service.list('t-gone')).find((w) => w.url === gone.url)?.disabledAt).toEqual(
      records[0].at,
    );
    // the next event goes to the endpoint still enabled only
    await service.emit('t-gone', 'alert.opened', 'al_h-open', {}, 'y');
    await other.waitFor(2);
    await new Promise((r) => setTimeout(r, 3 * BACKOFF_MS));
    expect(gone.received).toHaveLength(1);
    // deleted, it stays deleted: a late disabling does not bring it back
    await service.delete('t-gone', created.webhookId);
    await new WebhooksRepository(store.clickhouse).disable('t-gone', created.webhookId, new Date());
    expect((await service.list('t-gone')).map((w) => w.url)).toEqual([other.url]);
  });

  it('keeps a deletion whose write lands after a concurrent disabling read the endpoint', async () => {
    // Two API processes: one deletes the endpoint while the other's delivery hears 410 Gone from
    // it. The deletion's write is held until the other process has disabled the endpoint (read
    // it live and written what it read), then lands.
    const service = webhooks();
    const otherProcess = new WebhooksRepository(store.clickhouse);
    const target = await receiver();
    const created = await service.create('t-race', { url: target.url, events: ['alert.opened'] });
    const held = holdNextWrite(store.clickhouse);
    const deleting = service.delete('t-race', created.webhookId);
    try {
      await held.reached;
      await otherProcess.disable('t-race', created.webhookId, new Date());
    } finally {
      held.release();
    }
    expect(await deleting).toBe(true);
    expect(await service.list('t-race')).toEqual([]);
    expect(await service.emit('t-race', 'alert.opened', 'al_race-open', {}, 'x')).toBe(0);
    await new Promise((r) => setTimeout(r, 3 * BACKOFF_MS));
    expect(target.received).toHaveLength(0);
    expect(await service.deliveries('t-race', created.webhookId)).toEqual([]);
  });

  it('keeps the first 410 Gone as the time disabled when two processes disable at once', async () => {
    const service = webhooks();
    const otherProcess = new WebhooksRepository(store.clickhouse);
    const created = await service.create('t-twice', {
      url: (await receiver()).url,
      events: ['alert.opened'],
    });
    const first = new Date('2026-12-01T10:00:00.000Z');
    const held = holdNextWrite(store.clickhouse);
    const disabling = new WebhooksRepository(store.clickhouse).disable(
      't-twice',
      created.webhookId,
      first,
    );
    try {
      await held.reached;
      await otherProcess.disable(
        't-twice',
        created.webhookId,
        new Date('2026-12-01T10:00:05.000Z'),
      );
    } finally {
      held.release();
    }
    await disabling;
    expect((await service.list('t-twice')).map((w) => w.disabledAt)).toEqual([first]);
  });

  it('reads the endpoints a release before migration 0137 deleted or disabled on their row', async () => {
    const service = webhooks();
    const row = (webhookId: string, deleted: number, disabledAt: string | null) => ({
      tenant_id: 't-before',
      webhook_id: webhookId,
      url: `https://${webhookId}.example/hook`,
      events: ['alert.opened'],
      format: 'STANDARD',
      secret: 'whsec_AAAA',
      created_at: '2026-11-01 00:00:00.000',
      disabled_at: disabledAt,
      deleted,
      version: 1,
    });
    await store.clickhouse.insert({
      table: 'webhooks',
      tag: 'test.webhooks_before_0137',
      rows: [
        row('wh_deleted', 1, null),
        row('wh_disabled', 0, '2026-11-02 00:00:00.000'),
        row('wh_live', 0, null),
      ],
    });
    // a 410 Gone heard after the upgrade does not move the time the row holds
    await new WebhooksRepository(store.clickhouse).disable(
      't-before',
      'wh_disabled',
      new Date('2026-11-03T00:00:00.000Z'),
    );
    expect(
      (await service.list('t-before')).map((w) => [w.webhookId, w.disabledAt?.toISOString()]),
    ).toEqual([
      ['wh_disabled', '2026-11-02T00:00:00.000Z'],
      ['wh_live', undefined],
    ]);
  });

  it('refuses a private target at createWebhook, and at delivery once its name turns private', async () => {
    const resolver = new ScriptedResolver();
    const service = webhooks(resolver);
    const target = await receiver();
    const port = new URL(target.url).port;
    // a public-looking name that resolves to loopback
    resolver.answers.set('hooks.example.com', ['127.0.0.1']);
    expect(
      await refusal(
        service.create('t-ssrf', {
          url: `http://hooks.example.com:${port}/hook`,
          events: ['alert.opened'],
        }),
      ),
    ).toContain('loopback');
    expect(
      await refusal(
        service.create('t-ssrf', {
          url: 'http://169.254.169.254/latest/meta-data',
          events: ['alert.opened'],
        }),
      ),
    ).toContain('linkLocal');
    expect(
      await refusal(
        service.create('t-ssrf', {
          url: `http://[::ffff:127.0.0.1]:${port}/`,
          events: ['alert.opened'],
        }),
      ),
    ).toContain('loopback');
    // public at creation, loopback at delivery (DNS rebinding)
    resolver.answers.set('rebind.example.com', ['93.184.216.34']);
    const created = await service.create('t-ssrf', {
      url: `http://rebind.example.com:${port}/hook`,
      events: ['alert.opened'],
    });
    resolver.answers.set('rebind.example.com', ['127.0.0.1']);
    await service.emit('t-ssrf', 'alert.opened', 'al_s-open', {}, 'x');
    const records = await deliveries(service, 't-ssrf', created.webhookId, 1);
    expect(records).toHaveLength(1);
    expect(records[0].status).toBe('REFUSED');
    expect(records[0].error).toContain('loopback');
    await new Promise((r) => setTimeout(r, 4 * BACKOFF_MS));
    expect(target.received).toHaveLength(0);
  });

  it('names the field of bad input and forgets a deleted endpoint', async () => {
    const service = webhooks();
    expect(
      await refusal(service.create('t-bad', { url: 'ftp://x/', events: ['alert.opened'] })),
    ).toMatch(/^url:/);
    expect(
      await refusal(service.create('t-bad', { url: 'https://x.example/', events: [] })),
    ).toMatch(/^events:/);
    expect(
      await refusal(service.create('t-bad', { url: 'https://x.example/', events: ['alert.nope'] })),
    ).toContain('alert.nope');
    const target = await receiver();
    const created = await service.create('t-bad', { url: target.url, events: ['alert.opened'] });
    expect((await service.list('t-bad')).map((w) => w.webhookId)).toEqual([created.webhookId]);
    expect(await service.list('another-tenant')).toEqual([]);
    await service.delete('t-bad', created.webhookId);
    expect(await service.list('t-bad')).toEqual([]);
    await service.emit('t-bad', 'alert.opened', 'al_x-open', {}, 'x');
    await new Promise((r) => setTimeout(r, 300));
    expect(target.received).toHaveLength(0);
  });
});

/** Where a receiver redirects: a page of its own that names a person and holds a token. */
const ELSEWHERE = 'https://crm.example.com/customers/cust-4711?token=s3cret';

/**
 * A store that refuses to record an attempt quoting a token (a constraint, as an operator might
 * add): the record of a redirect to ELSEWHERE fails, as the store would.
 */
function storeRefusingTokens() {
  const opened: { store?: TemporaryStore } = {};
  beforeAll(async () => {
    opened.store = await openTemporaryStore();
    await opened.store.clickhouse.command(
      'test.refuse_tokens',
      "ALTER TABLE webhook_deliveries ADD CONSTRAINT no_tokens CHECK error NOT LIKE '%token=%'",
    );
  });
  afterAll(async () => {
    await opened.store?.dispose();
  });
  return opened;
}

/**
 * A receiver asking to wait a second (429, Retry-After: 1) at its first request, then
 * redirecting to ELSEWHERE, whose record the store refuses: with a backoff of 250 ms and a window
 * of 1.4 s, the second attempt starts after 1 s, and a third would start after 1.5 s of waits.
 */
const waitThenRedirect = (n: number): ReceiverAnswer =>
  n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 302, location: ELSEWHERE };
const SHORT_WINDOW = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_WINDOW_MS: '1400' };

describe('a delivery attempt the store refuses to record', () => {
  const opened = storeRefusingTokens();
  const targets: WebhookReceiver[] = [];
  const dispatchers: WebhookDispatcher[] = [];
  const errors = loggedErrorsForSuite();

  afterAll(async () => {
    dispatchers.forEach((d) => d.onModuleDestroy());
    await Promise.all(targets.map((t) => t.close()));
  });

  it('logs the webhook, the message and what failed, not the record the store quoted', async () => {
    const built = build(opened.store!, { WEBHOOK_ALLOW_PRIVATE: 'true' }, new HostResolver());
    dispatchers.push(built.dispatcher);
    const target = await startReceiver(() => ({ status: 302, location: ELSEWHERE }));
    targets.push(target);
    const created = await built.service.create('t-refused', {
      url: target.url,
      events: ['alert.opened'],
    });
    await built.service.emit('t-refused', 'alert.opened', 'al_9-open', { alertId: 'al_9' }, 'x');
    for (let i = 0; i < 50 && errors.length === 0; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
    }

    expect(JSON.stringify(errors)).not.toContain('cust-4711');
    expect(JSON.stringify(errors)).not.toContain('s3cret');
    expect(errors[0]?.text).toBe('webhook delivery attempt not recorded');
    expect(errors[0]?.fields).toMatchObject({
      webhookId: created.webhookId,
      messageId: 'msg_al_9-open',
      err: {
        type: 'StorageException',
        code: 'STORAGE_QUERY_FAILED',
        tag: 'notify.delivery_record',
      },
    });
  });

  it('tries again after a failed record only while the waits fit the retry window', async () => {
    const built = build(opened.store!, SHORT_WINDOW, new HostResolver());
    dispatchers.push(built.dispatcher);
    const target = await startReceiver(waitThenRedirect);
    targets.push(target);
    await built.service.create('t-window', { url: target.url, events: ['alert.opened'] });
    await built.service.emit('t-window', 'alert.opened', 'al_w-open', {}, 'x');
    await target.waitFor(2, 5_000);
    // a third attempt would come 500 ms after the second; wait well past it
    await new Promise((r) => setTimeout(r, 1_500));
    expect(target.received).toHaveLength(2);
    expect(target.received[1].at - target.received[0].at).toBeGreaterThanOrEqual(1_000);
  });
});

describeWithRedis('a queued delivery attempt the store refuses to record', (redis) => {
  const opened = storeRefusingTokens();
  const webhooksQueue = queueForSuite(redis, QueueName.Webhooks);

  it('fails the job when the backoff after it would not fit the retry window', async () => {
    const { service, deliverer, config } = build(
      opened.store!,
      SHORT_WINDOW,
      new HostResolver(),
      webhooksQueue.queue,
    );
    const processor = new WebhookDeliveryProcessor(config, deliverer);
    const worker = new Worker(
      QueueName.Webhooks,
      (job: Job) => processor.process(job as Parameters<typeof processor.process>[0]),
      {
        connection: webhooksQueue.connection(),
        settings: { backoffStrategy: webhookBackoffStrategy },
      },
    );
    const target = await startReceiver(waitThenRedirect);
    try {
      // the job's last failure (the old code's third attempt failed it after 1.5 s of waits)
      const failed = new Promise<{ job?: Job; error: Error }>((resolve) =>
        worker.on('failed', (job, error) => {
          if (error instanceof UnrecoverableError || job?.attemptsMade === job?.opts.attempts) {
            resolve({ job, error });
          }
        }),
      );
      await service.create('t-queued', { url: target.url, events: ['alert.opened'] });
      await service.emit('t-queued', 'alert.opened', 'al_q-open', {}, 'x');
      const { job, error } = await failed;
      expect(error).toBeInstanceOf(UnrecoverableError);
      expect(job?.attemptsMade).toBe(2);
      expect(job?.failedReason).toMatch(
        /^webhook wh_\w+: attempt 2 failed \(StorageException STORAGE_QUERY_FAILED notify\.delivery_record \w+\), with no time left in its retry window$/,
      );
      await new Promise((r) => setTimeout(r, 1_000));
      expect(target.received).toHaveLength(2);
    } finally {
      await worker.close();
      await target.close();
    }
  });
});
