import type { StreamDeclaration } from './declaration.js';

/** The `consent` stream: a person granting or withdrawing consent for a purpose. */
export const consentStream = {
  description: 'A person granting or withdrawing consent for a purpose.',
  table: 'consent',
  key: ['event_id'],
  derivedKeyFrom: ['person_id', 'purpose', 'granted', 'occurred_at', 'source'],
  eventTime: 'occurred_at',
  fields: {
    person_id: {
      type: 'id',
      required: true,
      description: 'The person.',
      column: 'person_id',
      columnType: 'String',
    },
    purpose: {
      type: 'text',
      required: true,
      description: 'What the consent is for, e.g. `push_marketing`; triggers name it.',
      column: 'purpose',
      columnType: 'LowCardinality(String)',
    },
    granted: {
      type: 'boolean',
      required: true,
      description: 'Whether consent was granted (true) or withdrawn (false).',
      column: 'granted',
      columnType: 'Bool',
    },
    occurred_at: {
      type: 'time',
      required: true,
      description: 'When the person gave or withdrew it.',
      column: 'occurred_at',
      columnType: "DateTime64(3, 'UTC')",
    },
    event_id: {
      type: 'id',
      required: false,
      description:
        "The change's unique id; derived from person, purpose, granted, occurred_at and source when absent.",
      column: 'event_id',
      columnType: 'String',
      default: '',
    },
    source: {
      type: 'text',
      required: false,
      description: 'Where the change was made, e.g. `settings_page`.',
      column: 'source',
      columnType: 'LowCardinality(String)',
      default: '',
    },
    recorded_at: {
      type: 'time',
      required: false,
      description: 'When the consent system recorded the change.',
      column: 'recorded_at',
      columnType: "Nullable(DateTime64(3, 'UTC'))",
      default: null,
    },
  },
} as const satisfies StreamDeclaration;
