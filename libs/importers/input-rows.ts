// The input rows of DESIGN section 2 as an importer sends them: snake_case, timestamps as ISO-8601
// UTC text ending in 'Z', money as decimal text (exactly as the source file wrote it). No
// `sent_at`: imports are backfills, so their event times are kept as given (DESIGN section 5).

/** ISO-8601 timestamp in UTC with a trailing `Z`, e.g. `2008-03-01T00:00:00.000Z`. */
export type IsoTimestamp = string;

/** The input streams in the order an importer uploads them: the definition first. */
export const IMPORT_STREAMS = [
  'triggers',
  'consent',
  'signals',
  'firings',
  'exposures',
  'outcomes',
] as const;

/** One of {@link IMPORT_STREAMS}. */
export type ImportStream = (typeof IMPORT_STREAMS)[number];

/** A row of the `triggers` stream (a definition). */
export interface TriggerInput {
  trigger_id: string;
  name: string;
  channel: string;
  signal_types: string[];
  window_ms: number;
  success_types: string[];
  version?: number;
  surface?: string;
  audience?: string;
  holdout_pct?: number;
  conversion_window_ms?: number;
  guardrail_types?: string[];
  frequency_cap?: { max: number; per_ms: number };
  suppression?: { converted_lookback_ms: number };
  consent_purpose?: string;
  status?: 'draft' | 'live' | 'paused';
}

/** A row of the `consent` stream. */
export interface ConsentInput {
  person_id: string;
  purpose: string;
  granted: boolean;
  occurred_at: IsoTimestamp;
  event_id?: string;
  source?: string;
}

/** A row of the `signals` stream. */
export interface SignalInput {
  event_id: string;
  person_id: string;
  type: string;
  occurred_at: IsoTimestamp;
  kind?: 'behavioral' | 'identity' | 'predictive';
  source?: string;
  properties?: Record<string, string | number | boolean>;
}

/** A row of the `firings` stream: a decision to act, sent or skipped. */
export interface FiringInput {
  firing_id: string;
  trigger_id: string;
  person_id: string;
  decided_at: IsoTimestamp;
  arm: 'treatment' | 'holdout' | 'global_holdout';
  trigger_version?: number;
  signal_event_id?: string;
  signal_at?: IsoTimestamp;
  dispatched_at?: IsoTimestamp;
  channel?: string;
  surface?: string;
  variant?: string;
}

/** A row of the `exposures` stream. */
export interface ExposureInput {
  firing_id: string;
  type: 'delivered' | 'rendered' | 'opened' | 'clicked' | 'dismissed' | 'bounced' | 'failed';
  occurred_at: IsoTimestamp;
  event_id?: string;
}

/** A row of the `outcomes` stream. */
export interface OutcomeInput {
  outcome_id: string;
  person_id: string;
  type: string;
  occurred_at: IsoTimestamp;
  /** Decimal text, e.g. `"29.99"`. */
  value?: string;
  currency?: string;
}

/** The row type of each stream. */
export interface InputRows {
  triggers: TriggerInput;
  consent: ConsentInput;
  signals: SignalInput;
  firings: FiringInput;
  exposures: ExposureInput;
  outcomes: OutcomeInput;
}
