import { describe, expect, it } from '@jest/globals';
import { segmentTrack } from '../../test/fixtures/segment-http-api.js';
import { validateRow } from '../ingest/index.js';
import { checkRule, mappedRow, planOf, type EventMappingInputValues } from './mapping.js';
import { readSegmentBody, type SegmentMessage } from './messages.js';
import { SegmentErrorCode, SegmentException } from './segment.exception.js';

const options = { maxMessages: 100, maxFieldChars: 4096, receivedAt: Date.UTC(2026, 9, 1) };
const receivedAt = Date.parse('2024-05-01T12:00:00.000Z');

function trackOf(body: Record<string, unknown>): SegmentMessage {
  const read = readSegmentBody('track', body, options);
  if ('problems' in read) {
    throw new Error(JSON.stringify(read.problems));
  }
  return read.messages[0];
}

function refusal(input: EventMappingInputValues): string {
  try {
    checkRule(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SegmentException);
    expect((error as SegmentException).code).toBe(SegmentErrorCode.InvalidMapping);
    return (error as Error).message;
  }
  throw new Error('the rule was accepted');
}

const orderCompleted = {
  event: 'Order Completed',
  stream: 'outcomes',
  type: 'purchase',
  valueProperty: 'revenue',
  orderIdProperty: 'order_id',
} as const;

// A cart event mapped to a signal, and (to see the time corrected here) to an outcome.
const cartSignals = planOf(
  checkRule({ event: 'Cart Abandoned', stream: 'signals', type: 'cart_abandoned' }),
);
const cartOutcomes = planOf(checkRule({ ...orderCompleted, event: 'Cart Abandoned' }));

describe('mapping a track event to a stream row', () => {
  it("makes Segment's documented track call an outcome: id, person, time, type, value", () => {
    const rule = checkRule({ ...orderCompleted, event: 'Item Purchased' });
    const message = trackOf(segmentTrack);
    expect(mappedRow(message, planOf(rule), receivedAt)).toEqual({
      outcome_id: message.messageId,
      person_id: '019mr8mf4r',
      occurred_at: '2012-12-02T00:30:12.984Z',
      type: 'purchase',
      value: 14.99,
    });
  });

  it('reads order id and currency, a numeric order id as its text', () => {
    const message = trackOf({
      messageId: 'm-7',
      anonymousId: 'anon-1',
      event: 'Order Completed',
      properties: { order_id: 1042, total: '27.50', currency: 'EUR', revenue: 25 },
      timestamp: '2024-05-01T11:00:00Z',
    });
    const plan = planOf(checkRule({ ...orderCompleted, valueProperty: 'total' }));
    expect(mappedRow(message, plan, receivedAt)).toEqual({
      outcome_id: 'm-7',
      person_id: 'anon-1',
      occurred_at: '2024-05-01T11:00:00.000Z',
      type: 'purchase',
      value: '27.50',
      order_id: '1042',
      currency: 'EUR',
    });
  });

  it("reads Segment's reserved revenue and currency, and order_id, when the rule names none", () => {
    const message = trackOf({
      messageId: 'm-8',
      userId: 'u-1',
      event: 'Order Completed',
      properties: { order_id: 'A-1', revenue: 9.5, currency: 'USD' },
    });
    const row = mappedRow(
      message,
      planOf(checkRule({ event: 'Order Completed', stream: 'outcomes' })),
      receivedAt,
    );
    expect(row).toEqual({
      outcome_id: 'm-8',
      person_id: 'u-1',
      occurred_at: '2024-05-01T12:00:00.000Z',
      type: 'Order Completed',
      value: 9.5,
      order_id: 'A-1',
      currency: 'USD',
    });
  });

  it("corrects an outcome's time by Segment's rule, and hands a signal its device times", () => {
    const message = trackOf({
      messageId: 'm-9',
      userId: 'u-1',
      event: 'Cart Abandoned',
      properties: { cart: { items: 3 } },
      timestamp: '2024-05-01T09:55:00Z',
      sentAt: '2024-05-01T10:00:00Z',
    });
    const outcome = mappedRow(message, cartOutcomes, receivedAt);
    // 12:00 − (10:00 − 09:55)
    expect(outcome.occurred_at).toBe('2024-05-01T11:55:00.000Z');
    const signal = mappedRow(message, cartSignals, receivedAt);
    expect(signal).toEqual({
      event_id: 'm-9',
      person_id: 'u-1',
      occurred_at: '2024-05-01T09:55:00.000Z',
      sent_at: '2024-05-01T10:00:00.000Z',
      type: 'cart_abandoned',
      properties: { cart: { items: 3 } },
      source: 'segment',
    });
  });

  it('hands a signal the times of a device clock reset to 1970, which its stream reads and corrects', () => {
    // the phone's clock restarted at the epoch: the event 10 s before the send, on that clock
    const message = trackOf({
      messageId: 'm-1970',
      userId: 'u-1',
      event: 'Cart Abandoned',
      timestamp: '1970-01-01T00:05:00Z',
      sentAt: '1970-01-01T00:05:10Z',
    });
    const signal = mappedRow(message, cartSignals, receivedAt);
    expect(signal).toMatchObject({
      occurred_at: '1970-01-01T00:05:00.000Z',
      sent_at: '1970-01-01T00:05:10.000Z',
    });
    // as the stream stores it: 12:00 − 10 s, corrected there, and the same content however late
    // the call arrives (the time corrected here would differ with each arrival)
    const context = (at: number) => ({
      tenantId: 't',
      receivedAt: at,
      limits: { maxRows: 10, maxFieldChars: 4096, maxBodyBytes: 1 << 20 },
    });
    const [first, later] = [receivedAt, receivedAt + 60_000].map((at) =>
      validateRow('signals', mappedRow(message, cartSignals, at), 1, context(at)),
    );
    expect(first).toMatchObject({
      ok: true,
      value: { row: { occurred_at: '2024-05-01 11:59:50.000', skew_corrected: true } },
    });
    const hashes = [first, later].map((result) => (result.ok ? result.value.contentHash : ''));
    expect(hashes[0]).toMatch(/^\d+$/);
    expect(hashes[1]).toBe(hashes[0]);
    // an outcome, whose stream has no sent_at, is handed the time corrected here
    expect(mappedRow(message, cartOutcomes, receivedAt).occurred_at).toBe(
      '2024-05-01T11:59:50.000Z',
    );
  });

  it("hands a replayed signal Segment's receivedAt as collected_at, which its correction reads", () => {
    // Replayed from Segment's archive: sent by the phone at 08:00 on its clock, a minute after the
    // event; received by Segment at 08:00:10.
    const clock = {
      originalTimestamp: '2022-03-01T07:59:00Z',
      sentAt: '2022-03-01T08:00:00Z',
      receivedAt: '2022-03-01T08:00:10Z',
    };
    const message = trackOf({
      messageId: 'm-10',
      userId: 'u-1',
      event: 'Cart Abandoned',
      ...clock,
    });
    const signal = mappedRow(message, cartSignals, receivedAt);
    expect(signal).toMatchObject({
      occurred_at: '2022-03-01T07:59:00.000Z',
      sent_at: '2022-03-01T08:00:00.000Z',
      collected_at: '2022-03-01T08:00:10.000Z',
    });
    // an outcome has no collected_at: its time is corrected here, against the same receivedAt
    const outcome = mappedRow(message, cartOutcomes, receivedAt);
    expect(outcome.occurred_at).toBe('2022-03-01T07:59:10.000Z');
    expect(outcome).not.toHaveProperty('collected_at');
  });

  it('fills consent and exposures from fixed fields and properties (dotted paths too)', () => {
    const message = trackOf({
      messageId: 'm-10',
      userId: 'u-2',
      event: 'Email Unsubscribed',
      properties: { campaign: { firing: 'f-1' } },
      timestamp: '2024-05-01T08:00:00Z',
    });
    const consent = checkRule({
      event: 'Email Unsubscribed',
      stream: 'consent',
      fixedFields: { purpose: 'email_marketing', granted: false },
    });
    expect(mappedRow(message, planOf(consent), receivedAt)).toEqual({
      event_id: 'm-10',
      person_id: 'u-2',
      occurred_at: '2024-05-01T08:00:00.000Z',
      source: 'segment',
      purpose: 'email_marketing',
      granted: false,
    });
    const exposure = checkRule({
      event: 'Email Opened',
      stream: 'exposures',
      type: 'opened',
      fieldProperties: { firing_id: 'campaign.firing' },
    });
    expect(mappedRow(message, planOf(exposure), receivedAt)).toEqual({
      event_id: 'm-10',
      occurred_at: '2024-05-01T08:00:00.000Z',
      type: 'opened',
      firing_id: 'f-1',
    });
  });
});

describe('refusing a rule that cannot be applied, naming the input field', () => {
  it('refuses trigger definitions and options of another stream', () => {
    expect(refusal({ event: 'E', stream: 'triggers' })).toBe(
      'input.stream: one of signals, firings, exposures, outcomes, consent (trigger definitions are not events)',
    );
    expect(refusal({ event: 'E', stream: 'signals', valueProperty: 'revenue' })).toBe(
      'input.valueProperty: the signals stream has no field "value"',
    );
    expect(
      refusal({
        event: 'E',
        stream: 'consent',
        type: 'x',
        fixedFields: { purpose: 'p', granted: true },
      }),
    ).toBe('input.type: the consent stream has no field "type"');
    expect(refusal({ event: ' ', stream: 'signals' })).toBe(
      'input.event: the track event name, 1 to 1024 characters',
    );
  });

  it('refuses a stream whose required fields the rule leaves without a source', () => {
    expect(refusal({ event: 'Email Opened', stream: 'exposures', type: 'opened' })).toBe(
      'input.fieldProperties: the exposures stream needs firing_id: name the property that carries it (fieldProperties) or give it (fixedFields)',
    );
    expect(
      refusal({ event: 'Email Opened', stream: 'exposures', fieldProperties: { firing_id: 'f' } }),
    ).toBe(
      'input.fieldProperties: the exposures stream needs type: name the property that carries it (fieldProperties) or give it (fixedFields)',
    );
  });

  it('refuses values outside an enum, the fields the endpoint sets, and two sources for one field', () => {
    expect(
      refusal({
        event: 'E',
        stream: 'exposures',
        type: 'seen',
        fieldProperties: { firing_id: 'f' },
      }),
    ).toBe(
      'input.type: exposures.type is one of delivered, rendered, opened, clicked, dismissed, bounced, failed',
    );
    expect(
      refusal({ event: 'E', stream: 'outcomes', fieldProperties: { outcome_id: 'order_id' } }),
    ).toBe(
      "input.fieldProperties.outcome_id: outcomes.outcome_id is set by the endpoint (the id is the messageId, the time is Segment's timestamp)",
    );
    expect(
      refusal({
        event: 'E',
        stream: 'outcomes',
        type: 'purchase',
        fixedFields: { type: 'refund' },
      }),
    ).toBe('input.type: sets outcomes.type, which another option of the rule sets too');
    expect(refusal({ event: 'E', stream: 'signals', fieldProperties: { kind: '' } })).toBe(
      'input.fieldProperties.kind: a property name or dotted path of 1 to 256 characters',
    );
    expect(refusal({ event: 'E', stream: 'signals', fixedFields: ['kind'] })).toBe(
      'input.fixedFields: expected a JSON object keyed by field name',
    );
  });
});
