import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Scope } from '../auth/index.js';
import { generateProgram } from '../demo/index.js';
import { storeForSuite } from '../storage/testing.js';
import { typedVariant, PROGRAM_BLOCK_ROWS } from './corpus.testing.js';
import { compileIngestModule } from './module.testing.js';
import { addResult, emptyResult, IngestService, type IngestResult } from './ingest.service.js';
import { STREAM_DECLARATIONS, type StreamDeclaration } from './streams/index.js';
import { STREAMS, tableOf, type StreamName } from './streams.js';
import { ParquetFile } from './tabular-import.js';
import { parquetOf } from './tabular.testing.js';
import { readTabularFile } from './tabular.js';
import type { ParsedLine } from './types.js';
import { validateRow } from './validate-row.js';

// A Parquet import stores the requests whose rows are all plain by the engine alone
// (tabular-sql.ts): the answer (counts, every rejection with its row number, field and reason,
// ignored fields) and the stored rows, content hashes included, are those of the same file's rows
// validated line by line in requests of INGEST_MAX_ROWS rows, as every import was before (itself
// checked against NDJSON by tabular.spec.ts).

const MAX_ROWS = 16;
const program = generateProgram({
  seed: 11,
  persons: 60,
  start: '2026-10-01T00:00:00Z',
  plantedBlockRows: PROGRAM_BLOCK_ROWS,
});
type Row = Record<string, unknown>;
type PassStream = Exclude<StreamName, 'triggers'>;
const PASS_STREAMS = STREAMS.filter((s): s is PassStream => s !== 'triggers');

/** Times that read as timestamps: plain, in the future (clamped), out of range, past the ms. */
const TIMESTAMPS = [
  '2026-10-02T10:00:00.000Z',
  '2099-01-01T00:00:00.000Z',
  '1999-12-31T23:59:59.999Z',
  '2026-10-02T10:00:00.123789Z',
] as const;

function programRows(stream: StreamName): Row[] {
  return program.rows[stream] as unknown as Row[];
}

/** Rows of the corpus whose times are timestamps, so that the file's time columns are. */
function corpusRows(stream: PassStream, count: number): Row[] {
  const times = Object.entries(STREAM_DECLARATIONS[stream].fields)
    .filter(([, field]) => field.type === 'time')
    .map(([name]) => name);
  return fc
    .sample(typedVariant(stream, programRows(stream)), { numRuns: count, seed: 29 })
    .map((row, i) => {
      const fixed: Row = { ...row };
      for (const name of times) {
        if (
          typeof fixed[name] === 'string' &&
          !(TIMESTAMPS as readonly string[]).includes(fixed[name])
        ) {
          fixed[name] = TIMESTAMPS[i % TIMESTAMPS.length];
        }
      }
      return fixed;
    });
}

/** Both routes of a Parquet import on a store that stores requests of `maxRows` rows. */
function importHarness(maxRows: number) {
  // the files to import are written in the store's own temporary directory, removed with it
  const store = storeForSuite({ INGEST_MAX_ROWS: String(maxRows) });
  let ingest: IngestService;
  const principal = { keyId: 'k', tenantId: 'tabular-import', scopes: [Scope.INGEST] };

  beforeAll(async () => {
    const moduleRef = await compileIngestModule(store);
    ingest = moduleRef.get(IngestService);
    // Stored rows are compared as each route wrote them: a merge in the background would collapse
    // copies of an id on one side and not yet on the other.
    for (const stream of STREAMS) {
      await store.clickhouse.command(
        'test.tabular_import',
        `SYSTEM STOP MERGES ${tableOf[stream]}`,
      );
    }
  });

  /** The stored rows of the stream, content hashes included, but for the times of arrival. */
  async function stored(stream: StreamName) {
    const rows = await store.clickhouse.query({
      tag: 'test.tabular_import',
      sql: `SELECT * EXCEPT (received_at) REPLACE (toString(content_hash) AS content_hash)
            FROM ${tableOf[stream]} WHERE tenant_id = {tenantId:String}`,
      params: { tenantId: principal.tenantId },
      row: z.record(z.string(), z.unknown()),
    });
    await store.clickhouse.command('test.tabular_import', `TRUNCATE TABLE ${tableOf[stream]}`);
    // A clamped or skew-corrected event time moves with the time of arrival.
    const eventTime = (STREAM_DECLARATIONS[stream] as StreamDeclaration).eventTime;
    return rows
      .map(({ inserted_at: _, ...row }) =>
        (row.future_clamped === true || row.skew_corrected === true) && eventTime !== undefined
          ? { ...row, [eventTime]: 'moved' }
          : row,
      )
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }

  /** The file's rows validated line by line in requests of maxRows, as every import was. */
  async function lineByLine(stream: StreamName, path: string): Promise<IngestResult> {
    const lines: ParsedLine[] = [];
    const read = await readTabularFile(
      store.clickhouse,
      stream,
      path,
      'application/vnd.apache.parquet',
    );
    for await (const batch of read) {
      lines.push(...batch);
    }
    const total = emptyResult();
    for (let first = 0; first < lines.length; first += maxRows) {
      const answer = await ingest.ingest(principal, stream, lines.slice(first, first + maxRows));
      addResult(total, answer);
    }
    return total;
  }

  /**
   * Imports `rows` both ways, written in row groups of `rowGroupRows` rows when given; answers how
   * many statements stored requests by the engine alone.
   */
  async function expectTheSame(
    stream: PassStream,
    label: string,
    rows: Row[],
    rowGroupRows?: number,
  ): Promise<number> {
    const path = join(store.dataDir, `${stream}-${label}.parquet`);
    writeFileSync(path, await parquetOf(store.clickhouse, rows, 'timestamps', rowGroupRows));
    const expected = await lineByLine(stream, path);
    const expectedRows = await stored(stream);
    const plain = jest.spyOn(ParquetFile.prototype, 'store');
    try {
      const answer = await ingest.importFile(
        principal,
        stream,
        path,
        'application/vnd.apache.parquet',
      );
      expect(answer).toEqual(expected);
      expect(await stored(stream)).toEqual(expectedRows);
      return plain.mock.calls.length;
    } finally {
      plain.mockRestore();
    }
  }

  return {
    principal,
    expectTheSame,
    stored,
    importFile: (stream: PassStream, label: string) =>
      ingest.importFile(
        principal,
        stream,
        join(store.dataDir, `${stream}-${label}.parquet`),
        'application/vnd.apache.parquet',
      ),
    clickhouse: () => store.clickhouse,
    dataDir: () => store.dataDir,
  };
}

describe('a Parquet import stores plain requests by the engine, as line by line', () => {
  const { principal, expectTheSame, stored, importFile, clickhouse, dataDir } =
    importHarness(MAX_ROWS);

  it.each(PASS_STREAMS)('%s: the rows of a generated program, with copies', async (stream) => {
    // The first 1,600 rows: about a hundred requests of MAX_ROWS each way, every one a statement.
    const rows = programRows(stream).slice(0, 1_600);
    // A copy in the same request (counted as a duplicate), one in the next, and a refused row.
    const withCopies = [
      ...rows.slice(0, 5),
      rows[1],
      ...rows.slice(5, 20),
      rows[2],
      { x: 1 },
      ...rows.slice(20),
    ];
    const byEngine = await expectTheSame(stream, 'program', withCopies);
    expect(byEngine).toBeGreaterThan(0);
  });

  it("stores consecutive plain requests by one statement, a later request's copy of an id winning", async () => {
    const rows = programRows('signals').slice(0, 4 * MAX_ROWS);
    // The first row again in the second request, with other content: the later copy is the row.
    const changed = { ...rows[0], type: 'changed_type' };
    const withCopy = [...rows.slice(0, MAX_ROWS + 3), changed, ...rows.slice(MAX_ROWS + 3)];
    // 4 × 16 + 1 rows: requests 0 to 3 by one statement, then request 4 (its 1 row) alone.
    expect(await expectTheSame('signals', 'runs', withCopy)).toBe(2);
    await importFile('signals', 'runs');
    const kept = await clickhouse().query({
      tag: 'test.tabular_import',
      sql: `SELECT type FROM signals FINAL WHERE tenant_id = {tenantId:String} AND event_id = {id:String}`,
      params: { tenantId: principal.tenantId, id: rows[0].event_id as string },
      row: z.object({ type: z.string() }),
    });
    expect(kept).toEqual([{ type: 'changed_type' }]);
    await stored('signals');
  });

  it('answers the copies whose content differs from the first copy of their id in a request', async () => {
    const rows = programRows('signals').slice(0, 2 * MAX_ROWS);
    const other = (row: Row, type: string): Row => ({ ...row, type });
    // Request 0 (16 rows): rows 1 and 2 again, three times with other content and once as they
    // were, and row 3 with a field no stream knows (other values in the file, the same content):
    // 5 duplicates, 3 of them conflicts. Requests 1 and 2 hold no copy.
    const withCopies = [
      ...rows.slice(0, 5),
      other(rows[1], 'changed_once'),
      rows[1],
      other(rows[1], 'changed_twice'),
      other(rows[2], 'changed_once'),
      { ...rows[3], note: 'ignored' },
      ...rows.slice(5),
    ];
    expect(await expectTheSame('signals', 'conflicts', withCopies)).toBeGreaterThan(0);
    const answer = await importFile('signals', 'conflicts');
    expect({ duplicates: answer.duplicates, conflicts: answer.conflicts }).toEqual({
      duplicates: 5,
      conflicts: 3,
    });
    await stored('signals');
  });

  it('takes properties whose keys come in another order for the same content, stored sorted', async () => {
    const rows = programRows('firings').slice(0, MAX_ROWS);
    const withProperties = (row: Row, properties: Row): Row => ({ ...row, properties });
    // Request 0: row 0 with sorted properties, then twice with its keys in other orders, and row
    // 1 with its keys unsorted only: 2 duplicates, no conflict.
    const file = [
      withProperties(rows[0], { orders: 3, tier: 'gold', vip: true }),
      withProperties(rows[1], { vip: false, tier: 'silver' }),
      withProperties(rows[0], { vip: true, orders: 3, tier: 'gold' }),
      withProperties(rows[0], { tier: 'gold', vip: true, orders: 3 }),
      ...rows.slice(2),
    ];
    await expectTheSame('firings', 'key-order', file);
    const answer = await importFile('firings', 'key-order');
    expect({ duplicates: answer.duplicates, conflicts: answer.conflicts }).toEqual({
      duplicates: 2,
      conflicts: 0,
    });
    const kept = await clickhouse().query({
      tag: 'test.tabular_import',
      sql: `SELECT properties FROM firings WHERE tenant_id = {tenantId:String}
              AND firing_id IN ({ids:Array(String)}) ORDER BY firing_id = {first:String} DESC`,
      params: {
        tenantId: principal.tenantId,
        ids: [rows[0].firing_id as string, rows[1].firing_id as string],
        first: rows[0].firing_id as string,
      },
      row: z.object({ properties: z.string() }),
    });
    expect(kept).toEqual([
      { properties: '{"orders":3,"tier":"gold","vip":true}' },
      { properties: '{"tier":"silver","vip":false}' },
    ]);
    await stored('firings');
  });

  it('stores a row with the hash of its copies sent with a send time, apart from other content', async () => {
    // Demo rows come without sent_at, as a backfill does: the engine stores such a file alone.
    const row = programRows('signals')[0];
    const path = join(dataDir(), 'signals-sent-at.parquet');
    writeFileSync(path, await parquetOf(clickhouse(), [row], 'timestamps'));
    const byEngine = jest.spyOn(ParquetFile.prototype, 'store');
    try {
      await importFile('signals', 'sent-at');
      expect(byEngine).toHaveBeenCalled();
    } finally {
      byEngine.mockRestore();
    }
    const [storedRow] = await stored('signals');
    const hashOf = (sent: Row) => {
      const result = validateRow('signals', sent, 1, {
        tenantId: principal.tenantId,
        receivedAt: Date.now(),
        limits: { maxRows: MAX_ROWS, maxFieldChars: 1_000, maxBodyBytes: 1 << 20 },
      });
      return result.ok ? result.value.contentHash : JSON.stringify(result.error);
    };
    const retried = { ...row, sent_at: '2026-10-03T08:00:00.000Z' };
    expect(storedRow.content_hash).toBe(hashOf(retried));
    expect(storedRow.content_hash).not.toBe(hashOf({ ...retried, type: 'another_type' }));
  });

  it("reads line by line a file with a column named as the reader's row number", async () => {
    // Such a column would hide the number the engine's statements count rows by.
    const rows = programRows('signals')
      .slice(0, 3 * MAX_ROWS)
      .map((row, i) => ({ ...row, _row_number: 1_000 - i }));
    expect(await expectTheSame('signals', 'row-number-column', rows)).toBe(0);
  });

  it('reads line by line a file whose times are text as warehouses write them', async () => {
    // BigQuery's export and Snowflake's TIMESTAMP_TZ in a text column: no timestamp column for
    // the engine to read; each row is stored at the instant written here by hand.
    const times = [
      ['2026-10-02 10:00:00.123456 UTC', '2026-10-02 10:00:00.123'],
      ['2026-10-02 03:00:00.000 -0700', '2026-10-02 10:00:00.000'],
      ['2026-10-02 12:00:00 +02:00', '2026-10-02 10:00:00.000'],
    ];
    const rows = times.map(([sent], i) => ({
      firing_id: `w${i}`,
      trigger_id: 't',
      person_id: 'p1',
      decided_at: sent,
      arm: 'treatment',
    }));
    writeFileSync(
      join(dataDir(), 'firings-warehouse.parquet'),
      await parquetOf(clickhouse(), rows, 'text'),
    );
    const plain = jest.spyOn(ParquetFile.prototype, 'store');
    try {
      expect(await importFile('firings', 'warehouse')).toMatchObject({ accepted: 3, rejected: 0 });
      expect(plain).not.toHaveBeenCalled();
    } finally {
      plain.mockRestore();
    }
    const decided = (await stored('firings')).map((row) => [row.firing_id, row.decided_at]);
    expect(decided).toEqual(times.map(([, at], i) => [`w${i}`, at]));
  });

  it.each(PASS_STREAMS)('%s: the fast-check corpus with timestamps', async (stream) => {
    // Every other request of rows of the program, plain; the others from the corpus.
    const corpus = corpusRows(stream, 200);
    const rows = corpus.flatMap((row, i) =>
      Math.floor(i / MAX_ROWS) % 2 === 0
        ? [row]
        : [programRows(stream)[i % programRows(stream).length]],
    );
    // A column of a type the engine does not read for its field (a version as a float) leaves
    // every request of the file to be read line by line.
    await expectTheSame(stream, 'corpus', rows);
  });
});

describe('a Parquet import of many row groups, read by every thread of the engine', () => {
  // Requests of 2,000 rows over row groups of about 300: the reader numbers the rows, the threads
  // share each group's blocks, and copies of an id still keep the copy line by line keeps.
  const { expectTheSame } = importHarness(2_000);
  const large = generateProgram({ seed: 5, persons: 900, start: '2026-10-01T00:00:00Z' });

  it.each(['signals', 'firings'] as const)('%s', async (stream) => {
    const rows = (large.rows[stream] as unknown as Row[]).slice(0, 9_000);
    expect(rows).toHaveLength(9_000);
    // Copies in the same request and in the next of one statement, and a refused row in the
    // fourth request, so that the file is stored by two statements and one request line by line.
    const withCopies = [
      ...rows.slice(0, 1_000),
      rows[10],
      ...rows.slice(1_000, 2_500),
      rows[20],
      rows[1_990],
      ...rows.slice(2_500, 7_000),
      { x: 1 },
      ...rows.slice(7_000),
    ];
    expect(await expectTheSame(stream, 'row-groups', withCopies, 300)).toBe(2);
  });
});
