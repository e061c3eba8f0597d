// Every stream's declaration, by stream name: the one place a stream's fields are listed.
import { consentStream } from './consent.stream.js';
import type { FieldDeclaration, StreamDeclaration } from './declaration.js';
import { exposuresStream } from './exposures.stream.js';
import { firingsStream } from './firings.stream.js';
import { outcomesStream } from './outcomes.stream.js';
import { signalsStream } from './signals.stream.js';
import { triggersStream } from './triggers.stream.js';

export * from './declaration.js';
export { SIGNAL_KINDS } from './signals.stream.js';
export {
  DEFAULT_CONVERSION_WINDOW_MS,
  REQUIRED_UNLESS_DRAFT,
  TRIGGER_STATUSES,
} from './triggers.stream.js';
export * from './trigger-readiness.js';
export { ARMS } from './firings.stream.js';
export { EXPOSURE_TYPES } from './exposures.stream.js';

/** The declaration of each stream, in the order of docs/design.md §2. */
export const STREAM_DECLARATIONS = {
  signals: signalsStream,
  triggers: triggersStream,
  firings: firingsStream,
  exposures: exposuresStream,
  outcomes: outcomesStream,
  consent: consentStream,
} as const;

/** A stored column of a stream: the field (or nested field) it holds, and where it is in the row. */
export interface StoredField {
  /** The path of the field in a row: `["channel"]`, `["frequency_cap", "max"]`. */
  path: readonly string[];
  column: string;
  field: FieldDeclaration;
}

/** The columns a stream's fields are stored in, nested objects flattened, in declaration order. */
export function storedFields(declaration: StreamDeclaration): StoredField[] {
  const walk = (
    fields: Readonly<Record<string, FieldDeclaration>>,
    path: string[],
  ): StoredField[] =>
    Object.entries(fields).flatMap(([name, field]) =>
      field.fields !== undefined
        ? walk(field.fields, [...path, name])
        : [{ path: [...path, name], column: field.column ?? name, field }],
    );
  return walk(declaration.fields, []);
}

/** The names of the top-level fields that hold a time in some stream (`occurred_at`, ...). */
export const TIME_FIELD_NAMES: readonly string[] = [
  ...new Set(
    Object.values(STREAM_DECLARATIONS).flatMap((declaration: StreamDeclaration) =>
      Object.entries(declaration.fields)
        .filter(([, field]) => field.type === 'time')
        .map(([name]) => name),
    ),
  ),
];
