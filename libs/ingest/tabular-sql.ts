// The statements of a Parquet import that ClickHouse runs on its own (docs/design.md §11). Most rows
// of a backfill are plain: every value of the type its field reads, in the form its column stores
// (ids and text as printable ASCII, times as timestamps, properties as flat canonical JSON with
// sorted keys, nothing to correct or clamp). For such rows the engine computes, from the file, the
// very id, content hash and stored row that passThrough (passthrough.ts) computes from the row's
// JSON line, and stores them with INSERT ... SELECT, without a row passing through JavaScript.
// Each value's conditions and its JSON text in the content hash are written here, field kind by
// field kind, from the stream's layout; a row that fails any of them (or whose value is of a type
// not read here) is not plain, and the rows of its request are read back and validated line by
// line as before, which words every refusal.
import { MAX_ID_CHARS, PROPERTIES_CHARS_FACTOR } from './fields.js';
import {
  HASHED_AS_NULL,
  HASHED_TENANT,
  passLayout,
  type Field,
  type PassLayout,
  type PassStream,
} from './passthrough.js';
import { tableOf } from './streams.js';
import { FUTURE_TOLERANCE_MS, MAX_TIME_MS, MIN_TIME_MS } from './timestamps.js';

/** A column of the file as the engine reads it. */
export interface FileColumn {
  name: string;
  type: string;
}

/** The row number of the file, counted from 0 in the order the rows are written. */
const ROW_NUMBER = '_causeway_row';
/**
 * The Parquet reader's own number of each row in its file. A column of the file by that name would
 * hide it, so such a file is read line by line (see plainRows).
 */
const FILE_ROW_NUMBER = '_row_number';
/** Names the statements give to a row's id and content hash beside the file's columns. */
const ROW_ID = '_causeway_id';
const ROW_HASH = '_causeway_hash';
const ROW_REQUEST = '_causeway_request';

/**
 * The file's rows with their row numbers, which do not depend on the order they are read in (the
 * reader types its number as nullable, and gives every row of a Parquet file one).
 */
const NUMBERED_ROWS = `(SELECT assumeNotNull(${FILE_ROW_NUMBER}) AS ${ROW_NUMBER}, * FROM file({path:String}, Parquet))`;

/** The rows of the requests `{first}` to `{last}`. */
const REQUEST_RANGE = `${ROW_NUMBER} >= {first:UInt64} * {maxRows:UInt64}
    AND ${ROW_NUMBER} < ({last:UInt64} + 1) * {maxRows:UInt64}`;

/**
 * Settings of every statement that reads the file. The rows are numbered by the reader, so every
 * thread of the engine computes conditions and hashes on its share of them; a row group is handed
 * out in blocks of 8,192 rows so that it is shared (the reader's default block of 65,409 rows splits
 * a 100,000-row group in two unequal halves). On two cores this takes a fifth off the requests query
 * and about a sixth off an insert.
 */
const READ_SETTINGS = `input_format_parquet_max_block_size = 8192`;

/**
 * How the engine writes the rows that tabularLines (tabular.ts) reads: times as ISO-8601 with `Z`,
 * 64-bit integers as JSON numbers, named tuples as objects, and decimals (a Parquet DECIMAL) as
 * their text, read as a CSV cell is, so that an amount is exact to all 18 digits of its column
 * where a JSON number, a double, holds 15 to 17.
 */
export const TABULAR_OUTPUT_SETTINGS = `date_time_output_format = 'iso',
  output_format_json_quote_64bit_integers = 0,
  output_format_json_quote_decimals = 1,
  output_format_json_named_tuples_as_objects = 1`;

/** Printable ASCII but `"` and `\`: a string JSON.stringify writes as it is. */
const PLAIN_TEXT = String.raw`^[\x20\x21\x23-\x5b\x5d-\x7e]*$`;
const PLAIN_STRING = String.raw`"[\x20\x21\x23-\x5b\x5d-\x7e]*"`;
/**
 * A number JSON.stringify writes as it is: at most 15 significant digits, between 1e-6 and 1e9 in
 * magnitude (so never in exponent form), no trailing zero, no `-0`.
 */
const CANONICAL_NUMBER = '(?:-?[1-9][0-9]{0,8}(?:\\.[0-9]{0,5}[1-9])?|-?0\\.[0-9]{0,5}[1-9]|0)';

/**
 * A flat object as JSON.stringify writes it: plain keys and strings, canonical numbers, true and
 * false (and null when `nullAllowed`), no whitespace. Repeated keys and keys of digits only are
 * tested apart (see objectCondition).
 */
function flatObjectPattern(nullAllowed: boolean): string {
  const value = `(?:${PLAIN_STRING}|true|false|${nullAllowed ? 'null|' : ''}${CANONICAL_NUMBER})`;
  const pair = `${PLAIN_STRING}:${value}`;
  return `^\\{(?:${pair}(?:,${pair})*)?\\}$`;
}

/** SQL text of a string literal. */
function literal(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A column name as an identifier, whatever its characters. */
export function identifier(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

/** The value a field's absent JSON (see Field.absent) stores, as SQL. */
function absentValue(absent: string): string {
  const value: unknown = JSON.parse(absent);
  if (value === null) {
    return 'NULL';
  }
  if (typeof value === 'string') {
    return literal(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  throw new Error(`tabular-sql: no SQL for the absent value ${absent}`);
}

/** How one present value of a field is read: when it is plain, its JSON text, what is stored. */
interface ValueSql {
  plain: string;
  /** The pieces of its JSON text, as arguments of concat (so its quotes join the glue around). */
  json: string[];
  stored: string;
  /** For the event time: whether it is clamped. */
  clamped?: string;
}

/** The pieces of a JSON string whose text `v` is (without a quote or backslash of its own). */
function quoted(v: string): string[] {
  return [`'"'`, v, `'"'`];
}

/** Pieces of text (see ValueSql.json) as one expression. */
function joined(pieces: readonly string[]): string {
  return pieces.length === 1 ? pieces[0] : `concat(${pieces.join(', ')})`;
}

/** The arrival time of the rows stored. */
const RECEIVED_AT = "{receivedAt:DateTime64(3, 'UTC')}";

/** The type inside Nullable(...), if any. */
function baseType(type: string): string {
  const nullable = /^Nullable\((.*)\)$/.exec(type);
  return nullable === null ? type : nullable[1];
}

const INTEGER_TYPES = /^U?Int(8|16|32|64)$/;
const TIME_TYPES = /^DateTime(64\(\d(, '[^']*')?\)|\('[^']*'\)|)$/;

/** A string field's value (id, text, member), `v` being a String. */
function textValue(field: Field, v: string, maxChars: number): ValueSql {
  const conditions = [`match(${v}, ${literal(PLAIN_TEXT)})`];
  if (field.kind === 'member') {
    conditions.push(`${v} IN (${field.values!.map(literal).join(', ')})`);
  } else {
    conditions.push(`length(${v}) <= ${field.kind === 'id' ? MAX_ID_CHARS : maxChars}`);
    // Blank required text is refused; an empty id that is derived when absent is derived.
    if (field.required) {
      conditions.push(`NOT match(${v}, '^ *$')`);
    }
    if (field.written) {
      conditions.push(`${v} != ''`);
    }
  }
  return { plain: conditions.join(' AND '), json: quoted(v), stored: v };
}

/**
 * A time field's value, `v` a DateTime or DateTime64: stored to the millisecond, cut as JS does. An
 * event time more than a day after arrival is clamped to the arrival time (the hash keeps it as sent).
 */
function timeValue(field: Field, v: string, receivedAt: number): ValueSql {
  const asSent = `toDateTime64(${v}, 3, 'UTC')`;
  const ms = `toUnixTimestamp64Milli(${asSent})`;
  const value = {
    plain: `${ms} >= ${MIN_TIME_MS} AND ${ms} <= ${MAX_TIME_MS}`,
    json: quoted(`toString(${asSent})`),
    stored: asSent,
  };
  if (field.kind !== 'eventTime') {
    return value;
  }
  const clamped = `${ms} > ${receivedAt + FUTURE_TOLERANCE_MS}`;
  return { ...value, stored: `if(${clamped}, ${RECEIVED_AT}, ${asSent})`, clamped };
}

/**
 * An amount, `v` a Float64: plain when its shortest text has at most 4 decimals, the text
 * decimalText reads the number as (the engine's shortest text is JavaScript's).
 */
function decimalValue(v: string): ValueSql {
  const text = `if(${v} = 0, '0', toString(${v}))`;
  return {
    plain: `match(toString(${v}), '^-?[0-9]{1,14}(\\\\.[0-9]{1,4})?$')`,
    json: quoted(text),
    stored: `toDecimal64(${text}, 4)`,
  };
}

/** A JSON object held as text (`properties`, `attributes`), stored as its text when canonical. */
function objectValue(field: Field, v: string, maxChars: number): ValueSql {
  const keys = `JSONExtractKeys(${v})`;
  const plain = [
    `match(${v}, ${literal(flatObjectPattern(field.kind === 'properties'))})`,
    `length(${v}) <= ${PROPERTIES_CHARS_FACTOR * maxChars}`,
    // JSON.parse keeps a repeated key's last value; keys of digits are left to JavaScript.
    `length(arrayDistinct(${keys})) = length(${keys})`,
    `NOT arrayExists(k -> match(k, '^[0-9]+$'), ${keys})`,
    // Properties are stored with their keys sorted (plain ASCII keys sort alike by byte and by
    // UTF-16 unit): an object in another order is written anew by JavaScript.
    `arraySort(${keys}) = ${keys}`,
  ].join(' AND ');
  return { plain, json: quoted(`replaceAll(${v}, '"', '\\\\"')`), stored: v };
}

/** How a present value of `field` in a column of `type` is read, or undefined: never plain. */
function valueSql(field: Field, type: string, v: string, limits: SqlLimits): ValueSql | undefined {
  const base = baseType(type);
  switch (field.kind) {
    case 'id':
    case 'text':
    case 'member':
      return base === 'String' ? textValue(field, v, limits.maxFieldChars) : undefined;
    case 'time':
    case 'eventTime':
      return TIME_TYPES.test(base) ? timeValue(field, v, limits.receivedAt) : undefined;
    case 'boolean':
      return base === 'Bool'
        ? { plain: '1', json: [`if(${v}, 'true', 'false')`], stored: v }
        : undefined;
    case 'version':
      return INTEGER_TYPES.test(base)
        ? { plain: `${v} >= 1 AND ${v} <= 4294967295`, json: [`toString(${v})`], stored: v }
        : undefined;
    case 'decimal':
      return base === 'Float64' ? decimalValue(v) : undefined;
    case 'properties':
    case 'attributes':
      return base === 'String' ? objectValue(field, v, limits.maxFieldChars) : undefined;
    case 'null':
      return undefined;
  }
}

/** What the conditions depend on besides the file. */
export interface SqlLimits {
  maxFieldChars: number;
  /** The arrival time of the request, epoch milliseconds: later event times are clamped. */
  receivedAt: number;
}

/** Whether a field is read as text, its JSON a string of the column's text (see textValue). */
function isText(field: Field): boolean {
  return field.kind === 'id' || field.kind === 'text' || field.kind === 'member';
}

/** The text of a field's absent value when it is a string JSON writes as it is, else undefined. */
function absentText(field: Field): string | undefined {
  if (field.absent === '') {
    return undefined;
  }
  const value: unknown = JSON.parse(field.absent);
  return typeof value === 'string' && new RegExp(PLAIN_TEXT).test(value) ? value : undefined;
}

/** The SQL of one field of a row: whether it is plain, its JSON text in the hash, what is stored. */
function fieldSql(
  field: Field & { name: string },
  column: FileColumn | undefined,
  limits: SqlLimits,
): ValueSql {
  const absentPlain = field.required || (field.written && field.absent === '') ? '0' : '1';
  const absent = {
    plain: absentPlain,
    json: [literal(field.absent)],
    stored: field.absent === '' ? 'NULL' : absentValue(field.absent),
  };
  if (column === undefined) {
    return absent;
  }
  const c = identifier(column.name);
  const nullable = column.type.startsWith('Nullable(');
  const present = valueSql(field, column.type, nullable ? `assumeNotNull(${c})` : c, limits);
  if (present === undefined) {
    return { ...absent, plain: nullable ? `isNull(${c}) AND ${absentPlain}` : '0' };
  }
  if (!nullable) {
    return present;
  }
  const either = (whenAbsent: string, whenPresent: string) =>
    `if(isNull(${c}), ${whenAbsent}, ${whenPresent})`;
  if (absentPlain === '0') {
    // A row without the value is not plain: what it would hash or store is never used.
    return { ...present, plain: either('0', present.plain) };
  }
  return {
    plain: either(absentPlain, present.plain),
    json:
      isText(field) && absentText(field) !== undefined
        ? quoted(`ifNull(${c}, ${literal(absentText(field)!)})`)
        : [either(joined(absent.json), joined(present.json))],
    stored: either(absent.stored, present.stored),
    clamped: present.clamped === undefined ? undefined : either('0', present.clamped),
  };
}

/** The SQL of a file's plain rows of one stream. */
export interface PlainRows {
  table: string;
  /** The stream's columns the insert writes, in the order of `values`. */
  columns: string[];
  values: string[];
  /** 1 for a plain row, else 0 (never NULL). */
  plain: string;
  /** The row's id (meaningful for plain rows). */
  id: string;
  /** The row's content hash (UInt64), as contentHashOfText computes it. */
  contentHash: string;
  /**
   * A hash of the row's values as the file holds them, every column: copies of an id with the same
   * values have the same content, and so the same content hash (not the other way round: a time
   * written two ways is the same content). Far cheaper than the content hash, it tells the requests
   * whose copies can differ (see conflictsSql).
   */
  valuesHash: string;
  /** The file's columns the stream does not know, in file order. */
  unknown: string[];
}

/** The SQL of `stream`'s plain rows in a file of `columns`, or undefined when none can be. */
export function plainRows(
  stream: PassStream,
  columns: readonly FileColumn[],
  limits: SqlLimits,
): PlainRows | undefined {
  const layout: PassLayout = passLayout(stream);
  const named = [FILE_ROW_NUMBER, ROW_NUMBER, ROW_ID, ROW_HASH, ROW_REQUEST];
  if (columns.some((column) => named.includes(column.name))) {
    return undefined;
  }
  const known = new Set(layout.fields.map((field) => field.name));
  const fields = layout.fields.map((field) =>
    fieldSql(
      field,
      columns.find((column) => column.name === field.name),
      limits,
    ),
  );
  const hashedValue = (i: number) =>
    i === HASHED_TENANT
      ? '{tenantJson:String}'
      : i === HASHED_AS_NULL
        ? literal('null')
        : fields[i].json.join(', ');
  const hashed = layout.hashed
    .map((i, c) => `${literal(layout.glue[c])}, ${hashedValue(i)}`)
    .join(', ');
  // The stream's event time may be clamped (every stream but trigger definitions has one).
  const clamped = fields.find((field) => field.clamped !== undefined)?.clamped ?? '0';
  return {
    table: tableOf[stream],
    columns: [
      'tenant_id',
      'received_at',
      'content_hash',
      'future_clamped',
      ...layout.fields.map((f) => f.name),
    ],
    values: ['{tenantId:String}', RECEIVED_AT, ROW_HASH, clamped, ...fields.map((f) => f.stored)],
    plain: `coalesce(${fields.map((field) => `(${field.plain})`).join(' AND ')}, 0)`,
    id: fields[layout.idIndex].stored,
    contentHash: `reinterpretAsUInt64(reverse(substring(SHA256(concat(${hashed}, ']]')), 1, 8)))`,
    valuesHash: `cityHash64(tuple(${columns.map((column) => identifier(column.name)).join(', ')}))`,
    unknown: columns.map((column) => column.name).filter((name) => !known.has(name)),
  };
}

/** The file's columns. */
export const DESCRIBE_SQL = `DESCRIBE TABLE file({path:String}, Parquet)`;

/**
 * Per request of `maxRows` rows of the file: its rows, those not plain, the distinct ids of the
 * plain ones and their distinct pairs of id and values (more pairs than ids: some copy of an id
 * has other values), and for each column the stream does not know the rows that have a value in it and
 * the first of them.
 */
export function requestsSql(rows: PlainRows): string {
  const unknown = rows.unknown.map(identifier);
  return `SELECT intDiv(${ROW_NUMBER}, {maxRows:UInt64}) AS request,
  count() AS rows,
  countIf(NOT (${rows.plain})) AS awkward,
  uniqExactIf(${rows.id}, ${rows.plain}) AS ids,
  uniqExactIf(${rows.id}, ${rows.valuesHash}, ${rows.plain}) AS id_values,
  [${unknown.map((c) => `countIf(isNotNull(${c}))`).join(', ')}]::Array(UInt64) AS unknown_lines,
  [${unknown.map((c) => `minIf(${ROW_NUMBER}, isNotNull(${c}))`).join(', ')}]::Array(UInt64) AS unknown_first
FROM ${NUMBERED_ROWS}
GROUP BY request
ORDER BY request
SETTINGS ${READ_SETTINGS}`;
}

/**
 * Stores the plain rows of the requests `{first}` to `{last}` (every row of them plain), in one
 * statement that reads the file once: the first copy of each id in each request, as a request of
 * NDJSON lines keeps it, in file order (rows of equal key and arrival time then collapse onto the
 * later request's copy, as when each request is stored after the one before). The threads compute
 * the hashes and stored values before the rows are put in file order (the engine would otherwise
 * compute them after the sort, on one thread).
 */
export function insertSql(rows: PlainRows): string {
  const values = rows.values.map((value, i) => `${value} AS v${i}`);
  return `INSERT INTO ${rows.table} (${rows.columns.join(', ')})
SETTINGS optimize_on_insert = 0
SELECT ${values.join(',\n  ')}
FROM (
  SELECT *, ${rows.contentHash} AS ${ROW_HASH}, ${rows.id} AS ${ROW_ID},
    intDiv(${ROW_NUMBER}, {maxRows:UInt64}) AS ${ROW_REQUEST}
  FROM ${NUMBERED_ROWS}
  WHERE ${REQUEST_RANGE}
  ORDER BY ${ROW_NUMBER}
  LIMIT 1 BY ${ROW_REQUEST}, ${ROW_ID}
)
SETTINGS ${READ_SETTINGS}, query_plan_execute_functions_after_sorting = 0`;
}

/**
 * Per request of the requests `{first}` to `{last}` (every row of them plain): the copies of an id
 * whose content differs from the id's first copy in the request, as a request of NDJSON lines counts
 * them (the first copy is the one kept). It computes the content hash of every row, as the insert
 * does: it is asked only of requests where some copy of an id has other values (see requestsSql).
 */
export function conflictsSql(rows: PlainRows): string {
  return `SELECT ${ROW_REQUEST} AS request, toUInt64(sum(copies - first_copies)) AS conflicts
FROM (
  SELECT ${ROW_REQUEST}, ${ROW_ID}, sum(versions) AS copies, argMin(versions, first_row) AS first_copies
  FROM (
    SELECT intDiv(${ROW_NUMBER}, {maxRows:UInt64}) AS ${ROW_REQUEST}, ${rows.id} AS ${ROW_ID},
      ${rows.contentHash} AS ${ROW_HASH}, count() AS versions, min(${ROW_NUMBER}) AS first_row
    FROM ${NUMBERED_ROWS}
    WHERE ${REQUEST_RANGE}
    GROUP BY ${ROW_REQUEST}, ${ROW_ID}, ${ROW_HASH}
  )
  GROUP BY ${ROW_REQUEST}, ${ROW_ID}
)
GROUP BY ${ROW_REQUEST}
ORDER BY ${ROW_REQUEST}
SETTINGS ${READ_SETTINGS}`;
}

/**
 * The rows of one request as the engine hands them to JavaScript (see tabular.ts), in file order,
 * for the requests that are not all plain.
 */
export const REQUEST_ROWS_SQL = `SELECT * EXCEPT ${ROW_NUMBER}
FROM ${NUMBERED_ROWS}
WHERE ${REQUEST_RANGE}
ORDER BY ${ROW_NUMBER}
SETTINGS ${READ_SETTINGS},
  ${TABULAR_OUTPUT_SETTINGS}`;
