import { describe, expect, it } from '@jest/globals';
import { segmentEventTime } from './event-time.js';

const at = (iso: string) => Date.parse(iso);
// The server clock when the request arrived.
const receivedAt = at('2024-05-01T12:00:00.250Z');

describe("Segment's timestamp rule: receivedAt − (sentAt − originalTimestamp)", () => {
  it('moves a device two hours slow onto the server clock, keeping its 5-minute gap', () => {
    // The device stamped the event at 09:55 and sent it at 10:00 on its own clock; the server
    // received it at 12:00:00.250, so the event happened at 11:55:00.250 server time.
    const clock = {
      originalTimestamp: at('2024-05-01T09:55:00.000Z'),
      sentAt: at('2024-05-01T10:00:00.000Z'),
    };
    expect(new Date(segmentEventTime(clock, receivedAt)).toISOString()).toBe(
      '2024-05-01T11:55:00.250Z',
    );
  });

  it('takes timestamp as the device clock when originalTimestamp is absent (analytics.js)', () => {
    // A device 30 s fast: event at 12:00:40 device time, sent at 12:00:45 → 12:00:00.250 − 5 s.
    const clock = { timestamp: at('2024-05-01T12:00:40Z'), sentAt: at('2024-05-01T12:00:45Z') };
    expect(new Date(segmentEventTime(clock, receivedAt)).toISOString()).toBe(
      '2024-05-01T11:59:55.250Z',
    );
  });

  it('prefers originalTimestamp over timestamp when a message carries both', () => {
    const clock = {
      timestamp: at('2024-05-01T08:00:00Z'),
      originalTimestamp: at('2024-05-01T10:59:00Z'),
      sentAt: at('2024-05-01T11:00:00Z'),
    };
    expect(new Date(segmentEventTime(clock, receivedAt)).toISOString()).toBe(
      '2024-05-01T11:59:00.250Z',
    );
  });

  it('keeps a timestamp sent without sentAt as given (a historical import)', () => {
    expect(segmentEventTime({ timestamp: at('2012-12-02T00:30:08.276Z') }, receivedAt)).toBe(
      at('2012-12-02T00:30:08.276Z'),
    );
    expect(
      segmentEventTime({ originalTimestamp: at('2020-02-02T00:23:09.544Z') }, receivedAt),
    ).toBe(at('2020-02-02T00:23:09.544Z'));
  });

  it('corrects a replayed message against its own receivedAt, not the day of the replay', () => {
    // Replayed from Segment's archive two years on: Segment received it at 2022-03-01 08:00:10,
    // the device stamped the event at 07:59:00 and sent it at 08:00:00 on its own clock. The event
    // happened 60 s before Segment received it, not 60 s before the replay arrived here.
    const clock = {
      originalTimestamp: at('2022-03-01T07:59:00Z'),
      sentAt: at('2022-03-01T08:00:00Z'),
      receivedAt: at('2022-03-01T08:00:10Z'),
    };
    expect(new Date(segmentEventTime(clock, receivedAt)).toISOString()).toBe(
      '2022-03-01T07:59:10.000Z',
    );
    // and a replayed message without any time happened when Segment received it
    expect(segmentEventTime({ receivedAt: at('2022-03-01T08:00:10Z') }, receivedAt)).toBe(
      at('2022-03-01T08:00:10Z'),
    );
  });

  it('stamps a message without any time with the arrival time', () => {
    expect(segmentEventTime({}, receivedAt)).toBe(receivedAt);
    // a sentAt alone says nothing of the event
    expect(segmentEventTime({ sentAt: at('2024-05-01T10:00:00Z') }, receivedAt)).toBe(receivedAt);
  });
});
