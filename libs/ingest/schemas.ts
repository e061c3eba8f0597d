// One zod schema per stream, built from its declaration (streams/): required fields first, then
// optional ones, in the declaration's order, which is also the order errors are reported in (the
// first failing field). Unknown fields are accepted and dropped (zod's default `strip`): producers
// share one event shape across tools and add fields freely, and refusing them would reject whole
// feeds. Optional fields accept `null` as absent, as many serializers write one for every empty
// field.
import { z } from 'zod';
import {
  attributesObject,
  boolean,
  decimal,
  emptyArrayAsObject,
  fraction,
  isPlainObject,
  jsonObject,
  nonNegativeInteger,
  oneOf,
  optionalId,
  optionalText,
  positiveInteger,
  PROPERTIES_CHARS_FACTOR,
  requiredId,
  requiredText,
  textArray,
  textOrJsonObject,
  timestamp,
  uint32,
  version,
} from './fields.js';
import {
  deviceClockFields,
  STREAM_DECLARATIONS,
  type FieldDeclaration,
  type FieldType,
  type StreamDeclaration,
} from './streams/index.js';
import type { DeclaredStream, ParsedRow } from './streams/row-types.js';

export {
  ARMS,
  DEFAULT_CONVERSION_WINDOW_MS,
  EXPOSURE_TYPES,
  SIGNAL_KINDS,
  TRIGGER_STATUSES,
} from './streams/index.js';

/** How a nested object's field is named in the message of a malformed object. */
const NOUNS: Partial<Record<FieldType, string>> = {
  count: 'count',
  duration: 'milliseconds',
  positiveDuration: 'milliseconds',
};

function nestedObject(fields: Readonly<Record<string, FieldDeclaration>>, maxChars: number) {
  const inner = Object.entries(fields)
    .map(([name, field]) => `"${name}": ${NOUNS[field.type] ?? field.type}`)
    .join(', ');
  const what = `expected an object {${inner}}`;
  return z.preprocess(
    emptyArrayAsObject,
    z.object(shapeOf(fields, maxChars), {
      error: (issue) => (issue.input === null || issue.input === undefined ? undefined : what),
    }),
  );
}

/**
 * The schema of one value, before `required` is applied; `device` for a time a device's clock
 * stamped (see deviceClockFields).
 */
function valueSchema(field: FieldDeclaration, maxChars: number, device = false): z.ZodType {
  const objectChars = PROPERTIES_CHARS_FACTOR * maxChars;
  switch (field.type) {
    case 'id':
      return field.required ? requiredId() : optionalId();
    case 'text':
      return field.required ? requiredText(maxChars) : optionalText(maxChars);
    case 'texts':
      return textArray(maxChars);
    case 'time':
      return timestamp(device);
    case 'enum':
      return oneOf(field.values!);
    case 'boolean':
      return boolean();
    case 'version':
      return version();
    case 'duration':
      return nonNegativeInteger();
    case 'positiveDuration':
      return positiveInteger();
    case 'count':
      return uint32();
    case 'fraction':
      return fraction();
    case 'decimal':
      return decimal();
    case 'json':
      return jsonObject(objectChars);
    case 'attributes':
      return attributesObject(objectChars);
    case 'textOrJson':
      return textOrJsonObject(maxChars);
    case 'object':
      return nestedObject(field.fields!, maxChars);
  }
}

function shapeOf(
  fields: Readonly<Record<string, FieldDeclaration>>,
  maxChars: number,
  deviceFields: readonly string[] = [],
): Record<string, z.ZodType> {
  return Object.fromEntries(
    Object.entries(fields).map(([name, field]) => {
      const schema = valueSchema(field, maxChars, deviceFields.includes(name));
      return [name, field.required ? schema : schema.nullish()];
    }),
  );
}

/**
 * A stream's schema. A row that states when it was sent (signals' `sent_at`) has its event time
 * and send time read as a device's clock, from 1970 on (see deviceClockFields): the time they
 * correct to is what validateRow holds to the stored years. A row without one has every time read
 * in the stored years. Either way the first failing field is reported, in declaration order.
 */
function streamSchema(declaration: StreamDeclaration, maxChars: number): z.ZodType {
  const stored = z.object(shapeOf(declaration.fields, maxChars));
  const deviceFields = deviceClockFields(declaration);
  const sentAt = declaration.sentAt;
  if (sentAt === undefined || deviceFields.length === 0) {
    return stored;
  }
  const device = z.object(shapeOf(declaration.fields, maxChars, deviceFields));
  return z.unknown().transform((value, ctx) => {
    const sent = isPlainObject(value) ? value[sentAt] : undefined;
    const parsed = (sent === undefined || sent === null ? stored : device).safeParse(value);
    if (parsed.success) {
      return parsed.data;
    }
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ ...issue });
    }
    return z.NEVER;
  });
}

function buildSchemas(maxChars: number): StreamSchemas {
  const schemas = Object.fromEntries(
    Object.entries(STREAM_DECLARATIONS).map(([stream, declaration]) => [
      stream,
      streamSchema(declaration, maxChars),
    ]),
  );
  return schemas as unknown as StreamSchemas;
}

/** The schemas of every stream for one field limit, each producing the stream's ParsedRow. */
export type StreamSchemas = {
  [S in DeclaredStream]: z.ZodType<ParsedRow<S>>;
};

// Building the schemas costs far more than running them, and the limit is one configured value,
// so they are built once per limit rather than per row.
const cache = new Map<number, StreamSchemas>();

/** The stream schemas for a `maxFieldChars` limit. */
export function schemasFor(maxFieldChars: number): StreamSchemas {
  let schemas = cache.get(maxFieldChars);
  if (schemas === undefined) {
    schemas = buildSchemas(maxFieldChars);
    cache.set(maxFieldChars, schemas);
  }
  return schemas;
}
