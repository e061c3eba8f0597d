// The shape of a stream declaration: plain data that validation, storage, the TypeScript types,
// the person timeline and (later) a JSON Schema and a reference page are all derived from. A field
// is declared once, in its stream's `<stream>.stream.ts`; nothing else lists a stream's fields.

/**
 * The value types a field may have. Each names how a value is read, checked and stored; the
 * limits of each are in {@link FIELD_TYPES}.
 */
export type FieldType =
  | 'id'
  | 'text'
  | 'texts'
  | 'time'
  | 'enum'
  | 'boolean'
  | 'version'
  | 'duration'
  | 'positiveDuration'
  | 'count'
  | 'fraction'
  | 'decimal'
  | 'json'
  | 'attributes'
  | 'textOrJson'
  | 'object';

/** A value a column stores when its field is absent. */
export type StoredDefault = string | number | boolean | null | readonly string[];

/** One field of a stream as a producer sends it. */
export interface FieldDeclaration {
  readonly type: FieldType;
  /** A required field must be present and not null; an optional one may be absent or null. */
  readonly required: boolean;
  /** What the field means, in one line, for the reference documentation. */
  readonly description: string;
  /** The stored column (for `object`, none: each nested field has its own). */
  readonly column?: string;
  /** The ClickHouse type of that column, as its migration declares it. */
  readonly columnType?: string;
  /** What the column stores when an optional field is absent or null. */
  readonly default?: StoredDefault;
  /** For `enum`: the accepted values. */
  readonly values?: readonly [string, ...string[]];
  /** For `object`: its fields. */
  readonly fields?: Readonly<Record<string, FieldDeclaration>>;
}

/** One input stream: its table, its fields in the order errors are reported, and its identity. */
export interface StreamDeclaration {
  /** What a row of the stream says, in one line. */
  readonly description: string;
  /** The ClickHouse table the stream is stored in. */
  readonly table: string;
  /**
   * The fields, required ones first, in the order docs/design.md §2 lists them: validation reports the
   * first failing field in this order.
   */
  readonly fields: Readonly<Record<string, FieldDeclaration>>;
  /** The fields whose values, joined by `@`, are a row's deduplication id. */
  readonly key: readonly [string, ...string[]];
  /**
   * When the key field is absent or empty, the fields an id is derived from (a hash of their
   * values, event times as epoch milliseconds as sent).
   */
  readonly derivedKeyFrom?: readonly string[];
  /** The event time: clamped to the arrival time when more than 24 h ahead (`future_clamped`). */
  readonly eventTime?: string;
  /**
   * The producer's clock when it sent the row: when present, the event time is corrected for the
   * device's clock skew (`skew_corrected`).
   */
  readonly sentAt?: string;
  /**
   * When the producer's own pipeline first received the row, for imports of history: the skew
   * correction and the ingest lag read it in place of Causeway's arrival, which for a backfill is
   * only the day of the import.
   */
  readonly collectedAt?: string;
}

/** A value type: what it accepts and its limits, in words, for the reference documentation. */
export interface FieldTypeDescription {
  readonly accepts: string;
}

/**
 * What an event time or a send time accepts in a stream whose rows may state when they were sent
 * (see deviceClockFields): a device's clock, read from 1970 on when the row states it.
 */
export const DEVICE_TIME_ACCEPTS =
  'an ISO-8601 timestamp with a UTC offset, or epoch milliseconds, in the years 2000 to 2100 (UTC); when the row states `sent_at`, also an ISO-8601 timestamp from 1970 on (a device clock restarted at the epoch), as long as the time corrected for clock skew falls in 2000 to 2100';

/** Every value type, described. */
export const FIELD_TYPES: Readonly<Record<FieldType, FieldTypeDescription>> = {
  id: {
    accepts:
      'a string of at most 256 printable characters, not blank when required ("" = absent otherwise)',
  },
  text: {
    accepts: 'a string of at most INGEST_MAX_FIELD_CHARS characters, not blank when required',
  },
  texts: { accepts: 'an array of at most 1000 non-blank strings (each a `text`)' },
  time: {
    accepts:
      'an ISO-8601 timestamp with a UTC offset, or epoch milliseconds, in the years 2000 to 2100 (UTC)',
  },
  enum: { accepts: 'one of the listed values' },
  boolean: { accepts: 'true or false (JSON booleans, not strings)' },
  version: { accepts: 'an integer from 1 to 4294967295' },
  duration: { accepts: 'a non-negative integer number of milliseconds' },
  positiveDuration: { accepts: 'a positive integer number of milliseconds' },
  count: { accepts: 'an integer from 0 to 4294967295' },
  fraction: { accepts: 'a number from 0 to 1' },
  decimal: {
    accepts:
      'a number (read as the decimal JSON.stringify writes for it, rounded to 4 decimal places when it has more: JSON numbers are binary, exact to 15 significant digits) or a decimal string such as "19.99" (exact to all 18 digits of the column; at most 4 decimal places, or refused); at most 14 integer digits',
  },
  json: {
    accepts:
      'a JSON object (`[]`, as PHP writes an empty one, is `{}`), nested at most 10 levels, at most 16 × INGEST_MAX_FIELD_CHARS characters as JSON; a whole number in it within ±9007199254740991 (2^53 − 1), a larger one (a 64-bit id) sent as a string; stored as JSON text with the keys of every object sorted, so the same object in another key order is the same content',
  },
  attributes: {
    accepts:
      'a flat JSON object whose values are strings, numbers (whole ones within ±(2^53 − 1)) or booleans (`[]` is `{}`), at most 16 × INGEST_MAX_FIELD_CHARS characters as JSON; stored as JSON text with its keys sorted',
  },
  textOrJson: { accepts: 'a string (a `text`) or a JSON object' },
  object: { accepts: 'a JSON object with the listed fields (`[]` is `{}`)' },
};
