import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { generateProgram } from '../demo/index.js';
import { openTemporaryStore, type TemporaryStore } from '../storage/testing.js';
import { anyTypeVariant, typedVariant, PROGRAM_BLOCK_ROWS } from './corpus.testing.js';
import { DIALECT_NAMES, inDialect, type DialectName } from './dialects.testing.js';
import { insertStorageLines } from './ingest-writer.js';
import { batchResult } from './ingest.service.js';
import { prepareBatch } from './prepare-batch.js';
import { firstDifference } from './rows.testing.js';
import { STREAM_DECLARATIONS } from './streams/index.js';
import { STREAMS, tableOf, type StreamName } from './streams.js';
import { csvOf, parquetOf } from './tabular.testing.js';
import { readTabularFile } from './tabular.js';
import type { LineSource, ParsedLine, PreparedBatch, ValidationContext } from './types.js';

// The same rows sent as NDJSON (in every JSON dialect), as Parquet and as CSV are accepted,
// rejected and stored identically (docs/design.md §11): the rows of a generated program, and the
// fast-check corpora (corpus.testing.ts) of rows whose fields hold values of their own type, valid
// or not (what a table can hold), and, in every JSON dialect, of lines with values of any type.
// Parquet is written by ClickHouse itself.

const program = generateProgram({
  seed: 7,
  persons: 50,
  start: '2026-10-01T00:00:00Z',
  plantedBlockRows: PROGRAM_BLOCK_ROWS,
});
const RECEIVED_AT = Date.UTC(2026, 11, 1, 12);
const context = (tenantId: string): ValidationContext => ({
  tenantId,
  receivedAt: RECEIVED_AT,
  limits: { maxRows: 100_000, maxFieldChars: 4096, maxBodyBytes: 1 << 30 },
});

/** Rows every stream refuses, whatever the format, at known row numbers. */
const BAD_ROWS: Record<string, unknown>[] = [
  { event_id: 'bad-1', firing_id: 'bad-1', outcome_id: 'bad-1', trigger_id: 'bad-1' },
  {
    event_id: 'bad-2',
    firing_id: 'bad-2',
    outcome_id: 'bad-2',
    trigger_id: 'bad-2',
    name: 'Bad',
    person_id: 'p1',
    purpose: 'email',
    type: 'opened',
    arm: 'both',
    status: 'sometimes',
    granted: true,
    occurred_at: 'yesterday',
    decided_at: 'yesterday',
  },
];

type Row = Record<string, unknown>;
type PassStream = Exclude<StreamName, 'triggers'>;
const PASS_STREAMS = STREAMS.filter((s): s is PassStream => s !== 'triggers');

/** Rows of the fast-check corpora per stream. */
const CORPUS_ROWS = 400;

function programRows(stream: StreamName): Row[] {
  return program.rows[stream] as unknown as Row[];
}

/** JSON.stringify's lines of the program's rows, written once per stream. */
const programLines = new Map<StreamName, string[]>();
function programLinesOf(stream: StreamName): string[] {
  let lines = programLines.get(stream);
  if (lines === undefined) {
    lines = programRows(stream).map((row) => JSON.stringify(row));
    programLines.set(stream, lines);
  }
  return lines;
}

function rowsOf(stream: StreamName): Row[] {
  const rows = programRows(stream);
  // A repeated row: a duplicate in every format.
  return [...rows, ...BAD_ROWS, rows[0]];
}

/** Rows with the keys of their JSON texts (`properties`, `audience`) sorted, in a stable order. */
function keysSorted(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const sorted = (value: unknown): unknown =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
        )
      : value;
  const jsonText = (value: unknown) => {
    if (typeof value !== 'string' || !value.startsWith('{')) {
      return value;
    }
    try {
      return JSON.stringify(sorted(JSON.parse(value)));
    } catch {
      return value; // text that opens like an object
    }
  };
  return inStableOrder(
    rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, jsonText(v)]))),
  );
}

/** Rows ordered by their JSON text (each written once, then compared as text). */
function inStableOrder<T>(rows: T[]): T[] {
  return rows
    .map((row) => [JSON.stringify(row), row] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row);
}

/** The rows as NDJSON lines in a dialect, numbered from 1. */
function ndjsonOf(rows: Row[], dialect: DialectName): ParsedLine[] {
  return rows.map((row, i) => ({ line: i + 1, raw: inDialect(JSON.stringify(row), dialect) }));
}

describe('imports read by ClickHouse follow the rules of NDJSON', () => {
  let store: TemporaryStore;
  let directory: string;

  beforeAll(async () => {
    store = await openTemporaryStore();
    directory = mkdtempSync(join(tmpdir(), 'causeway-tabular-'));
  });

  afterAll(async () => {
    await store.dispose();
    rmSync(directory, { recursive: true, force: true });
  });

  async function stored(stream: StreamName, tenantId: string) {
    const rows = await store.clickhouse.query({
      tag: 'test.tabular',
      sql: `SELECT * EXCEPT (tenant_id, content_hash, received_at)
            FROM ${tableOf[stream]} WHERE tenant_id = {tenantId:String}`,
      params: { tenantId },
      row: z.record(z.string(), z.unknown()),
    });
    // firings' inserted_at is when the engine wrote the row: one per insert.
    return inStableOrder(rows.map(({ inserted_at: _, ...row }) => row));
  }

  async function load(stream: StreamName, tenantId: string, lines: LineSource) {
    const batch: PreparedBatch = await prepareBatch(stream, lines, context(tenantId));
    await insertStorageLines(store.clickhouse, stream, batch.ndjson, 'test.tabular');
    return {
      ...batchResult(batch),
      ignoredFields: [...batch.ignoredFields].sort((a, b) => (a.field < b.field ? -1 : 1)),
      hashes: [...batch.ndjson.matchAll(/"content_hash":"?(\d+)/g)].map((m) => m[1]).sort(),
    };
  }

  /** A source of the lines of one request: NDJSON in a dialect, or a file ClickHouse reads. */
  type Source = [name: string, lines: () => Promise<LineSource>];

  /** Sources of `rows` as NDJSON in every dialect, as Parquet and as CSV. */
  async function everyFormat(stream: StreamName, rows: Row[], label: string): Promise<Source[]> {
    const parquet = join(directory, `${stream}-${label}.parquet`);
    writeFileSync(parquet, await parquetOf(store.clickhouse, rows));
    const csv = join(directory, `${stream}-${label}.csv`);
    writeFileSync(csv, csvOf(rows));
    return [
      ...DIALECT_NAMES.map((d): Source => [d, () => Promise.resolve(ndjsonOf(rows, d))]),
      [
        'parquet',
        () => readTabularFile(store.clickhouse, stream, parquet, 'application/vnd.apache.parquet'),
      ],
      ['csv', () => readTabularFile(store.clickhouse, stream, csv, 'text/csv')],
    ];
  }

  /**
   * Loads every source into a tenant of its own and expects the answer (counts, and every
   * rejection with its row number, field and reason), the ignored fields and the stored rows of
   * the first. Answers the first's answer.
   */
  async function expectTheSame(stream: StreamName, label: string, sources: Source[]) {
    const [[firstName, firstLines], ...others] = sources;
    const firstTenant = `${stream}-${label}-${firstName}`;
    const expected = await load(stream, firstTenant, await firstLines());
    const expectedRows = await stored(stream, firstTenant);
    for (const [name, lines] of others) {
      const tenant = `${stream}-${label}-${name}`;
      const answer = await load(stream, tenant, await lines());
      // Hashes cover the tenant: compared through the stored rows instead. The unknownFields
      // dialect adds fields of its own to every line.
      const ignored = name === 'unknownFields' ? undefined : expected.ignoredFields;
      expect({ name, ...answer, hashes: undefined, ignoredFields: ignored }).toEqual({
        name,
        ...expected,
        hashes: undefined,
        ignoredFields: ignored,
      });
      // Dialects that order the keys of `properties` their way store its text so ordered.
      const reorders = ['python', 'go', 'offsets'].includes(name);
      const rowsStored = await stored(stream, tenant);
      const difference = reorders
        ? firstDifference(keysSorted(rowsStored), keysSorted(expectedRows))
        : firstDifference(rowsStored, expectedRows);
      expect({ name, difference }).toEqual({ name, difference: undefined });
    }
    return { ...expected, stored: expectedRows.length };
  }

  it.each(STREAMS)('%s: the rows of a generated program', async (stream) => {
    const rows = rowsOf(stream);
    const sources = await everyFormat(stream, rows, 'program');
    const expected = await expectTheSame(stream, 'program', sources);
    expect(expected.rejected).toBe(BAD_ROWS.length);
    expect(expected.duplicates).toBe(1);
    expect(expected.stored).toBe(rows.length - BAD_ROWS.length - 1);
  });

  /** The lines of a CSV file of `text`, as readTabularFile hands them out. */
  async function readCsv(name: string, text: string, stream: StreamName = 'firings') {
    const path = join(directory, name);
    writeFileSync(path, text);
    const lines: ParsedLine[] = [];
    for await (const chunk of await readTabularFile(store.clickhouse, stream, path, 'text/csv')) {
      lines.push(...chunk);
    }
    return lines;
  }

  it('reads a CSV written with a semicolon, tab or pipe as the same file written with commas', async () => {
    // firings carry properties, whose JSON text holds commas: quoted only where the delimiter is one
    // and a cell with spaces inside and around it, unquoted as writers leave it
    const rows = [
      ...rowsOf('firings'),
      { ...rowsOf('firings')[0], firing_id: 'sp 1', person_id: ' p 2 ' },
    ];
    const expected = await readCsv('commas.csv', csvOf(rows));
    expect(expected.at(-1)?.value).toMatchObject({ firing_id: 'sp 1', person_id: ' p 2 ' });
    expect(expected).toHaveLength(rows.length);
    // a spreadsheet where the comma is the decimal mark: semicolons, a byte-order mark, CRLF
    expect(await readCsv('semi.csv', csvOf(rows, ';'))).toEqual(expected);
    expect(await readCsv('crlf.csv', csvOf(rows, ',', '\r\n'))).toEqual(expected);
    expect(await readCsv('bom.csv', `\uFEFF${csvOf(rows)}`)).toEqual(expected);
    expect(await readCsv('excel.csv', `\uFEFF${csvOf(rows, ';', '\r\n')}`)).toEqual(expected);
    expect(await readCsv('tabs.csv', csvOf(rows, '\t'))).toEqual(expected);
    expect(await readCsv('pipes.csv', csvOf(rows, '|'))).toEqual(expected);
  });

  it('reads past blank lines at the end of a CSV, and reads a header alone as no rows', async () => {
    const header = 'event_id,person_id,type,occurred_at';
    const rows = ['e1,p1,view,2026-10-01T10:00:00Z', 'e2,p2,view,2026-10-01T11:00:00Z'];
    const expected = [
      ['e1', 'p1', '2026-10-01T10:00:00Z'],
      ['e2', 'p2', '2026-10-01T11:00:00Z'],
    ].map(([event_id, person_id, occurred_at], i) => ({
      line: i + 1,
      value: { event_id, person_id, type: 'view', occurred_at },
    }));
    const read = (name: string, text: string) => readCsv(name, text, 'signals');
    // an editor's or a script's last newline, twice; a spreadsheet's CRLF
    expect(await read('blank-end.csv', `${[header, ...rows].join('\n')}\n\n`)).toMatchObject(
      expected,
    );
    expect(
      await read('blank-end-crlf.csv', `${[header, ...rows].join('\r\n')}\r\n\r\n\r\n`),
    ).toMatchObject(expected);
    // the export of a day without rows
    expect(await read('header-only.csv', `\uFEFF${header}\r\n`)).toEqual([]);
    expect(await read('header-no-newline.csv', header)).toEqual([]);
    expect(await read('header-blank.csv', `${header}\n\n`)).toEqual([]);
  });

  it('reads a CSV whose lines end with a CR alone (Excel for Mac) as the same file with LF', async () => {
    const header = 'event_id,person_id,type,occurred_at';
    const rows = ['e1,p1,view,2026-10-01T10:00:00Z', 'e2,"p\r2",view,2026-10-01T11:00:00Z'];
    const lines = await readCsv('mac.csv', `${[header, ...rows].join('\r')}\r`, 'signals');
    expect(lines.map(({ line, value }) => ({ line, value }))).toEqual([
      {
        line: 1,
        value: {
          event_id: 'e1',
          person_id: 'p1',
          type: 'view',
          occurred_at: '2026-10-01T10:00:00Z',
        },
      },
      {
        line: 2,
        value: {
          event_id: 'e2',
          person_id: 'p\r2',
          type: 'view',
          occurred_at: '2026-10-01T11:00:00Z',
        },
      },
    ]);
  });

  it('reads past blank lines between rows, and rejects a row of another shape in its place', async () => {
    const header = 'event_id,person_id,type,occurred_at';
    const good = (n: number) => `e${n},p${n},view,2026-10-01T10:00:00Z`;
    // Rows as the file numbers them (blank lines take no number): 2 lacks a cell, 4 has one more,
    // 5 holds only spaces, 6 has text after a quoted cell, 8 opens a quote it never closes.
    const text = [
      header,
      '',
      good(1),
      'e2,p2,2026-10-01T10:00:00Z',
      '\r',
      good(3),
      'e4,p4,view,2026-10-01T10:00:00Z,extra',
      '   ',
      'e6,"p6"x,view,2026-10-01T10:00:00Z',
      '',
      '',
      '"e7","p,7",view,2026-10-01T10:00:00Z',
      'e8,"p8,view,2026-10-01T10:00:00Z',
      good(9),
      '',
    ].join('\n');
    const lines = await readCsv('shapes.csv', text, 'signals');
    const reasons = lines.map(({ line, raw, value, parseError }) =>
      parseError === undefined
        ? { line, person: (value as Row).person_id }
        : { line, raw, parseError },
    );
    expect(reasons).toEqual([
      { line: 1, person: 'p1' },
      {
        line: 2,
        raw: 'e2,p2,2026-10-01T10:00:00Z',
        parseError:
          'the row has 3 cells where the header names 4 columns (the row starts on line 4 of the file); it was left out',
      },
      { line: 3, person: 'p3' },
      {
        line: 4,
        raw: 'e4,p4,view,2026-10-01T10:00:00Z,extra',
        parseError:
          'the row has 5 cells where the header names 4 columns (the row starts on line 7 of the file); it was left out',
      },
      {
        line: 5,
        raw: '   ',
        parseError:
          'the row has 1 cell where the header names 4 columns (the row starts on line 8 of the file); it was left out',
      },
      {
        line: 6,
        raw: 'e6,"p6"x,view,2026-10-01T10:00:00Z',
        parseError:
          'a quoted cell is followed by text before the next delimiter (the row starts on line 9 of the file); it was left out',
      },
      { line: 7, person: 'p,7' },
      {
        line: 8,
        raw: 'e8,"p8,view,2026-10-01T10:00:00Z\ne9,p9,view,2026-10-01T10:00:00Z\n',
        parseError:
          'a quoted cell opens and is never closed (the row starts on line 13 of the file); it was left out',
      },
    ]);
    const batch = await prepareBatch('signals', lines, context('shapes'));
    expect(batch).toMatchObject({ accepted: 3, rejected: 5 });
    expect(batch.errors.map(({ line, field }) => ({ line, field }))).toEqual(
      [2, 4, 5, 6, 8].map((line) => ({ line, field: '(line)' })),
    );
  });

  it('numbers the rows of a long CSV as written around blank lines and rows left out', async () => {
    // 6,000 rows with CRLF line ends: row 4,000 lacks cells, a blank line stands before row 5,000
    // and two after the last row. Every row comes out once, numbered as written.
    const rows = Array.from({ length: 6000 }, (_, i) =>
      i + 1 === 4000 ? 'short,row' : `e${i + 1},p${i + 1},view,2026-10-01T10:00:00Z`,
    );
    const header = 'event_id,person_id,type,occurred_at';
    const text = [header, ...rows.slice(0, 4999), '', ...rows.slice(4999), '', ''].join('\r\n');
    const lines = await readCsv('long.csv', text, 'signals');
    expect(lines.map((line) => line.line)).toEqual(rows.map((_, i) => i + 1));
    expect(lines.map((line) => (line.value as Row | undefined)?.event_id ?? null)).toEqual(
      rows.map((_, i) => (i + 1 === 4000 ? null : `e${i + 1}`)),
    );
    expect(lines[3999]).toEqual({
      line: 4000,
      raw: 'short,row',
      parseError:
        'the row has 2 cells where the header names 4 columns (the row starts on line 4001 of the file); it was left out',
    });
  });

  it('answers the cells of a CSV column without a name as an ignored field, and refuses a name written twice', async () => {
    // pandas' to_csv writes its index so: a first column with an empty name
    const lines = await readCsv(
      'pandas.csv',
      ',event_id,person_id,type,occurred_at\n0,e1,p1,view,2026-10-01T10:00:00Z\n',
      'signals',
    );
    expect(lines.map((line) => line.value)).toEqual([
      {
        '': '0',
        event_id: 'e1',
        person_id: 'p1',
        type: 'view',
        occurred_at: '2026-10-01T10:00:00Z',
      },
    ]);
    const batch = await prepareBatch('signals', lines, context('pandas'));
    expect(batch).toMatchObject({
      accepted: 1,
      rejected: 0,
      ignoredFields: [{ field: '', lines: 1, suggestion: null }],
    });
    await expect(
      readCsv('twice.csv', 'event_id,person_id,type,event_id\ne1,p1,view,e2\n', 'signals'),
    ).rejects.toThrow('the CSV header names the column "event_id" twice; nothing was stored');
  });

  it('reads a boolean cell as spreadsheets and pandas write it', async () => {
    const lines = await readCsv(
      'booleans.csv',
      [
        'person_id,purpose,granted,occurred_at',
        'p1,email,TRUE,2026-10-01T10:00:00Z',
        'p2,email,FALSE,2026-10-01T10:00:00Z',
        'p3,email,True,2026-10-01T10:00:00Z',
        'p4,email,False,2026-10-01T10:00:00Z',
        'p5,email,yes,2026-10-01T10:00:00Z',
      ].join('\r\n'),
      'consent',
    );
    expect(lines.map((line) => (line.value as Row).granted)).toEqual([
      true,
      false,
      true,
      false,
      'yes',
    ]);
    const batch = await prepareBatch('consent', lines, context('booleans'));
    expect(batch).toMatchObject({
      accepted: 4,
      rejected: 1,
      errors: [{ line: 5, field: 'granted', message: 'expected true or false' }],
    });
  });

  it('reads times as warehouses write them, in every format, as the instants they name', async () => {
    // BigQuery's export and Snowflake's TIMESTAMP_TZ, each beside its instant written by hand;
    // without a zone, or with a name other than UTC, refused alike.
    const times: [sent: string, instant: string | undefined][] = [
      ['2026-10-02 10:00:00.123456 UTC', '2026-10-02T10:00:00.123Z'],
      ['2026-10-02 10:00:00 UTC', '2026-10-02T10:00:00.000Z'],
      ['2026-10-02 03:00:00.000 -0700', '2026-10-02T10:00:00.000Z'],
      ['2026-10-02 03:00:00 +0200', '2026-10-02T01:00:00.000Z'],
      ['2026-10-02 03:00:00 +02:00', '2026-10-02T01:00:00.000Z'],
      ['2026-10-02 10:00:00.123456', undefined],
      ['2026-10-02 10:00:00 GMT', undefined],
    ];
    const signal = (i: number, time: string): Row => ({
      event_id: `w${i}`,
      person_id: 'p1',
      type: 'view',
      occurred_at: time,
      collected_at: time,
    });
    const rows = times.map(([sent], i) => signal(i, sent));
    const asIso = times.map(([sent, instant], i) => signal(i, instant ?? sent));
    const expected = await expectTheSame('signals', 'warehouse', [
      ['iso', () => Promise.resolve(ndjsonOf(asIso, 'stringify'))],
      ...(await everyFormat('signals', rows, 'warehouse')),
    ]);
    expect(expected).toMatchObject({ accepted: 5, rejected: 2, stored: 5 });
    expect(expected.errors.map((e) => [e.line, e.field, e.message])).toEqual([
      [6, 'occurred_at', expect.stringContaining('timestamp has no UTC offset')],
      [7, 'occurred_at', expect.stringContaining('the time zone name GMT is not read')],
    ]);
  });

  it('numbers the rows of a file of many row groups, and of a large CSV, in file order', async () => {
    // 6,000 signals written in row groups of about 100 rows: a reader that handed out whichever
    // group it decoded first would number them out of order.
    const signal = rowsOf('signals')[0];
    const rows = Array.from({ length: 6_000 }, (_, i) => ({ ...signal, event_id: `o_${i}` }));
    const parquet = join(directory, 'signals-order.parquet');
    writeFileSync(parquet, await parquetOf(store.clickhouse, rows, 'text', 100));
    const csv = join(directory, 'signals-order.csv');
    writeFileSync(csv, csvOf(rows));
    for (const [path, type] of [
      [parquet, 'application/vnd.apache.parquet'],
      [csv, 'text/csv'],
    ] as const) {
      const numbered: string[] = [];
      for await (const lines of await readTabularFile(store.clickhouse, 'signals', path, type)) {
        numbered.push(
          ...lines.map((line) => `${line.line}:${String((line.value as Row).event_id)}`),
        );
      }
      const misplaced = numbered.findIndex((text, i) => text !== `${i + 1}:o_${i}`);
      expect({ type, rows: numbered.length, misplaced }).toEqual({
        type,
        rows: 6_000,
        misplaced: -1,
      });
    }
  });

  it.each(STREAMS)(
    '%s: the fast-check corpus, each field holding values of its own type',
    async (stream) => {
      // Half the rows get an id of their own, so that most rows kept are stored and compared;
      // the other half repeat ids of the program, with content that may differ.
      const key = STREAM_DECLARATIONS[stream].key[0];
      const rows = fc
        .sample(typedVariant(stream, programRows(stream)), { numRuns: CORPUS_ROWS, seed: 17 })
        .map((row, i) =>
          i % 2 === 0 && typeof row[key] === 'string' ? { ...row, [key]: `${row[key]}~${i}` } : row,
        );
      const expected = await expectTheSame(
        stream,
        'typed',
        await everyFormat(stream, rows, 'typed'),
      );
      // The corpus holds both: rows kept and rows refused for many reasons.
      expect(expected.stored).toBeGreaterThan(CORPUS_ROWS / 5);
      expect(new Set(expected.errors.map((e) => `${e.field}: ${e.message}`)).size).toBeGreaterThan(
        5,
      );
    },
  );

  it.each(PASS_STREAMS)(
    '%s: the fast-check corpus of any type, in every JSON dialect',
    async (stream) => {
      const lines = fc
        .sample(anyTypeVariant([stream], programLinesOf), { numRuns: CORPUS_ROWS, seed: 23 })
        .map((v) => v.raw);
      const expected = await expectTheSame(
        stream,
        'any',
        DIALECT_NAMES.map((d): Source => [
          d,
          () => Promise.resolve(lines.map((raw, i) => ({ line: i + 1, raw: inDialect(raw, d) }))),
        ]),
      );
      expect(expected.stored).toBeGreaterThan(CORPUS_ROWS / 10);
      expect(expected.rejected).toBeGreaterThan(CORPUS_ROWS / 10);
    },
  );
});
