import { describe, expect, it } from '@jest/globals';
import { IngestLimitError } from '../ingest/index.js';
import { rudderstackBatch, rudderstackTrack } from '../../test/fixtures/rudderstack-http-api.js';
import {
  segmentBatch,
  segmentIdentify,
  segmentTrack,
} from '../../test/fixtures/segment-http-api.js';
import { bodyJson, readSegmentBody, type SegmentMessage } from './messages.js';

const options = { maxMessages: 100, maxFieldChars: 4096, receivedAt: Date.UTC(2026, 9, 1) };
const at = (iso: string) => Date.parse(iso);

function messagesOf(...args: Parameters<typeof readSegmentBody>): SegmentMessage[] {
  const read = readSegmentBody(...args);
  if ('problems' in read) {
    throw new Error(JSON.stringify(read.problems));
  }
  return read.messages;
}

describe("reading Segment's documented bodies", () => {
  it('reads the track example: event, person, properties and the time as given', () => {
    const [message] = messagesOf('track', segmentTrack, options);
    expect(message).toMatchObject({
      index: 0,
      type: 'track',
      event: 'Item Purchased',
      personId: '019mr8mf4r',
      properties: { name: 'Leap to Conclusions Mat', revenue: 14.99 },
      clock: { timestamp: at('2012-12-02T00:30:12.984Z') },
    });
    expect(JSON.parse(message.raw)).toEqual(segmentTrack);
  });

  it('reads the identify example with its traits as properties', () => {
    const [message] = messagesOf('identify', segmentIdentify, options);
    expect(message).toMatchObject({ type: 'identify', event: '', personId: '019mr8mf4r' });
    expect(message.properties).toEqual(segmentIdentify.traits);
  });

  it('reads the batch example, its "2015-2-02" dates as zero-padded', () => {
    const messages = messagesOf('batch', segmentBatch, options);
    expect(messages.map((m) => [m.type, m.event, m.personId, m.clock.timestamp])).toEqual([
      ['identify', '', '019mr8mf4r', at('2012-12-02T00:30:08.276Z')],
      ['track', 'Song Played', '019mr8mf4r', at('2012-12-02T00:30:12.984Z')],
      ['identify', '', '971mj8mk7p', at('2015-02-02T00:30:08.276Z')],
      ['track', 'Song Played', '971mj8mk7p', at('2015-02-02T00:30:12.984Z')],
    ]);
  });

  it('derives a stable messageId from the JSON when none is sent', () => {
    const first = messagesOf('batch', segmentBatch, options).map((m) => m.messageId);
    const again = messagesOf('batch', structuredClone(segmentBatch), options).map(
      (m) => m.messageId,
    );
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(4);
    expect(first[0]).toMatch(/^derived-[0-9a-f]{32}$/);
    const sent = messagesOf('track', { ...segmentTrack, messageId: 'm-1' }, options);
    expect(sent[0].messageId).toBe('m-1');
  });

  // A retry is stamped anew as it is sent (sentAt), and a replay carries Segment's receivedAt
  // and the library's _metadata: none of them says what happened.
  const retried = {
    type: 'track',
    event: 'Order Completed',
    userId: 'u1',
    properties: { order_id: 'A-1' },
    timestamp: '2024-05-01T10:00:00Z',
    sentAt: '2024-05-01T10:00:01Z',
  };
  it.each([
    ['a later sentAt', true, { sentAt: '2024-05-01T10:05:00Z' }],
    ['no sentAt', true, { sentAt: undefined }],
    ['a receivedAt', true, { receivedAt: '2024-05-01T10:05:02Z' }],
    ['other _metadata', true, { _metadata: { bundled: ['Segment.io'], unbundled: [] } }],
    ['another timestamp', false, { timestamp: '2024-05-01T10:00:02Z' }],
    ['other properties', false, { properties: { order_id: 'A-2' } }],
    ['another person', false, { userId: 'u2' }],
  ])('a copy with %s derives the same messageId: %s', (_, same, change) => {
    const [first, copy] = messagesOf(
      'batch',
      { batch: [retried, { ...retried, ...change }] },
      options,
    ).map((m) => m.messageId);
    expect(first === copy).toBe(same);
  });

  it("reads RudderStack's batch: six types, the userId before the anonymousId", () => {
    const messages = messagesOf('batch', rudderstackBatch, options);
    expect(messages.map((m) => [m.type, m.event, m.personId])).toEqual([
      ['identify', '', 'identified user id'],
      ['track', 'Product Purchased new', 'identified user id'],
      ['page', 'Page View', 'identified user id'],
      ['screen', 'Screen View', 'identified user id'],
      ['group', '', 'user123'],
      ['alias', '', 'user123'],
    ]);
    const [track] = messagesOf('track', rudderstackTrack, options);
    expect(track.properties).toEqual({ name: 'Shirt', revenue: 4.99 });
  });

  it('names the persons a message names besides its own: an anonymousId beside, a previousId', () => {
    const body = {
      batch: [
        { type: 'alias', userId: 'u1', previousId: 'a1' },
        { type: 'alias', userId: 'u1', anonymousId: 'a2', previousId: 42 },
        { type: 'track', event: 'A', anonymousId: 'a3' },
        { type: 'alias', userId: 'u1', previousId: { not: 'an id' } },
      ],
    };
    expect(messagesOf('batch', body, options).map((m) => m.namedBeside)).toEqual([
      [{ field: 'previousId', id: 'a1' }],
      [
        { field: 'anonymousId', id: 'a2' },
        { field: 'previousId', id: '42' },
      ],
      [],
      [],
    ]);
  });

  it("gives a batch's own sentAt to the items that carry none", () => {
    const body = {
      sentAt: '2024-05-01T10:00:00Z',
      batch: [
        { type: 'track', event: 'A', anonymousId: 'a1', timestamp: '2024-05-01T09:59:00Z' },
        { type: 'track', event: 'B', anonymousId: 'a1', sentAt: '2024-05-01T10:00:30+00:00' },
      ],
    };
    expect(messagesOf('batch', body, options).map((m) => m.clock.sentAt)).toEqual([
      at('2024-05-01T10:00:00Z'),
      at('2024-05-01T10:00:30Z'),
    ]);
  });
});

describe('reading a replay from a warehouse', () => {
  it("reads its times as the warehouse wrote them: BigQuery's UTC, a space before the offset", () => {
    const body = {
      sentAt: '2024-05-01 03:00:00.000 -0700',
      batch: [
        {
          type: 'track',
          event: 'A',
          anonymousId: 'a1',
          timestamp: '2024-05-01 09:59:00.123456 UTC',
          originalTimestamp: '2024-05-01 11:58:30 +02:00',
          receivedAt: '2024-05-01 10:00:01 UTC',
        },
        { type: 'track', event: 'B', anonymousId: 'a1', sentAt: '2024-05-01 12:00:30 +0200' },
      ],
    };
    expect(messagesOf('batch', body, options).map((m) => m.clock)).toEqual([
      {
        timestamp: at('2024-05-01T09:59:00.123Z'),
        originalTimestamp: at('2024-05-01T09:58:30.000Z'),
        sentAt: at('2024-05-01T10:00:00.000Z'),
        receivedAt: at('2024-05-01T10:00:01.000Z'),
      },
      {
        timestamp: undefined,
        originalTimestamp: undefined,
        sentAt: at('2024-05-01T10:00:30.000Z'),
        receivedAt: undefined,
      },
    ]);
  });

  it('refuses a time without its zone, or with a zone name other than UTC', () => {
    const body = {
      batch: [
        { type: 'track', event: 'A', userId: 'u1', timestamp: '2024-05-01 10:00:00.123456' },
        { type: 'track', event: 'A', userId: 'u1', timestamp: '2024-05-01 10:00:00 GMT' },
      ],
    };
    expect(readSegmentBody('batch', body, options)).toEqual({
      problems: [
        {
          path: 'batch[0].timestamp',
          message: 'timestamp has no UTC offset; add Z or ±hh:mm (naive local times are ambiguous)',
        },
        {
          path: 'batch[1].timestamp',
          message: 'the time zone name GMT is not read; write Z, UTC or the offset (±hh:mm)',
        },
      ],
    });
  });
});

describe('refusing what is not a Segment message', () => {
  it('names every bad field of every batch item', () => {
    const body = {
      batch: [
        { type: 'track', userId: 'u1', event: 'Fine' },
        { userId: 'u1', event: 'No type' },
        { type: 'track', userId: 'u1' },
        { type: 'track', event: 'Nobody' },
        { type: 'page', userId: 'u1', timestamp: '2024-05-01 10:00' },
        'not an object',
        { type: 'track', userId: { id: 1 }, event: 'E', properties: [1, 2] },
        { type: 'purchase', anonymousId: 'a' },
      ],
    };
    expect(readSegmentBody('batch', body, options)).toEqual({
      problems: [
        {
          path: 'batch[1].type',
          message: 'required in a batch item (one of track, identify, page, screen, group, alias)',
        },
        {
          path: 'batch[2].event',
          message: 'required for a track call (the event name, e.g. "Order Completed")',
        },
        { path: 'batch[3].userId', message: 'a userId or an anonymousId is required' },
        {
          path: 'batch[4].timestamp',
          message: 'timestamp has no UTC offset; add Z or ±hh:mm (naive local times are ambiguous)',
        },
        { path: 'batch[5]', message: 'expected a JSON object' },
        { path: 'batch[6].userId', message: 'expected a string' },
        { path: 'batch[6].properties', message: 'expected a JSON object' },
        {
          path: 'batch[7].type',
          message: '"purchase" is not one of track, identify, page, screen, group, alias',
        },
      ],
    });
  });

  it('refuses a single call of another type, or a body that is not an object', () => {
    expect(readSegmentBody('track', { ...segmentIdentify, type: 'identify' }, options)).toEqual({
      problems: [{ path: 'type', message: 'a track call carries "type": "track" or none' }],
    });
    expect(readSegmentBody('identify', [segmentIdentify], options)).toEqual({
      problems: [{ path: '(body)', message: 'expected a JSON object' }],
    });
    expect(readSegmentBody('batch', { messages: [] }, options)).toEqual({
      problems: [{ path: 'batch', message: 'required: an array of messages' }],
    });
    expect(readSegmentBody('batch', { batch: [], sentAt: 'yesterday' }, options)).toEqual({
      problems: [
        {
          path: 'sentAt',
          message: 'expected an ISO-8601 timestamp with offset or epoch milliseconds',
        },
      ],
    });
  });

  // JSON.parse reads 9007199254740993 as 9007199254740992: two messages would be one, two
  // persons one. The body is read from its text, as the controller hands it over.
  it.each([
    ['messageId', '9007199254740993', '9007199254740992'],
    ['messageId', '9007199254740992', '9007199254740992'],
    ['userId', '12345678901234567890', '12345678901234567000'],
    ['anonymousId', '-9007199254740993', '-9007199254740992'],
    ['userId', '42.5', '42.5'],
  ])('refuses a %s sent as the number %s, not a safe integer', (field, sent, read) => {
    const body = JSON.parse(
      `{"batch":[{"type":"identify","userId":"u1","messageId":"m1","${field}":${sent}}]}`,
    ) as unknown;
    expect(readSegmentBody('batch', body, options)).toEqual({
      problems: [
        {
          path: `batch[0].${field}`,
          message: `a number as id must be a whole number within ±9007199254740991 (2^53 − 1), which JSON carries exactly; this one reads as ${read}: send it as a string`,
        },
      ],
    });
  });

  it('refuses properties and traits holding a number JSON cannot carry exactly', () => {
    const body = JSON.parse(
      '{"batch":[{"type":"track","userId":"u1","event":"E","properties":{"id64":9007199254740993}},' +
        '{"type":"identify","userId":"u1","traits":{"score":{"raw":1e400}}},' +
        '{"type":"track","userId":"u1","event":"E","properties":{"max":9007199254740991,"x":0.1}}]}',
    ) as unknown;
    expect(readSegmentBody('batch', body, options)).toEqual({
      problems: [
        {
          path: 'batch[0].properties.id64',
          message:
            'a whole number beyond ±9007199254740991 (2^53 − 1) loses digits as a JSON number (read as 9007199254740992); send it as a string',
        },
        {
          path: 'batch[1].traits.score.raw',
          message:
            'a number beyond the range of a JSON number (read as Infinity); send it as a string',
        },
      ],
    });
  });

  it('reads an id sent as a safe integer as its text', () => {
    const body = JSON.parse(
      '{"batch":[{"type":"identify","userId":9007199254740991,"messageId":42},{"type":"identify","anonymousId":-7,"messageId":0}]}',
    ) as unknown;
    expect(
      messagesOf('batch', body, options).map((m) => [m.messageId, m.personId, m.personField]),
    ).toEqual([
      ['42', '9007199254740991', 'userId'],
      ['0', '-7', 'anonymousId'],
    ]);
  });

  // PHP's json_encode (analytics-php) writes an empty map as [], as it writes an empty list.
  it.each([
    ['track', 'properties'],
    ['track', 'context'],
    ['identify', 'traits'],
    ['identify', 'context'],
  ])("reads a %s's %s sent as [] as {}", (type, field) => {
    const body = { batch: [{ type, userId: 'u1', event: 'Signed Up', [field]: [] }] };
    const [message] = messagesOf('batch', body, options);
    expect([message.type, message.properties]).toEqual([type, {}]);
  });

  it('reads null as absent, as analytics-ruby sends it', () => {
    const [message] = messagesOf(
      'track',
      { event: 'test', userId: 'test', anonymousId: null, properties: {}, integrations: null },
      options,
    );
    expect(message.personId).toBe('test');
  });

  it('refuses a batch of more messages than INGEST_MAX_ROWS with the limit named', () => {
    const batch = Array.from({ length: 3 }, () => ({ type: 'identify', userId: 'u' }));
    expect(() => readSegmentBody('batch', { batch }, { ...options, maxMessages: 2 })).toThrow(
      new IngestLimitError('rows', 2),
    );
  });
});

describe("a body's bytes", () => {
  const call = '{"type":"track","userId":"u1","event":"Caf';
  const bytes = (...parts: (string | number[])[]) =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
  const track = { type: 'track', userId: 'u1', event: 'Café' };

  it.each([
    ['UTF-8', bytes(call, [0xc3, 0xa9], '"}')],
    ['UTF-8 after a byte-order mark', bytes([0xef, 0xbb, 0xbf], call, [0xc3, 0xa9], '"}')],
  ])('reads %s', (_, body) => {
    expect(bodyJson(body)).toEqual({ body: track });
  });

  const NOT_UTF8 = 'the body is not valid UTF-8 (JSON is sent as UTF-8); nothing was stored';
  it.each([
    ['Latin-1', bytes(call, [0xe9], '"}')],
    ['a truncated sequence', bytes(call, [0xc3], '"}')],
    ['an overlong encoding', bytes(call, [0xc0, 0xa9], '"}')],
    ['an encoded surrogate (CESU-8)', bytes(call, [0xed, 0xa0, 0x80], '"}')],
  ])('refuses %s, which would be stored as U+FFFD', (_, body) => {
    expect(bodyJson(body)).toEqual({ problem: NOT_UTF8 });
  });

  it('refuses text that is not JSON, saying why', () => {
    expect(bodyJson(Buffer.from('{"type":'))).toEqual({
      problem: expect.stringMatching(/^the body is not JSON \(.+\); nothing was stored$/),
    });
  });
});
