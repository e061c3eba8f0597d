// The JSON Schema (draft 2020-12) of every stream, derived from the streams' declarations: the
// same fields, types, allowed values and limits that ingest validation applies, so a producer can
// check a row before sending it. Unknown fields stay allowed, as ingest accepts and reports them.
import {
  DEFINITION_FIELDS,
  DEVICE_TIME_ACCEPTS,
  deviceClockFields,
  FIELD_TYPES,
  REQUIRED_UNLESS_DRAFT,
  STREAM_DECLARATIONS,
  type FieldDeclaration,
  type FieldType,
  type StreamDeclaration,
} from '../ingest/index.js';

/** A JSON Schema document or subschema. */
export type JsonSchema = Record<string, unknown>;

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

// The limits validation applies (libs/ingest/fields.ts, timestamps.ts), as JSON Schema keywords.
const MAX_ID_CHARS = 256;
const MAX_ARRAY_ITEMS = 1000;
const UINT32_MAX = 4_294_967_295;
const OBJECT_CHARS_FACTOR = 16;
const MIN_TIME_MS = Date.UTC(2000, 0, 1);
const MAX_TIME_MS = Date.UTC(2101, 0, 1) - 1;
// ISO-8601 extended format with a mandatory UTC offset; seconds and their fraction are optional;
// a space before the offset, or ` UTC` for `Z`, as warehouses write times. The years are 2000 to
// 2100 as the instant's: a local time on 1999-12-31 at a negative offset, or on 2101-01-01 at a
// positive one, may be such an instant, which the ingest reads (the exact instant, like a day past
// its month's end such as 02-30, passes here and is checked at ingest).
const CLOCK = '[Tt ]([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d([.,]\\d{1,9})?)?';
const OFFSET = '([01]\\d|2[0-3])(:?[0-5]\\d)?';
const DAY = '(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])';
const isoTime = (years: string, yearBefore: string) =>
  `^((${years})-${DAY}${CLOCK}([Zz]| UTC| ?[+-]${OFFSET})|${yearBefore}-12-31${CLOCK} ?-${OFFSET}|2101-01-01${CLOCK} ?\\+${OFFSET})$`;
const ISO_TIME = isoTime('20\\d{2}|2100', '1999');
// The same from 1970 on, for a device's clock restarted at the epoch (the instant must be 1970 or
// later, which a pattern cannot say).
const DEVICE_ISO_TIME = isoTime('19[7-9]\\d|20\\d{2}|2100', '1969');
// Epoch milliseconds written as a string of digits, as the ingest reads them too (the range is
// checked there).
const EPOCH_DIGITS = '^\\d{1,16}$';
// Decimal(18, 4): at most 14 integer digits and 4 significant fraction digits.
const DECIMAL_TEXT = '^-?0*\\d{1,14}(\\.\\d{1,4}0*)?$';
// Not blank: at least one character that is not white space.
const NOT_BLANK = '\\S';
// An id holds printable characters only (no control, format or separator characters).
const PRINTABLE = '^[^\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]*$';

function text(maxChars: number, required: boolean): JsonSchema {
  return required
    ? { type: 'string', minLength: 1, maxLength: maxChars, pattern: NOT_BLANK }
    : { type: 'string', maxLength: maxChars };
}

function id(required: boolean): JsonSchema {
  // Two patterns cannot share one keyword: the second goes under allOf.
  return required
    ? { ...text(MAX_ID_CHARS, true), allOf: [{ pattern: PRINTABLE }] }
    : { type: 'string', maxLength: MAX_ID_CHARS, pattern: PRINTABLE };
}

const integer = (minimum: number, maximum: number): JsonSchema => ({
  type: 'integer',
  minimum,
  maximum,
});

/**
 * A time: ISO-8601 text of `pattern`, or epoch milliseconds in the stored years, as a number or a
 * string of digits.
 */
function timeSchema(pattern: string): JsonSchema {
  return {
    oneOf: [
      { type: 'string', pattern },
      { ...integer(MIN_TIME_MS, MAX_TIME_MS), description: 'epoch milliseconds' },
      { type: 'string', pattern: EPOCH_DIGITS, description: 'epoch milliseconds as digits' },
    ],
  };
}

/** The schema of one value of each type, before nullability; exhaustive over FieldType. */
const VALUE_SCHEMAS: {
  [T in FieldType]: (field: FieldDeclaration, maxChars: number) => JsonSchema;
} = {
  id: (field) => id(field.required),
  text: (field, maxChars) => text(maxChars, field.required),
  texts: (_field, maxChars) => ({
    type: 'array',
    maxItems: MAX_ARRAY_ITEMS,
    items: text(maxChars, true),
  }),
  time: () => timeSchema(ISO_TIME),
  enum: (field) => ({ type: 'string', enum: [...(field.values ?? [])] }),
  boolean: () => ({ type: 'boolean' }),
  version: () => integer(1, UINT32_MAX),
  duration: () => integer(0, Number.MAX_SAFE_INTEGER),
  positiveDuration: () => integer(1, Number.MAX_SAFE_INTEGER),
  count: () => integer(0, UINT32_MAX),
  fraction: () => ({ type: 'number', minimum: 0, maximum: 1 }),
  decimal: () => ({
    oneOf: [
      { type: 'number', exclusiveMinimum: -1e14, exclusiveMaximum: 1e14 },
      { type: 'string', pattern: DECIMAL_TEXT },
    ],
  }),
  json: () => orEmptyArray({ type: 'object' }),
  attributes: () =>
    orEmptyArray({
      type: 'object',
      additionalProperties: {
        anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
      },
    }),
  textOrJson: (_field, maxChars) => ({
    oneOf: [text(maxChars, false), { type: 'object' }],
  }),
  object: (field, maxChars) => orEmptyArray(objectSchema(field.fields ?? {}, maxChars)),
};

/**
 * An object's schema, or `[]`: the ingest reads an empty array as the empty object, as PHP's
 * json_encode writes an empty map (emptyArrayAsObject).
 */
function orEmptyArray(schema: JsonSchema): JsonSchema {
  return { anyOf: [schema, { type: 'array', maxItems: 0 }] };
}

/** The limits a type's words state beyond what JSON Schema can (nesting depth, JSON length). */
function limitNote(type: FieldType, maxChars: number): string {
  const accepts = FIELD_TYPES[type].accepts.replaceAll(
    '16 × INGEST_MAX_FIELD_CHARS',
    String(OBJECT_CHARS_FACTOR * maxChars),
  );
  return accepts.replaceAll('INGEST_MAX_FIELD_CHARS', String(maxChars));
}

/**
 * The schema of one field: its value schema, null allowed when optional, described; `device` for
 * a time a device's clock may stamp (see deviceClockFields).
 */
export function fieldSchema(field: FieldDeclaration, maxChars: number, device = false): JsonSchema {
  const value = device ? timeSchema(DEVICE_ISO_TIME) : VALUE_SCHEMAS[field.type](field, maxChars);
  const accepts = device ? DEVICE_TIME_ACCEPTS : limitNote(field.type, maxChars);
  const description = `${field.description} Accepts ${accepts}.`;
  if (field.required) {
    return { description, ...value };
  }
  const defaultValue = field.default === undefined ? {} : { default: field.default };
  return { description, ...defaultValue, anyOf: [value, { type: 'null' }] };
}

function objectSchema(
  fields: Readonly<Record<string, FieldDeclaration>>,
  maxChars: number,
  deviceFields: readonly string[] = [],
): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(
      Object.entries(fields).map(([name, field]) => [
        name,
        fieldSchema(field, maxChars, deviceFields.includes(name)),
      ]),
    ),
    required: Object.entries(fields)
      .filter(([, field]) => field.required)
      .map(([name]) => name),
  };
}

/**
 * A definition that is not a draft (`live` or `paused`) needs the fields of all six definitions
 * (DEFINITION_FIELDS; a nested one as its object's `required`). Presence only: ingest refuses an
 * empty one as well (missingDefinitions).
 */
const unlessDraft: JsonSchema = (() => {
  const paths = Object.values(DEFINITION_FIELDS).flat();
  const nested = new Map<string, string[]>();
  for (const [name, field] of paths.map((path) => path.split('.'))) {
    nested.set(name, field === undefined ? [] : [...(nested.get(name) ?? []), field]);
  }
  return {
    if: { properties: { status: { enum: ['live', 'paused'] } }, required: ['status'] },
    // the fields are named in `properties` too, so that strict validators see them declared here
    then: {
      properties: Object.fromEntries(
        [...nested].map(([name, inner]) => [
          name,
          inner.length === 0
            ? {}
            : {
                type: 'object',
                properties: Object.fromEntries(inner.map((field) => [field, {}])),
                required: inner,
              },
        ]),
      ),
      required: [...REQUIRED_UNLESS_DRAFT],
    },
  };
})();

/**
 * A row without a send time (absent or null: `properties` holds vacuously for an absent field)
 * holds its event time to the stored years; one with it may carry a device's clock from 1970 on in
 * its event and send times, the time they correct to in 2000–2100 (ingest checks that; no keyword
 * can). Empty for a stream without a send time.
 */
function deviceClock(declaration: StreamDeclaration): JsonSchema {
  const { sentAt, eventTime } = declaration;
  if (sentAt === undefined || eventTime === undefined) {
    return {};
  }
  return {
    if: { properties: { [sentAt]: { type: 'null' } } },
    then: { properties: { [eventTime]: timeSchema(ISO_TIME) } },
  };
}

/** The JSON Schema of one stream's rows, for a `maxFieldChars` limit (INGEST_MAX_FIELD_CHARS). */
export function streamJsonSchema(
  stream: string,
  declaration: StreamDeclaration,
  maxFieldChars: number,
): JsonSchema {
  return {
    $schema: DRAFT_2020_12,
    $id: `causeway:stream:${stream}`,
    title: stream,
    description: declaration.description,
    ...objectSchema(declaration.fields, maxFieldChars, deviceClockFields(declaration)),
    ...(stream === 'triggers' ? unlessDraft : deviceClock(declaration)),
  };
}

/** The stream names, in the order of docs/design.md §2. */
export type StreamName = keyof typeof STREAM_DECLARATIONS;

/** The JSON Schema of every stream, by stream name. */
export function streamJsonSchemas(maxFieldChars: number): Record<StreamName, JsonSchema> {
  return Object.fromEntries(
    Object.entries(STREAM_DECLARATIONS).map(([stream, declaration]) => [
      stream,
      streamJsonSchema(stream, declaration, maxFieldChars),
    ]),
  ) as Record<StreamName, JsonSchema>;
}
