import { describe, expect, it } from '@jest/globals';
import { segmentEventTime } from './event-time.js';
import type { MessageClock } from './messages.js';

// The server clock when the request arrived.
const RECEIVED_AT = '2024-05-01T12:00:00.250Z';

/** A clock written in ISO text, read as the message reader reads it (epoch milliseconds). */
function clockOf(iso: Partial<Record<keyof MessageClock, string>>): MessageClock {
  return Object.fromEntries(Object.entries(iso).map(([field, text]) => [field, Date.parse(text)]));
}

// Each case: the message's clock, and the event time worked out by hand from Segment's rule.
const CASES: [string, Partial<Record<keyof MessageClock, string>>, string][] = [
  [
    // The device stamped the event at 09:55 and sent it at 10:00 on its own clock; the server
    // received it at 12:00:00.250, so the event happened at 11:55:00.250 server time.
    'moves a device two hours slow onto the server clock, keeping its 5-minute gap',
    { originalTimestamp: '2024-05-01T09:55:00.000Z', sentAt: '2024-05-01T10:00:00.000Z' },
    '2024-05-01T11:55:00.250Z',
  ],
  [
    // A device 30 s fast: event at 12:00:40 device time, sent at 12:00:45 → 12:00:00.250 − 5 s.
    'takes timestamp as the device clock when originalTimestamp is absent (analytics.js)',
    { timestamp: '2024-05-01T12:00:40Z', sentAt: '2024-05-01T12:00:45Z' },
    '2024-05-01T11:59:55.250Z',
  ],
  [
    // 1 min before the send → 1 min before the arrival; the 08:00 timestamp is not the device's.
    'prefers originalTimestamp over timestamp when a message carries both',
    {
      timestamp: '2024-05-01T08:00:00Z',
      originalTimestamp: '2024-05-01T10:59:00Z',
      sentAt: '2024-05-01T11:00:00Z',
    },
    '2024-05-01T11:59:00.250Z',
  ],
  [
    // Replayed from Segment's archive two years on: Segment received it at 2022-03-01 08:00:10,
    // the device stamped the event at 07:59:00 and sent it at 08:00:00 on its own clock. The event
    // happened 60 s before Segment received it, not 60 s before the replay arrived here.
    'corrects a replayed message against its own receivedAt, not the day of the replay',
    {
      originalTimestamp: '2022-03-01T07:59:00Z',
      sentAt: '2022-03-01T08:00:00Z',
      receivedAt: '2022-03-01T08:00:10Z',
    },
    '2022-03-01T07:59:10.000Z',
  ],
  [
    // A receivedAt an hour after the call reached us (a clock ahead of ours) cannot be when
    // Segment received it: the call's arrival stands for it, 5 min after the event.
    'corrects against the arrival here when the receivedAt is later than it',
    {
      originalTimestamp: '2024-05-01T09:55:00.000Z',
      sentAt: '2024-05-01T10:00:00.000Z',
      receivedAt: '2024-05-01T13:00:00.250Z',
    },
    '2024-05-01T11:55:00.250Z',
  ],
  [
    'stamps a replayed message without any time with the time Segment received it',
    { receivedAt: '2022-03-01T08:00:10Z' },
    '2022-03-01T08:00:10.000Z',
  ],
  [
    'keeps a timestamp sent without sentAt as given (a historical import)',
    { timestamp: '2012-12-02T00:30:08.276Z' },
    '2012-12-02T00:30:08.276Z',
  ],
  [
    'keeps an originalTimestamp sent without sentAt as given',
    { originalTimestamp: '2020-02-02T00:23:09.544Z' },
    '2020-02-02T00:23:09.544Z',
  ],
  ['stamps a message without any time with the arrival time', {}, RECEIVED_AT],
  // a sentAt alone says nothing of the event
  [
    'stamps a message with only sentAt with the arrival time',
    { sentAt: '2024-05-01T10:00:00Z' },
    RECEIVED_AT,
  ],
];

describe("Segment's timestamp rule: receivedAt − (sentAt − originalTimestamp)", () => {
  it.each(CASES)('%s', (_case, clock, expected) => {
    expect(new Date(segmentEventTime(clockOf(clock), Date.parse(RECEIVED_AT))).toISOString()).toBe(
      expected,
    );
  });
});
