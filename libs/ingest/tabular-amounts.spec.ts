import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { Scope } from '../auth/index.js';
import { storeForSuite } from '../storage/testing.js';
import { IngestService, type IngestResult } from './ingest.service.js';
import { compileIngestModule } from './module.testing.js';
import { ParquetFile } from './tabular-import.js';
import { csvOf, parquetOf, parquetOfStatement } from './tabular.testing.js';
import { readTabularFile, type ImportMediaType } from './tabular.js';
import type { ParsedLine } from './types.js';

// An outcome's `value` is a Decimal(18, 4): 14 integer digits, 4 decimals. A double holds 15 to 17
// significant digits, so an amount read through one loses its last digits from about 5e11 on, and
// the column's largest amounts (18 digits) become 1e14, out of range. Every door stores what the
// amount says: decimal text (an NDJSON string, a CSV cell, a Parquet DECIMAL) as written, and a
// binary number (an NDJSON number, a Parquet DOUBLE) as the shortest text that reads back as it,
// which JSON.stringify writes; rounded to 4 decimals when it has more, as documented. The expected
// values are written here by hand.

const OCCURRED_AT = '2026-10-02T10:00:00.000Z';

function outcome(id: string, value: unknown): Record<string, unknown> {
  return { outcome_id: id, person_id: 'p1', type: 'purchase', occurred_at: OCCURRED_AT, value };
}

/** CSV cells of amounts and the decimal each stores. */
const CSV_AMOUNTS = [
  ['123456789012.3456', '123456789012.3456'],
  ['987654321098.7654', '987654321098.7654'],
  ['12345678901234.5678', '12345678901234.5678'],
  ['99999999999999.9999', '99999999999999.9999'],
  ['-99999999999999.9999', '-99999999999999.9999'],
  ['99999999999999.98', '99999999999999.98'],
  ['0.0001', '0.0001'],
  ['1e-4', '0.0001'],
  ['12.5', '12.5'],
  ['12.50', '12.5'],
  ['-0', '0'],
  // More decimals than the column keeps: rounded, as NDJSON rounds the number.
  ['1.23456', '1.2346'],
] as const;

/** Parquet DOUBLE amounts (the numbers these literals are) and the decimal each stores. */
const DOUBLE_AMOUNTS = [
  [123456789012.3456, '123456789012.3456'],
  [987654321098.7654, '987654321098.7654'],
  [99999999999999.98, '99999999999999.98'],
  [-99999999999999.98, '-99999999999999.98'],
  [0.0001, '0.0001'],
  [12.5, '12.5'],
] as const;

/** Parquet DECIMAL(18, 4) amounts, written as text, and the decimal each stores. */
const DECIMAL_AMOUNTS = [
  ['123456789012.3456', '123456789012.3456'],
  ['12345678901234.5678', '12345678901234.5678'],
  ['99999999999999.9999', '99999999999999.9999'],
  ['-99999999999999.9999', '-99999999999999.9999'],
  ['0.0001', '0.0001'],
  ['12.5', '12.5'],
] as const;

describe('amounts are stored as they are written, by every door', () => {
  // files to import are written in the store's own temporary directory, removed with it
  const store = storeForSuite({ INGEST_MAX_ROWS: '100' });
  let ingest: IngestService;
  const principal = (tenantId: string) => ({ keyId: 'k', tenantId, scopes: [Scope.INGEST] });

  beforeAll(async () => {
    const moduleRef = await compileIngestModule(store);
    ingest = moduleRef.get(IngestService);
  });

  /** The tenant's outcomes: each id with its stored value as decimal text, and its content hash. */
  async function stored(tenantId: string) {
    return store.clickhouse.query({
      tag: 'test.tabular_amounts',
      sql: `SELECT outcome_id, toString(value) AS value, toString(content_hash) AS content_hash
            FROM outcomes FINAL WHERE tenant_id = {tenantId:String} ORDER BY outcome_id`,
      params: { tenantId },
      row: z.object({ outcome_id: z.string(), value: z.string(), content_hash: z.string() }),
    });
  }

  async function storedValues(tenantId: string): Promise<[string, string][]> {
    return (await stored(tenantId)).map((row) => [row.outcome_id, row.value]);
  }

  function importFile(
    tenantId: string,
    name: string,
    body: string | Buffer,
    type: ImportMediaType,
  ) {
    const path = join(store.dataDir, name);
    writeFileSync(path, body);
    return ingest.importFile(principal(tenantId), 'outcomes', path, type);
  }

  /** An NDJSON request body of the rows, as the ingest endpoint hands it on. */
  function importNdjson(tenantId: string, rows: readonly Record<string, unknown>[]) {
    const body = rows.map((row) => JSON.stringify(row)).join('\n');
    return ingest.ingestBody(principal(tenantId), 'outcomes', Readable.from([Buffer.from(body)]));
  }

  /** A Parquet file whose `value` is a DECIMAL(18, 4) column, written by the engine. */
  function decimalParquet(rows: readonly Record<string, unknown>[]): Promise<Buffer> {
    return parquetOfStatement(store.clickhouse, {
      tag: 'test.tabular_amounts',
      sql: `SELECT * FROM format(JSONEachRow, {structure:String}, {data:String})
            SETTINGS date_time_input_format = 'best_effort'`,
      params: {
        structure:
          "outcome_id String, person_id String, type String, occurred_at DateTime64(3, 'UTC'), value Decimal(18, 4)",
        data: rows.map((row) => JSON.stringify(row)).join('\n'),
      },
    });
  }

  /** Imports a Parquet file; answers it and whether the engine stored any request alone. */
  async function importParquet(
    tenantId: string,
    name: string,
    file: Buffer,
  ): Promise<{ answer: IngestResult; byEngine: boolean }> {
    const plain = jest.spyOn(ParquetFile.prototype, 'store');
    try {
      const answer = await importFile(tenantId, name, file, 'application/vnd.apache.parquet');
      return { answer, byEngine: plain.mock.calls.length > 0 };
    } finally {
      plain.mockRestore();
    }
  }

  const ids = (count: number) => Array.from({ length: count }, (_, i) => `o${10 + i}`);

  it('CSV: a cell of decimal text is stored as written, one of more decimals rounded', async () => {
    const rows = CSV_AMOUNTS.map(([cell], i) => outcome(ids(CSV_AMOUNTS.length)[i], cell));
    const answer = await importFile('csv', 'amounts.csv', csvOf(rows), 'text/csv');
    expect(answer).toMatchObject({ accepted: CSV_AMOUNTS.length, rejected: 0 });
    expect(await storedValues('csv')).toEqual(
      CSV_AMOUNTS.map(([, value], i) => [ids(CSV_AMOUNTS.length)[i], value]),
    );
  });

  it('CSV: an amount beyond the column is refused on its line, as in NDJSON', async () => {
    const rows = [
      outcome('o1', '100000000000000'),
      outcome('o2', '-100000000000000.5'),
      outcome('o3', '12.5.1'),
      outcome('o4', '12.5'),
    ];
    const answer = await importFile('csv-refused', 'refused.csv', csvOf(rows), 'text/csv');
    const ndjson = await importNdjson(
      'ndjson-refused',
      rows.slice(0, 2).map((row) => ({ ...row, value: Number(row.value) })),
    );
    expect(answer).toMatchObject({ accepted: 1, rejected: 3 });
    expect(answer.errors).toEqual([
      { line: 1, field: 'value', message: 'out of range for Decimal(18, 4)' },
      { line: 2, field: 'value', message: 'out of range for Decimal(18, 4)' },
      {
        line: 3,
        field: 'value',
        message: 'expected a finite number or a decimal string such as "19.99"',
      },
    ]);
    expect(ndjson.errors).toEqual(answer.errors.slice(0, 2));
    expect(await storedValues('csv-refused')).toEqual([['o4', '12.5']]);
  });

  it('NDJSON: a number is read as the shortest text that reads back as it', async () => {
    const numbers = [
      [99999999999999.98, '99999999999999.98'],
      [-99999999999999.98, '-99999999999999.98'],
      [123456789012.3456, '123456789012.3456'],
      [0.0001, '0.0001'],
      [1e-4, '0.0001'],
      [12.5, '12.5'],
      [1.23456, '1.2346'],
    ] as const;
    const strings = [
      ['99999999999999.9999', '99999999999999.9999'],
      ['-99999999999999.9999', '-99999999999999.9999'],
      ['12345678901234.5678', '12345678901234.5678'],
    ] as const;
    const amounts = [...numbers, ...strings];
    const answer = await importNdjson(
      'ndjson',
      amounts.map(([value], i) => outcome(ids(amounts.length)[i], value)),
    );
    expect(answer).toMatchObject({ accepted: amounts.length, rejected: 0 });
    expect(await storedValues('ndjson')).toEqual(
      amounts.map(([, value], i) => [ids(amounts.length)[i], value]),
    );
  });

  it('Parquet DOUBLE: stored as its shortest text by the engine alone and line by line', async () => {
    const expected = DOUBLE_AMOUNTS.map(([, value], i) => [ids(DOUBLE_AMOUNTS.length)[i], value]);
    const rows = DOUBLE_AMOUNTS.map(([value], i) => outcome(ids(DOUBLE_AMOUNTS.length)[i], value));
    const plainFile = await parquetOf(store.clickhouse, rows, 'timestamps');
    const byEngine = await importParquet('parquet-plain', 'plain.parquet', plainFile);
    expect(byEngine).toMatchObject({ answer: { accepted: rows.length }, byEngine: true });
    expect(await storedValues('parquet-plain')).toEqual(expected);

    // One row of more decimals than the column keeps: the request is read line by line.
    const rounded = outcome('o99', 1.23456);
    const mixedFile = await parquetOf(store.clickhouse, [...rows, rounded], 'timestamps');
    const lineByLine = await importParquet('parquet-lines', 'lines.parquet', mixedFile);
    expect(lineByLine).toMatchObject({ answer: { accepted: rows.length + 1 }, byEngine: false });
    expect(await storedValues('parquet-lines')).toEqual([...expected, ['o99', '1.2346']]);
  });

  it('Parquet DOUBLE: the engine reads the file line by line as the import does', async () => {
    const rows = DOUBLE_AMOUNTS.map(([value], i) => outcome(ids(DOUBLE_AMOUNTS.length)[i], value));
    const path = join(store.dataDir, 'read.parquet');
    writeFileSync(path, await parquetOf(store.clickhouse, rows, 'timestamps'));
    const lines: ParsedLine[] = [];
    const read = await readTabularFile(
      store.clickhouse,
      'outcomes',
      path,
      'application/vnd.apache.parquet',
    );
    for await (const batch of read) {
      lines.push(...batch);
    }
    await ingest.ingest(principal('parquet-read'), 'outcomes', lines);
    expect(await storedValues('parquet-read')).toEqual(
      DOUBLE_AMOUNTS.map(([, value], i) => [ids(DOUBLE_AMOUNTS.length)[i], value]),
    );
  });

  it('Parquet DECIMAL: stored as the column holds it', async () => {
    const rows = DECIMAL_AMOUNTS.map(([text], i) => outcome(ids(DECIMAL_AMOUNTS.length)[i], text));
    const { answer } = await importParquet(
      'parquet-decimal',
      'decimal.parquet',
      await decimalParquet(rows),
    );
    expect(answer).toMatchObject({ accepted: rows.length, rejected: 0 });
    expect(await storedValues('parquet-decimal')).toEqual(
      DECIMAL_AMOUNTS.map(([, value], i) => [ids(DECIMAL_AMOUNTS.length)[i], value]),
    );
  });

  it('the same outcome by CSV, NDJSON and Parquet is one content, copies duplicates', async () => {
    const texts = ['123456789012.3456', '99999999999999.9999', '99999999999999.98', '12.5'];
    const rows = texts.map((text, i) => outcome(ids(texts.length)[i], text));
    // A copy of each row later in the file, its amount written otherwise: the same content.
    const copies = texts.map((text, i) => outcome(ids(texts.length)[i], `${text}0`));
    // The content hash covers the tenant: each door stores the rows of one, in turn.
    const storedBy = async (door: () => Promise<IngestResult>) => {
      const answer = await door();
      const rowsStored = await stored('same');
      await store.clickhouse.command('test.tabular_amounts', 'TRUNCATE TABLE outcomes');
      return { answer, rows: rowsStored };
    };
    const csv = await storedBy(() =>
      importFile('same', 'same.csv', csvOf([...rows, ...copies]), 'text/csv'),
    );
    expect(csv.answer).toMatchObject({ rejected: 0, duplicates: 4, conflicts: 0 });
    expect(csv.rows.map((row) => row.value)).toEqual(texts);
    const ndjsonText = await storedBy(() => importNdjson('same', rows));
    expect(ndjsonText.rows).toEqual(csv.rows);
    // As numbers, where a double holds the amount.
    const numbers = rows
      .filter((_, i) => i !== 1)
      .map((row) => ({ ...row, value: Number(row.value) }));
    const ndjsonNumber = await storedBy(() => importNdjson('same', numbers));
    expect(ndjsonNumber.rows).toEqual(csv.rows.filter((_, i) => i !== 1));
    const parquet = await storedBy(
      async () => (await importParquet('same', 'same.parquet', await decimalParquet(rows))).answer,
    );
    expect(parquet.rows).toEqual(csv.rows);
    const doubles = await storedBy(async () => {
      const file = await parquetOf(store.clickhouse, numbers, 'timestamps');
      const imported = await importParquet('same', 'same-doubles.parquet', file);
      expect(imported.byEngine).toBe(true);
      return imported.answer;
    });
    expect(doubles.rows).toEqual(ndjsonNumber.rows);
  });
});
