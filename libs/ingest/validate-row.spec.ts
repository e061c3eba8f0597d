import { describe, expect, it } from '@jest/globals';
import { STREAMS, type StreamName } from './streams.js';
import { EXPECTED_TIMESTAMP } from './timestamps.js';
import {
  EPOCH_SECONDS,
  NO_OFFSET,
  SECONDS_WITH_FRACTION,
  YEAR_RANGE,
  zoneNotRead,
} from './timestamps.testing.js';
import type { ValidationContext } from './types.js';
import { validateRow } from './validate-row.js';

// 2024-05-01T12:00:00.000Z on the server clock.
const RECEIVED_AT = Date.UTC(2024, 4, 1, 12);
const ctx: ValidationContext = {
  tenantId: 'tenant-a',
  receivedAt: RECEIVED_AT,
  limits: { maxRows: 1000, maxFieldChars: 64, maxBodyBytes: 1 << 20 },
};
const HOUR = 3_600_000;

function accept(stream: StreamName, value: unknown, context = ctx) {
  const result = validateRow(stream, value, 1, context);
  if (!result.ok) {
    throw new Error(`expected ${stream} row to pass: ${JSON.stringify(result.error)}`);
  }
  return result.value;
}

describe('validateRow maps each stream to its exact storage row', () => {
  it('signals, every field', () => {
    expect(
      accept('signals', {
        event_id: 'evt-1',
        person_id: 'person-1',
        type: 'page_view',
        occurred_at: '2024-05-01T11:59:00.250+02:00',
        kind: 'identity',
        source: 'web',
        session_id: 'sess-1',
        properties: { path: '/pricing', depth: 2, tags: ['a'] },
        computed_at: 1714557600000,
        collected_at: '2024-05-01T10:00:30Z',
        tenant_id: 'tenant-b', // never used: the key's tenant wins
        unknown_field: true, // ignored
      }),
    ).toEqual({
      id: 'evt-1',
      contentHash: '3298479668048611732',
      row: {
        tenant_id: 'tenant-a',
        event_id: 'evt-1',
        person_id: 'person-1',
        type: 'page_view',
        kind: 'identity',
        source: 'web',
        session_id: 'sess-1',
        occurred_at: '2024-05-01 09:59:00.250',
        sent_at: null,
        computed_at: '2024-05-01 10:00:00.000',
        collected_at: '2024-05-01 10:00:30.000',
        received_at: '2024-05-01 12:00:00.000',
        // stored with its keys sorted, as sent in any order
        properties: '{"depth":2,"path":"/pricing","tags":["a"]}',
        skew_corrected: false,
        future_clamped: false,
        content_hash: '3298479668048611732',
      },
    });
  });

  it('signals, defaults (null counts as absent)', () => {
    expect(
      accept('signals', {
        event_id: 'evt-2',
        person_id: 'person-1',
        type: 'add_to_cart',
        occurred_at: 1714557600000,
        kind: null,
        source: null,
        properties: null,
      }).row,
    ).toEqual({
      tenant_id: 'tenant-a',
      event_id: 'evt-2',
      person_id: 'person-1',
      type: 'add_to_cart',
      kind: 'behavioral',
      source: '',
      session_id: '',
      occurred_at: '2024-05-01 10:00:00.000',
      sent_at: null,
      computed_at: null,
      collected_at: null,
      received_at: '2024-05-01 12:00:00.000',
      properties: '{}',
      skew_corrected: false,
      future_clamped: false,
      content_hash: '1747705462765873025',
    });
  });

  it('triggers, every field', () => {
    expect(
      accept('triggers', {
        trigger_id: 'cart-rescue',
        name: 'Cart rescue',
        channel: 'email',
        signal_types: ['add_to_cart', 'checkout_started'],
        window_ms: 3_600_000,
        success_types: ['purchase'],
        version: 3,
        surface: 'inbox',
        audience: 'cart_abandoners',
        holdout_pct: 0.1,
        planned_persons: 20_000,
        conversion_window_ms: 86_400_000,
        guardrail_types: ['unsubscribe', 'complaint'],
        frequency_cap: { max: 2, per_ms: 86_400_000 },
        suppression: { converted_lookback_ms: 2_592_000_000 },
        consent_purpose: 'marketing',
        status: 'live',
      }),
    ).toEqual({
      id: 'cart-rescue@3',
      contentHash: '13483138106643230944',
      row: {
        tenant_id: 'tenant-a',
        trigger_id: 'cart-rescue',
        version: 3,
        name: 'Cart rescue',
        channel: 'email',
        surface: 'inbox',
        audience: 'cart_abandoners',
        signal_types: ['add_to_cart', 'checkout_started'],
        window_ms: 3_600_000,
        success_types: ['purchase'],
        conversion_window_ms: 86_400_000,
        guardrail_types: ['unsubscribe', 'complaint'],
        holdout_pct: 0.1,
        planned_persons: 20_000,
        frequency_cap_max: 2,
        frequency_cap_per_ms: 86_400_000,
        suppression_converted_lookback_ms: 2_592_000_000,
        consent_purpose: 'marketing',
        status: 'live',
        received_at: '2024-05-01 12:00:00.000',
        content_hash: '13483138106643230944',
      },
    });
  });

  it('triggers, defaults; an object audience is kept as JSON text', () => {
    expect(
      accept('triggers', {
        trigger_id: 'welcome',
        name: 'Welcome',
        channel: 'push',
        signal_types: [],
        window_ms: 0,
        success_types: ['signup'],
        audience: { segment: 'new_users' },
        suppression: {},
      }),
    ).toEqual({
      id: 'welcome@1',
      contentHash: '11886612191362580074',
      row: {
        tenant_id: 'tenant-a',
        trigger_id: 'welcome',
        version: 1,
        name: 'Welcome',
        channel: 'push',
        surface: '',
        audience: '{"segment":"new_users"}',
        signal_types: [],
        window_ms: 0,
        success_types: ['signup'],
        conversion_window_ms: 604_800_000,
        guardrail_types: [],
        holdout_pct: null,
        planned_persons: null,
        frequency_cap_max: null,
        frequency_cap_per_ms: null,
        suppression_converted_lookback_ms: null,
        consent_purpose: '',
        status: 'draft',
        received_at: '2024-05-01 12:00:00.000',
        content_hash: '11886612191362580074',
      },
    });
  });

  it('firings, every field', () => {
    expect(
      accept('firings', {
        firing_id: 'fir-1',
        trigger_id: 'cart-rescue',
        person_id: 'person-1',
        decided_at: '2024-05-01T10:00:05Z',
        arm: 'treatment',
        trigger_version: 3,
        signal_event_id: 'evt-1',
        signal_at: '2024-05-01T10:00:00Z',
        dispatched_at: '2024-05-01T10:00:06.5Z',
        channel: 'email',
        surface: 'inbox',
        variant: 'B',
        skip_reason: 'quiet_hours',
        properties: { tier: 'gold', country: 'DE', score: 0.5, beta: true },
      }),
    ).toEqual({
      id: 'fir-1',
      // SHA-256 of the sorted columns (see "hashes the first 8 bytes" below), worked out apart
      contentHash: '8645415196544340146',
      row: {
        tenant_id: 'tenant-a',
        firing_id: 'fir-1',
        trigger_id: 'cart-rescue',
        trigger_version: 3,
        person_id: 'person-1',
        decided_at: '2024-05-01 10:00:05.000',
        arm: 'treatment',
        signal_event_id: 'evt-1',
        signal_at: '2024-05-01 10:00:00.000',
        dispatched_at: '2024-05-01 10:00:06.500',
        channel: 'email',
        surface: 'inbox',
        variant: 'B',
        skip_reason: 'quiet_hours',
        properties: '{"beta":true,"country":"DE","score":0.5,"tier":"gold"}',
        received_at: '2024-05-01 12:00:00.000',
        future_clamped: false,
        content_hash: '8645415196544340146',
      },
    });
  });

  it('firings, defaults (trigger_version 0 = not stated)', () => {
    expect(
      accept('firings', {
        firing_id: 'fir-2',
        trigger_id: 'cart-rescue',
        person_id: 'person-2',
        decided_at: 1714557600000,
        arm: 'global_holdout',
      }).row,
    ).toEqual({
      tenant_id: 'tenant-a',
      firing_id: 'fir-2',
      trigger_id: 'cart-rescue',
      trigger_version: 0,
      person_id: 'person-2',
      decided_at: '2024-05-01 10:00:00.000',
      arm: 'global_holdout',
      signal_event_id: '',
      signal_at: null,
      dispatched_at: null,
      channel: '',
      surface: '',
      variant: '',
      skip_reason: '',
      properties: '{}',
      received_at: '2024-05-01 12:00:00.000',
      future_clamped: false,
      content_hash: '12457623003272440860',
    });
  });

  it('exposures with an event_id', () => {
    expect(
      accept('exposures', {
        event_id: 'exp-1',
        firing_id: 'fir-1',
        type: 'opened',
        occurred_at: '2024-05-01T10:05:00Z',
        rendered_variant: 'B',
        machine: true,
      }),
    ).toEqual({
      id: 'exp-1',
      contentHash: '11103068214259629870',
      row: {
        tenant_id: 'tenant-a',
        event_id: 'exp-1',
        firing_id: 'fir-1',
        type: 'opened',
        occurred_at: '2024-05-01 10:05:00.000',
        rendered_variant: 'B',
        machine: true,
        received_at: '2024-05-01 12:00:00.000',
        future_clamped: false,
        content_hash: '11103068214259629870',
      },
    });
  });

  it('exposures without an event_id get a derived one', () => {
    expect(
      accept('exposures', {
        firing_id: 'fir-1',
        type: 'clicked',
        occurred_at: '2024-05-01T10:06:00Z',
      }),
    ).toEqual({
      id: 'derived:bf1153c9c74feeabbba0c25c9b0ed2a0',
      contentHash: '4982965373797346329',
      row: {
        tenant_id: 'tenant-a',
        event_id: 'derived:bf1153c9c74feeabbba0c25c9b0ed2a0',
        firing_id: 'fir-1',
        type: 'clicked',
        occurred_at: '2024-05-01 10:06:00.000',
        rendered_variant: '',
        machine: false,
        received_at: '2024-05-01 12:00:00.000',
        future_clamped: false,
        content_hash: '4982965373797346329',
      },
    });
  });

  it('outcomes, every field (a decimal string is kept exact, trailing zeros dropped)', () => {
    expect(
      accept('outcomes', {
        outcome_id: 'out-1',
        person_id: 'person-1',
        type: 'refund',
        occurred_at: '2024-05-02T08:00:00+00:00',
        value: '-129.5000',
        currency: 'EUR',
        order_id: 'ord-2',
        refund_of_order_id: 'ord-1',
        channel: 'web',
        firing_id: 'fir-1',
      }),
    ).toEqual({
      id: 'out-1',
      contentHash: '631893396345779061',
      row: {
        tenant_id: 'tenant-a',
        outcome_id: 'out-1',
        person_id: 'person-1',
        type: 'refund',
        occurred_at: '2024-05-02 08:00:00.000',
        value: '-129.5',
        currency: 'EUR',
        order_id: 'ord-2',
        refund_of_order_id: 'ord-1',
        channel: 'web',
        firing_id: 'fir-1',
        received_at: '2024-05-01 12:00:00.000',
        future_clamped: false,
        content_hash: '631893396345779061',
      },
    });
  });

  it('outcomes, defaults; a number value is rounded to the column scale', () => {
    const base = { outcome_id: 'o', person_id: 'p', type: 'purchase', occurred_at: RECEIVED_AT };
    expect(accept('outcomes', base).row).toEqual({
      tenant_id: 'tenant-a',
      outcome_id: 'o',
      person_id: 'p',
      type: 'purchase',
      occurred_at: '2024-05-01 12:00:00.000',
      value: null,
      currency: '',
      order_id: '',
      refund_of_order_id: '',
      channel: '',
      firing_id: '',
      received_at: '2024-05-01 12:00:00.000',
      future_clamped: false,
      content_hash: '3829418626744648743',
    });
    const valueOf = (value: unknown) => accept('outcomes', { ...base, value }).row.value;
    expect(valueOf(19.99)).toBe('19.99');
    expect(valueOf(0.1 + 0.2)).toBe('0.3');
    expect(valueOf(12)).toBe('12');
    expect(valueOf(-0)).toBe('0');
    expect(valueOf(1.23456)).toBe('1.2346');
    expect(valueOf('0012.3400')).toBe('12.34');
    expect(valueOf('99999999999999.9999')).toBe('99999999999999.9999');
  });

  it('consent with an event_id', () => {
    expect(
      accept('consent', {
        event_id: 'con-1',
        person_id: 'person-1',
        purpose: 'marketing',
        granted: false,
        occurred_at: '2024-05-01T09:00:00Z',
        source: 'preference_center',
        recorded_at: '2024-05-01T09:00:01Z',
      }),
    ).toEqual({
      id: 'con-1',
      contentHash: '13816908032188393477',
      row: {
        tenant_id: 'tenant-a',
        event_id: 'con-1',
        person_id: 'person-1',
        purpose: 'marketing',
        granted: false,
        occurred_at: '2024-05-01 09:00:00.000',
        source: 'preference_center',
        recorded_at: '2024-05-01 09:00:01.000',
        received_at: '2024-05-01 12:00:00.000',
        future_clamped: false,
        content_hash: '13816908032188393477',
      },
    });
  });

  it('consent without an event_id gets a derived one', () => {
    expect(
      accept('consent', {
        person_id: 'person-1',
        purpose: 'marketing',
        granted: true,
        occurred_at: '2024-05-01T09:00:00Z',
      }),
    ).toEqual({
      id: 'derived:09dbf1335499ec89aedf5acaf7ad64cd',
      contentHash: '14873915461341639905',
      row: {
        tenant_id: 'tenant-a',
        event_id: 'derived:09dbf1335499ec89aedf5acaf7ad64cd',
        person_id: 'person-1',
        purpose: 'marketing',
        granted: true,
        occurred_at: '2024-05-01 09:00:00.000',
        source: '',
        recorded_at: null,
        received_at: '2024-05-01 12:00:00.000',
        future_clamped: false,
        content_hash: '14873915461341639905',
      },
    });
  });
});

const MISSING = 'required field is missing';
const NOT_STRING = 'expected a string';
const EMPTY = 'must not be empty';
const NUL = 'contains a NUL character (\\u0000)';
const TOO_LONG = 'longer than 64 characters';
const ID_TOO_LONG = 'longer than 256 characters';
const NOT_BOOLEAN = 'expected true or false';
const LONG = 'x'.repeat(65);
const SCALAR = 'expected a string, a number or a boolean';
const LONG_ID = 'i'.repeat(257);

const valid: Record<StreamName, Record<string, unknown>> = {
  signals: { event_id: 'e', person_id: 'p', type: 'view', occurred_at: '2024-05-01T10:00:00Z' },
  triggers: {
    trigger_id: 't',
    name: 'T',
    channel: 'email',
    signal_types: ['view'],
    window_ms: 1000,
    success_types: ['purchase'],
  },
  firings: {
    firing_id: 'f',
    trigger_id: 't',
    person_id: 'p',
    decided_at: '2024-05-01T10:00:00Z',
    arm: 'treatment',
  },
  exposures: { firing_id: 'f', type: 'opened', occurred_at: '2024-05-01T10:00:00Z' },
  outcomes: { outcome_id: 'o', person_id: 'p', type: 'purchase', occurred_at: 1714557600000 },
  consent: { person_id: 'p', purpose: 'marketing', granted: true, occurred_at: 1714557600000 },
};

const REMOVE = Symbol('remove');

/** The stream's valid row with some fields replaced (or removed with REMOVE). */
function variant(stream: StreamName, patch: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = { ...valid[stream] };
  for (const [key, value] of Object.entries(patch)) {
    if (value === REMOVE) {
      delete row[key];
    } else {
      row[key] = value;
    }
  }
  return row;
}

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < depth; i++) {
    value = { child: value };
  }
  return value;
}

type BadCase = [StreamName, Record<string, unknown>, string, string];

const requiredFields: Record<StreamName, string[]> = {
  signals: ['event_id', 'person_id', 'type', 'occurred_at'],
  // A draft may lack any of the six definitions (docs/design.md §12): only its id and name are required.
  triggers: ['trigger_id', 'name'],
  firings: ['firing_id', 'trigger_id', 'person_id', 'decided_at', 'arm'],
  exposures: ['firing_id', 'type', 'occurred_at'],
  outcomes: ['outcome_id', 'person_id', 'type', 'occurred_at'],
  consent: ['person_id', 'purpose', 'granted', 'occurred_at'],
};

const missingCases: [StreamName, string][] = STREAMS.flatMap((stream) =>
  requiredFields[stream].map((field): [StreamName, string] => [stream, field]),
);

const badCases: BadCase[] = [
  // signals
  ['signals', { person_id: 42 }, 'person_id', NOT_STRING],
  ['signals', { person_id: null }, 'person_id', 'expected a string, got null'],
  ['signals', { event_id: '' }, 'event_id', EMPTY],
  ['signals', { event_id: '   ' }, 'event_id', EMPTY],
  ['signals', { event_id: LONG_ID }, 'event_id', ID_TOO_LONG],
  [
    'signals',
    { event_id: 'a\tb' },
    'event_id',
    'must contain only printable characters (found U+0009)',
  ],
  [
    'signals',
    { person_id: 'a\u200bb' },
    'person_id',
    'must contain only printable characters (found U+200B)',
  ],
  ['signals', { event_id: 'a\u0000b' }, 'event_id', NUL],
  ['signals', { type: LONG }, 'type', TOO_LONG],
  ['signals', { type: 'view\u0000' }, 'type', NUL],
  ['signals', { type: ['view'] }, 'type', NOT_STRING],
  [
    'signals',
    { source: 'web\ud800' },
    'source',
    'contains an unpaired UTF-16 surrogate (not valid Unicode)',
  ],
  ['signals', { kind: 'guess' }, 'kind', 'expected one of: behavioral, identity, predictive'],
  ['signals', { occurred_at: 'yesterday' }, 'occurred_at', EXPECTED_TIMESTAMP],
  ['signals', { occurred_at: '2024-05-01T10:00:00' }, 'occurred_at', NO_OFFSET],
  ['signals', { occurred_at: 1714557600 }, 'occurred_at', EPOCH_SECONDS],
  ['signals', { occurred_at: 1790848800.123 }, 'occurred_at', SECONDS_WITH_FRACTION],
  ['signals', { occurred_at: '1999-06-01T00:00:00Z' }, 'occurred_at', YEAR_RANGE],
  ['signals', { occurred_at: false }, 'occurred_at', EXPECTED_TIMESTAMP],
  ['signals', { sent_at: '2024-05-01T10:00:00' }, 'sent_at', NO_OFFSET],
  // A warehouse's time without its zone, or with a zone it does not write so.
  ['signals', { occurred_at: '2024-05-01 10:00:00.123456' }, 'occurred_at', NO_OFFSET],
  ['signals', { collected_at: '2024-05-01 10:00:00  UTC' }, 'collected_at', EXPECTED_TIMESTAMP],
  ['exposures', { occurred_at: '2024-05-01 10:00:00 GMT' }, 'occurred_at', zoneNotRead('GMT')],
  ['outcomes', { occurred_at: '1999-12-31 23:59:59 UTC' }, 'occurred_at', YEAR_RANGE],
  ['signals', { computed_at: 'soon' }, 'computed_at', EXPECTED_TIMESTAMP],
  ['signals', { session_id: LONG_ID }, 'session_id', ID_TOO_LONG],
  ['signals', { properties: [1, 2] }, 'properties', 'expected a JSON object'],
  ['signals', { properties: '{"a":1}' }, 'properties', 'expected a JSON object'],
  ['signals', { properties: nested(11) }, 'properties', 'nested more than 10 levels deep'],
  [
    'signals',
    { properties: { blob: 'b'.repeat(1024) } },
    'properties',
    'longer than 1024 characters as JSON',
  ],
  // The first failing field in the design's order is the one reported.
  ['signals', { event_id: 1, person_id: 2, type: 3 }, 'event_id', NOT_STRING],
  // triggers
  ['triggers', { trigger_id: 7 }, 'trigger_id', NOT_STRING],
  ['triggers', { name: '' }, 'name', EMPTY],
  ['triggers', { channel: LONG }, 'channel', TOO_LONG],
  ['triggers', { signal_types: 'view' }, 'signal_types', 'expected an array of strings'],
  ['triggers', { signal_types: ['view', 3] }, 'signal_types.1', NOT_STRING],
  ['triggers', { success_types: ['ok', LONG] }, 'success_types.1', TOO_LONG],
  ['triggers', { guardrail_types: ['a\u0000'] }, 'guardrail_types.0', NUL],
  [
    'triggers',
    { signal_types: Array.from({ length: 1001 }, () => 'v') },
    'signal_types',
    'more than 1000 items',
  ],
  ['triggers', { window_ms: -1 }, 'window_ms', 'expected a non-negative integer'],
  ['triggers', { window_ms: 1.5 }, 'window_ms', 'expected a non-negative integer'],
  ['triggers', { window_ms: '1000' }, 'window_ms', 'expected a non-negative integer'],
  ['triggers', { version: 0 }, 'version', 'expected an integer from 1 to 4294967295'],
  ['triggers', { version: 2 ** 32 }, 'version', 'expected an integer from 1 to 4294967295'],
  ['triggers', { holdout_pct: 1.5 }, 'holdout_pct', 'expected a number from 0 to 1'],
  ['triggers', { holdout_pct: '10%' }, 'holdout_pct', 'expected a number from 0 to 1'],
  [
    'triggers',
    { conversion_window_ms: -5 },
    'conversion_window_ms',
    'expected a non-negative integer',
  ],
  [
    'triggers',
    { frequency_cap: 3 },
    'frequency_cap',
    'expected an object {"max": count, "per_ms": milliseconds}',
  ],
  ['triggers', { frequency_cap: { max: 3 } }, 'frequency_cap.per_ms', MISSING],
  [
    'triggers',
    { frequency_cap: { max: -1, per_ms: 1 } },
    'frequency_cap.max',
    'expected an integer from 0 to 4294967295',
  ],
  [
    'triggers',
    { frequency_cap: { max: 1, per_ms: 0 } },
    'frequency_cap.per_ms',
    'expected a positive integer',
  ],
  [
    'triggers',
    { suppression: { converted_lookback_ms: 'a week' } },
    'suppression.converted_lookback_ms',
    'expected a non-negative integer',
  ],
  ['triggers', { audience: 5 }, 'audience', 'expected a string or a JSON object'],
  ['triggers', { status: 'on' }, 'status', 'expected one of: draft, live, paused'],
  // firings
  ['firings', { firing_id: LONG_ID }, 'firing_id', ID_TOO_LONG],
  ['firings', { trigger_id: { id: 't' } }, 'trigger_id', NOT_STRING],
  ['firings', { decided_at: '2024-05-01T10:00:00.000' }, 'decided_at', NO_OFFSET],
  ['firings', { decided_at: 'Wed, 01 May 2024 10:00:00 GMT' }, 'decided_at', EXPECTED_TIMESTAMP],
  ['firings', { arm: 'control' }, 'arm', 'expected one of: treatment, holdout, global_holdout'],
  [
    'firings',
    { trigger_version: 'v2' },
    'trigger_version',
    'expected an integer from 1 to 4294967295',
  ],
  ['firings', { signal_event_id: 'e\u0000' }, 'signal_event_id', NUL],
  [
    'firings',
    { signal_at: '2024-05-01' },
    'signal_at',
    'a date without a time and UTC offset is ambiguous; send e.g. 2024-05-01T00:00:00Z',
  ],
  ['firings', { dispatched_at: 2e15 }, 'dispatched_at', YEAR_RANGE],
  ['firings', { variant: LONG }, 'variant', TOO_LONG],
  ['firings', { skip_reason: 12 }, 'skip_reason', NOT_STRING],
  // Firing properties hold scalars only (a segment is named by one value): the key is named.
  [
    'firings',
    { properties: { tier: { level: 1 } } },
    'properties.tier',
    `${SCALAR}, got an object`,
  ],
  ['firings', { properties: { tags: ['a'] } }, 'properties.tags', `${SCALAR}, got an array`],
  [
    'firings',
    { properties: { tier: 'gold', country: null } },
    'properties.country',
    `${SCALAR}, got null`,
  ],
  ['firings', { properties: [1] }, 'properties', 'expected a JSON object'],
  ['firings', { properties: 'tier=gold' }, 'properties', 'expected a JSON object'],
  // 16 × the 64-character field limit
  [
    'firings',
    { properties: { a: 'x'.repeat(1024) } },
    'properties',
    'longer than 1024 characters as JSON',
  ],
  // exposures
  ['exposures', { firing_id: '' }, 'firing_id', EMPTY],
  [
    'exposures',
    { type: 'seen' },
    'type',
    'expected one of: delivered, rendered, opened, clicked, dismissed, bounced, failed',
  ],
  ['exposures', { occurred_at: '2024-05-01T10:00:00' }, 'occurred_at', NO_OFFSET],
  ['exposures', { event_id: LONG_ID }, 'event_id', ID_TOO_LONG],
  ['exposures', { rendered_variant: 'B\u0000' }, 'rendered_variant', NUL],
  ['exposures', { machine: 'yes' }, 'machine', NOT_BOOLEAN],
  // outcomes
  ['outcomes', { outcome_id: 99 }, 'outcome_id', NOT_STRING],
  ['outcomes', { type: '' }, 'type', EMPTY],
  ['outcomes', { occurred_at: '2024-05-01T10:00:00' }, 'occurred_at', NO_OFFSET],
  ['outcomes', { occurred_at: '2024-05-01T10:00:00.5' }, 'occurred_at', NO_OFFSET],
  [
    'outcomes',
    { value: 'abc' },
    'value',
    'expected a finite number or a decimal string such as "19.99"',
  ],
  [
    'outcomes',
    { value: '1e3' },
    'value',
    'expected a finite number or a decimal string such as "19.99"',
  ],
  [
    'outcomes',
    { value: 'NaN' },
    'value',
    'expected a finite number or a decimal string such as "19.99"',
  ],
  [
    'outcomes',
    { value: true },
    'value',
    'expected a finite number or a decimal string such as "19.99"',
  ],
  ['outcomes', { value: '1.23456' }, 'value', 'more than 4 decimal places'],
  ['outcomes', { value: '100000000000000' }, 'value', 'out of range for Decimal(18, 4)'],
  ['outcomes', { value: 1e15 }, 'value', 'out of range for Decimal(18, 4)'],
  ['outcomes', { currency: 'EUR\u0000' }, 'currency', NUL],
  [
    'outcomes',
    { order_id: 'o\nrder' },
    'order_id',
    'must contain only printable characters (found U+000A)',
  ],
  ['outcomes', { channel: LONG }, 'channel', TOO_LONG],
  // consent
  ['consent', { person_id: LONG_ID }, 'person_id', ID_TOO_LONG],
  ['consent', { purpose: '  ' }, 'purpose', EMPTY],
  ['consent', { granted: 'true' }, 'granted', NOT_BOOLEAN],
  ['consent', { granted: 1 }, 'granted', NOT_BOOLEAN],
  ['consent', { granted: null }, 'granted', 'expected true or false, got null'],
  ['consent', { occurred_at: '2024-05-01T10:00:00' }, 'occurred_at', NO_OFFSET],
  ['consent', { occurred_at: '2100-12-31T23:00:00-02:00' }, 'occurred_at', YEAR_RANGE],
  ['consent', { recorded_at: '2024-05-01T10:00' }, 'recorded_at', NO_OFFSET],
  ['consent', { source: LONG }, 'source', TOO_LONG],
];

describe('validateRow refuses bad input, naming the line and the first failing field', () => {
  it.each(missingCases)('%s without the required %s', (stream, field) => {
    expect(validateRow(stream, variant(stream, { [field]: REMOVE }), 7, ctx)).toEqual({
      ok: false,
      error: { line: 7, field, message: MISSING },
    });
  });

  // every one of the six definitions present (docs/design.md §2)
  const live = {
    trigger_id: 'welcome',
    name: 'Welcome',
    signal_types: ['signup'],
    audience: 'new_users',
    channel: 'push',
    surface: 'lock_screen',
    window_ms: 60_000,
    suppression: { converted_lookback_ms: 86_400_000 },
    frequency_cap: { max: 1, per_ms: 86_400_000 },
    consent_purpose: 'marketing',
    success_types: ['purchase'],
    guardrail_types: ['unsubscribe'],
    holdout_pct: 0.1,
    status: 'live',
  };

  it('takes a draft definition lacking every one of the six definitions', () => {
    for (const draft of [{}, { status: 'draft' }, { status: null }]) {
      const result = validateRow('triggers', { trigger_id: 'w', name: 'W', ...draft }, 1, ctx);
      expect(result.ok && result.value.row).toMatchObject({
        status: 'draft',
        channel: '',
        surface: '',
        audience: '',
        signal_types: [],
        window_ms: null,
        success_types: [],
        holdout_pct: null,
      });
    }
    expect(validateRow('triggers', live, 1, ctx).ok).toBe(true);
  });

  // Each definition in turn left out in each way a producer leaves a field out: the field
  // absent, null, or empty; the refusal names the definition, its fields and the first field
  // the row leaves out (written out here, not read from the rule under test).
  const withoutEach: [string, Record<string, unknown>, string, string][] = [
    ['signal', { signal_types: REMOVE }, 'signal_types', 'signal (signal_types)'],
    ['signal', { signal_types: [] }, 'signal_types', 'signal (signal_types)'],
    ['audience', { audience: REMOVE }, 'audience', 'audience (audience)'],
    ['audience', { audience: '  ' }, 'audience', 'audience (audience)'],
    ['surface', { channel: null }, 'channel', 'surface (channel, surface)'],
    ['surface', { surface: REMOVE }, 'surface', 'surface (channel, surface)'],
    ['window', { window_ms: REMOVE }, 'window_ms', 'window (window_ms)'],
    ['window', { window_ms: 0 }, 'window_ms', 'window (window_ms)'],
    [
      'suppression',
      { suppression: REMOVE },
      'suppression.converted_lookback_ms',
      'suppression (suppression.converted_lookback_ms, frequency_cap, consent_purpose)',
    ],
    [
      'suppression',
      { frequency_cap: null },
      'frequency_cap',
      'suppression (suppression.converted_lookback_ms, frequency_cap, consent_purpose)',
    ],
    [
      'suppression',
      { consent_purpose: '' },
      'consent_purpose',
      'suppression (suppression.converted_lookback_ms, frequency_cap, consent_purpose)',
    ],
    [
      'success',
      { success_types: REMOVE },
      'success_types',
      'success (success_types, guardrail_types, holdout_pct)',
    ],
    [
      'success',
      { guardrail_types: [] },
      'guardrail_types',
      'success (success_types, guardrail_types, holdout_pct)',
    ],
    [
      'success',
      { holdout_pct: REMOVE },
      'holdout_pct',
      'success (success_types, guardrail_types, holdout_pct)',
    ],
  ];

  it.each(
    withoutEach.flatMap((c) => [
      [...c, 'live'],
      [...c, 'paused'],
    ]),
  )(
    'refuses a definition without %s (%j) when %s, naming it',
    (_definition, patch, field, lacks, status) => {
      const row: Record<string, unknown> = { ...live, status };
      for (const [name, value] of Object.entries(patch as Record<string, unknown>)) {
        if (value === REMOVE) {
          delete row[name];
        } else {
          row[name] = value;
        }
      }
      expect(validateRow('triggers', row, 4, ctx)).toEqual({
        ok: false,
        error: {
          line: 4,
          field,
          message: `a ${status as string} trigger needs all six definitions; it lacks ${lacks as string}. Send them, or "status":"draft" to store it unfinished`,
        },
      });
      expect(validateRow('triggers', { ...row, status: 'draft' }, 4, ctx).ok).toBe(true);
    },
  );

  it('names every definition a live trigger lacks, in the order of the six', () => {
    const bare = { trigger_id: 'b', name: 'B', status: 'live', channel: 'email' };
    expect(validateRow('triggers', bare, 2, ctx)).toEqual({
      ok: false,
      error: {
        line: 2,
        field: 'signal_types',
        message:
          'a live trigger needs all six definitions; it lacks signal (signal_types); audience (audience); ' +
          'surface (channel, surface); window (window_ms); suppression (suppression.converted_lookback_ms, ' +
          'frequency_cap, consent_purpose); success (success_types, guardrail_types, holdout_pct). ' +
          'Send them, or "status":"draft" to store it unfinished',
      },
    });
  });

  it.each(badCases)('%s %j', (stream, patch, field, message) => {
    expect(validateRow(stream, variant(stream, patch), 7, ctx)).toEqual({
      ok: false,
      error: { line: 7, field, message },
    });
  });

  it.each(STREAMS.flatMap((stream) => [[], 'text', 42, null, true].map((v) => [stream, v])))(
    '%s refuses the non-object line %j as a whole',
    (stream, value) => {
      expect(validateRow(stream as StreamName, value, 3, ctx)).toEqual({
        ok: false,
        error: { line: 3, field: '(line)', message: 'expected a JSON object (one row per line)' },
      });
    },
  );

  it('accepts every valid base row (so each bad case fails for its own reason)', () => {
    for (const stream of STREAMS) {
      expect(validateRow(stream, valid[stream], 1, ctx).ok).toBe(true);
    }
  });

  it('accepts an id of exactly 256 characters and text at exactly the field limit', () => {
    expect(
      validateRow(
        'signals',
        variant('signals', { event_id: 'i'.repeat(256), type: 'x'.repeat(64) }),
        1,
        ctx,
      ).ok,
    ).toBe(true);
    // Characters, not UTF-16 units: 64 emoji are 128 units.
    expect(validateRow('signals', variant('signals', { type: '😀'.repeat(64) }), 1, ctx).ok).toBe(
      true,
    );
    expect(validateRow('signals', variant('signals', { type: '😀'.repeat(65) }), 1, ctx)).toEqual({
      ok: false,
      error: { line: 1, field: 'type', message: TOO_LONG },
    });
  });

  it('stores firing properties as JSON text with sorted keys, {} when absent or null', () => {
    const stored = (properties: unknown) =>
      accept('firings', variant('firings', { properties })).row.properties;
    expect(stored(REMOVE)).toBe('{}');
    expect(stored(null)).toBe('{}');
    expect(stored({})).toBe('{}');
    expect(stored({ tier: 'gold', orders: -2, ratio: 1.5, vip: false, 'a b': '' })).toBe(
      '{"a b":"","orders":-2,"ratio":1.5,"tier":"gold","vip":false}',
    );
  });

  // PHP's json_encode writes an empty map as [], as it writes an empty list.
  it.each([
    ['signals', 'properties', 'properties', '{}'],
    ['firings', 'properties', 'properties', '{}'],
    ['triggers', 'suppression', 'suppression_converted_lookback_ms', null],
  ] as const)(
    "reads %s' %s sent as [] (PHP's empty map) as {}",
    (stream, field, column, stored) => {
      expect(accept(stream, variant(stream, { [field]: [] })).row[column]).toBe(stored);
    },
  );

  it.each([
    ['signals', 'properties', [{}]],
    ['firings', 'properties', ['gold']],
    ['triggers', 'suppression', [1]],
  ] as const)('still refuses %s %s sent as a non-empty array', (stream, field, value) => {
    const result = validateRow(stream, variant(stream, { [field]: value }), 2, ctx);
    expect(result).toMatchObject({ ok: false, error: { line: 2, field } });
  });

  it('accepts properties nested exactly 10 levels deep, and NUL inside them (stored escaped)', () => {
    const row = accept(
      'signals',
      variant('signals', { properties: { ...nested(10), note: 'a\u0000b' } }),
    ).row;
    expect(row.properties).toContain('"note":"a\\u0000b"');
  });
});

describe('clock-skew correction and future clamping', () => {
  // occurred_at := arrival − (sent_at − occurred_at), the arrival being received_at, or
  // collected_at when the row states it.
  it.each([
    [
      // The device clock is about 2 h slow: it says the event happened at 09:58:30 and was sent
      // at 10:00:00. The 90 s between them are trusted; the server received it at 12:00:00.
      'a device clock 2 h slow, against received_at',
      { occurred_at: '2024-05-01T09:58:30Z', sent_at: '2024-05-01T10:00:00Z' },
      { occurred_at: '2024-05-01 11:58:30.000', sent_at: '2024-05-01 10:00:00.000' },
    ],
    [
      // Imported from a warehouse a year later: the phone said 09:58:30 and sent it at 10:00:00
      // by its own clock; the producer's collector received it at 2023-06-01 08:00:00. The event
      // happened 90 s before that collection, whatever day the import runs.
      'an imported signal, against the time its pipeline received it (collected_at)',
      {
        occurred_at: '2023-06-01T09:58:30Z',
        sent_at: '2023-06-01T10:00:00Z',
        collected_at: '2023-06-01T08:00:00Z',
      },
      { occurred_at: '2023-06-01 07:58:30.000', collected_at: '2023-06-01 08:00:00.000' },
    ],
    [
      // The collector's clock is 3 h ahead of ours: it says it received the signal at 15:00,
      // after the row reached Causeway at 12:00:00. No pipeline receives a row after we do, so
      // the correction is made against received_at (90 s before it); collected_at is kept as
      // given.
      'a collected_at later than received_at, against received_at',
      {
        occurred_at: '2024-05-01T09:58:30Z',
        sent_at: '2024-05-01T10:00:00Z',
        collected_at: '2024-05-01T15:00:00Z',
      },
      { occurred_at: '2024-05-01 11:58:30.000', collected_at: '2024-05-01 15:00:00.000' },
    ],
  ])('corrects %s', (_case, times, stored) => {
    expect(accept('signals', variant('signals', times)).row).toMatchObject({
      ...stored,
      received_at: '2024-05-01 12:00:00.000',
      skew_corrected: true,
      future_clamped: false,
    });
  });

  it('corrects a device clock that runs ahead, with epoch milliseconds', () => {
    // occurred 1_714_600_000_000, sent 1_714_600_000_750: 750 ms later; received RECEIVED_AT.
    const row = accept(
      'signals',
      variant('signals', {
        occurred_at: 1_714_600_000_000,
        sent_at: '1714600000750',
      }),
    ).row;
    expect(row.occurred_at).toBe('2024-05-01 11:59:59.250');
  });

  it('keeps times as given when sent_at is absent (backfills)', () => {
    const row = accept('signals', variant('signals', { occurred_at: '2023-01-01T00:00:00Z' })).row;
    expect(row).toMatchObject({ occurred_at: '2023-01-01 00:00:00.000', skew_corrected: false });
  });

  it('clamps a corrected time that lands more than a day ahead', () => {
    const row = accept(
      'signals',
      variant('signals', {
        occurred_at: '2024-05-03T10:00:00Z',
        sent_at: '2024-05-01T10:00:00Z',
      }),
    ).row;
    expect(row).toMatchObject({
      occurred_at: '2024-05-01 12:00:00.000',
      skew_corrected: true,
      future_clamped: true,
    });
  });

  // The correction is refused, naming the arrival it was made against, when it lands before 2000:
  // a send time 100 years after the event, or a collection 5 s after 2000 for an event sent 10 s
  // after it happened.
  it.each([
    ['received_at', { occurred_at: '2000-01-01T00:00:00Z', sent_at: '2100-01-01T00:00:00Z' }],
    [
      'collected_at',
      {
        occurred_at: '2001-01-01T00:00:00Z',
        sent_at: '2001-01-01T00:00:10Z',
        collected_at: '2000-01-01T00:00:05Z',
      },
    ],
  ])('refuses a correction against %s that lands before 2000', (arrival, times) => {
    expect(validateRow('signals', variant('signals', times), 2, ctx)).toEqual({
      ok: false,
      error: {
        line: 2,
        field: 'occurred_at',
        message: `falls before 2000 after clock-skew correction (${arrival} − (sent_at − occurred_at)); check sent_at`,
      },
    });
  });

  it.each([
    ['signals', 'occurred_at'],
    ['firings', 'decided_at'],
    ['exposures', 'occurred_at'],
    ['outcomes', 'occurred_at'],
    ['consent', 'occurred_at'],
  ] as const)(
    '%s: %s more than 24 h ahead is clamped to received_at and flagged',
    (stream, field) => {
      const atLimit = accept(stream, variant(stream, { [field]: RECEIVED_AT + 24 * HOUR })).row;
      expect(atLimit).toMatchObject({ [field]: '2024-05-02 12:00:00.000', future_clamped: false });
      const beyond = accept(stream, variant(stream, { [field]: RECEIVED_AT + 24 * HOUR + 1 })).row;
      expect(beyond).toMatchObject({ [field]: '2024-05-01 12:00:00.000', future_clamped: true });
    },
  );

  it('does not clamp other timestamps (they are stored as given)', () => {
    const row = accept(
      'firings',
      variant('firings', { dispatched_at: '2024-06-01T00:00:00Z' }),
    ).row;
    expect(row).toMatchObject({ dispatched_at: '2024-06-01 00:00:00.000', future_clamped: false });
  });
});

describe('a device clock restarted at 1970', () => {
  // Received at 2024-05-01T12:00:00Z. A phone whose clock restarted at the epoch stamps the event
  // at 00:05:00 and the send at 00:06:30 on 1970-01-01: the 90 s between them are trusted.
  const DEVICE = { occurred_at: '1970-01-01T00:05:00Z', sent_at: '1970-01-01T00:06:30Z' };
  const CORRECTED_BEFORE_2000 =
    'falls before 2000 after clock-skew correction (received_at − (sent_at − occurred_at)); check sent_at';
  const CORRECTED_AFTER_2100 =
    'falls after 2100 after clock-skew correction (received_at − (sent_at − occurred_at)); check sent_at';

  it.each([
    ['in UTC', DEVICE],
    [
      "at New York's offset (1969 locally)",
      { ...DEVICE, occurred_at: '1969-12-31T19:05:00-05:00' },
    ],
  ])('reads its times %s when it states sent_at, and stores the corrected time', (_case, times) => {
    expect(accept('signals', variant('signals', times)).row).toMatchObject({
      occurred_at: '2024-05-01 11:58:30.000',
      sent_at: '1970-01-01 00:06:30.000',
      skew_corrected: true,
      future_clamped: false,
    });
  });

  it('hashes a retry stamped with another send time alike', () => {
    const first = accept('signals', variant('signals', DEVICE));
    const retry = accept(
      'signals',
      variant('signals', { ...DEVICE, sent_at: '1970-01-01T00:07:00Z' }),
    );
    expect(retry.contentHash).toBe(first.contentHash);
    expect(retry.row.occurred_at).toBe('2024-05-01 11:58:00.000');
  });

  it.each([
    ['without sent_at', { occurred_at: DEVICE.occurred_at }, 'occurred_at', YEAR_RANGE],
    ['with a null sent_at', { ...DEVICE, sent_at: null }, 'occurred_at', YEAR_RANGE],
    // epoch milliseconds that small are far likelier a mistake than a clock: the stored years
    [
      'in epoch milliseconds',
      { occurred_at: 300_000, sent_at: 390_000 },
      'occurred_at',
      YEAR_RANGE,
    ],
    // the device's event, 54 years before its send, lands in 1970 on the server clock
    [
      'corrected to before 2000',
      { occurred_at: '1970-01-01T00:00:00Z', sent_at: '2024-05-01T10:00:00Z' },
      'occurred_at',
      CORRECTED_BEFORE_2000,
    ],
    // the event 129 years after the send lands in 2153
    [
      'corrected to after 2100',
      { occurred_at: '2100-01-01T00:00:00Z', sent_at: '1971-01-01T00:00:00Z' },
      'occurred_at',
      CORRECTED_AFTER_2100,
    ],
    [
      'before the epoch',
      { ...DEVICE, occurred_at: '1969-12-31T23:59:59Z' },
      'occurred_at',
      YEAR_RANGE,
    ],
    [
      'with a send time that is no time',
      { ...DEVICE, sent_at: 'yesterday' },
      'sent_at',
      EXPECTED_TIMESTAMP,
    ],
  ])('refuses it %s, naming the line and the field', (_case, times, field, message) => {
    expect(validateRow('signals', variant('signals', times), 3, ctx)).toEqual({
      ok: false,
      error: { line: 3, field, message },
    });
  });

  it('holds other times to the stored years', () => {
    expect(
      validateRow(
        'signals',
        variant('signals', { ...DEVICE, computed_at: DEVICE.sent_at }),
        1,
        ctx,
      ),
    ).toEqual({ ok: false, error: { line: 1, field: 'computed_at', message: YEAR_RANGE } });
    expect(
      validateRow('firings', variant('firings', { decided_at: DEVICE.occurred_at }), 1, ctx),
    ).toEqual({ ok: false, error: { line: 1, field: 'decided_at', message: YEAR_RANGE } });
  });
});

describe('times as warehouses write them', () => {
  // BigQuery's export (` UTC`, microseconds) and Snowflake's TIMESTAMP_TZ (a space before the
  // offset), with the instant each names written by hand.
  it.each([
    ['signals', 'occurred_at', '2024-05-01 10:00:00.123456 UTC', '2024-05-01 10:00:00.123'],
    ['signals', 'computed_at', '2024-05-01 03:00:00.000 -0700', '2024-05-01 10:00:00.000'],
    ['signals', 'collected_at', '2024-05-01 12:00:00 +02:00', '2024-05-01 10:00:00.000'],
    ['firings', 'decided_at', '2024-05-01 12:00:00 +0200', '2024-05-01 10:00:00.000'],
    ['firings', 'signal_at', '2024-05-01 10:00:00 UTC', '2024-05-01 10:00:00.000'],
    ['exposures', 'occurred_at', '2024-05-01 01:30:00.5 -08:30', '2024-05-01 10:00:00.500'],
    ['outcomes', 'occurred_at', '2024-05-01 00:00:00 -10', '2024-05-01 10:00:00.000'],
    ['consent', 'recorded_at', '2024-05-01 10:00:00.999999 UTC', '2024-05-01 10:00:00.999'],
  ] as const)('%s.%s %j', (stream, field, sent, stored) => {
    const row = accept(stream, variant(stream, { [field]: sent })).row;
    expect(row[field]).toBe(stored);
    // the same row as the ISO text of the instant
    const iso = `${stored.replace(' ', 'T')}Z`;
    expect(accept(stream, variant(stream, { [field]: iso }))).toEqual(
      accept(stream, variant(stream, { [field]: sent })),
    );
  });

  it('corrects the skew of times written so', () => {
    const times = { occurred_at: '2024-05-01 09:58:30 UTC', sent_at: '2024-05-01 03:00:00 -0700' };
    expect(accept('signals', variant('signals', times)).row).toMatchObject({
      occurred_at: '2024-05-01 11:58:30.000',
      sent_at: '2024-05-01 10:00:00.000',
      skew_corrected: true,
    });
  });
});

describe('ids and content hashes', () => {
  const later: ValidationContext = { ...ctx, receivedAt: RECEIVED_AT + 7 * 24 * HOUR };

  it('a re-delivery a week later has the same id and content hash, even when corrected or clamped', () => {
    for (const [stream, patch] of [
      ['signals', { sent_at: '2024-05-01T10:00:05Z' }],
      ['exposures', { occurred_at: RECEIVED_AT + 48 * HOUR }],
      ['consent', { occurred_at: RECEIVED_AT + 48 * HOUR }],
      ['triggers', {}],
    ] as const) {
      const first = accept(stream, variant(stream, patch));
      const again = accept(stream, variant(stream, patch), later);
      expect({ id: again.id, hash: again.contentHash }).toEqual({
        id: first.id,
        hash: first.contentHash,
      });
      expect(again.row.received_at).not.toBe(first.row.received_at);
    }
  });

  it('different content under the same id has a different content hash', () => {
    const a = accept('outcomes', variant('outcomes', { value: '10' }));
    const b = accept('outcomes', variant('outcomes', { value: '11' }));
    expect(a.id).toBe(b.id);
    expect(a.contentHash).not.toBe(b.contentHash);
  });

  it('derives exposure ids from (firing_id, type, occurred_at) and consent ids from (person_id, purpose, granted, occurred_at, source)', () => {
    const exposureId = (patch: Record<string, unknown>) =>
      accept('exposures', variant('exposures', patch)).id;
    expect(exposureId({})).toBe(exposureId({ rendered_variant: 'B' }));
    expect(exposureId({ type: 'clicked' })).not.toBe(exposureId({}));
    expect(exposureId({ occurred_at: '2024-05-01T10:00:00.001Z' })).not.toBe(exposureId({}));
    expect(exposureId({ firing_id: 'g' })).not.toBe(exposureId({}));
    // An id sent by the producer is used as is; '' counts as absent.
    expect(exposureId({ event_id: 'mine' })).toBe('mine');
    expect(exposureId({ event_id: '' })).toBe(exposureId({}));

    const consentId = (patch: Record<string, unknown>) =>
      accept('consent', variant('consent', patch)).id;
    expect(consentId({ recorded_at: 1714557600000 })).toBe(consentId({}));
    for (const patch of [
      { granted: false },
      { source: 'app' },
      { purpose: 'x' },
      { person_id: 'q' },
      { occurred_at: 1714557600001 },
    ]) {
      expect(consentId(patch)).not.toBe(consentId({}));
    }
    expect(consentId({})).toMatch(/^derived:[0-9a-f]{32}$/);
  });

  it('names trigger versions trigger_id@version', () => {
    expect(accept('triggers', variant('triggers', { version: 2 })).id).toBe('t@2');
    expect(accept('triggers', valid.triggers).id).toBe('t@1');
  });

  it('hashes the first 8 bytes of SHA-256 over the sorted columns, arrival columns excluded', async () => {
    const { createHash } = await import('node:crypto');
    const { contentHash, row } = accept('consent', variant('consent', { event_id: 'c1' }));
    const content = [
      ['event_id', 'c1'],
      ['granted', true],
      ['occurred_at', '2024-05-01 10:00:00.000'],
      ['person_id', 'p'],
      ['purpose', 'marketing'],
      ['recorded_at', null],
      ['source', ''],
      ['tenant_id', 'tenant-a'],
    ];
    const digest = createHash('sha256').update(JSON.stringify(content)).digest();
    expect(contentHash).toBe(digest.readBigUInt64BE(0).toString());
    expect(row.content_hash).toBe(contentHash);
    expect(BigInt(contentHash) < 2n ** 64n).toBe(true);
  });
});
