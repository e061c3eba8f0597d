// The input rows of docs/design.md §2 as a producer written in TypeScript sends them (the demo generator,
// the importers): snake_case, timestamps as ISO-8601 text. Validation accepts more than this
// (epoch milliseconds, `null` for an absent optional field); these types are the shape Causeway's
// own producers commit to, read off the same declarations as validation (streams/).
import type { ARMS, EXPOSURE_TYPES, SIGNAL_KINDS, TRIGGER_STATUSES } from './streams/index.js';
import type { InputRow } from './streams/row-types.js';

/** The accepted values of the enumerated fields, as validation holds them. */
export { ARMS, EXPOSURE_TYPES, SIGNAL_KINDS, TRIGGER_STATUSES } from './streams/index.js';
/** The stream declarations, for documentation and schema generators. */
export {
  FIELD_TYPES,
  STREAM_DECLARATIONS,
  storedFields,
  type FieldDeclaration,
  type FieldType,
  type StoredField,
  type StreamDeclaration,
} from './streams/index.js';
export type { InputRow, IsoTimestamp } from './streams/row-types.js';

/** `arm` of a firing; `holdout` and `global_holdout` are both control. */
export type Arm = (typeof ARMS)[number];

/** `kind` of a signal (`behavioral` when absent). */
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** `status` of a trigger definition (`draft` when absent). */
export type TriggerStatus = (typeof TRIGGER_STATUSES)[number];

/** `type` of an exposure. */
export type ExposureType = (typeof EXPOSURE_TYPES)[number];

/** A row of the `signals` stream. */
export type SignalRow = InputRow<'signals'>;

/** A row of the `triggers` stream (a definition). */
export type TriggerRow = InputRow<'triggers'>;

/** A row of the `firings` stream: a decision to act, sent or skipped. */
export type FiringRow = InputRow<'firings'>;

/** A row of the `exposures` stream. */
export type ExposureRow = InputRow<'exposures'>;

/** A row of the `outcomes` stream. */
export type OutcomeRow = InputRow<'outcomes'>;

/** A row of the `consent` stream. */
export type ConsentRow = InputRow<'consent'>;

/** The row type of each stream. */
export interface InputRows {
  signals: SignalRow;
  triggers: TriggerRow;
  firings: FiringRow;
  exposures: ExposureRow;
  outcomes: OutcomeRow;
  consent: ConsentRow;
}
