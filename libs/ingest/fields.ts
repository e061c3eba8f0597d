// Field-level zod schemas shared by the stream schemas. Every failure carries a message meant for
// the person who sent the row; the field name travels separately in RowError.field.
import { z } from 'zod';
import {
  EXPECTED_TIMESTAMP,
  parseDeviceTimestamp,
  parseTimestamp,
  type ParsedTime,
} from './timestamps.js';

/** The message for a required field that is absent. */
export const MISSING = 'required field is missing';

/** Longest id (event_id, person_id, ...), in characters. */
export const MAX_ID_CHARS = 256;
/** Most elements in an array field such as `signal_types`. */
export const MAX_ARRAY_ITEMS = 1000;
/** Deepest nesting of `properties` (the object itself is depth 1). */
export const MAX_PROPERTIES_DEPTH = 10;
/** `properties` may serialize to this many times the field limit. */
export const PROPERTIES_CHARS_FACTOR = 16;

const UINT32_MAX = 4_294_967_295;

/** Error map for a base type: absent, null and wrong-typed values get distinct messages. */
function expecting(what: string): (issue: { input?: unknown }) => string {
  return (issue) =>
    issue.input === undefined ? MISSING : issue.input === null ? `${what}, got null` : what;
}

// A lone surrogate cannot be encoded as UTF-8; ClickHouse would store replacement bytes.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Control, format (zero-width, bidi) and line/paragraph separators: invisible in an id, so two ids
// that look equal would differ.
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

function characterCount(s: string): number {
  return Array.from(s).length;
}

/** What is wrong with a string value, or undefined. */
function textProblem(s: string, maxChars: number): string | undefined {
  if (s.includes('\u0000')) {
    return 'contains a NUL character (\\u0000)';
  }
  if (UNPAIRED_SURROGATE.test(s)) {
    return 'contains an unpaired UTF-16 surrogate (not valid Unicode)';
  }
  // UTF-16 length bounds the character count from above, so the exact count is rarely needed.
  if (s.length > maxChars && characterCount(s) > maxChars) {
    return `longer than ${maxChars} characters`;
  }
  return undefined;
}

function idProblem(s: string): string | undefined {
  const problem = textProblem(s, MAX_ID_CHARS);
  if (problem !== undefined) {
    return problem;
  }
  const hidden = NOT_PRINTABLE.exec(s);
  if (hidden !== null) {
    const code = hidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `must contain only printable characters (found U+${code})`;
  }
  return undefined;
}

/** Builds a schema from a base type and a check that returns a problem message or undefined. */
function checked<T extends z.ZodType>(
  base: T,
  problem: (value: z.output<T>) => string | undefined,
) {
  return base.superRefine((value, ctx) => {
    const message = problem(value);
    if (message !== undefined) {
      ctx.addIssue({ code: 'custom', message });
    }
  });
}

const baseString = () => z.string({ error: expecting('expected a string') });

/** A required id: non-blank, at most 256 printable characters. */
export function requiredId() {
  return checked(baseString(), (s) => (s.trim() === '' ? 'must not be empty' : idProblem(s)));
}

/** An optional id (made nullish by its caller); `''` means absent (the column stores `''`). */
export function optionalId() {
  return checked(baseString(), (s) => (s === '' ? undefined : idProblem(s)));
}

/** A required non-blank string of at most `maxChars` characters. */
export function requiredText(maxChars: number) {
  return checked(baseString(), (s) =>
    s.trim() === '' ? 'must not be empty' : textProblem(s, maxChars),
  );
}

/** An optional string of at most `maxChars` characters (made nullish by its caller). */
export function optionalText(maxChars: number) {
  return checked(baseString(), (s) => textProblem(s, maxChars));
}

/** An array of non-empty strings (`signal_types`, ...). */
export function textArray(maxChars: number) {
  return z
    .array(requiredText(maxChars), { error: expecting('expected an array of strings') })
    .max(MAX_ARRAY_ITEMS, { error: `more than ${MAX_ARRAY_ITEMS} items` });
}

/**
 * A timestamp (see parseTimestamp), as epoch milliseconds; with `device`, a time a device's clock
 * stamped, which the skew correction moves (see parseDeviceTimestamp).
 */
export function timestamp(device = false) {
  const parse: (value: unknown) => ParsedTime = device ? parseDeviceTimestamp : parseTimestamp;
  return z
    .union([z.number(), z.string()], { error: expecting(EXPECTED_TIMESTAMP) })
    .transform((value, ctx) => {
      const parsed = parse(value);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: parsed.message });
        return z.NEVER;
      }
      return parsed.ms;
    });
}

function integerIn(min: number, max: number, what: string) {
  return checked(z.number({ error: expecting(`expected ${what}`) }), (n) =>
    Number.isInteger(n) && n >= min && n <= max ? undefined : `expected ${what}`,
  );
}

/** A duration or count stored as UInt64: a non-negative integer JS can hold exactly. */
export function nonNegativeInteger() {
  return integerIn(0, Number.MAX_SAFE_INTEGER, 'a non-negative integer');
}

/** A count stored as UInt32. */
export function uint32() {
  return integerIn(0, UINT32_MAX, `an integer from 0 to ${UINT32_MAX}`);
}

/** A strictly positive duration (a rate's period). */
export function positiveInteger() {
  return integerIn(1, Number.MAX_SAFE_INTEGER, 'a positive integer');
}

/** A version number: 1 to 2^32 − 1 (0 is kept for "not stated" in firings.trigger_version). */
export function version() {
  return integerIn(1, UINT32_MAX, `an integer from 1 to ${UINT32_MAX}`);
}

/** A fraction in [0, 1]. */
export function fraction() {
  return checked(z.number({ error: expecting('expected a number from 0 to 1') }), (n) =>
    n >= 0 && n <= 1 ? undefined : 'expected a number from 0 to 1',
  );
}

/** A strict JSON boolean (no "true" strings: a typo in a consent flag must not guess). */
export function boolean() {
  return z.boolean({ error: expecting('expected true or false') });
}

/** One of a fixed set of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: expecting(`expected one of: ${values.join(', ')}`) });
}

// Decimal(18, 4): 14 integer digits and 4 fraction digits.
const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;
const MAX_DECIMAL_INTEGER_DIGITS = 14;
const DECIMAL_SCALE = 4;
const EXPECTED_DECIMAL = 'expected a finite number or a decimal string such as "19.99"';

/** Canonical decimal text (no exponent, no superfluous zeros) or a problem message. */
export function decimalText(value: number | string): { text: string } | { problem: string } {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) >= 10 ** MAX_DECIMAL_INTEGER_DIGITS) {
      return { problem: 'out of range for Decimal(18, 4)' };
    }
    // A JSON number is a binary approximation of the decimal written (19.99 arrives as
    // 19.989999999999998...): its shortest text that reads back as it, which JSON.stringify writes,
    // is that decimal. Rounding the binary value to the column's scale instead made up digits
    // where a double is coarser than 1e-4 (99999999999999.98 read as 99999999999999.9844).
    const shortest = decimalText(String(value));
    // More decimals than the column keeps (or an exponent, below 1e-6): rounded to its scale.
    return 'text' in shortest ? shortest : decimalText(value.toFixed(DECIMAL_SCALE));
  }
  const m = DECIMAL_TEXT.exec(value);
  if (m === null) {
    return { problem: EXPECTED_DECIMAL };
  }
  const [, sign, integerDigits, fractionDigits = ''] = m;
  const integerPart = integerDigits.replace(/^0+(?=\d)/, '');
  const fractionPart = fractionDigits.replace(/0+$/, '');
  if (integerPart.length > MAX_DECIMAL_INTEGER_DIGITS) {
    return { problem: 'out of range for Decimal(18, 4)' };
  }
  // A decimal string states its precision; cutting it would silently change the amount.
  if (fractionPart.length > DECIMAL_SCALE) {
    return { problem: `more than ${DECIMAL_SCALE} decimal places` };
  }
  const zero = integerPart === '0' && fractionPart === '';
  const body = fractionPart === '' ? integerPart : `${integerPart}.${fractionPart}`;
  return { text: zero ? '0' : `${sign}${body}` };
}

/** Money: a finite number or a decimal string, as canonical decimal text for Decimal(18, 4). */
export function decimal() {
  return z
    .union([z.number(), z.string()], { error: expecting(EXPECTED_DECIMAL) })
    .transform((value, ctx) => {
      const result = decimalText(value);
      if ('problem' in result) {
        ctx.addIssue({ code: 'custom', message: result.problem });
        return z.NEVER;
      }
      return result.text;
    });
}

/** A JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The value, with an empty array read as the empty object: PHP's json_encode writes an empty map
 * as `[]`, as it writes an empty list, so a producer in PHP sends `"properties":[]` for `{}`. A
 * non-empty array is left as it is, to be refused.
 */
export function emptyArrayAsObject(value: unknown): unknown {
  return Array.isArray(value) && value.length === 0 ? {} : value;
}

/** Whether `value` nests deeper than `limit` (objects and arrays both count); stops early. */
function deeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  if (limit === 0) {
    return true;
  }
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((child) => deeperThan(child, limit - 1));
}

/**
 * Whether JSON.parse kept a number as it was sent: a fraction, or a whole number within
 * ±(2^53 − 1). Past that a whole number has lost digits (9007199254740993 reads as
 * 9007199254740992), and past a double's range it reads as Infinity (which JSON writes as null).
 */
export function isExactNumber(n: number): boolean {
  return Number.isSafeInteger(n) || (Number.isFinite(n) && !Number.isInteger(n));
}

/** A number that is not exact (see isExactNumber) inside a value: its path and what is wrong. */
export interface InexactNumber {
  /** Keys and array indexes from the value down to the number. */
  path: string[];
  message: string;
}

/**
 * A number in a parsed JSON value that JSON.parse did not keep as sent, or undefined. Of several,
 * the one whose keys sort first: the answer does not depend on the order a producer wrote them in.
 */
export function inexactNumber(value: unknown): InexactNumber | undefined {
  if (typeof value === 'number') {
    if (isExactNumber(value)) {
      return undefined;
    }
    const message = Number.isFinite(value)
      ? `a whole number beyond ±${Number.MAX_SAFE_INTEGER} (2^53 − 1) loses digits as a JSON number (read as ${String(value)}); send it as a string`
      : `a number beyond the range of a JSON number (read as ${String(value)}); send it as a string`;
    return { path: [], message };
  }
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  let first: InexactNumber | undefined;
  let firstKey = '';
  for (const key in value) {
    if (first !== undefined && key >= firstKey) {
      continue;
    }
    const found = inexactNumber((value as Record<string, unknown>)[key]);
    if (found !== undefined) {
      first = found;
      firstKey = key;
    }
  }
  first?.path.unshift(firstKey);
  return first;
}

/** What is wrong with an object's value, and where in it when a member is (`path`). */
export type ObjectProblem = { problem: string; path?: string[] };

/**
 * The JSON text of a parsed JSON value with the keys of every object in it sorted (by UTF-16 code
 * unit, as `Array.prototype.sort` orders strings; keys of digits too, which JSON.stringify would
 * write first), arrays in their order. Two objects that differ only in the order of their keys, at
 * any depth, have one text: the order a producer's serializer writes keys in (Python's and Go's
 * sort them, JavaScript keeps insertion order) says nothing about the event.
 */
export function sortedJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) {
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map(sortedJson).join(',')}]`;
  }
  const object = value as Record<string, unknown>;
  const members = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${sortedJson(object[key])}`);
  return `{${members.join(',')}}`;
}

/**
 * JSON text of an object, or a problem. Depth is checked first so serializing cannot overflow;
 * then its numbers, which it would otherwise store as other numbers than were sent. With
 * `sortKeys` (`properties`), the keys of its objects are written sorted (see sortedJson): the same
 * content in another key order is the same text, stored and hashed alike.
 */
export function objectText(
  value: Record<string, unknown>,
  maxChars: number,
  sortKeys = false,
): { text: string } | ObjectProblem {
  if (deeperThan(value, MAX_PROPERTIES_DEPTH)) {
    return { problem: `nested more than ${MAX_PROPERTIES_DEPTH} levels deep` };
  }
  const inexact = inexactNumber(value);
  if (inexact !== undefined) {
    return { problem: inexact.message, path: inexact.path };
  }
  const text = sortKeys ? sortedJson(value) : JSON.stringify(value);
  return text.length > maxChars
    ? { problem: `longer than ${maxChars} characters as JSON` }
    : { text };
}

const plainObject = () => z.custom<Record<string, unknown>>(isPlainObject);

/** A JSON object, `[]` read as `{}` (see emptyArrayAsObject). */
function anObject() {
  return z.preprocess(
    emptyArrayAsObject,
    z.custom<Record<string, unknown>>(isPlainObject, {
      error: expecting('expected a JSON object'),
    }),
  );
}

/**
 * A free-form JSON object (`properties`), as its JSON text with sorted keys (see sortedJson) of at
 * most `maxChars` characters.
 */
export function jsonObject(maxChars: number) {
  return anObject().transform((value, ctx) => textOrIssue(objectText(value, maxChars, true), ctx));
}

/**
 * The text of a result, or z.NEVER with its problem added as the issue: at the member's path when
 * it names one (`properties.id64`), else at the field.
 */
function textOrIssue(result: { text: string } | ObjectProblem, ctx: z.RefinementCtx): string {
  if ('problem' in result) {
    ctx.addIssue({
      code: 'custom',
      message: result.problem,
      ...(result.path !== undefined && { path: result.path }),
    });
    return z.NEVER;
  }
  return result.text;
}

/** A scalar a flat `attributes` object may hold. */
export function isAttributeValue(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** The message for an `attributes` value that is not a scalar. */
export const EXPECTED_ATTRIBUTE = 'expected a string, a number or a boolean';

/**
 * A flat object whose values are strings, numbers or booleans (firing `properties`: the person's
 * context at the decision), as its JSON text with sorted keys of at most `maxChars` characters. A
 * nested object, an array or a null value is refused, naming its key: segments group people by
 * these values, and a value that is not a scalar cannot name a segment.
 */
export function attributesObject(maxChars: number) {
  return anObject().transform((value, ctx) => {
    for (const key in value) {
      const item = value[key];
      if (!isAttributeValue(item)) {
        const got =
          item === null ? ', got null' : Array.isArray(item) ? ', got an array' : ', got an object';
        ctx.addIssue({ code: 'custom', path: [key], message: `${EXPECTED_ATTRIBUTE}${got}` });
        return z.NEVER;
      }
    }
    return textOrIssue(objectText(value, maxChars, true), ctx);
  });
}

/** A string, or an object stored as its JSON text (`audience` may be a name or a definition). */
export function textOrJsonObject(maxChars: number) {
  return z
    .union([z.string(), plainObject()], { error: expecting('expected a string or a JSON object') })
    .transform((value, ctx) =>
      textOrIssue(
        typeof value === 'string' ? textOrProblem(value, maxChars) : objectText(value, maxChars),
        ctx,
      ),
    );
}

function textOrProblem(value: string, maxChars: number): { text: string } | { problem: string } {
  const problem = textProblem(value, maxChars);
  return problem === undefined ? { text: value } : { problem };
}
