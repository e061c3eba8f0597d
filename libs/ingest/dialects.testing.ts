// The JSON dialects producers write (docs/design.md §11), for the equivalence specs: the same row written
// as each language's standard library writes it. A test sends a row in every dialect and expects
// the same answer, ids, content hashes, rejections and stored rows as for JSON.stringify's text.

import { TIME_FIELD_NAMES } from './streams/index.js';

/**
 * The fields that hold a time. A producer writes its times (datetime objects) its own way; text in
 * another field that happens to read as a time is text, written as it is.
 */
const TIME_FIELDS: ReadonlySet<string> = new Set(TIME_FIELD_NAMES);

/** How a dialect writes JSON. */
interface Dialect {
  /** Between a key and its value, and between members. */
  readonly colon: string;
  readonly comma: string;
  readonly keys: 'as-given' | 'sorted' | 'reversed';
  /** Non-ASCII characters as `\uXXXX` (Python's ensure_ascii). */
  readonly asciiOnly: boolean;
  /** Integers written as `3.0` (a column read as floats, e.g. through pandas). */
  readonly integersAsFloats: boolean;
  /** How a `YYYY-MM-DDThh:mm:ss.mmmZ` time in a time field is rewritten. */
  readonly time: (iso: string) => string;
  /** Fields the stream does not know, written first. */
  readonly unknownFields: Readonly<Record<string, unknown>>;
}

const UTC_MILLIS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{3})Z$/;

/** Python's `datetime.isoformat()` of an aware UTC time: `+00:00`, microseconds unless zero. */
function pythonTime(iso: string): string {
  const m = UTC_MILLIS.exec(iso);
  if (m === null) {
    return iso;
  }
  return m[2] === '000' ? `${m[1]}+00:00` : `${m[1]}.${m[2]}000+00:00`;
}

/** Go's RFC3339Nano: `Z`, the fraction without trailing zeros. */
function goTime(iso: string): string {
  const m = UTC_MILLIS.exec(iso);
  if (m === null) {
    return iso;
  }
  const fraction = m[2].replace(/0+$/, '');
  return fraction === '' ? `${m[1]}Z` : `${m[1]}.${fraction}Z`;
}

/**
 * The wall clock of the same instant in a zone `hours` east of UTC: `YYYY-MM-DDThh:mm:ss` and the
 * milliseconds. Undefined for text that is not a valid date (sent as it is).
 */
function wallClock(iso: string, hours: number): RegExpExecArray | undefined {
  const ms = Date.parse(iso);
  if (!UTC_MILLIS.test(iso) || Number.isNaN(ms) || new Date(ms).toISOString() !== iso) {
    return undefined;
  }
  return UTC_MILLIS.exec(new Date(ms + hours * 3_600_000).toISOString())!;
}

/** The same instant in a zone two hours east of UTC. */
function plusTwoHours(iso: string): string {
  const m = wallClock(iso, 2);
  if (m === undefined) {
    return iso;
  }
  return m[2] === '000' ? `${m[1]}+02:00` : `${m[1]}.${m[2]}+02:00`;
}

/**
 * BigQuery's JSON or CSV export of a TIMESTAMP: a space for `T`, microseconds unless zero, and
 * ` UTC` for `Z`. Text that is not a valid date is written so too (refused alike).
 */
function bigQueryTime(iso: string): string {
  const m = UTC_MILLIS.exec(iso);
  if (m === null) {
    return iso;
  }
  const dateTime = m[1].replace('T', ' ');
  return m[2] === '000' ? `${dateTime} UTC` : `${dateTime}.${m[2]}000 UTC`;
}

/**
 * Snowflake's default TIMESTAMP_TZ output (Ruby's Time#to_s is alike, without the milliseconds):
 * the wall clock of a zone seven hours west of UTC, a space for `T` and before the offset.
 */
function snowflakeTime(iso: string): string {
  const m = wallClock(iso, -7);
  return m === undefined ? iso : `${m[1].replace('T', ' ')}.${m[2]} -0700`;
}

const same = (iso: string) => iso;

const PLAIN: Dialect = {
  colon: ':',
  comma: ',',
  keys: 'as-given',
  asciiOnly: false,
  integersAsFloats: false,
  time: same,
  unknownFields: {},
};

/** The dialects, by name. `stringify` is JSON.stringify's own text. */
export const DIALECTS = {
  stringify: PLAIN,
  // json.dumps(row, sort_keys=True, default=datetime.isoformat)
  python: {
    ...PLAIN,
    colon: ': ',
    comma: ', ',
    keys: 'sorted',
    asciiOnly: true,
    time: pythonTime,
  },
  // encoding/json of a map: keys sorted, compact, times as RFC3339Nano.
  go: { ...PLAIN, keys: 'sorted', time: goTime },
  // A serializer that keeps its own field order, times in the producer's zone.
  offsets: { ...PLAIN, keys: 'reversed', time: plusTwoHours },
  // Exports of a warehouse replaying history, columns in the table's order.
  bigQuery: { ...PLAIN, time: bigQueryTime },
  snowflake: { ...PLAIN, time: snowflakeTime },
  integersAsFloats: { ...PLAIN, integersAsFloats: true },
  // Fields the stream does not know: a typo of a real field, and a nested one.
  unknownFields: {
    ...PLAIN,
    unknownFields: { signal_id: 's-1', 'sdk.context': { library: ['causeway', 1.5], ok: null } },
  },
} satisfies Record<string, Dialect>;

export type DialectName = keyof typeof DIALECTS;
export const DIALECT_NAMES = Object.keys(DIALECTS) as DialectName[];

function writeString(value: string, dialect: Dialect): string {
  const text = JSON.stringify(value);
  return dialect.asciiOnly
    ? text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : text;
}

function write(value: unknown, dialect: Dialect): string {
  if (typeof value === 'string') {
    return writeString(value, dialect);
  }
  if (typeof value === 'number') {
    return dialect.integersAsFloats && Number.isSafeInteger(value)
      ? `${value}.0`
      : JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => write(item, dialect)).join(dialect.comma)}]`;
  }
  if (typeof value === 'object' && value !== null) {
    return writeObject(value as Record<string, unknown>, dialect);
  }
  return JSON.stringify(value) ?? 'null';
}

function writeObject(value: Record<string, unknown>, dialect: Dialect): string {
  let keys = Object.keys(value).filter((key) => value[key] !== undefined);
  if (dialect.keys === 'sorted') {
    keys = keys.sort();
  } else if (dialect.keys === 'reversed') {
    keys = keys.reverse();
  }
  const members = keys.map(
    (key) => `${writeString(key, dialect)}${dialect.colon}${write(value[key], dialect)}`,
  );
  return `{${members.join(dialect.comma)}}`;
}

/**
 * A line's text as `dialect` writes it. A line that is not a JSON object is returned as it is.
 */
export function inDialect(raw: string, name: DialectName): string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return raw;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return raw;
  }
  const dialect: Dialect = DIALECTS[name];
  // Without a prototype, a `__proto__` field is a field like any other.
  const row = Object.assign(Object.create(null) as Record<string, unknown>, dialect.unknownFields);
  for (const [key, field] of Object.entries(value)) {
    row[key] = typeof field === 'string' && TIME_FIELDS.has(key) ? dialect.time(field) : field;
  }
  return writeObject(row, dialect);
}
