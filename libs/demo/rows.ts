// The input rows of DESIGN §2, typed exactly as a producer sends them: snake_case, timestamps as
// ISO-8601 strings in UTC ending in 'Z', money as numbers. No `sent_at`: demo data is a backfill,
// so its times are kept as given.

/** ISO-8601 timestamp in UTC with a trailing `Z`, e.g. `2026-10-01T08:15:00.000Z`. */
export type IsoTimestamp = string;

/** The six input streams, in the order the demo writes them (definitions first). */
export const DEMO_STREAMS = [
  'triggers',
  'signals',
  'firings',
  'exposures',
  'outcomes',
  'consent',
] as const;

/** One of {@link DEMO_STREAMS}. */
export type DemoStream = (typeof DEMO_STREAMS)[number];

/** `arm` of a firing; `holdout` and `global_holdout` are both control. */
export type Arm = 'treatment' | 'holdout' | 'global_holdout';

/** `kind` of a signal (`behavioral` when absent). */
export type SignalKind = 'behavioral' | 'identity' | 'predictive';

/** `status` of a trigger definition. */
export type TriggerStatus = 'draft' | 'live' | 'paused';

/** `type` of an exposure. */
export type ExposureType =
  'delivered' | 'rendered' | 'opened' | 'clicked' | 'dismissed' | 'bounced' | 'failed';

/** A row of the `signals` stream. */
export interface SignalRow {
  event_id: string;
  person_id: string;
  type: string;
  occurred_at: IsoTimestamp;
  kind?: SignalKind;
  source?: string;
  session_id?: string;
  properties?: Record<string, string | number | boolean>;
  /** Predictive signals: when the model input was last refreshed. */
  computed_at?: IsoTimestamp;
}

/** A row of the `triggers` stream (a definition). */
export interface TriggerRow {
  trigger_id: string;
  name: string;
  channel: string;
  signal_types: string[];
  window_ms: number;
  success_types: string[];
  version?: number;
  surface?: string;
  /** A segment name (stored as a string). */
  audience?: string;
  holdout_pct?: number;
  conversion_window_ms?: number;
  guardrail_types?: string[];
  frequency_cap?: { max: number; per_ms: number };
  suppression?: { converted_lookback_ms: number };
  consent_purpose?: string;
  status?: TriggerStatus;
}

/** A row of the `firings` stream: a decision to act, sent or skipped. */
export interface FiringRow {
  firing_id: string;
  trigger_id: string;
  person_id: string;
  decided_at: IsoTimestamp;
  arm: Arm;
  trigger_version?: number;
  signal_event_id?: string;
  signal_at?: IsoTimestamp;
  dispatched_at?: IsoTimestamp;
  channel?: string;
  surface?: string;
  variant?: string;
  /** Present when the firing was decided but not sent. */
  skip_reason?: string;
}

/** A row of the `exposures` stream. */
export interface ExposureRow {
  firing_id: string;
  type: ExposureType;
  occurred_at: IsoTimestamp;
  event_id?: string;
  rendered_variant?: string;
  /** A bot or privacy-proxy open. */
  machine?: boolean;
}

/** A row of the `outcomes` stream. */
export interface OutcomeRow {
  outcome_id: string;
  person_id: string;
  type: string;
  occurred_at: IsoTimestamp;
  value?: number;
  currency?: string;
  order_id?: string;
  refund_of_order_id?: string;
  channel?: string;
  firing_id?: string;
}

/** A row of the `consent` stream. */
export interface ConsentRow {
  person_id: string;
  purpose: string;
  granted: boolean;
  occurred_at: IsoTimestamp;
  event_id?: string;
  source?: string;
  recorded_at?: IsoTimestamp;
}

/** Rows of every stream. */
export interface ProgramRows {
  triggers: TriggerRow[];
  signals: SignalRow[];
  firings: FiringRow[];
  exposures: ExposureRow[];
  outcomes: OutcomeRow[];
  consent: ConsentRow[];
}

/** Raw NDJSON lines per stream. */
export type LinesByStream = Record<DemoStream, string[]>;

/** A half-open measurement period `[from, to)`. */
export interface Period {
  from: Date;
  to: Date;
}

/** Empty rows for every stream. */
export function emptyRows(): ProgramRows {
  return { triggers: [], signals: [], firings: [], exposures: [], outcomes: [], consent: [] };
}

/**
 * The identity of a row as DESIGN §5 deduplicates it: the stream's id field, or, for the streams
 * where the id is optional, the fields the storage layer derives it from.
 */
export function rowIdentity(stream: DemoStream, row: ProgramRows[DemoStream][number]): string {
  switch (stream) {
    case 'triggers': {
      const trigger = row as TriggerRow;
      return `${trigger.trigger_id}@${trigger.version ?? 0}`;
    }
    case 'signals':
      return (row as SignalRow).event_id;
    case 'firings':
      return (row as FiringRow).firing_id;
    case 'exposures': {
      const exposure = row as ExposureRow;
      return exposure.event_id ?? `${exposure.firing_id}|${exposure.type}|${exposure.occurred_at}`;
    }
    case 'outcomes':
      return (row as OutcomeRow).outcome_id;
    case 'consent': {
      const consent = row as ConsentRow;
      return (
        consent.event_id ??
        `${consent.person_id}|${consent.purpose}|${consent.granted}|${consent.occurred_at}|${consent.source ?? ''}`
      );
    }
  }
}
