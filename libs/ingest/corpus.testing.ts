// The fast-check corpus of the equivalence specs: rows of a generated program with some fields
// replaced, valid or not. `anyTypeVariant` puts values of any type anywhere, as a careless
// producer's JSON may; `typedVariant` puts in each field values of the field's own type only (valid
// or not), as a table holds them, so that the same rows can be written as NDJSON, Parquet and CSV.
import fc from 'fast-check';
import { STREAM_DECLARATIONS, type FieldDeclaration } from './streams/index.js';
import type { StreamName } from './streams.js';

type Row = Record<string, unknown>;

/**
 * Rows of each stream of each planted block that the equivalence specs' programs keep (see
 * ProgramOptions.plantedBlockRows): the program's kinds of rows, firings with properties among
 * them, without the blocks' 16,000 rows a stream validated, stored and compared in every format.
 */
export const PROGRAM_BLOCK_ROWS = 300;

const TIMES = [
  '2026-10-02T10:00:00.000Z',
  '2027-01-01T00:00:00.000Z',
  '2026-02-29T00:00:00.000Z',
] as const;

/**
 * A device clock restarted at the epoch: read for occurred_at and sent_at when the row states
 * sent_at (the corrected time must fall in the stored years), refused anywhere else.
 */
const DEVICE_TIMES = [
  '1970-01-01T00:05:00Z',
  '1970-01-01T00:06:30.000Z',
  '1969-12-31T19:05:00-05:00',
] as const;

const OBJECTS = [
  { a: 1, 'b c': [true, null, 'x'] },
  { tier: 'gold', n: -2.5, vip: true },
  // the same content in another key order
  { vip: true, tier: 'gold', n: -2.5 },
  { tier: null },
] as const;

/**
 * A line of `linesOf(stream)` (JSON.stringify's text of rows of the stream) with up to 3 fields
 * replaced by values of any type, and perhaps a space or a comma less between two members.
 */
export function anyTypeVariant<S extends StreamName>(
  streams: readonly S[],
  linesOf: (stream: S) => readonly string[],
): fc.Arbitrary<{ stream: S; raw: string }> {
  return fc
    .tuple(
      fc.constantFrom(...streams),
      fc.nat(),
      fc.dictionary(
        fc.constantFrom(
          'event_id',
          'person_id',
          'type',
          'occurred_at',
          'kind',
          'source',
          'properties',
          'sent_at',
          'trigger_version',
          'value',
          'granted',
          'machine',
          'tenant_id',
        ),
        fc.oneof(
          fc.constant(null),
          fc.string({ maxLength: 5 }),
          fc.constantFrom('', ' ', 'treatment', 'opened', 'behavioral', 'a"b', 'x'.repeat(70)),
          fc.constantFrom(...TIMES, ...DEVICE_TIMES),
          fc.integer(),
          fc.double(),
          fc.boolean(),
          fc.constantFrom(...OBJECTS),
          // PHP's empty map, and an array that is not one
          fc.constantFrom([], [1]),
        ),
        { maxKeys: 3 },
      ),
      fc.constantFrom('', ' ', ','),
    )
    .map(([stream, pick, overrides, glue]) => {
      const lines = linesOf(stream);
      const base = JSON.parse(lines[pick % lines.length]) as Row;
      return { stream, raw: JSON.stringify({ ...base, ...overrides }).replace(',"', `${glue}"`) };
    });
}

/** Text a table may hold in a text column: blank, padded, quoted, multi-line, non-ASCII, long. */
const TEXTS = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
  fc.constantFrom(
    '',
    ' ',
    ' x ',
    'a"b',
    'a,b',
    'a\nb',
    '\\N',
    'NULL',
    '007',
    'true',
    'é',
    '\u0000',
    'x'.repeat(300),
    'x'.repeat(5000),
  ),
);

/** Times as text, valid or not, in the forms producers write them. */
const TIME_TEXTS = fc.constantFrom(
  ...TIMES,
  ...DEVICE_TIMES,
  '2026-10-02T12:00:00+02:00',
  '2026-10-02T10:00:00.123456+00:00',
  '2026-10-02T10:00:00+00:00',
  '2026-10-02T10:00:00.5Z',
  '2026-10-02T10:00:00.1234567891Z',
  '2026-02-29T10:00:00+00:00',
  '2026-12-02T12:00:00.000999+00:00',
  '2026-12-02T12:00:00.001000+00:00',
  '2026-10-02 10:00:00Z',
  '2026-10-02T10:00:00',
  '2026-10-02',
  '1790935200000',
  '2099-01-01T00:00:00Z',
  '1999-12-31T23:59:59Z',
  'yesterday',
);

const NUMBERS = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 1, 3, 0.5, 19.99, -0.5, 1.23456, 1e21, 4_294_967_296, 2 ** 53),
);

const OBJECT_VALUES = fc.oneof(
  fc.constantFrom<Row>(...OBJECTS, {}, { ü: 'ß' }, { b: 1, '1': 2 }, { tags: ['a'] }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string({ maxLength: 3 }), fc.double())),
);

/** Values of a field's own type, valid for it or not. */
function valuesOf(field: FieldDeclaration): fc.Arbitrary<unknown> {
  switch (field.type) {
    case 'id':
    case 'text':
      return TEXTS;
    case 'enum':
      return fc.oneof(fc.constantFrom(...field.values!), TEXTS);
    case 'time':
      return TIME_TEXTS;
    case 'boolean':
      return fc.boolean();
    case 'version':
    case 'decimal':
    case 'duration':
    case 'positiveDuration':
    case 'count':
    case 'fraction':
      return NUMBERS;
    case 'json':
    case 'attributes':
      return OBJECT_VALUES;
    case 'texts':
      return fc.array(TEXTS, { maxLength: 3 });
    case 'textOrJson':
      // Text that opens like an object is read as one from a table: not the same row.
      return fc.oneof(
        TEXTS.filter((text) => !text.startsWith('{')),
        OBJECT_VALUES,
      );
    case 'object':
      return fc.oneof(
        fc.record(
          Object.fromEntries(
            Object.entries(field.fields ?? {}).map(([name, inner]) => [name, valuesOf(inner)]),
          ),
          { requiredKeys: [] },
        ),
        OBJECT_VALUES,
      );
  }
}

/** A change to one field: a value of its type, or the field left out (null when optional). */
function changeOf(field: FieldDeclaration): fc.Arbitrary<unknown> {
  // A table cannot tell null from absent: null is absent, and for a required field NDJSON's null
  // has a message of its own. Undefined marks the field left out.
  return fc.oneof(
    { arbitrary: valuesOf(field), weight: 4 },
    { arbitrary: fc.constant(field.required ? undefined : null), weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

/**
 * A row of `rows` (rows of `stream`) with up to 3 of the stream's fields changed to a value of the
 * field's own type, or left out, and perhaps a field no stream knows.
 */
export function typedVariant(stream: StreamName, rows: readonly Row[]): fc.Arbitrary<Row> {
  const fields: Readonly<Record<string, FieldDeclaration>> = STREAM_DECLARATIONS[stream].fields;
  const changes = fc
    .uniqueArray(fc.constantFrom(...Object.keys(fields)), { maxLength: 3 })
    .chain((names) =>
      fc.tuple(
        ...names.map((name) => changeOf(fields[name]).map((value) => [name, value] as const)),
      ),
    );
  return fc
    .tuple(
      fc.nat(),
      changes,
      fc.option(fc.constantFrom('campaign_hint', 'signal_id'), { nil: undefined }),
    )
    .map(([pick, changed, unknown]) => {
      const row: Row = { ...rows[pick % rows.length] };
      for (const [name, value] of changed) {
        if (value === undefined) {
          delete row[name];
        } else {
          row[name] = value;
        }
      }
      if (unknown !== undefined) {
        row[unknown] = 'x';
      }
      return row;
    });
}
