import { correctSkew, pipelineArrival } from '../ingest/index.js';
import type { MessageClock } from './messages.js';

/** When a message happened on the device's clock, and when the device sent it. */
export interface DeviceClock {
  deviceAt: number;
  sentAt: number;
}

/**
 * The device's reading of the event and of the send, when the message carries both: the event on
 * the device's clock is `originalTimestamp` when given (Segment's name for the device time a
 * library or a replay recorded), else `timestamp` (what analytics.js and the mobile libraries
 * stamp on the device), and `sentAt` is the device clock at sending.
 */
export function deviceClockOf(clock: MessageClock): DeviceClock | undefined {
  const deviceAt = clock.originalTimestamp ?? clock.timestamp;
  return deviceAt === undefined || clock.sentAt === undefined
    ? undefined
    : { deviceAt, sentAt: clock.sentAt };
}

/**
 * A message's event time by Segment's rule, in epoch milliseconds.
 *
 * Segment's Common Fields spec (https://segment.com/docs/connections/spec/common/#timestamps):
 * `timestamp` is "calculated by Segment to correct client-device clock skew using the following
 * formula: `receivedAt` - (`sentAt` - `originalTimestamp`)"; `sentAt` and `receivedAt` "are
 * assumed to occur at the same time", so their difference is the device's skew. The device's own
 * interval between the event and the send is trusted, its absolute clock is not. The same rule as
 * the ingest's `sent_at` correction (docs/design.md §5), through the same function.
 *
 * - With a device clock (see {@link deviceClockOf}): `receivedAt − (sentAt − deviceAt)`.
 * - Without `sentAt`: the `timestamp` as given (Segment's historical import: a server-side caller
 *   sets the time it means), else `originalTimestamp`.
 * - With no time at all: `receivedAt` ("leave out the timestamp and Segment servers will
 *   timestamp the requests for you").
 *
 * `receivedAt` is the message's own when it carries one (a replay of Segment's archive or of a
 * warehouse: it reached Segment then), else the time the call arrived here; a `receivedAt` later
 * than the call (a clock ahead of ours) stands for the call's arrival. Corrected against the day
 * of a replay, a message sent years ago would be moved to that day.
 */
export function segmentEventTime(clock: MessageClock, receivedAt: number): number {
  const arrival = pipelineArrival(clock.receivedAt, receivedAt);
  const device = deviceClockOf(clock);
  if (device !== undefined) {
    return correctSkew(device.deviceAt, device.sentAt, arrival);
  }
  return clock.timestamp ?? clock.originalTimestamp ?? arrival;
}
