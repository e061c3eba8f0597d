// The common case of ingestion without building a row, nor even parsing the line into objects. When
// a line is written the way JSON.stringify writes it and every value is already in the form its
// column stores (ids and text as plain ASCII, event times as toISOString writes them, nothing to
// correct or clamp), ClickHouse's own JSON parser reads from it exactly the row validateRow builds.
// Such a line is stored as it was sent, with the columns it lacks written in front of it: tenant,
// arrival time, content hash, and the defaults ClickHouse would fill in differently.
//
// The line is read here by a strict scanner that builds no objects: `{`, then `"key":value` pairs
// separated by commas, then `}`, each known key a field of the stream and written once, each value
// a string of printable ASCII without `"` or `\` (so without escapes), true, false, null, a number,
// or (for a `json` or `attributes` field such as `properties`) an object, or `[]` as PHP writes an
// empty one. Producers write JSON in other dialects too (docs/design.md §11): Python puts a space
// after `:` and `,`, Go and Java order keys their own way, times come with `+02:00` or without
// milliseconds, integers as `1.0`, and lines carry fields the stream does not know. Such a line is
// read by the same scanner, and instead of being stored as sent it is written anew from the values
// read, in the form validateRow stores them (unknown fields left out and reported as ignored).
// Anything else (an escape, a non-ASCII string, a repeated known key, which ClickHouse refuses
// where JSON.parse keeps the last, a value to clamp or correct) makes the line go through
// JSON.parse and validateRow, which decide every refusal and word its message. This path only
// recognizes lines validateRow accepts, and gives them the same id, content hash and stored row
// (passthrough.spec.ts checks all three in each dialect). Each stream's layout (its fields, their
// kinds, required ones, stored defaults, derived ids) is read off its declaration (streams/).
import {
  decimalText,
  isAttributeValue,
  isExactNumber,
  isPlainObject,
  MAX_ID_CHARS,
  objectText,
  PROPERTIES_CHARS_FACTOR,
} from './fields.js';
import { contentHashOfText, derivedId } from './hashing.js';
import {
  hashedColumns,
  STREAM_DECLARATIONS,
  type FieldDeclaration,
  type StreamDeclaration,
} from './streams/index.js';
import { STREAMS, type StreamName } from './streams.js';
import {
  FUTURE_TOLERANCE_MS,
  isUtcIsoMillis,
  parseTimestamp,
  storageTime,
  utcStorageText,
} from './timestamps.js';
import type { StorageLine, ValidationContext } from './types.js';

const UINT32_MAX = 4_294_967_295;
/** A version as JSON.stringify writes it: 1 to 4294967295 (checked after). */
const VERSION = /^[1-9]\d{0,9}$/;
/** A JSON number (its canonical form is checked after). */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const DIGITS = /^\d+$/;
/** The rest of a string after its opening quote, when plain (see readValue), closing quote included. */
const PLAIN_STRING_REST = /[\x20\x21\x23-\x5b\x5d-\x7e]*"/y;
/** A value that is neither a string nor an object: up to the next comma, brace or whitespace. */
const TOKEN = /[^,}\]\x20\t\n\r]*/y;
/** A key the scanner can compare as written: printable ASCII without `"` or an escape. */
const PLAIN_KEY = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const SPACE = 0x20;
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPENING_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSING_BRACKET = 0x5d;
const OPENING_BRACE = 0x7b;
const CLOSING_BRACE = 0x7d;

export type Kind =
  | 'id'
  | 'text'
  | 'member'
  | 'time'
  | 'eventTime'
  | 'boolean'
  | 'version'
  | 'decimal'
  | 'properties'
  | 'attributes'
  | 'null';

export interface Field {
  kind: Kind;
  required: boolean;
  /** The stored value of the field when absent, as JSON (as the content hash writes it). */
  absent: string;
  /**
   * Whether `null` is taken as absent. Only where ClickHouse stores the same for null as for an
   * absent field (its column default); a line with a null `kind` or `properties` goes to validateRow.
   */
  nullable: boolean;
  /** Written in front of the line when absent: ClickHouse's own default differs. */
  written: boolean;
  /** For `member`: the accepted values. */
  values?: readonly string[];
}

/** A field's value in the line being read: the string, true or false; undefined if absent or null. */
type ValueOf = (name: string) => string | number | boolean | undefined;

/** How the lines of one stream pass: their fields, id and content-hash columns. */
interface Layout {
  /** The index of the field that holds the row's id. */
  idIndex: number;
  /** The id of a row that came without one (see validate-row.ts). */
  deriveId?: (valueOf: ValueOf) => string;
  names: string[];
  fields: Field[];
  index: Map<string, number>;
  /** The fields' indexes by the length of their name, to read a key without cutting it out. */
  byLength: number[][];
  /** Bit i set for each required field i. */
  requiredMask: number;
  /** The hashed columns in sorted order (see hashedColumns): a field's index, or a HASHED_ mark. */
  hashed: number[];
  /** What the hashed text has before each column's value: `[["column",` then `],["column",`. */
  glue: string[];
  /** Each field's `"name":` as a line written anew has it (see rewritten). */
  keys: string[];
  /** Per line: the JSON of each field's stored value, undefined while absent. */
  found: (string | undefined)[];
}

/** What ClickHouse stores for a column a line leaves out, as JSON: its type's own default. */
function columnDefault(columnType: string): string {
  if (columnType.startsWith('Nullable(')) {
    return 'null';
  }
  if (columnType === 'Bool') {
    return 'false';
  }
  return /^U?Int\d+$/.test(columnType) ? '0' : '""';
}

/** How the scanner reads a field of a stream, from its declaration. */
function kindOf(declaration: StreamDeclaration, name: string, field: FieldDeclaration): Kind {
  switch (field.type) {
    case 'id':
    case 'text':
    case 'boolean':
    case 'version':
    case 'decimal':
    case 'attributes':
      return field.type;
    case 'enum':
      return 'member';
    case 'json':
      return 'properties';
    case 'time':
      // A row with its send time has its event time corrected: validateRow's work.
      return name === declaration.eventTime
        ? 'eventTime'
        : name === declaration.sentAt
          ? 'null'
          : 'time';
    case 'texts':
    case 'duration':
    case 'positiveDuration':
    case 'count':
    case 'fraction':
    case 'textOrJson':
    case 'object':
      return 'null';
  }
}

function fieldOf(declaration: StreamDeclaration, name: string, field: FieldDeclaration): Field {
  if (field.column !== name || field.columnType === undefined) {
    throw new Error(`passthrough: field ${name} must be stored in a column of its own name`);
  }
  const absent = field.required ? '' : JSON.stringify(field.default ?? null);
  const derivedKey = declaration.derivedKeyFrom !== undefined && declaration.key[0] === name;
  const written = !field.required && (derivedKey || absent !== columnDefault(field.columnType));
  return {
    kind: kindOf(declaration, name, field),
    required: field.required,
    absent: derivedKey ? '' : absent,
    nullable: !field.required && !written,
    written,
    values: field.values,
  };
}

/** The id of a row without one, from the fields its declaration names (as validateRow derives it). */
function idDeriver(stream: StreamName, declaration: StreamDeclaration): Layout['deriveId'] {
  const from = declaration.derivedKeyFrom;
  if (from === undefined) {
    return undefined;
  }
  return (valueOf) =>
    derivedId(
      stream,
      from.map((name) => {
        const field = declaration.fields[name];
        if (field.type === 'time') {
          const parsed = parseTimestamp(valueOf(name));
          return parsed.ok ? parsed.ms : Number.NaN;
        }
        return valueOf(name) ?? (field.default as string | boolean);
      }),
    );
}

/** In a layout's `hashed`: the tenant's id, which is no field of the line. */
export const HASHED_TENANT = -1;
/** In a layout's `hashed`: a field hashed as null whatever it holds (see hashedColumns). */
export const HASHED_AS_NULL = -2;

function streamLayout(stream: StreamName, declaration: StreamDeclaration): Layout {
  const names = Object.keys(declaration.fields);
  const fields = names.map((name) => fieldOf(declaration, name, declaration.fields[name]));
  const columns = hashedColumns(declaration).map(({ column, asAbsent }) =>
    asAbsent ? HASHED_AS_NULL : column === 'tenant_id' ? HASHED_TENANT : names.indexOf(column),
  );
  return {
    idIndex: names.indexOf(declaration.key[0]),
    deriveId: idDeriver(stream, declaration),
    names,
    fields,
    index: new Map(names.map((name, i) => [name, i])),
    byLength: names.reduce<number[][]>((lists, name, i) => {
      (lists[name.length] ??= []).push(i);
      return lists;
    }, []),
    requiredMask: fields.reduce((mask, field, i) => (field.required ? mask | (1 << i) : mask), 0),
    hashed: columns,
    glue: hashedColumns(declaration).map(
      ({ column }, i) => `${i === 0 ? '[' : '],'}[${JSON.stringify(column)},`,
    ),
    keys: names.map((name) => `"${name}":`),
    found: names.map(() => undefined),
  };
}

export type PassStream = Exclude<StreamName, 'triggers'>;

// The layout of every stream but trigger definitions (a few rows a day, always validated).
const layouts = Object.fromEntries(
  STREAMS.filter((stream): stream is PassStream => stream !== 'triggers').map((stream) => [
    stream,
    streamLayout(stream, STREAM_DECLARATIONS[stream]),
  ]),
) as Record<PassStream, Layout>;

/** How a stream's fields are read, stored and hashed, as passThrough reads them (for tabular-sql.ts). */
export interface PassLayout {
  /** The stream's fields in declaration order, each with how it is read. */
  fields: readonly (Field & { name: string })[];
  /** The index of the field that holds the row's id. */
  idIndex: number;
  /** The hashed columns in sorted order (see hashedColumns): a field's index, or a HASHED_ mark. */
  hashed: readonly number[];
  /** What the hashed text has before each column's value (see Layout.glue). */
  glue: readonly string[];
  /** Whether a row without an id gets one derived from other fields. */
  derivesId: boolean;
}

/** The layout of a stream's lines (see {@link PassLayout}). */
export function passLayout(stream: PassStream): PassLayout {
  const shape = layouts[stream];
  return {
    fields: shape.fields.map((field, i) => ({ ...field, name: shape.names[i] })),
    idIndex: shape.idIndex,
    hashed: shape.hashed,
    glue: shape.glue,
    derivesId: shape.deriveId !== undefined,
  };
}

/** What a request adds to each of its lines, formatted once. */
interface Arrival {
  tenantId: string;
  receivedAt: number;
  tenantJson: string;
  receivedText: string;
  /** Event times after this (same form, so compared as text) are clamped: validateRow's work. */
  latestEventTime: string;
  /** The same instant as storage text (see storageTime), compared as text too. */
  latestStorageTime: string;
  /** The same instant in epoch milliseconds, for event times in other forms. */
  latestEventMs: number;
}

let lastArrival: Arrival | undefined;

function arrivalOf(ctx: ValidationContext): Arrival {
  if (lastArrival?.tenantId !== ctx.tenantId || lastArrival.receivedAt !== ctx.receivedAt) {
    lastArrival = {
      tenantId: ctx.tenantId,
      receivedAt: ctx.receivedAt,
      tenantJson: JSON.stringify(ctx.tenantId),
      receivedText: storageTime(ctx.receivedAt),
      latestEventTime: new Date(ctx.receivedAt + FUTURE_TOLERANCE_MS).toISOString(),
      latestStorageTime: storageTime(ctx.receivedAt + FUTURE_TOLERANCE_MS),
      latestEventMs: ctx.receivedAt + FUTURE_TOLERANCE_MS,
    };
  }
  return lastArrival;
}

/** Where each field's value lies in the line being read: [start, end) of its text. */
const starts = new Int32Array(32);
const ends = new Int32Array(32);

/**
 * Whether the line being read must be written anew rather than stored as sent: it is in another
 * dialect than JSON.stringify's, or a value reads differently to ClickHouse than to validateRow.
 */
let rewrite = false;

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === LINE_FEED || c === CARRIAGE_RETURN;
}

/** The index of the first non-whitespace character from `at`; marks the line for rewriting if moved. */
function skipSpace(raw: string, at: number): number {
  let next = at;
  while (isSpace(raw.charCodeAt(next))) {
    next++;
  }
  if (next !== at) {
    rewrite = true;
  }
  return next;
}

/** The stored text of a time as validateRow stores it, or undefined when validateRow must decide. */
function timeText(field: Field, value: string | number, arrival: Arrival): string | undefined {
  const parsed = parseTimestamp(value);
  // An event time to clamp is validateRow's work.
  if (!parsed.ok || (field.kind === 'eventTime' && parsed.ms > arrival.latestEventMs)) {
    return undefined;
  }
  rewrite = true;
  return `"${storageTime(parsed.ms)}"`;
}

/** A quoted value's text [at, end) (quotes included) checked for `field`; see readValue. */
function readString(
  field: Field,
  raw: string,
  at: number,
  maxChars: number,
  arrival: Arrival,
  found: (string | undefined)[],
  i: number,
): number {
  // Printable ASCII but `"` and `\` up to the closing quote: a JSON string without escapes.
  PLAIN_STRING_REST.lastIndex = at + 1;
  if (!PLAIN_STRING_REST.test(raw)) {
    return -1;
  }
  let end = PLAIN_STRING_REST.lastIndex - 1;
  // Only spaces, or nothing (a blank required id is refused)?
  const blank =
    end === at + 1 || (raw.charCodeAt(at + 1) === SPACE && raw.slice(at + 1, end).trim() === '');
  const length = end - at - 1;
  end++;
  switch (field.kind) {
    case 'id':
    case 'text':
      if (length > (field.kind === 'id' ? MAX_ID_CHARS : maxChars)) {
        return -1;
      }
      // Blank required text is refused; an empty event_id means "derive one".
      if ((field.required && blank) || (field.written && length === 0)) {
        return -1;
      }
      found[i] = raw.slice(at, end);
      return end;
    case 'member':
      found[i] = raw.slice(at, end);
      return field.values!.includes(raw.slice(at + 1, end - 1)) ? end : -1;
    case 'time':
    case 'eventTime': {
      const text = raw.slice(at + 1, end - 1);
      if (isUtcIsoMillis(text)) {
        if (field.kind === 'eventTime' && text > arrival.latestEventTime) {
          return -1;
        }
        found[i] = `"${text.slice(0, 10)} ${text.slice(11, 23)}"`;
        return end;
      }
      // Another common way to write a UTC time (Python's, Go's): its storage text cut out of it.
      const stored = utcStorageText(text);
      if (stored !== undefined) {
        if (field.kind === 'eventTime' && stored > arrival.latestStorageTime) {
          return -1;
        }
        found[i] = `"${stored}"`;
        rewrite = true;
        return end;
      }
      found[i] = timeText(field, text, arrival);
      return found[i] === undefined ? -1 : end;
    }
    case 'decimal': {
      // An amount as text ("19.99") is read as validateRow reads it, and written as a number.
      const decimal = decimalText(raw.slice(at + 1, end - 1));
      if (!('text' in decimal)) {
        return -1;
      }
      found[i] = `"${decimal.text}"`;
      rewrite = true;
      return end;
    }
    case 'boolean':
    case 'version':
    case 'properties':
    case 'attributes':
    case 'null':
      return -1;
  }
}

/** A token (number, true, false, null) checked for `field`; see readValue. */
function readToken(
  field: Field,
  raw: string,
  at: number,
  arrival: Arrival,
  found: (string | undefined)[],
  i: number,
): number {
  TOKEN.lastIndex = at;
  TOKEN.test(raw);
  const end = TOKEN.lastIndex;
  const token = raw.slice(at, end);
  if (token === 'null') {
    found[i] = field.absent;
    return field.nullable ? end : -1;
  }
  switch (field.kind) {
    case 'boolean':
      if (token !== 'true' && token !== 'false') {
        return -1;
      }
      found[i] = token;
      return end;
    case 'version': {
      if (VERSION.test(token) && Number(token) <= UINT32_MAX) {
        found[i] = token;
        return end;
      }
      // 3.0 or 3e0: the integer JSON.parse reads, written as an integer.
      const n = JSON_NUMBER.test(token) ? Number(token) : Number.NaN;
      if (!Number.isInteger(n) || n < 1 || n > UINT32_MAX) {
        return -1;
      }
      found[i] = String(n);
      rewrite = true;
      return end;
    }
    case 'decimal': {
      // The amount validateRow stores: the number JSON.parse reads, rounded to the column's scale.
      const decimal = JSON_NUMBER.test(token) ? decimalText(Number(token)) : undefined;
      if (decimal === undefined || !('text' in decimal)) {
        return -1;
      }
      found[i] = `"${decimal.text}"`;
      // As sent when the number written is the decimal stored (19.99 is, 1.23456 is not).
      rewrite ||= decimal.text !== token;
      return end;
    }
    case 'time':
    case 'eventTime':
      // Epoch milliseconds: ClickHouse would read a number as seconds.
      found[i] = JSON_NUMBER.test(token) ? timeText(field, Number(token), arrival) : undefined;
      return found[i] === undefined ? -1 : end;
    case 'id':
    case 'text':
    case 'member':
    case 'properties':
    case 'attributes':
    case 'null':
      return -1;
  }
}

/**
 * Reads one value of `raw` starting at `at`, checks it for `field`, and writes the JSON of its
 * stored value into `found[i]`. Answers the index just after the value, or -1 when validateRow
 * must decide.
 */
function readValue(
  field: Field,
  raw: string,
  at: number,
  maxChars: number,
  arrival: Arrival,
  found: (string | undefined)[],
  i: number,
): number {
  const first = raw.charCodeAt(at);
  if (first === QUOTE) {
    return readString(field, raw, at, maxChars, arrival, found, i);
  }
  const isObject = field.kind === 'properties' || field.kind === 'attributes';
  if (first === OPENING_BRACE) {
    return isObject ? readObject(raw, at, maxChars, found, i, field.kind === 'attributes') : -1;
  }
  if (first === OPENING_BRACKET) {
    return isObject ? readEmptyArray(raw, at, found, i) : -1;
  }
  return readToken(field, raw, at, arrival, found, i);
}

/**
 * An empty array where an object is expected, which validateRow reads as `{}` (PHP writes an
 * empty map as `[]`; see emptyArrayAsObject), and the line is written anew with `{}`. Any other
 * array is validateRow's to refuse: -1.
 */
function readEmptyArray(raw: string, at: number, found: (string | undefined)[], i: number): number {
  const close = skipSpace(raw, at + 1);
  if (raw.charCodeAt(close) !== CLOSING_BRACKET) {
    return -1;
  }
  found[i] = '"{}"';
  rewrite = true;
  return close + 1;
}

/**
 * The end of the object or array at `at` (brackets outside strings counted, escapes inside them
 * skipped), or -1 when the line ends first. Says nothing of whether the text is JSON.
 */
function compositeEnd(raw: string, at: number): number {
  let depth = 0;
  for (let end = at; end < raw.length; end++) {
    const c = raw.charCodeAt(end);
    if (c === QUOTE) {
      for (end++; end < raw.length && raw.charCodeAt(end) !== QUOTE; end++) {
        if (raw.charCodeAt(end) === BACKSLASH) {
          end++;
        }
      }
    } else if (c === OPENING_BRACE || c === OPENING_BRACKET) {
      depth++;
    } else if ((c === CLOSING_BRACE || c === CLOSING_BRACKET) && --depth === 0) {
      return end + 1;
    }
  }
  return -1;
}

/** The object at `at` as JSON.parse reads it and the index after it, or undefined. */
function parsedObject(raw: string, at: number): { value: object; end: number } | undefined {
  const end = compositeEnd(raw, at);
  if (end === -1) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(raw.slice(at, end));
    return isPlainObject(value) ? { value, end } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a `properties` object (`scalarsOnly` false) or an `attributes` one (string, number and
 * boolean values only): a flat canonical one (see flatObjectEnd) stored as sent, or with its
 * members in sorted order when they came in another; any other as the canonical text of what
 * JSON.parse reads (readParsedObject), within the limits validateRow sets.
 */
function readObject(
  raw: string,
  at: number,
  maxChars: number,
  found: (string | undefined)[],
  i: number,
  scalarsOnly: boolean,
): number {
  const flatEnd = flatObjectEnd(raw, at, !scalarsOnly);
  if (flatEnd === -1) {
    return readParsedObject(raw, at, maxChars, found, i, scalarsOnly);
  }
  const text = flatText(raw, at, flatEnd);
  // Stored sorted, the line is no longer stored as sent.
  rewrite ||= flatUnsorted;
  if (text.length > PROPERTIES_CHARS_FACTOR * maxChars) {
    return -1;
  }
  found[i] = JSON.stringify(text);
  return flatEnd;
}

/**
 * Reads an object through JSON.parse, as validateRow does: its canonical text within the limits
 * (`attributes`: string, number and boolean values only). The line is then written anew unless
 * the object was sent as that text.
 */
function readParsedObject(
  raw: string,
  at: number,
  maxChars: number,
  found: (string | undefined)[],
  i: number,
  scalarsOnly: boolean,
): number {
  const parsed = parsedObject(raw, at);
  if (parsed === undefined) {
    return -1;
  }
  const { value, end } = parsed;
  if (scalarsOnly && !Object.values(value).every(isAttributeValue)) {
    return -1;
  }
  const result = objectText(
    value as Record<string, unknown>,
    PROPERTIES_CHARS_FACTOR * maxChars,
    true,
  );
  if (!('text' in result)) {
    return -1;
  }
  if (result.text !== raw.slice(at, end)) {
    rewrite = true;
  }
  found[i] = JSON.stringify(result.text);
  return end;
}

/**
 * The end of the value of a field the stream does not know, when it is JSON (JSON.parse decides,
 * on that value alone), or -1. Its value matters to nothing but whether the line is JSON.
 */
function skipUnknown(raw: string, at: number): number {
  const first = raw.charCodeAt(at);
  let end: number;
  if (first === QUOTE) {
    end = raw.indexOf('"', at + 1);
    while (end !== -1 && raw.charCodeAt(end - 1) === BACKSLASH) {
      // An escaped quote, unless the backslash is itself escaped: JSON.parse below tells.
      let backslashes = 0;
      for (let b = end - 1; raw.charCodeAt(b) === BACKSLASH; b--) {
        backslashes++;
      }
      if (backslashes % 2 === 0) {
        break;
      }
      end = raw.indexOf('"', end + 1);
    }
    end = end === -1 ? -1 : end + 1;
  } else if (first === OPENING_BRACE || first === OPENING_BRACKET) {
    end = compositeEnd(raw, at);
  } else {
    TOKEN.lastIndex = at;
    TOKEN.test(raw);
    end = TOKEN.lastIndex;
  }
  if (end <= at) {
    return -1;
  }
  try {
    JSON.parse(raw.slice(at, end));
    return end;
  } catch {
    return -1;
  }
}

function fieldAt(shape: Layout, raw: string, start: number, end: number): number {
  const candidates = shape.byLength[end - start];
  if (candidates !== undefined) {
    for (let c = 0; c < candidates.length; c++) {
      if (raw.startsWith(shape.names[candidates[c]], start)) {
        return candidates[c];
      }
    }
  }
  return -1;
}

/** The keys of the flat object flatObjectEnd last read, and where each one's value lies. */
const flatKeys: string[] = [];
const flatValueStarts: number[] = [];
const flatValueEnds: number[] = [];
/** Whether the keys of the flat object flatObjectEnd last read came in other than sorted order. */
let flatUnsorted = false;

/**
 * The end of the object at `at` when it is flat and canonical without needing JSON.parse to tell:
 * keys and strings plain (see readValue), keys not made of digits (left to JSON.parse and
 * sortedJson, as the engine leaves them) and each written once, numbers as JSON.stringify writes
 * them, null values only when `nullAllowed`; whitespace between tokens is allowed and dropped, and
 * members in another order than their keys' sorted (flatText). -1 otherwise, which says nothing
 * about the object: readObject then parses it.
 */
function flatObjectEnd(raw: string, at: number, nullAllowed: boolean): number {
  flatKeys.length = 0;
  flatValueStarts.length = 0;
  flatValueEnds.length = 0;
  flatSpaced = false;
  flatUnsorted = false;
  let next = space(raw, at + 1);
  if (raw.charCodeAt(next) === CLOSING_BRACE) {
    return next + 1;
  }
  for (;;) {
    if (raw.charCodeAt(next) !== QUOTE) {
      return -1;
    }
    PLAIN_STRING_REST.lastIndex = next + 1;
    if (!PLAIN_STRING_REST.test(raw)) {
      return -1;
    }
    const key = raw.slice(next + 1, PLAIN_STRING_REST.lastIndex - 1);
    next = space(raw, PLAIN_STRING_REST.lastIndex);
    if (raw.charCodeAt(next) !== COLON || DIGITS.test(key) || flatKeys.includes(key)) {
      return -1;
    }
    flatUnsorted ||= flatKeys.length > 0 && key < flatKeys[flatKeys.length - 1];
    flatKeys.push(key);
    next = space(raw, next + 1);
    flatValueStarts.push(next);
    if (raw.charCodeAt(next) === QUOTE) {
      PLAIN_STRING_REST.lastIndex = next + 1;
      if (!PLAIN_STRING_REST.test(raw)) {
        return -1;
      }
      next = PLAIN_STRING_REST.lastIndex;
    } else {
      TOKEN.lastIndex = next;
      TOKEN.test(raw);
      const token = raw.slice(next, TOKEN.lastIndex);
      const literal = token === 'true' || token === 'false' || (nullAllowed && token === 'null');
      // 9007199254740992 and 1e+21 are written as JSON.stringify writes them, yet stand for
      // numbers JSON does not carry exactly: validateRow refuses them.
      if (!literal && !(JSON_NUMBER.test(token) && isCanonicalExact(token))) {
        return -1;
      }
      next = TOKEN.lastIndex;
    }
    flatValueEnds.push(next);
    next = space(raw, next);
    const separator = raw.charCodeAt(next);
    if (separator === CLOSING_BRACE) {
      return next + 1;
    }
    if (separator !== COMMA) {
      return -1;
    }
    next = space(raw, next + 1);
  }
}

/** Whether a number token is written as JSON.stringify writes it, and the number is exact. */
function isCanonicalExact(token: string): boolean {
  const n = Number(token);
  return String(n) === token && isExactNumber(n);
}

/** Whether the flat object flatObjectEnd last read had whitespace between its tokens. */
let flatSpaced = false;

/** The index after any whitespace at `at`, noting it in flatSpaced. */
function space(raw: string, at: number): number {
  if (!isSpace(raw.charCodeAt(at))) {
    return at;
  }
  flatSpaced = true;
  return skipSpace(raw, at);
}

/**
 * The text of a flat object flatObjectEnd read, as sortedJson writes it: its members in the sorted
 * order of their keys, without the whitespace between its tokens (its strings have none to keep
 * but their own, with no escapes).
 */
function flatText(raw: string, at: number, end: number): string {
  if (flatUnsorted) {
    return sortedFlatText(raw);
  }
  const text = raw.slice(at, end);
  if (!flatSpaced) {
    return text;
  }
  let canonical = '';
  let inString = false;
  for (let c = 0; c < text.length; c++) {
    const code = text.charCodeAt(c);
    if (code === QUOTE) {
      inString = !inString;
    }
    if (inString || !isSpace(code)) {
      canonical += text[c];
    }
  }
  return canonical;
}

/** The members of the flat object flatObjectEnd last read, written in the sorted order of their keys. */
function sortedFlatText(raw: string): string {
  const order = flatKeys.map((_, i) => i).sort((a, b) => (flatKeys[a] < flatKeys[b] ? -1 : 1));
  let text = '{';
  for (const i of order) {
    text += `${text === '{' ? '' : ','}"${flatKeys[i]}":${raw.slice(flatValueStarts[i], flatValueEnds[i])}`;
  }
  return `${text}}`;
}

/** The value `readValue` accepted for field `i`, for a derived id: times as epoch milliseconds. */
function valueAt(raw: string, i: number): string | number | boolean | undefined {
  const text = raw.slice(starts[i], ends[i]);
  if (text.charCodeAt(0) === QUOTE) {
    return text.slice(1, -1);
  }
  return text === 'true'
    ? true
    : text === 'false'
      ? false
      : text === 'null'
        ? undefined
        : Number(text);
}

/** The fields of the line being read that the stream does not know, each once. */
const ignored: string[] = [];

/**
 * Reads the `"key": value` pairs of the object whose `{` is at `at`, filling `found`, `starts`
 * and `ends`. Answers the bit set of the fields seen (bit i for field i), or -1 when validateRow
 * must decide.
 */
function readPairs(shape: Layout, raw: string, at: number, ctx: ValidationContext): number {
  const { fields, found } = shape;
  const arrival = arrivalOf(ctx);
  let seen = 0;
  let next = at + 1;
  for (;;) {
    const keyAt = skipSpace(raw, next);
    if (raw.charCodeAt(keyAt) !== QUOTE) {
      return -1;
    }
    const keyEnd = raw.indexOf('"', keyAt + 1);
    if (keyEnd === -1) {
      return -1;
    }
    const colon = skipSpace(raw, keyEnd + 1);
    if (raw.charCodeAt(colon) !== COLON) {
      return -1;
    }
    const valueStart = skipSpace(raw, colon + 1);
    const i = fieldAt(shape, raw, keyAt + 1, keyEnd);
    let end: number;
    if (i === -1) {
      // A key with an escape could name a field once decoded: JSON.parse tells.
      const key = raw.slice(keyAt + 1, keyEnd);
      end = PLAIN_KEY.test(key) ? skipUnknown(raw, valueStart) : -1;
      if (!ignored.includes(key)) {
        ignored.push(key);
      }
      rewrite = true;
    } else {
      if ((seen & (1 << i)) !== 0) {
        return -1;
      }
      seen |= 1 << i;
      starts[i] = valueStart;
      end = readValue(fields[i], raw, valueStart, ctx.limits.maxFieldChars, arrival, found, i);
      ends[i] = end;
    }
    if (end === -1) {
      return -1;
    }
    const separatorAt = skipSpace(raw, end);
    const separator = raw.charCodeAt(separatorAt);
    if (separator === CLOSING_BRACE) {
      return skipSpace(raw, separatorAt + 1) === raw.length ? seen : -1;
    }
    if (separator !== COMMA) {
      return -1;
    }
    next = separatorAt + 1;
  }
}

/** The line written anew from the values read: the known fields only, as validateRow stores them. */
function rewritten(shape: Layout, seen: number): string {
  let text = '';
  for (let i = 0; i < shape.fields.length; i++) {
    if ((seen & (1 << i)) !== 0) {
      if (text !== '') {
        text += ',';
      }
      text += shape.keys[i];
      text += shape.found[i]!;
    }
  }
  return `${text}}`;
}

/**
 * The line of a high-volume stream as ClickHouse should store it, when the scanner can read it
 * (see above): its id, content hash, JSONEachRow text, and the fields it carried that the stream
 * does not know. `undefined` means validateRow decides. Such lines are never clamped nor
 * skew-corrected.
 */
export function passThrough(
  stream: StreamName,
  raw: string,
  ctx: ValidationContext,
): StorageLine | undefined {
  if (stream === 'triggers') {
    return undefined;
  }
  rewrite = false;
  ignored.length = 0;
  const open = raw.charCodeAt(0) === OPENING_BRACE ? 0 : skipSpace(raw, 0);
  if (raw.charCodeAt(open) !== OPENING_BRACE) {
    return undefined;
  }
  const shape = layouts[stream];
  const { fields, found, index } = shape;
  found.fill(undefined);
  const seen = readPairs(shape, raw, open, ctx);
  if (seen === -1 || !hasRequired(shape, seen)) {
    return undefined;
  }

  let id = found[shape.idIndex] === undefined ? '' : (valueAt(raw, shape.idIndex) as string);
  let written = '';
  for (let i = 0; i < fields.length; i++) {
    if (found[i] === undefined && fields[i].written) {
      let json = fields[i].absent;
      if (i === shape.idIndex) {
        id = shape.deriveId!((name) => {
          const field = index.get(name)!;
          return found[field] === undefined ? undefined : valueAt(raw, field);
        });
        json = `"${id}"`;
      }
      found[i] = json;
      written += `"${shape.names[i]}":${json},`;
    }
  }

  const arrival = arrivalOf(ctx);
  // The text contentHashOfColumns hashes for the row validateRow would build.
  let hashed = '';
  for (let c = 0; c < shape.hashed.length; c++) {
    const i = shape.hashed[c];
    hashed += shape.glue[c];
    hashed +=
      i === HASHED_TENANT
        ? arrival.tenantJson
        : i === HASHED_AS_NULL
          ? 'null'
          : (found[i] ?? fields[i].absent);
  }
  const contentHash = contentHashOfText(`${hashed}]]`);
  const body = rewrite ? rewritten(shape, seen) : raw.slice(1);
  return {
    id,
    contentHash,
    text: `{"tenant_id":${arrival.tenantJson},"received_at":"${arrival.receivedText}","content_hash":${contentHash},${written}${body}`,
    ...(ignored.length > 0 && { ignored: [...ignored] }),
  };
}

/** Whether every required field of the stream was seen. */
function hasRequired(shape: Layout, seen: number): boolean {
  return (seen & shape.requiredMask) === shape.requiredMask;
}
