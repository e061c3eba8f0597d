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

/** A column a row's content hash covers, and whether it is hashed as absent (null) whatever it holds. */
export interface HashedColumn {
  column: string;
  /**
   * A field that says how the row travelled, not what it says: the producer's send time, which a
   * library stamps anew on every retry (Segment's `sentAt`). It is hashed as null, as a row without
   * it is, rather than left out of the hashed text, so that a row stored without it keeps the hash
   * it was stored with.
   */
  asAbsent: boolean;
}

/**
 * The columns a stream's content hash covers, in sorted order: `tenant_id` and every stored
 * column, the send time hashed as absent. Arrival columns (`received_at`, `skew_corrected`,
 * `future_clamped`) are not stored fields and are not covered; event times are hashed as sent,
 * before any correction. validateRow, the pass-through scanner and the engine-side import all
 * hash these columns: a copy that differs only in how it travelled hashes the same on every path.
 */
export function hashedColumns(declaration: StreamDeclaration): HashedColumn[] {
  const columns = storedFields(declaration).map(({ column, path }) => ({
    column,
    asAbsent: path.length === 1 && path[0] === declaration.sentAt,
  }));
  return [...columns, { column: 'tenant_id', asAbsent: false }].sort((a, b) =>
    a.column < b.column ? -1 : 1,
  );
}

/**
 * The fields a row that states its send time holds as a device's clock stamped them: the event
 * time and the send time (none for a stream without a send time). They are read from 1970 on, a
 * device whose clock restarted at the epoch being the case the skew correction exists for; the
 * corrected event time is held to the stored years (docs/design.md §5).
 */
export function deviceClockFields(declaration: StreamDeclaration): string[] {
  return declaration.sentAt === undefined || declaration.eventTime === undefined
    ? []
    : [declaration.eventTime, declaration.sentAt];
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
