import type { StreamDeclaration } from './declaration.js';

/** `exposures.type`. */
export const EXPOSURE_TYPES = [
  'delivered',
  'rendered',
  'opened',
  'clicked',
  'dismissed',
  'bounced',
  'failed',
] as const;

/** The `exposures` stream: what became of a sent firing's message. */
export const exposuresStream = {
  description: "What became of a firing's message: delivered, rendered, opened, ...",
  table: 'exposures',
  key: ['event_id'],
  derivedKeyFrom: ['firing_id', 'type', 'occurred_at'],
  eventTime: 'occurred_at',
  fields: {
    firing_id: {
      type: 'id',
      required: true,
      description: 'The firing whose message this is.',
      column: 'firing_id',
      columnType: 'String',
    },
    type: {
      type: 'enum',
      required: true,
      description: 'What happened to the message.',
      values: EXPOSURE_TYPES,
      column: 'type',
      columnType: 'LowCardinality(String)',
    },
    occurred_at: {
      type: 'time',
      required: true,
      description: 'When it happened.',
      column: 'occurred_at',
      columnType: "DateTime64(3, 'UTC')",
    },
    event_id: {
      type: 'id',
      required: false,
      description:
        "The exposure's unique id; derived from firing_id, type and occurred_at when absent.",
      column: 'event_id',
      columnType: 'String',
      default: '',
    },
    rendered_variant: {
      type: 'text',
      required: false,
      description: 'The variant the person actually saw.',
      column: 'rendered_variant',
      columnType: 'LowCardinality(String)',
      default: '',
    },
    machine: {
      type: 'boolean',
      required: false,
      description: 'A bot or privacy-proxy open rather than a person.',
      column: 'machine',
      columnType: 'Bool',
      default: false,
    },
  },
} as const satisfies StreamDeclaration;
