import type { StreamDeclaration } from './declaration.js';

/** `signals.kind`; the first is the default. */
export const SIGNAL_KINDS = ['behavioral', 'identity', 'predictive'] as const;

/** The `signals` stream: what a person did or is, the input a trigger acts on. */
export const signalsStream = {
  description: 'Something a person did or is known to be: the input a trigger acts on.',
  table: 'signals',
  key: ['event_id'],
  eventTime: 'occurred_at',
  sentAt: 'sent_at',
  collectedAt: 'collected_at',
  fields: {
    event_id: {
      type: 'id',
      required: true,
      description: "The signal's unique id: a re-delivered signal with the same id counts once.",
      column: 'event_id',
      columnType: 'String',
    },
    person_id: {
      type: 'id',
      required: true,
      description: 'The person the signal is about.',
      column: 'person_id',
      columnType: 'String',
    },
    type: {
      type: 'text',
      required: true,
      description: 'What happened, e.g. `cart_abandoned`; triggers name it in `signal_types`.',
      column: 'type',
      columnType: 'LowCardinality(String)',
    },
    occurred_at: {
      type: 'time',
      required: true,
      description: 'When it happened (corrected for clock skew when `sent_at` is given).',
      column: 'occurred_at',
      columnType: "DateTime64(3, 'UTC')",
    },
    kind: {
      type: 'enum',
      required: false,
      description: 'What sort of signal: an action, an identity fact or a model prediction.',
      values: SIGNAL_KINDS,
      column: 'kind',
      columnType: 'LowCardinality(String)',
      default: 'behavioral',
    },
    source: {
      type: 'text',
      required: false,
      description: 'The system that observed the signal.',
      column: 'source',
      columnType: 'LowCardinality(String)',
      default: '',
    },
    session_id: {
      type: 'id',
      required: false,
      description: "The person's session the signal belongs to.",
      column: 'session_id',
      columnType: 'String',
      default: '',
    },
    sent_at: {
      type: 'time',
      required: false,
      description: "The producer's clock when it sent the row, to correct its clock skew.",
      column: 'sent_at',
      columnType: "Nullable(DateTime64(3, 'UTC'))",
      default: null,
    },
    properties: {
      type: 'json',
      required: false,
      description: 'Free-form context of the signal, stored as its JSON text.',
      column: 'properties',
      columnType: 'String',
      default: '{}',
    },
    collected_at: {
      type: 'time',
      required: false,
      description:
        "For imports of history: when the producer's pipeline first received the signal (its collector's or warehouse's `received_at`). Freshness measures the lag to it, and a `sent_at` correction reads it, in place of the time Causeway received the row. Stored as given; a time later than Causeway's arrival is read as that arrival.",
      column: 'collected_at',
      columnType: "Nullable(DateTime64(3, 'UTC'))",
      default: null,
    },
    computed_at: {
      type: 'time',
      required: false,
      description: 'For predictive and segment signals: when the model input was last refreshed.',
      column: 'computed_at',
      columnType: "Nullable(DateTime64(3, 'UTC'))",
      default: null,
    },
  },
} as const satisfies StreamDeclaration;
