import type { StreamDeclaration } from './declaration.js';

/** `firings.arm`. */
export const ARMS = ['treatment', 'holdout', 'global_holdout'] as const;

/** The `firings` stream: a trigger's decision to act on a person, sent or skipped. */
export const firingsStream = {
  description: "A trigger's decision to act on a person: sent, skipped, or held out.",
  table: 'firings',
  key: ['firing_id'],
  eventTime: 'decided_at',
  fields: {
    firing_id: {
      type: 'id',
      required: true,
      description: "The firing's unique id; exposures and outcomes refer to it.",
      column: 'firing_id',
      columnType: 'String',
    },
    trigger_id: {
      type: 'id',
      required: true,
      description: 'The trigger that decided.',
      column: 'trigger_id',
      columnType: 'LowCardinality(String)',
    },
    person_id: {
      type: 'id',
      required: true,
      description: 'The person the decision is about.',
      column: 'person_id',
      columnType: 'String',
    },
    decided_at: {
      type: 'time',
      required: true,
      description: 'When the trigger decided.',
      column: 'decided_at',
      columnType: "DateTime64(3, 'UTC')",
    },
    arm: {
      type: 'enum',
      required: true,
      description: 'The arm the person is in: `holdout` and `global_holdout` are both control.',
      values: ARMS,
      column: 'arm',
      columnType: 'LowCardinality(String)',
    },
    trigger_version: {
      type: 'version',
      required: false,
      description: "The trigger definition's version; 0 stored = not stated (the newest is used).",
      column: 'trigger_version',
      columnType: 'UInt32',
      default: 0,
    },
    signal_event_id: {
      type: 'id',
      required: false,
      description: 'The `event_id` of the signal the trigger acted on.',
      column: 'signal_event_id',
      columnType: 'String',
      default: '',
    },
    signal_at: {
      type: 'time',
      required: false,
      description: 'When that signal occurred (else read from the signal it names).',
      column: 'signal_at',
      columnType: "Nullable(DateTime64(3, 'UTC'))",
      default: null,
    },
    dispatched_at: {
      type: 'time',
      required: false,
      description: 'When the message left for its channel.',
      column: 'dispatched_at',
      columnType: "Nullable(DateTime64(3, 'UTC'))",
      default: null,
    },
    channel: {
      type: 'text',
      required: false,
      description: 'The channel the message went by, e.g. `push`.',
      column: 'channel',
      columnType: 'LowCardinality(String)',
      default: '',
    },
    surface: {
      type: 'text',
      required: false,
      description: 'Where the message appears, e.g. `lockscreen`.',
      column: 'surface',
      columnType: 'LowCardinality(String)',
      default: '',
    },
    variant: {
      type: 'text',
      required: false,
      description: 'The content variant chosen.',
      column: 'variant',
      columnType: 'LowCardinality(String)',
      default: '',
    },
    skip_reason: {
      type: 'text',
      required: false,
      description:
        'Why the firing was decided but not sent (`frequency_cap`, `quiet_hours`, `consent`, ...).',
      column: 'skip_reason',
      columnType: 'LowCardinality(String)',
      default: '',
    },
    properties: {
      type: 'attributes',
      required: false,
      description:
        "The person's context at the decision (tier, country, ...): string, number or boolean values.",
      column: 'properties',
      columnType: 'String',
      default: '{}',
    },
  },
} as const satisfies StreamDeclaration;
