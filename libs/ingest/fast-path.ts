// The common case of validation without zod. Producers send millions of rows whose strings are
// plain printable ASCII, whose timestamps are well formed and whose enums are spelled right; for
// such a row these functions build exactly the data its zod schema would (schemas.ts), an order of
// magnitude faster. Anything else (a missing or wrong-typed field, a non-ASCII or over-long string,
// a bad value) makes them answer `undefined`, and the row goes through zod, which finds the first
// failing field and words the message. So the fast path decides no outcome of its own: it only
// recognizes rows zod would accept unchanged, and validate-row.spec.ts checks that on every case.
// Both are derived from the stream declarations (streams/); a value type the fast path does not
// know (those of trigger definitions) always sends the row to zod.
import {
  decimalText,
  emptyArrayAsObject,
  isAttributeValue,
  isPlainObject,
  MAX_ID_CHARS,
  objectText,
  PROPERTIES_CHARS_FACTOR,
} from './fields.js';
import { deviceClockFields, STREAM_DECLARATIONS, type FieldDeclaration } from './streams/index.js';
import type { ParsedRow } from './streams/row-types.js';
import { parseDeviceTimestamp, parseTimestamp, type ParsedTime } from './timestamps.js';

type Row = Record<string, unknown>;

// Printable ASCII has no NUL, no surrogate, no control or format character, and one UTF-16 unit
// per character: every text and id check of fields.ts passes when the length is within the limit.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const UINT32_MAX = 4_294_967_295;

/** Marks a value the fast path cannot vouch for. */
const NO = Symbol('fallback');

/** The parsed value of a present, non-null field, or NO. */
type Check = (value: unknown, maxChars: number) => unknown;

function text(value: unknown, maxChars: number): unknown {
  return typeof value === 'string' && value.length <= maxChars && PRINTABLE_ASCII.test(value)
    ? value
    : NO;
}

function nonBlank(value: unknown, maxChars: number): unknown {
  const s = text(value, maxChars);
  return s === NO || (s as string).trim() === '' ? NO : s;
}

/** A time read by `parse`: a stored one, or one a device's clock stamped. */
function timeBy(parse: (value: unknown) => ParsedTime): Check {
  return (value) => {
    if (typeof value !== 'number' && typeof value !== 'string') {
      return NO;
    }
    const parsed = parse(value);
    return parsed.ok ? parsed.ms : NO;
  };
}

const time = timeBy(parseTimestamp);
const deviceTime = timeBy(parseDeviceTimestamp);

function member(values: readonly string[]): Check {
  return (value) => (typeof value === 'string' && values.includes(value) ? value : NO);
}

function versionNumber(value: unknown): unknown {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= UINT32_MAX
    ? value
    : NO;
}

function money(value: unknown): unknown {
  if (typeof value !== 'number' && typeof value !== 'string') {
    return NO;
  }
  const result = decimalText(value);
  return 'text' in result ? result.text : NO;
}

function objectAsText(scalarsOnly: boolean): Check {
  return (sent, maxChars) => {
    const value = emptyArrayAsObject(sent);
    if (!isPlainObject(value)) {
      return NO;
    }
    if (scalarsOnly && !Object.values(value).every(isAttributeValue)) {
      return NO;
    }
    const result = objectText(value, PROPERTIES_CHARS_FACTOR * maxChars, true);
    return 'text' in result ? result.text : NO;
  };
}

const never: Check = () => NO;

/** The check of a present value of `field`; `device` for a time a device's clock stamped. */
function checkOf(field: FieldDeclaration, device = false): Check {
  switch (field.type) {
    case 'id':
      return field.required ? (v) => nonBlank(v, MAX_ID_CHARS) : (v) => text(v, MAX_ID_CHARS);
    case 'text':
      return field.required ? nonBlank : text;
    case 'time':
      return device ? deviceTime : time;
    case 'enum':
      return member(field.values!);
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : NO);
    case 'version':
      return versionNumber;
    case 'decimal':
      return money;
    case 'json':
      return objectAsText(false);
    case 'attributes':
      return objectAsText(true);
    case 'texts':
    case 'duration':
    case 'positiveDuration':
    case 'count':
    case 'fraction':
    case 'textOrJson':
    case 'object':
      return never;
  }
}

interface FastField {
  name: string;
  required: boolean;
  check: Check;
}

function fastFields(
  fields: Readonly<Record<string, FieldDeclaration>>,
  deviceFields: readonly string[] = [],
): FastField[] {
  return Object.entries(fields).map(([name, field]) => ({
    name,
    required: field.required,
    check: checkOf(field, deviceFields.includes(name)),
  }));
}

/**
 * The validator of one stream: its data, or undefined at the first field it cannot vouch for. A
 * row that states its send time has its event and send times read as a device's clock, as its
 * zod schema reads them (schemas.ts).
 */
function fastValidator<S extends FastStream>(stream: S) {
  const declaration = STREAM_DECLARATIONS[stream];
  const storedFields = fastFields(declaration.fields);
  const sentAt: string | undefined = 'sentAt' in declaration ? declaration.sentAt : undefined;
  const deviceFields = fastFields(declaration.fields, deviceClockFields(declaration));
  return (v: Row, maxChars: number): ParsedRow<S> | undefined => {
    const sent = sentAt === undefined ? undefined : v[sentAt];
    const fields = sent === undefined || sent === null ? storedFields : deviceFields;
    const data: Row = {};
    for (const { name, required, check } of fields) {
      const value = v[name];
      // Absent and null optional values are kept as sent, as zod's `nullish` keeps them.
      const parsed =
        !required && (value === undefined || value === null) ? value : check(value, maxChars);
      if (parsed === NO) {
        return undefined;
      }
      data[name] = parsed;
    }
    return data as ParsedRow<S>;
  };
}

/** The streams the fast path serves: every one but trigger definitions, a few rows a day. */
type FastStream = Exclude<keyof typeof STREAM_DECLARATIONS, 'triggers'>;

/**
 * The data zod would produce for a plain, valid row of the high-volume streams, or `undefined`
 * when the row needs zod (anything unusual, every invalid row, and trigger definitions).
 */
export const fastPath: {
  [S in FastStream]: (v: Row, maxChars: number) => ParsedRow<S> | undefined;
} = {
  signals: fastValidator('signals'),
  firings: fastValidator('firings'),
  exposures: fastValidator('exposures'),
  outcomes: fastValidator('outcomes'),
  consent: fastValidator('consent'),
};
