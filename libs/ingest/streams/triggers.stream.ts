import type { StreamDeclaration } from './declaration.js';

/** `triggers.status`; the first is the default. */
export const TRIGGER_STATUSES = ['draft', 'live', 'paused'] as const;

/** Default `triggers.conversion_window_ms`: 7 days (docs/design.md §2). */
export const DEFAULT_CONVERSION_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The fields a definition must have unless it is a draft (`status` absent or `draft`): a draft may
 * lack any of the six definitions (docs/design.md §12), as defineTrigger allows; a `live` or `paused`
 * definition is refused without these, naming the one missing (the other definitions are
 * reported by readiness, as for defineTrigger's drafts).
 */
export const REQUIRED_UNLESS_DRAFT = [
  'channel',
  'signal_types',
  'window_ms',
  'success_types',
] as const;

/**
 * The `triggers` stream: one version of a trigger's definition. Only its id and name are required
 * of every row; the fields of {@link REQUIRED_UNLESS_DRAFT} are required of a live or paused one.
 */
export const triggersStream = {
  description:
    "One version of a trigger's definition: what it acts on, where, and how it is judged.",
  table: 'triggers',
  key: ['trigger_id', 'version'],
  fields: {
    trigger_id: {
      type: 'id',
      required: true,
      description: "The trigger's id, shared by all its versions.",
      column: 'trigger_id',
      columnType: 'String',
    },
    name: {
      type: 'text',
      required: true,
      description: 'A name people recognize.',
      column: 'name',
      columnType: 'String',
    },
    version: {
      type: 'version',
      required: false,
      description: "The definition's version; a new version is a new row.",
      column: 'version',
      columnType: 'UInt32',
      default: 1,
    },
    channel: {
      type: 'text',
      required: false,
      description:
        'The channel it sends by, e.g. `push` (with `surface`, the surface definition); required unless a draft.',
      column: 'channel',
      columnType: 'LowCardinality(String)',
      default: '',
    },
    signal_types: {
      type: 'texts',
      required: false,
      description: 'The signal types it acts on (the signal definition); required unless a draft.',
      column: 'signal_types',
      columnType: 'Array(String)',
      default: [],
    },
    window_ms: {
      type: 'duration',
      required: false,
      description:
        'How long a signal is worth acting on: the latency target (the window definition); required unless a draft.',
      column: 'window_ms',
      columnType: 'Nullable(UInt64)',
      default: null,
    },
    success_types: {
      type: 'texts',
      required: false,
      description:
        'The outcome types that count as its success (with `guardrail_types` and `holdout_pct`, the success definition); required unless a draft.',
      column: 'success_types',
      columnType: 'Array(String)',
      default: [],
    },
    surface: {
      type: 'text',
      required: false,
      description: 'Where its message appears.',
      column: 'surface',
      columnType: 'String',
      default: '',
    },
    audience: {
      type: 'textOrJson',
      required: false,
      description: 'Who it is for: a segment name or a definition (stored as JSON text).',
      column: 'audience',
      columnType: 'String',
      default: '',
    },
    holdout_pct: {
      type: 'fraction',
      required: false,
      description: 'The share of people held out as control.',
      column: 'holdout_pct',
      columnType: 'Nullable(Float64)',
      default: null,
    },
    planned_persons: {
      type: 'count',
      required: false,
      description:
        'The persons (both arms) its holdout test is planned to reach: sequential intervals are tuned for it, fixed in advance (absent or 0: the deployment default).',
      column: 'planned_persons',
      columnType: 'Nullable(UInt32)',
      default: null,
    },
    conversion_window_ms: {
      type: 'duration',
      required: false,
      description: 'How long after a firing an outcome counts.',
      column: 'conversion_window_ms',
      columnType: 'UInt64',
      default: DEFAULT_CONVERSION_WINDOW_MS,
    },
    guardrail_types: {
      type: 'texts',
      required: false,
      description: 'Outcome types watched for harm.',
      column: 'guardrail_types',
      columnType: 'Array(String)',
      default: [],
    },
    frequency_cap: {
      type: 'object',
      required: false,
      description: 'At most `max` sends per person per `per_ms` milliseconds.',
      fields: {
        max: {
          type: 'count',
          required: true,
          description: 'The most sends in the period.',
          column: 'frequency_cap_max',
          columnType: 'Nullable(UInt32)',
          default: null,
        },
        per_ms: {
          type: 'positiveDuration',
          required: true,
          description: 'The period, in milliseconds.',
          column: 'frequency_cap_per_ms',
          columnType: 'Nullable(UInt64)',
          default: null,
        },
      },
    },
    suppression: {
      type: 'object',
      required: false,
      description: 'Who is not sent to.',
      fields: {
        converted_lookback_ms: {
          type: 'duration',
          required: false,
          description: 'Skip people who converted within this many milliseconds.',
          column: 'suppression_converted_lookback_ms',
          columnType: 'Nullable(UInt64)',
          default: null,
        },
      },
    },
    consent_purpose: {
      type: 'text',
      required: false,
      description: 'The consent purpose a person must have granted to be sent to.',
      column: 'consent_purpose',
      columnType: 'String',
      default: '',
    },
    status: {
      type: 'enum',
      required: false,
      description: 'Whether the definition is a draft, live or paused.',
      values: TRIGGER_STATUSES,
      column: 'status',
      columnType: 'LowCardinality(String)',
      default: 'draft',
    },
  },
} as const satisfies StreamDeclaration;
