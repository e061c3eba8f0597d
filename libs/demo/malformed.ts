// Raw NDJSON lines that a correct ingest must reject, per stream. Each stream gets one line of each
// kind in turn (bad JSON, a missing required field, a value outside its enum or type, an
// unparseable timestamp); ids start with `bad-` so an accepted one is easy to spot.

import type { DemoStream, LinesByStream } from './rows.js';

/** Why a malformed line must be rejected. */
export type MalformedKind = 'bad_json' | 'missing_field' | 'bad_enum' | 'bad_timestamp';

/** The kinds, in the order each stream's lines cycle through them. */
export const MALFORMED_KINDS: readonly MalformedKind[] = [
  'bad_json',
  'missing_field',
  'bad_enum',
  'bad_timestamp',
];

type Template = (n: number) => string;

const json = (value: Record<string, unknown>): string => JSON.stringify(value);

// Triggers carry no timestamp: their fourth kind is a duration that is not a number.
const templates: Record<DemoStream, Record<MalformedKind, Template>> = {
  triggers: {
    bad_json: (n) => `{"trigger_id":"bad-trigger-${n}","name":"Broken","channel":"email",`,
    missing_field: (n) =>
      json({
        trigger_id: `bad-trigger-${n}`,
        name: 'No window',
        channel: 'email',
        signal_types: ['cart_abandoned'],
        success_types: ['purchase'],
        // a draft may lack its window; a live definition may not
        status: 'live',
      }),
    bad_enum: (n) =>
      json({
        trigger_id: `bad-trigger-${n}`,
        name: 'Unknown status',
        channel: 'email',
        signal_types: ['cart_abandoned'],
        window_ms: 3_600_000,
        success_types: ['purchase'],
        status: 'retired',
      }),
    bad_timestamp: (n) =>
      json({
        trigger_id: `bad-trigger-${n}`,
        name: 'Window in words',
        channel: 'email',
        signal_types: ['cart_abandoned'],
        window_ms: 'four hours',
        success_types: ['purchase'],
      }),
  },
  signals: {
    bad_json: (n) => `{"event_id":"bad-signal-${n}","person_id":"p_bad","type":"page_view"`,
    missing_field: (n) =>
      json({ event_id: `bad-signal-${n}`, type: 'page_view', occurred_at: '2026-10-02T10:00:00Z' }),
    bad_enum: (n) =>
      json({
        event_id: `bad-signal-${n}`,
        person_id: 'p_bad',
        type: 'page_view',
        occurred_at: '2026-10-02T10:00:00Z',
        kind: 'psychic',
      }),
    bad_timestamp: (n) =>
      json({
        event_id: `bad-signal-${n}`,
        person_id: 'p_bad',
        type: 'page_view',
        occurred_at: '2026-13-45T99:00:00Z',
      }),
  },
  firings: {
    bad_json: (n) => `{"firing_id":"bad-firing-${n}",'trigger_id':'cart-recovery-email'}`,
    missing_field: (n) =>
      json({
        firing_id: `bad-firing-${n}`,
        trigger_id: 'cart-recovery-email',
        person_id: 'p_bad',
        arm: 'treatment',
      }),
    bad_enum: (n) =>
      json({
        firing_id: `bad-firing-${n}`,
        trigger_id: 'cart-recovery-email',
        person_id: 'p_bad',
        decided_at: '2026-10-02T10:00:00Z',
        arm: 'control',
      }),
    bad_timestamp: (n) =>
      json({
        firing_id: `bad-firing-${n}`,
        trigger_id: 'cart-recovery-email',
        person_id: 'p_bad',
        decided_at: 'yesterday at noon',
        arm: 'treatment',
      }),
  },
  exposures: {
    bad_json: (n) => `{"event_id":"bad-exposure-${n}","firing_id":"f_1","type":"opened",}`,
    missing_field: (n) =>
      json({ event_id: `bad-exposure-${n}`, type: 'opened', occurred_at: '2026-10-02T10:00:00Z' }),
    bad_enum: (n) =>
      json({
        event_id: `bad-exposure-${n}`,
        firing_id: 'f_1',
        type: 'glimpsed',
        occurred_at: '2026-10-02T10:00:00Z',
      }),
    bad_timestamp: (n) =>
      json({
        event_id: `bad-exposure-${n}`,
        firing_id: 'f_1',
        type: 'opened',
        occurred_at: '2026-10-02 25:61',
      }),
  },
  outcomes: {
    bad_json: (n) => `{"outcome_id":"bad-outcome-${n}","person_id":"p_bad","value":12.5.0}`,
    missing_field: (n) =>
      json({
        outcome_id: `bad-outcome-${n}`,
        person_id: 'p_bad',
        occurred_at: '2026-10-02T10:00:00Z',
      }),
    // Outcome types are open (tenants register more); the wrongly typed value stands in for an enum.
    bad_enum: (n) =>
      json({
        outcome_id: `bad-outcome-${n}`,
        person_id: 'p_bad',
        type: 'purchase',
        occurred_at: '2026-10-02T10:00:00Z',
        value: 'a lot',
      }),
    bad_timestamp: (n) =>
      json({
        outcome_id: `bad-outcome-${n}`,
        person_id: 'p_bad',
        type: 'purchase',
        occurred_at: 'not-a-time',
      }),
  },
  consent: {
    bad_json: (n) => `{"event_id":"bad-consent-${n}","person_id":"p_bad","granted":tru}`,
    missing_field: (n) =>
      json({
        event_id: `bad-consent-${n}`,
        person_id: 'p_bad',
        granted: true,
        occurred_at: '2026-10-02T10:00:00Z',
      }),
    bad_enum: (n) =>
      json({
        event_id: `bad-consent-${n}`,
        person_id: 'p_bad',
        purpose: 'email_marketing',
        granted: 'maybe',
        occurred_at: '2026-10-02T10:00:00Z',
      }),
    bad_timestamp: (n) =>
      json({
        event_id: `bad-consent-${n}`,
        person_id: 'p_bad',
        purpose: 'email_marketing',
        granted: false,
        occurred_at: '2026-02-31T10:00:00+25:00',
      }),
  },
};

/** `count` malformed lines for one stream, cycling through {@link MALFORMED_KINDS}. */
export function malformedLines(stream: DemoStream, count: number): string[] {
  const lines: string[] = [];
  for (let n = 0; n < count; n++) {
    const kind = MALFORMED_KINDS[n % MALFORMED_KINDS.length];
    lines.push(templates[stream][kind](n + 1));
  }
  return lines;
}

/** `count` malformed lines for every stream. */
export function malformedProgramLines(count: number): LinesByStream {
  return {
    triggers: malformedLines('triggers', count),
    signals: malformedLines('signals', count),
    firings: malformedLines('firings', count),
    exposures: malformedLines('exposures', count),
    outcomes: malformedLines('outcomes', count),
    consent: malformedLines('consent', count),
  };
}
