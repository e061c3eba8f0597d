import type { StreamDeclaration } from './declaration.js';
import { DEFINITION_FIELDS } from './trigger-readiness.js';

/** `triggers.status`; the first is the default. */
export const TRIGGER_STATUSES = ['draft', 'live', 'paused'] as const;

/** Default `triggers.conversion_window_ms`: 7 days (docs/design.md §2). */
export const DEFAULT_CONVERSION_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The fields a definition must have unless it is a draft (`status` absent or `draft`): those of the
 * six definitions ({@link DEFINITION_FIELDS}), top-level names. A draft may lack any of them
 * (docs/design.md §12), as defineTrigger allows; a `live` or `paused` definition lacking a
 * definition is refused, naming every one it lacks ({@link missingDefinitions} decides).
 */
export const REQUIRED_UNLESS_DRAFT: readonly string[] = [
  ...new Set(
    Object.values(DEFINITION_FIELDS).flatMap((paths) => paths.map((p) => p.split('.')[0])),
  ),
];

/**
 * The `triggers` stream: one version of a trigger's definition. Only its id and name are required
 * of every row; the six definitions are required of a live or paused one.
 */
export const triggersStream = {
  description:
    "One version of a trigger's definition: what it acts on, where, and how it is judged. A `live` or `paused` one needs all six definitions (signal, audience, surface, window, suppression, success); a `draft` may lack any.",
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
      description:
        'Where its message appears (with `channel`, the surface definition); required unless a draft.',
      column: 'surface',
      columnType: 'String',
      default: '',
    },
    audience: {
      type: 'textOrJson',
      required: false,
      description:
        'Who it is for: a segment name or a definition, stored as JSON text (the audience definition); required unless a draft.',
      column: 'audience',
      columnType: 'String',
      default: '',
    },
    holdout_pct: {
      type: 'fraction',
      required: false,
      description:
        'The share of people held out as control (part of the success definition); required unless a draft.',
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
      description:
        'Outcome types watched for harm (part of the success definition); required unless a draft.',
      column: 'guardrail_types',
      columnType: 'Array(String)',
      default: [],
    },
    frequency_cap: {
      type: 'object',
      required: false,
      description:
        'At most `max` sends per person per `per_ms` milliseconds (part of the suppression definition); required unless a draft.',
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
      description:
        'Who is not sent to (with `frequency_cap` and `consent_purpose`, the suppression definition); `converted_lookback_ms` required unless a draft.',
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
      description:
        'The consent purpose a person must have granted to be sent to (part of the suppression definition); required unless a draft.',
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
