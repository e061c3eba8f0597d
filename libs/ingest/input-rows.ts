// The input rows of DESIGN §2 as a producer written in TypeScript sends them (the demo generator,
// the importers): snake_case, timestamps as ISO-8601 text. Validation accepts more than this
// (epoch milliseconds, `null` for an absent optional field, `sent_at`); these types are the shape
// Causeway's own producers commit to, checked against the same value lists as validation.
import type { ARMS, EXPOSURE_TYPES, SIGNAL_KINDS, TRIGGER_STATUSES } from './schemas.js';

/** The accepted values of the enumerated fields, as validation holds them. */
export { ARMS, EXPOSURE_TYPES, SIGNAL_KINDS, TRIGGER_STATUSES } from './schemas.js';

/** ISO-8601 timestamp in UTC with a trailing `Z`, e.g. `2026-10-01T08:15:00.000Z`. */
export type IsoTimestamp = string;

/** `arm` of a firing; `holdout` and `global_holdout` are both control. */
export type Arm = (typeof ARMS)[number];

/** `kind` of a signal (`behavioral` when absent). */
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** `status` of a trigger definition (`draft` when absent). */
export type TriggerStatus = (typeof TRIGGER_STATUSES)[number];

/** `type` of an exposure. */
export type ExposureType = (typeof EXPOSURE_TYPES)[number];

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
  /** Money as a number or as decimal text (`"29.99"`); a producer may narrow it to one. */
  value?: number | string;
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

/** The row type of each stream. */
export interface InputRows {
  signals: SignalRow;
  triggers: TriggerRow;
  firings: FiringRow;
  exposures: ExposureRow;
  outcomes: OutcomeRow;
  consent: ConsentRow;
}
