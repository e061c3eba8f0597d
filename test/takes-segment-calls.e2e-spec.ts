// The Segment-compatible endpoint on the built app and the embedded store: the documented example
// bodies of Segment and RudderStack, mapping rules, messageId deduplication across requests and a
// restart, Segment's clock-skew rule, mapped outcomes in the measures, and clear refusals.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import {
  rudderstackBatch,
  rudderstackIdentify,
  rudderstackTrack,
} from './fixtures/rudderstack-http-api.js';
import { segmentBatch, segmentIdentify, segmentTrack } from './fixtures/segment-http-api.js';
import { gqlData, graphql, mintKey, postIngest, storedRows } from './support/client.js';
import { startApi, type ApiProcess } from './support/processes.js';

interface SegmentReply {
  status: number;
  body: {
    success?: boolean;
    receivedAt?: string;
    messages?: number;
    mapped?: number;
    kept?: number;
    rejected?: number;
    duplicates?: number;
    errors?: { item: number; field: string; message: string }[];
    error?: string;
    message?: string;
  };
}

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/** A reply that refused its one message as naming an erased person by `field`. */
function expectRefusedAsErased(reply: SegmentReply, field: string): void {
  expect(reply.body).toEqual(
    expect.objectContaining({
      kept: 0,
      rejected: 1,
      errors: [{ item: 0, field, message: 'erased' }],
    }),
  );
}

async function postSegment(
  url: string,
  authorization: string | undefined,
  call: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<SegmentReply> {
  const response = await fetch(`${url}/v1/segment/${call}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization === undefined ? {} : { authorization }),
      ...headers,
    },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as SegmentReply['body'] };
}

const MAPPINGS = [
  `mutation { defineEventMapping(input: { event: "Item Purchased", stream: OUTCOMES, type: "purchase", valueProperty: "revenue" }) { event } }`,
  `mutation { defineEventMapping(input: { event: "Product Purchased new", stream: OUTCOMES, type: "purchase" }) { event } }`,
  `mutation { defineEventMapping(input: { event: "Song Played", stream: SIGNALS, type: "song_played" }) { event } }`,
  `mutation { defineEventMapping(input: { event: "Order Completed", stream: OUTCOMES, type: "purchase", valueProperty: "revenue", orderIdProperty: "order_id" }) { event stream type valueProperty orderIdProperty } }`,
  `mutation { defineEventMapping(input: { event: "Cart Abandoned", stream: SIGNALS, type: "cart_abandoned" }) { event } }`,
];

/** The six documented bodies, each to its call. */
const DOCUMENTED: [string, unknown][] = [
  ['identify', segmentIdentify],
  ['track', segmentTrack],
  ['batch', segmentBatch],
  ['identify', rudderstackIdentify],
  ['track', rudderstackTrack],
  ['batch', rudderstackBatch],
];

interface TimelineEntry {
  at: string;
  kind: string;
  id: string;
  type: string;
  value: number | null;
  detail: Record<string, unknown>;
}

describe('the Segment-compatible endpoint (inline mode, embedded store)', () => {
  let api: ApiProcess;
  let dataDir: string;
  let key: string;
  let auth: string;

  const stored = () => storedRows(api.url, key);
  const unmapped = async () => {
    const data = await gqlData<{
      unmappedEvents: {
        type: string;
        event: string | null;
        messages: number;
        mappedNow: boolean;
      }[];
    }>(api.url, key, '{ unmappedEvents { type event messages mappedNow } }');
    return data.unmappedEvents;
  };
  const timeline = async (personId: string) =>
    (
      await gqlData<{ personTimeline: TimelineEntry[] }>(
        api.url,
        key,
        'query($p: ID!) { personTimeline(personId: $p) { at kind id type value detail } }',
        { p: personId },
      )
    ).personTimeline;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'causeway-segment-'));
    api = await startApi({ CAUSEWAY_DATA_DIR: dataDir });
    key = await mintKey(api.url, api.adminKey, 'seg', ['INGEST', 'READ', 'ERASE']);
    auth = basic(key);
  });
  afterAll(async () => {
    await api?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes the key as HTTP Basic user name, and needs the INGEST scope', async () => {
    const readOnly = await mintKey(api.url, api.adminKey, 'seg', ['READ']);
    expect((await postSegment(api.url, basic(readOnly), 'identify', segmentIdentify)).body).toEqual(
      expect.objectContaining({ error: 'AUTH_FORBIDDEN' }),
    );
    expect((await postSegment(api.url, undefined, 'track', segmentTrack)).status).toBe(401);
    expect(
      (await postSegment(api.url, basic('not-a-key-at-all-x'), 'track', segmentTrack)).status,
    ).toBe(401);
    // nothing of the refused calls was kept
    expect(await unmapped()).toEqual([]);
  });

  it('defines mapping rules and lists them', async () => {
    for (const mutation of MAPPINGS) {
      await gqlData(api.url, key, mutation);
    }
    const { eventMappings } = await gqlData<{
      eventMappings: { event: string; stream: string; type: string | null }[];
    }>(api.url, key, '{ eventMappings { event stream type } }');
    expect(eventMappings).toEqual([
      { event: 'Cart Abandoned', stream: 'SIGNALS', type: 'cart_abandoned' },
      { event: 'Item Purchased', stream: 'OUTCOMES', type: 'purchase' },
      { event: 'Order Completed', stream: 'OUTCOMES', type: 'purchase' },
      { event: 'Product Purchased new', stream: 'OUTCOMES', type: 'purchase' },
      { event: 'Song Played', stream: 'SIGNALS', type: 'song_played' },
    ]);
    const refused = await graphql(
      api.url,
      key,
      'mutation { defineEventMapping(input: { event: "Email Opened", stream: EXPOSURES, type: "opened" }) { event } }',
    );
    expect(refused.errors?.[0]?.message).toBe(
      'input.fieldProperties: the exposures stream needs firing_id: name the property that carries it (fieldProperties) or give it (fixedFields)',
    );
  });

  it("replays Segment's and RudderStack's documented bodies: mapped, kept, and the second time stored once", async () => {
    const answers = [];
    for (const [call, body] of DOCUMENTED) {
      const reply = await postSegment(api.url, auth, call, body);
      expect([call, reply.status, reply.body.success]).toEqual([call, 200, true]);
      answers.push([reply.body.messages, reply.body.mapped, reply.body.kept, reply.body.rejected]);
    }
    // [messages, mapped, kept, rejected] per body, counted by hand from the documents
    expect(answers).toEqual([
      [1, 0, 1, 0], // Segment identify
      [1, 1, 0, 0], // Segment track "Item Purchased" → outcome
      [4, 2, 2, 0], // Segment batch: 2 × "Song Played" → signals, 2 identify kept
      [1, 0, 1, 0], // RudderStack identify
      [1, 1, 0, 0], // RudderStack track "Product Purchased new" → outcome
      [6, 1, 5, 0], // RudderStack batch: its track → outcome; identify, page, screen, group, alias kept
    ]);
    const first = await stored();
    // No documented example has a messageId: each message's id is derived from its JSON, so the
    // RudderStack track call and the batch's track item (which adds "type") are two outcomes.
    expect(first).toEqual({
      signals: 2,
      triggers: 0,
      firings: 0,
      exposures: 0,
      outcomes: 3,
      consent: 0,
    });
    const kept = [
      { type: 'identify', event: null, messages: 5, mappedNow: false },
      { type: 'alias', event: null, messages: 1, mappedNow: false },
      { type: 'group', event: null, messages: 1, mappedNow: false },
      { type: 'page', event: 'Page View', messages: 1, mappedNow: false },
      { type: 'screen', event: 'Screen View', messages: 1, mappedNow: false },
    ];
    expect(await unmapped()).toEqual(kept);
    for (const [call, body] of DOCUMENTED) {
      expect((await postSegment(api.url, auth, call, body)).body.success).toBe(true);
    }
    expect(await stored()).toEqual(first);
    expect(await unmapped()).toEqual(kept);
  });

  it("maps the documented calls' fields: person, time as given, type, value, properties", async () => {
    const peter = await timeline('019mr8mf4r');
    expect(peter.map((e) => [e.at, e.kind, e.type])).toEqual([
      ['2012-12-02T00:30:12.984Z', 'signal', 'song_played'],
      ['2012-12-02T00:30:12.984Z', 'outcome', 'purchase'],
    ]);
    const song = peter.find((e) => e.kind === 'signal')!;
    expect(song.detail).toEqual(
      expect.objectContaining({
        source: 'segment',
        properties: { name: 'Fallin for You', artist: 'Dierks Bentley' },
      }),
    );
    const purchase = peter.find((e) => e.kind === 'outcome')!;
    expect(purchase.id).toMatch(/^derived-[0-9a-f]{32}$/);
    expect([purchase.value, purchase.detail.class]).toEqual([14.99, 'success']);
    // "2015-2-02T00:30:12.984Z" as the document writes it
    expect((await timeline('971mj8mk7p')).map((e) => [e.at, e.type])).toEqual([
      ['2015-02-02T00:30:12.984Z', 'song_played'],
    ]);
    const rudder = await timeline('identified user id');
    expect(rudder.map((e) => [e.at, e.type, e.value])).toEqual([
      ['2020-02-02T00:23:09.544Z', 'purchase', 4.99],
      ['2020-02-02T00:23:09.544Z', 'purchase', 4.99],
    ]);
  });

  it('stores a messageId once: repeated in a batch, sent again, and after a restart', async () => {
    const order = {
      type: 'track',
      messageId: 'dup-1',
      userId: 'dedupe-person',
      event: 'Order Completed',
      properties: { revenue: 12, order_id: 'A-1' },
      timestamp: '2026-10-05T09:00:00Z',
    };
    const identify = { type: 'identify', messageId: 'dup-2', userId: 'dedupe-person' };
    const batch = { batch: [order, order, identify, { ...identify, traits: { plan: 'pro' } }] };
    const reply = await postSegment(api.url, auth, 'batch', batch);
    expect(reply.body).toEqual(
      expect.objectContaining({ messages: 4, mapped: 2, kept: 2, rejected: 0, duplicates: 2 }),
    );
    const before = await stored();
    const keptBefore = await unmapped();
    expect((await postSegment(api.url, auth, 'batch', batch)).body.duplicates).toBe(2);
    expect(await stored()).toEqual(before);
    expect(await unmapped()).toEqual(keptBefore);

    // the same data directory, a new process: the store remembers every messageId
    await api.stop();
    api = await startApi({ CAUSEWAY_DATA_DIR: dataDir });
    expect((await postSegment(api.url, auth, 'batch', batch)).status).toBe(200);
    expect(await stored()).toEqual(before);
    expect(await unmapped()).toEqual(keptBefore);
    const outcomes = (await timeline('dedupe-person')).filter((e) => e.kind === 'outcome');
    expect(outcomes.map((e) => [e.id, e.value, e.detail.order_id])).toEqual([['dup-1', 12, 'A-1']]);
  });

  it("corrects device clocks by Segment's rule: receivedAt − (sentAt − timestamp)", async () => {
    // A phone whose clock runs 3 h slow queued three events and sent them at 07:02:30.500 on its
    // own clock; each event's time is the arrival time minus its own lead over the send.
    const body = {
      sentAt: '2026-10-06T07:02:30.500Z',
      batch: [
        {
          type: 'track',
          messageId: 'skew-1',
          userId: 'skewed-phone',
          event: 'Order Completed',
          properties: { revenue: 5 },
          timestamp: '2026-10-06T07:00:00.000Z', // 150,500 ms before the send
        },
        {
          type: 'track',
          messageId: 'skew-2',
          userId: 'skewed-phone',
          event: 'Cart Abandoned',
          originalTimestamp: '2026-10-06T06:59:00.250Z', // 210,250 ms before this item's send
          timestamp: '2026-10-06T01:00:00Z', // ignored: originalTimestamp is the device clock
          sentAt: '2026-10-06T07:02:30.500Z',
        },
        {
          type: 'track',
          messageId: 'skew-3',
          userId: 'skewed-phone',
          event: 'Wishlist Viewed',
          timestamp: '2026-10-06T07:02:00.000Z', // 30,500 ms before the send; kept unmapped
        },
        {
          type: 'track',
          messageId: 'skew-4',
          userId: 'skewed-phone',
          event: 'Order Completed',
          properties: { revenue: 6 },
          timestamp: '2026-10-01T12:00:00.000Z',
          sentAt: null, // null is absent: the batch's sentAt stands
        },
      ],
    };
    const reply = await postSegment(api.url, auth, 'batch', body);
    expect(reply.body).toEqual(expect.objectContaining({ mapped: 3, kept: 1 }));
    const receivedAt = Date.parse(reply.body.receivedAt!);
    const entries = await timeline('skewed-phone');
    const at = (id: string) => entries.find((e) => e.id === id)?.at;
    expect(at('skew-1')).toBe(new Date(receivedAt - 150_500).toISOString());
    expect(at('skew-2')).toBe(new Date(receivedAt - 210_250).toISOString());
    // 07:02:30.500 − 12:00 on 10-01 = 4 d 19 h 2 min 30.5 s = 414,150,500 ms
    expect(at('skew-4')).toBe(new Date(receivedAt - 414_150_500).toISOString());
    // the signals stream corrected skew itself from the device times, at the same arrival time
    const signal = entries.find((e) => e.id === 'skew-2')!;
    expect(signal.detail.received_at).toBe(reply.body.receivedAt);
  });

  it('corrects a device clock reset to 1970, and refuses alone a message left outside 2000–2100', async () => {
    // a phone whose clock restarted at the epoch sent its batch 5 min 10 s after
    const track = (messageId: string, event: string, timestamp: string) => ({
      type: 'track',
      messageId,
      userId: 'epoch-phone',
      event,
      timestamp,
    });
    const reply = await postSegment(api.url, auth, 'batch', {
      sentAt: '1970-01-01T00:05:10.000Z',
      batch: [
        track('epoch-1', 'Cart Abandoned', '1970-01-01T00:05:00.000Z'), // a signal, 10 s before
        track('epoch-2', 'Order Completed', '1970-01-01T00:04:00.000Z'), // an outcome, 70 s before
        track('epoch-3', 'Wishlist Viewed', '1970-01-01T00:05:05.000Z'), // kept, 5 s before
      ],
    });
    expect([reply.status, reply.body.mapped, reply.body.kept]).toEqual([200, 2, 1]);
    const receivedAt = Date.parse(reply.body.receivedAt!);
    const entries = await timeline('epoch-phone');
    const at = (id: string) => entries.find((e) => e.id === id)?.at;
    expect([at('epoch-1'), at('epoch-2')]).toEqual([
      new Date(receivedAt - 10_000).toISOString(),
      new Date(receivedAt - 70_000).toISOString(),
    ]);
    // without sentAt a 1970 time is taken as given, which no year stored holds: that message
    // alone is refused, mapped or kept, and the rest of its call stored
    const alone = await postSegment(api.url, auth, 'batch', {
      batch: [
        track('epoch-4', 'Wishlist Viewed', '1970-01-01T00:05:00.000Z'),
        track('epoch-5', 'Cart Abandoned', '1970-01-01T00:05:00.000Z'),
        track('epoch-6', 'Wishlist Viewed', '2026-10-06T07:00:00.000Z'),
      ],
    });
    expect([alone.status, alone.body.mapped, alone.body.kept, alone.body.rejected]).toEqual([
      200, 0, 1, 2,
    ]);
    expect(alone.body.errors!.map((e) => e.item).sort()).toEqual([0, 1]);
    // both are kept for repair, as every refused line is: the mapped one as its stream's row,
    // the one no rule maps as the message sent, under the door's name
    const { rejectedRows } = await gqlData<{
      rejectedRows: { stream: string; line: number; field: string; reason: string; raw: string }[];
    }>(api.url, key, '{ rejectedRows { stream line field reason raw } }');
    const refused = rejectedRows
      .filter((r) => /"epoch-[45]"/.test(r.raw))
      .sort((a, b) => a.line - b.line);
    expect(refused.map((r) => [r.stream, r.line])).toEqual([
      ['segment', 1],
      ['signals', 2],
    ]);
    expect(refused[0].field).toBe('timestamp');
    expect(refused[0].reason).toBe(
      'the event time (corrected for clock skew when sentAt is given) must fall in the years 2000–2100 (UTC)',
    );
    expect(JSON.parse(refused[0].raw)).toEqual(
      track('epoch-4', 'Wishlist Viewed', '1970-01-01T00:05:00.000Z'),
    );
  });

  it('opens REJECTED_ROWS when over 1% of the messages no rule maps are refused', async () => {
    const own = await mintKey(api.url, api.adminKey, 'seg-refusals', ['INGEST', 'READ']);
    const identify = (i: number, timestamp: string) => ({
      type: 'identify',
      messageId: `who-${i}`,
      userId: `visitor-${i}`,
      traits: { plan: 'free' },
      timestamp,
    });
    // 150 kept, 2 whose time no stored year holds: 2 of 152 lines refused, 1.3%
    const reply = await postSegment(api.url, basic(own), 'batch', {
      batch: [
        ...Array.from({ length: 150 }, (_, i) => identify(i, '2026-10-06T07:00:00.000Z')),
        identify(150, '1970-01-01T00:05:00.000Z'),
        identify(151, '1970-01-01T00:05:00.000Z'),
      ],
    });
    expect([reply.body.kept, reply.body.rejected]).toEqual([150, 2]);
    const { evaluateAlerts } = await gqlData<{
      evaluateAlerts: { kind: string; subject: string; evidence: Record<string, unknown> }[];
    }>(
      api.url,
      own,
      'mutation($at: DateTime) { evaluateAlerts(asOf: $at) { kind subject evidence } }',
      { at: new Date(Date.now() + 1_000).toISOString() },
    );
    expect(evaluateAlerts).toEqual([
      {
        kind: 'REJECTED_ROWS',
        subject: 'segment',
        evidence: { stream: 'segment', accepted: 150, rejected: 2, rejectedShare: 2 / 152 },
      },
    ]);
  });

  it('tells apart the same call without messageId or time sent at two moments', async () => {
    // a server-side caller's daily call: no id and no time, so it happened when it arrived, and
    // the next day's is another event; a call that states its time is one event however often sent
    const login = { userId: 'daily-user', event: 'Order Completed', properties: { revenue: 1 } };
    const dated = { ...login, userId: 'dated-user', timestamp: '2026-10-06T07:00:00.000Z' };
    for (let i = 0; i < 2; i += 1) {
      expect((await postSegment(api.url, auth, 'track', login)).body.mapped).toBe(1);
      expect((await postSegment(api.url, auth, 'track', dated)).body.mapped).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect((await timeline('daily-user')).length).toBe(2);
    expect((await timeline('dated-user')).length).toBe(1);
  });

  it('counts mapped outcomes in the lift report', async () => {
    const trigger = {
      trigger_id: 'seg-cart',
      name: 'Cart recovery push',
      channel: 'push',
      surface: 'lockscreen',
      audience: 'app users',
      signal_types: ['cart_abandoned'],
      window_ms: 3_600_000,
      success_types: ['purchase'],
      holdout_pct: 0.5,
      conversion_window_ms: 7 * 86_400_000,
      frequency_cap: { max: 2, per_ms: 86_400_000 },
      suppression: { converted_lookback_ms: 86_400_000 },
      consent_purpose: 'marketing',
      guardrail_types: ['unsubscribe'],
      status: 'live',
    };
    expect(
      (await postIngest(api.url, key, 'triggers', JSON.stringify(trigger))).body.accepted,
    ).toBe(1);
    const persons = ['t1', 't2', 't3', 't4', 'h1', 'h2', 'h3', 'h4'];
    const firings = persons.map((person) =>
      JSON.stringify({
        firing_id: `fire-${person}`,
        trigger_id: 'seg-cart',
        person_id: `lift-${person}`,
        decided_at: '2026-10-10T10:00:00Z',
        arm: person.startsWith('t') ? 'treatment' : 'holdout',
      }),
    );
    expect((await postIngest(api.url, key, 'firings', firings.join('\n'))).body.accepted).toBe(8);
    const order = (person: string, revenue: number, timestamp: string) => ({
      type: 'track',
      messageId: `order-${person}-${timestamp}`,
      userId: `lift-${person}`,
      event: 'Order Completed',
      properties: { revenue, order_id: `o-${person}`, currency: 'EUR' },
      timestamp,
    });
    const lift = async () =>
      (
        await gqlData<{
          liftReport: {
            triggerId: string;
            treatment: { persons: number; conversions: number; rate: number; revenue: number };
            holdout: { persons: number; conversions: number; rate: number; revenue: number };
          }[];
        }>(
          api.url,
          key,
          `query { liftReport(from: "2026-10-01T00:00:00Z", to: "2026-10-31T00:00:00Z", triggerIds: ["seg-cart"]) {
             triggerId treatment { persons conversions rate revenue } holdout { persons conversions rate revenue } } }`,
        )
      ).liftReport;
    // asked before the orders arrive (and kept by the answer cache): no conversions yet
    expect((await lift())[0].treatment.conversions).toBe(0);
    const reply = await postSegment(api.url, auth, 'batch', {
      batch: [
        order('t1', 30, '2026-10-11T10:00:00Z'),
        order('t2', 20, '2026-10-12T10:00:00Z'),
        order('t3', 10, '2026-10-16T10:00:00Z'),
        order('t4', 99, '2026-10-18T10:00:01Z'), // after the 7-day window: not a conversion
        order('h1', 50, '2026-10-13T10:00:00Z'),
        order('h2', 40, '2026-10-09T10:00:00Z'), // before the firing: not a conversion
      ],
    });
    expect(reply.body.mapped).toBe(6);
    // by hand: t1, t2, t3 convert within (10-10 10:00, 10-17 10:00]; of the holdout only h1
    expect(await lift()).toEqual([
      {
        triggerId: 'seg-cart',
        treatment: { persons: 4, conversions: 3, rate: 0.75, revenue: 60 },
        holdout: { persons: 4, conversions: 1, rate: 0.25, revenue: 50 },
      },
    ]);
  });

  it('refuses a body that is not Segment with 400, naming the field and the batch item', async () => {
    const before = await stored();
    const bad = await postSegment(api.url, auth, 'batch', {
      batch: [
        { type: 'track', userId: 'u', event: 'Order Completed', properties: { revenue: 1 } },
        { type: 'track', userId: 'u' },
        { type: 'identify', traits: {} },
        { type: 'track', anonymousId: 'a', event: 'E', timestamp: 'next tuesday' },
        { type: 'visit', userId: 'u' },
      ],
    });
    expect(bad).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: 'SEGMENT_INVALID_BODY',
        message:
          'not a Segment message; nothing was stored: batch[1].event: required for a track call (the event name, e.g. "Order Completed"); batch[2].userId: a userId or an anonymousId is required; batch[3].timestamp: expected an ISO-8601 timestamp with offset or epoch milliseconds; batch[4].type: "visit" is not one of track, identify, page, screen, group, alias',
      },
    });
    const single = await postSegment(api.url, auth, 'track', { userId: 'u', event: 42 });
    expect([single.status, single.body.message]).toEqual([
      400,
      'not a Segment message; nothing was stored: event: expected a string',
    ]);
    const notJson = await postSegment(api.url, auth, 'identify', '{"userId": "u",');
    expect([notJson.status, notJson.body.error]).toEqual([400, 'SEGMENT_INVALID_BODY']);
    expect(notJson.body.message).toMatch(/^the body is not JSON \(/);
    // Latin-1's é: refused, where it was stored as U+FFFD
    const latin1 = Buffer.concat([
      Buffer.from('{"userId":"u","event":"Caf'),
      Buffer.from([0xe9, 0x22, 0x7d]),
    ]);
    expect(await postSegment(api.url, auth, 'track', latin1)).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: 'SEGMENT_INVALID_BODY',
        message: 'the body is not valid UTF-8 (JSON is sent as UTF-8); nothing was stored',
      },
    });
    // a byte-order mark is read past: the body is then checked as any other
    const withBom = await postSegment(api.url, auth, 'track', '\ufeff{"userId":"u","event":42}');
    expect([withBom.status, withBom.body.message]).toEqual([
      400,
      'not a Segment message; nothing was stored: event: expected a string',
    ]);
    const unknownCall = await postSegment(api.url, auth, 'purchase', { userId: 'u' });
    expect([unknownCall.status, unknownCall.body.message]).toEqual([
      404,
      'unknown call "purchase" (expected one of track, identify, page, screen, group, alias, batch)',
    ]);
    expect(await stored()).toEqual(before);
  });

  it('keeps a mapped row the stream refuses in rejectedRows, naming the item, and stores the rest', async () => {
    const reply = await postSegment(api.url, auth, 'batch', {
      batch: [
        {
          type: 'track',
          messageId: 'bad-value',
          userId: 'rejecting-person',
          event: 'Order Completed',
          properties: { revenue: 'a lot' },
          timestamp: '2026-10-07T10:00:00Z',
        },
        {
          type: 'track',
          messageId: 'good-value',
          userId: 'rejecting-person',
          event: 'Order Completed',
          properties: { revenue: '19.99' },
          timestamp: '2026-10-07T10:00:00Z',
        },
      ],
    });
    expect(reply.body).toEqual(
      expect.objectContaining({
        success: true,
        messages: 2,
        mapped: 1,
        rejected: 1,
        errors: [
          {
            item: 0,
            field: 'outcomes.value',
            message: 'expected a finite number or a decimal string such as "19.99"',
          },
        ],
      }),
    );
    const { rejectedRows } = await gqlData<{
      rejectedRows: { stream: string; line: number; field: string; raw: string }[];
    }>(api.url, key, '{ rejectedRows(stream: OUTCOMES) { stream line field raw } }');
    expect(rejectedRows).toHaveLength(1);
    expect(rejectedRows[0]).toEqual(
      expect.objectContaining({ stream: 'outcomes', line: 1, field: 'value' }),
    );
    expect(JSON.parse(rejectedRows[0].raw)).toEqual(
      expect.objectContaining({ outcome_id: 'bad-value', value: 'a lot' }),
    );
    const outcomes = (await timeline('rejecting-person')).map((e) => [e.id, e.value]);
    expect(outcomes).toEqual([['good-value', 19.99]]);
  });

  it('corrects a replayed message against its own receivedAt, mapped now or kept and mapped later', async () => {
    // Replayed from Segment's archive: the phone stamped the event at 07:59:00 and sent it at
    // 08:00:00 by its own clock, and Segment received it at 08:00:10 on 2022-03-01. The event
    // happened 60 s before that, at 07:59:10, whatever day the replay runs.
    const replayed = (messageId: string, event: string) => ({
      type: 'track',
      messageId,
      userId: 'replayed-phone',
      event,
      properties: { revenue: 7 },
      originalTimestamp: '2022-03-01T07:59:00.000Z',
      sentAt: '2022-03-01T08:00:00.000Z',
      receivedAt: '2022-03-01T08:00:10.000Z',
    });
    const reply = await postSegment(api.url, auth, 'batch', {
      batch: [
        replayed('replay-1', 'Cart Abandoned'), // a signal: corrected by the stream itself
        replayed('replay-2', 'Order Completed'), // an outcome: corrected by the endpoint
        replayed('replay-3', 'Replay Viewed'), // no rule yet: kept
      ],
    });
    expect(reply.body).toEqual(expect.objectContaining({ mapped: 2, kept: 1, rejected: 0 }));
    await gqlData(
      api.url,
      key,
      'mutation { defineEventMapping(input: { event: "Replay Viewed", stream: SIGNALS, type: "replay_viewed" }) { event } }',
    );
    await gqlData(api.url, key, 'mutation { mapKeptEvents(event: "Replay Viewed") { mapped } }');
    const entries = await timeline('replayed-phone');
    const rows = [...entries]
      .sort((x, y) => x.id.localeCompare(y.id))
      .map((e) => [e.id, e.at, e.detail.collected_at ?? null]);
    expect(rows).toEqual([
      ['replay-1', '2022-03-01T07:59:10.000Z', '2022-03-01T08:00:10.000Z'],
      ['replay-2', '2022-03-01T07:59:10.000Z', null], // outcomes have no collected_at
      ['replay-3', '2022-03-01T07:59:10.000Z', '2022-03-01T08:00:10.000Z'],
    ]);
  });

  it('maps the messages kept before their rule existed, once', async () => {
    const viewed = (n: number) => ({
      type: 'track',
      messageId: `viewed-${n}`,
      anonymousId: `visitor-${n}`,
      event: 'Product Viewed',
      properties: { sku: `sku-${n}` },
      timestamp: `2026-10-08T10:00:0${n}Z`,
    });
    expect(
      (await postSegment(api.url, auth, 'batch', { batch: [viewed(1), viewed(2)] })).body.kept,
    ).toBe(2);
    const signalsBefore = (await stored()).signals;
    await gqlData(
      api.url,
      key,
      'mutation { defineEventMapping(input: { event: "Product Viewed", stream: SIGNALS, type: "product_viewed" }) { event } }',
    );
    expect((await unmapped()).find((u) => u.event === 'Product Viewed')).toEqual({
      type: 'track',
      event: 'Product Viewed',
      messages: 2,
      mappedNow: true,
    });
    const mapKept =
      'mutation { mapKeptEvents(event: "Product Viewed") { event messages mapped rejected } }';
    expect(await gqlData(api.url, key, mapKept)).toEqual({
      mapKeptEvents: { event: 'Product Viewed', messages: 2, mapped: 2, rejected: 0 },
    });
    expect((await stored()).signals).toBe(signalsBefore + 2);
    expect((await unmapped()).find((u) => u.event === 'Product Viewed')).toBeUndefined();
    expect(await gqlData(api.url, key, mapKept)).toEqual({
      mapKeptEvents: { event: 'Product Viewed', messages: 0, mapped: 0, rejected: 0 },
    });
    const visitor = await timeline('visitor-2');
    expect(visitor.map((e) => [e.at, e.id, e.type, e.detail.properties])).toEqual([
      ['2026-10-08T10:00:02.000Z', 'viewed-2', 'product_viewed', { sku: 'sku-2' }],
    ]);
  });

  it('reads a gzip body at the path an SDK given /v1/segment as host posts to, and page calls', async () => {
    const body = gzipSync(
      JSON.stringify({
        batch: [{ type: 'identify', messageId: 'zipped-1', userId: 'zip-person' }],
        sentAt: new Date().toISOString(),
      }),
    );
    const reply = await postSegment(api.url, auth, 'v1/batch', body, {
      'content-encoding': 'gzip',
    });
    expect([reply.status, reply.body.kept]).toEqual([200, 1]);
    const brotli = await postSegment(
      api.url,
      auth,
      'batch',
      brotliCompressSync(
        JSON.stringify({ batch: [{ type: 'identify', messageId: 'br-1', userId: 'zip-person' }] }),
      ),
      { 'content-encoding': 'br' },
    );
    expect([brotli.status, brotli.body.kept]).toEqual([200, 1]);
    const unread = await postSegment(api.url, auth, 'batch', body, { 'content-encoding': 'zstd' });
    expect([unread.status, unread.body.error]).toEqual([415, 'INGEST_UNSUPPORTED_ENCODING']);
    const page = await postSegment(api.url, auth, 'page', {
      messageId: 'page-1',
      userId: 'zip-person',
      name: 'Home',
    });
    expect([page.status, page.body.kept]).toEqual([200, 1]);
    expect((await unmapped()).find((u) => u.type === 'page' && u.event === 'Home')?.messages).toBe(
      1,
    );
  });

  it("erases a person's kept messages, and refuses their later ones", async () => {
    await postSegment(api.url, auth, 'identify', {
      messageId: 'erase-me-1',
      userId: 'erase-me',
      traits: { email: 'erase-me@example.com' },
    });
    const { erasePerson } = await gqlData<{ erasePerson: { rowsDeleted: Record<string, number> } }>(
      api.url,
      key,
      'mutation { erasePerson(personId: "erase-me") { rowsDeleted } }',
    );
    expect(erasePerson.rowsDeleted.segment_unmapped).toBe(1);
    const again = await postSegment(api.url, auth, 'identify', {
      messageId: 'erase-me-2',
      userId: 'erase-me',
    });
    expectRefusedAsErased(again, 'userId');
    // named only as the anonymousId, beside another person's userId: refused as well, whether a
    // rule maps the message (its row would be filed under the userId) or it would be kept
    const beside = await postSegment(api.url, auth, 'batch', {
      batch: [
        { type: 'identify', messageId: 'erase-me-3', userId: 'signed-in', anonymousId: 'erase-me' },
        {
          type: 'track',
          event: 'Song Played',
          messageId: 'erase-me-4',
          userId: 'signed-in',
          anonymousId: 'erase-me',
        },
        { type: 'identify', messageId: 'kept-5', userId: 'signed-in', anonymousId: 'visitor-5' },
      ],
    });
    expect(beside.body).toEqual(
      expect.objectContaining({
        mapped: 0,
        kept: 1,
        rejected: 2,
        errors: [
          { item: 0, field: 'anonymousId', message: 'erased' },
          { item: 1, field: 'anonymousId', message: 'erased' },
        ],
      }),
    );
    // an alias merging the person's identity into another's names them by previousId
    const alias = await postSegment(api.url, auth, 'alias', {
      messageId: 'erase-me-6',
      userId: 'signed-in',
      previousId: 'erase-me',
    });
    expectRefusedAsErased(alias, 'previousId');
    const unrelated = await postSegment(api.url, auth, 'alias', {
      messageId: 'kept-7',
      userId: 'signed-in',
      previousId: 'visitor-7',
    });
    expect(unrelated.body).toEqual(expect.objectContaining({ kept: 1, rejected: 0 }));
  });
});
