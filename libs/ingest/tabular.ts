// Bulk backfills (docs/design.md §11): Parquet and CSV files are read by ClickHouse's own readers, each row
// handed out as JSON, and then follow the rules of NDJSON lines: the same validation, ids, hashes
// and rejections (row numbers counted from 1, the CSV header excluded). A tabular format cannot
// tell an absent value from a null one, nor (CSV) a number from its text: an empty or null cell is
// absent, and a text cell is read as the type its stream's field declares when it can be.
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { ClickHouseService } from '../storage/index.js';
import { repairedCsv, repairedLines } from './csv-repair.js';
import { decimalText } from './fields.js';
import { STREAM_DECLARATIONS, type FieldDeclaration } from './streams/index.js';
import { IngestErrorCode, IngestException } from './ingest.exception.js';
import type { StreamName } from './streams.js';
import { TABULAR_OUTPUT_SETTINGS } from './tabular-sql.js';
import type { ParsedLine } from './types.js';

/** The formats an import takes, by media type, with ClickHouse's name for each. */
export const IMPORT_FORMATS = {
  'application/vnd.apache.parquet': 'Parquet',
  'text/csv': 'CSVWithNames',
} as const;

export type ImportMediaType = keyof typeof IMPORT_FORMATS;

/** The import format of a Content-Type header (parameters such as charset ignored), or undefined. */
export function importMediaType(contentType: string | undefined): ImportMediaType | undefined {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  return type !== undefined && Object.hasOwn(IMPORT_FORMATS, type)
    ? (type as ImportMediaType)
    : undefined;
}

/**
 * The reading query, for a CSV file with its delimiter (a tab is told apart from the spaces a
 * cell may hold by the engine only when allowed). CSV cells are read as text (a type guessed from
 * the first rows would turn an id such as `007` into 7) as written, spaces included (RFC 4180; the
 * engine trims them by default), an empty cell as null, `""` as the empty text and `\N` as text
 * (not the engine's null). A CSV file's columns are given by position (csvLayout), not guessed
 * from its rows: guessing needs a row after the header and takes a blank line at the end for a
 * row of one cell. Blank lines at the end are read past, as NDJSON's are (those between rows, see
 * csvLines), and a CR alone ends a line, as Excel for Mac writes. Times come out as
 * ISO-8601 with `Z`, 64-bit integers as JSON numbers and decimals as text. Rows come out in file
 * order, so that they are numbered as written: one thread, and a Parquet reader that keeps the
 * order of its row groups (by default it hands out whichever is decoded first). The settings are
 * the statement's own (a SETTINGS clause): the embedded engine keeps settings passed beside a
 * query for the queries after it.
 */
const readSql = (
  csvDelimiter: CsvDelimiter,
) => `SELECT * FROM file({path:String}, {format:String}, {structure:String})
SETTINGS max_threads = 1,
  format_csv_delimiter = '${csvDelimiter === '\t' ? '\\t' : csvDelimiter}',
  input_format_csv_allow_whitespace_or_tab_as_delimiter = ${csvDelimiter === '\t' ? 1 : 0},
  input_format_with_names_use_header = 0,
  input_format_csv_skip_trailing_empty_lines = 1,
  input_format_csv_allow_cr_end_of_line = 1,
  input_format_parquet_preserve_order = 1,
  schema_inference_make_columns_nullable = 1,
  input_format_csv_empty_as_default = 1,
  input_format_csv_trim_whitespaces = 0,
  format_csv_null_representation = '',
  ${TABULAR_OUTPUT_SETTINGS}`;

/**
 * The delimiters a CSV file may be written with: a comma, or what spreadsheets write where the
 * comma is the decimal mark (a semicolon), and tab and pipe exports.
 */
const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;
type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/**
 * The cells of the first record of CSV text, as the engine reads them: a cell that opens with a
 * double quote runs to its closing one and may hold the delimiter, line breaks and doubled quotes;
 * any other ends at the delimiter or the end of the line. Spaces are kept.
 */
export function csvRecord(text: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  let cellStart = true;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char !== '"') {
        cell += char;
      } else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else {
        quoted = false;
      }
    } else if (char === '"' && cellStart) {
      quoted = true;
    } else if (char === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      break;
    } else {
      cell += char;
    }
    cellStart = !quoted && char === delimiter;
  }
  cells.push(cell);
  return cells;
}

/**
 * The delimiter of a CSV file, read from its header row: the one that splits it into the most
 * names of the stream's fields (a comma on a tie). The names are the stream's own, so a header
 * written with any of them is recognised without a parameter to set.
 */
export function csvDelimiter(stream: StreamName, header: string): CsvDelimiter {
  const fields = STREAM_DECLARATIONS[stream].fields;
  let best: CsvDelimiter = ',';
  let bestNames = -1;
  for (const delimiter of CSV_DELIMITERS) {
    const names = csvRecord(header, delimiter).filter((cell) =>
      Object.hasOwn(fields, cell.trim()),
    ).length;
    if (names > bestNames) {
      best = delimiter;
      bestNames = names;
    }
  }
  return best;
}

/**
 * The text a file opens with (at most its first 64 KiB, which hold its header row), without a
 * byte-order mark.
 */
async function fileStart(path: string): Promise<string> {
  const file = await open(path);
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(65_536), 0, 65_536, 0);
    return buffer.toString('utf8', 0, bytesRead).replace(/^\uFEFF/, '');
  } finally {
    await file.close();
  }
}

interface CsvLayout {
  delimiter: CsvDelimiter;
  names: string[];
  structure: string;
}

/**
 * How a CSV file is read: its delimiter, the names of its header row, and the engine's structure
 * of as many text columns, named by position (c1, c2, ...). A name written twice is refused, since
 * one of its cells would be lost; cells under an empty name are fields the stream does not know,
 * answered as ignored as any other.
 */
async function csvLayout(stream: StreamName, path: string): Promise<CsvLayout> {
  const start = await fileStart(path);
  const delimiter = csvDelimiter(stream, start);
  const names = csvRecord(start, delimiter);
  const twice = names.find((name, i) => name !== '' && names.indexOf(name) !== i);
  if (twice !== undefined) {
    throw new IngestException(
      IngestErrorCode.InvalidRequest,
      `the CSV header names the column ${JSON.stringify(twice)} twice; nothing was stored`,
    );
  }
  const structure = names.map((_, i) => `c${i + 1} Nullable(String)`).join(', ');
  return { delimiter, names, structure };
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * A boolean cell as its writers spell it: JSON's `true`, pandas' `True`, and the `TRUE` of
 * spreadsheets (Excel, Google Sheets). Any other text stays text, refused as in NDJSON.
 */
const CSV_BOOLEANS = new Map([
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['false', false],
  ['False', false],
  ['FALSE', false],
]);

function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A text cell as the value its field's type reads, when it reads as one; else the text. */
function typedCell(field: FieldDeclaration | undefined, text: string): unknown {
  switch (field?.type) {
    case 'boolean':
      return CSV_BOOLEANS.get(text) ?? text;
    case 'version':
    case 'duration':
    case 'positiveDuration':
    case 'count':
    case 'fraction':
      return NUMBER.test(text) ? Number(text) : text;
    case 'json':
    case 'attributes':
    case 'object':
      // `[]` too: PHP's empty map, which a JSON line may send for `{}` as well.
      return text.startsWith('{') || text === '[]' ? parsedJson(text) : text;
    case 'texts':
      return text.startsWith('[') ? parsedJson(text) : text;
    case 'textOrJson':
      return text.startsWith('{') ? parsedJson(text) : text;
    case 'time':
      // As a JSON number would be read: epoch milliseconds.
      return NUMBER.test(text) ? Number(text) : text;
    case 'decimal':
      // Decimal text the column holds is the amount, to all 18 digits, as an NDJSON string is
      // (a double holds 15 to 17 and would round 99999999999999.9999 to 1e14). Any other number
      // (more decimals, an exponent) is read as the same JSON number is: rounded to the column.
      return 'text' in decimalText(text) || !NUMBER.test(text) ? text : Number(text);
    case 'id':
    case 'text':
    case 'enum':
    case undefined:
      return text;
  }
}

/** One row of a tabular file as the NDJSON line it stands for. */
export function tabularRow(
  stream: StreamName,
  cells: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const fields: Readonly<Record<string, FieldDeclaration>> = STREAM_DECLARATIONS[stream].fields;
  const row: Record<string, unknown> = {};
  for (const [name, cell] of Object.entries(cells)) {
    if (cell === null || cell === undefined) {
      continue;
    }
    const field = Object.hasOwn(fields, name) ? fields[name] : undefined;
    row[name] = typeof cell === 'string' ? typedCell(field, cell) : cell;
  }
  return row;
}

/**
 * A row the engine read by position (c1, c2, ...) keyed by the names of the header row. A null
 * cell is left out: under a second empty name it would hide the first's value.
 */
function namedCells(
  cells: Readonly<Record<string, unknown>>,
  names: readonly string[],
): Record<string, unknown> {
  const values = Object.values(cells);
  return Object.fromEntries(
    names.flatMap((name, i) => (values[i] === null ? [] : [[name, values[i]]])),
  );
}

/**
 * The rows of ClickHouse's JSONEachRow output as lines to validate, those of each chunk together,
 * numbered from `firstRow`; when `names` are given, the output's columns are read by position
 * under those names (see csvLayout).
 */
export async function* tabularLines(
  stream: StreamName,
  output: Readable,
  firstRow = 1,
  names?: readonly string[],
): AsyncGenerator<ParsedLine[]> {
  let rowNumber = firstRow;
  let pending = '';
  // A chunk may end inside a character: the decoder keeps its first bytes for the next.
  const decoder = new StringDecoder('utf8');
  const linesOf = (text: string): ParsedLine[] =>
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const cells = JSON.parse(line) as Record<string, unknown>;
        const value = tabularRow(stream, names === undefined ? cells : namedCells(cells, names));
        return { line: rowNumber++, raw: JSON.stringify(value), value };
      });
  for await (const chunk of output as AsyncIterable<Buffer | string>) {
    const text = pending + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const end = text.lastIndexOf('\n');
    pending = text.slice(end + 1);
    if (end !== -1) {
      yield linesOf(text.slice(0, end));
    }
  }
  pending += decoder.end();
  if (pending !== '') {
    yield linesOf(pending);
  }
}

/** The engine's rows of a tabular file, as lines to validate numbered from 1. */
async function engineLines(
  clickhouse: ClickHouseService,
  stream: StreamName,
  path: string,
  mediaType: ImportMediaType,
  csv: CsvLayout | undefined,
): Promise<AsyncGenerator<ParsedLine[]>> {
  const output = await clickhouse.stream({
    tag: 'ingest.import_read',
    sql: readSql(csv?.delimiter ?? CSV_DELIMITERS[0]),
    params: { path, format: IMPORT_FORMATS[mediaType], structure: csv?.structure ?? 'auto' },
    format: 'JSONEachRow',
  });
  return tabularLines(stream, output, 1, csv?.names);
}

/**
 * The rows of a CSV file. When the engine stops at a blank line between rows or at a row of
 * another shape than the header's, the rest is read from a copy without them (csv-repair.ts) and
 * each row left out is rejected in its place.
 */
async function* csvLines(
  clickhouse: ClickHouseService,
  stream: StreamName,
  path: string,
  csv: CsvLayout,
): AsyncGenerator<ParsedLine[]> {
  try {
    yield* await engineLines(clickhouse, stream, path, 'text/csv', csv);
  } catch (error) {
    // Imports are read by the embedded engine, which answers whole (chdb/connection): it refuses
    // a file before it hands out any of its rows.
    const repair = await repairedCsv(path, csv.delimiter, csv.names.length);
    if (repair === undefined) {
      throw error;
    }
    try {
      const copy = await engineLines(clickhouse, stream, repair.path, 'text/csv', csv);
      yield* repairedLines(copy, repair.faults);
    } finally {
      await repair.remove();
    }
  }
}

/**
 * The rows of a Parquet or CSV file that the engine can read (embedded: a file of this machine),
 * as lines to validate, those of each output chunk together, numbered from 1. A CSV file is read
 * with the delimiter its header row is written with, its columns by position (csvLayout).
 */
export async function readTabularFile(
  clickhouse: ClickHouseService,
  stream: StreamName,
  path: string,
  mediaType: ImportMediaType,
): Promise<AsyncGenerator<ParsedLine[]>> {
  if (mediaType === 'text/csv') {
    return csvLines(clickhouse, stream, path, await csvLayout(stream, path));
  }
  return engineLines(clickhouse, stream, path, mediaType, undefined);
}
