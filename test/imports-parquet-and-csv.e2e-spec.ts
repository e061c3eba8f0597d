import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { generateProgram } from '../libs/demo/index.js';
import { typedVariant } from '../libs/ingest/corpus.testing.js';
import { csvOf, parquetOf, parquetOfStatement } from '../libs/ingest/tabular.testing.js';
import { openTemporaryStore } from '../libs/storage/testing.js';
import { gqlData, mintKey, storedRows } from './support/client.js';
import { startApi, type ApiProcess } from './support/processes.js';

// POST /v1/import/{stream}: Parquet and CSV bodies, read by ClickHouse, answered as NDJSON is.

const root = join(import.meta.dirname, '..');

const CSV = [
  'event_id,person_id,type,occurred_at,kind,properties,signal_id',
  'c1,007,view,2026-10-02T10:00:00.000Z,behavioral,"{""a"":1}",x',
  'c2,p2,view,2026-10-02T12:00:00+02:00,,,',
  'c3,p3,,2026-10-02T10:00:00Z,,,',
  'c1,007,view,2026-10-02T10:00:00.000Z,behavioral,"{""a"":1}",x',
].join('\n');

async function parquet(): Promise<Uint8Array> {
  const store = await openTemporaryStore();
  try {
    return await parquetOfStatement(store.clickhouse, {
      sql: `SELECT 'q' || toString(number) AS event_id, 'p' || toString(number % 7) AS person_id,
              if(number = 3, 'both', 'view') AS type, 'identity' AS kind,
              toDateTime64('2026-10-02 10:00:00.000', 3, 'UTC') + number AS occurred_at
            FROM numbers(25000)`,
    });
  } finally {
    await store.dispose();
  }
}

describe('bulk backfill over HTTP', () => {
  let api: ApiProcess;
  let key: string;

  beforeAll(async () => {
    api = await startApi({ INGEST_MAX_ROWS: '10000' });
    key = await mintKey(api.url, api.adminKey, 'imports', ['INGEST', 'READ']);
  });
  afterAll(async () => {
    await api.dispose();
  });

  const post = async (
    stream: string,
    body: string | Uint8Array,
    contentType: string,
    tenantKey = key,
  ) => {
    const response = await fetch(`${api.url}/v1/import/${stream}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenantKey}`, 'content-type': contentType },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('takes a CSV body with the rules of NDJSON, rows numbered after the header', async () => {
    const answer = await post('signals', CSV, 'text/csv; charset=utf-8');
    expect(answer).toEqual({
      status: 200,
      body: {
        accepted: 3,
        rejected: 1,
        duplicates: 1,
        conflicts: 0,
        errors: [{ line: 3, field: 'type', message: 'required field is missing' }],
        ignoredFields: [{ field: 'signal_id', lines: 2, suggestion: null }],
      },
    });
    const data = await gqlData<{ personTimeline: { id: string; at: string; detail: unknown }[] }>(
      api.url,
      key,
      '{ personTimeline(personId: "007") { id at } }',
    );
    // The id stays text: "007", not 7.
    expect(data.personTimeline).toEqual([{ id: 'c1', at: '2026-10-02T10:00:00.000Z' }]);
    const rejected = await gqlData<{ rejectedRows: { line: number; field: string }[] }>(
      api.url,
      key,
      '{ rejectedRows(stream: SIGNALS, limit: 5) { line field } }',
    );
    expect(rejected.rejectedRows).toEqual([{ line: 3, field: 'type' }]);
  });

  it('reads past blank lines between CSV rows and rejects a row of another shape, keeping the rest', async () => {
    // Two exports joined with a blank line, one row with a comma left unquoted, CR line ends.
    const csv = [
      'event_id,person_id,type,occurred_at',
      's1,shape-p,view,2026-10-03T10:00:00Z',
      's2,shape-p,view,Oct 3, 2026',
      '',
      'event_id,person_id,type,occurred_at',
      's3,shape-p,view,2026-10-03T11:00:00Z',
      '',
    ].join('\r');
    const shapes = await mintKey(api.url, api.adminKey, 'imports-shapes', ['INGEST']);
    const answer = await post('signals', csv, 'text/csv', shapes);
    expect(answer).toEqual({
      status: 200,
      body: {
        accepted: 2,
        rejected: 2,
        duplicates: 0,
        conflicts: 0,
        errors: [
          {
            line: 2,
            field: '(line)',
            message:
              'the row has 5 cells where the header names 4 columns (the row starts on line 3 of the file); it was left out',
          },
          // the second export's header is a row like any other, its time not a time
          {
            line: 3,
            field: 'occurred_at',
            message: 'expected an ISO-8601 timestamp with offset or epoch milliseconds',
          },
        ],
        ignoredFields: [],
      },
    });
  });

  it('takes a Parquet body larger than one request, in requests of INGEST_MAX_ROWS', async () => {
    const answer = await post('signals', await parquet(), 'application/vnd.apache.parquet');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 25_000, rejected: 0, duplicates: 0 });
    expect((await storedRows(api.url, key)).signals).toBe(2 + 25_000);
  });

  it('answers and keeps the same rows alike as NDJSON, Parquet and CSV', async () => {
    const program = generateProgram({ seed: 5, persons: 40, start: '2026-10-01T00:00:00Z' });
    const base = program.rows.signals as unknown as Record<string, unknown>[];
    // Cells a CSV reader may take for something else: a blank id, padded text, ClickHouse's null.
    const edges = [
      { ...base[0], event_id: 'edge-1', person_id: ' ' },
      { ...base[0], event_id: 'edge-2', person_id: ' p 2 ', type: '\\N' },
      { ...base[0], event_id: 'edge-3', source: '', session_id: 'NULL' },
    ];
    // Half the corpus with ids of its own; the others repeat ids of the program.
    const corpus = fc
      .sample(typedVariant('signals', base), { numRuns: 300, seed: 29 })
      .map((row, i) =>
        i % 2 === 0 && typeof row.event_id === 'string'
          ? { ...row, event_id: `${row.event_id}~${i}` }
          : row,
      );
    const rows = [...edges, ...corpus];
    const store = await openTemporaryStore();
    const parquetBody = await parquetOf(store.clickhouse, rows).finally(() => store.dispose());
    const send = async (
      format: string,
      route: string,
      body: string | Uint8Array,
      type: string,
      encoding?: 'gzip' | 'deflate' | 'br',
    ) => {
      const formatKey = await mintKey(api.url, api.adminKey, `same-${format}`, ['INGEST', 'READ']);
      const compress = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };
      const response = await fetch(`${api.url}/v1/${route}/signals`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${formatKey}`,
          'content-type': type,
          ...(encoding && { 'content-encoding': encoding }),
        },
        body: encoding === undefined ? body : compress[encoding](body),
      });
      const answer = (await response.json()) as {
        ignoredFields: { field: string }[];
      } & Record<string, unknown>;
      answer.ignoredFields.sort((a, b) => (a.field < b.field ? -1 : 1));
      const kept = await gqlData<{
        storedRows: { stream: string; rows: number }[];
        rejectedRows: { line: number; field: string; reason: string }[];
      }>(
        api.url,
        formatKey,
        '{ storedRows { stream rows } rejectedRows(limit: 1000) { line field reason } }',
      );
      kept.rejectedRows.sort((a, b) => a.line - b.line);
      return { status: response.status, answer, ...kept };
    };
    const ndjson = rows.map((row) => JSON.stringify(row)).join('\n');
    const expected = await send('ndjson', 'ingest', ndjson, 'application/x-ndjson');
    expect(expected.status).toBe(200);
    expect(expected.answer.accepted).toBeGreaterThan(100);
    expect(expected.rejectedRows.length).toBeGreaterThan(30);
    expect(expected.rejectedRows.length).toBe(expected.answer.rejected);
    const parquetType = 'application/vnd.apache.parquet';
    expect(await send('parquet', 'import', parquetBody, parquetType)).toEqual(expected);
    expect(await send('csv', 'import', csvOf(rows), 'text/csv')).toEqual(expected);
    // compressed as producers' HTTP clients send them: the same answer and the same rows kept
    const ndjsonType = 'application/x-ndjson';
    expect(await send('ndjson-gzip', 'ingest', ndjson, ndjsonType, 'gzip')).toEqual(expected);
    expect(await send('ndjson-br', 'ingest', ndjson, ndjsonType, 'br')).toEqual(expected);
    expect(await send('csv-deflate', 'import', csvOf(rows), 'text/csv', 'deflate')).toEqual(
      expected,
    );
  });

  it('backfills from the command line: a gzipped CSV, and one a spreadsheet wrote with semicolons', async () => {
    const cliKey = await mintKey(api.url, api.adminKey, 'cli-files', ['INGEST', 'READ']);
    const directory = mkdtempSync(join(tmpdir(), 'causeway-cli-import-'));
    try {
      const rows = (from: number) =>
        Array.from({ length: 40 }, (_, i) => ({
          event_id: `cli-${from + i}`,
          person_id: `p, ${i}`,
          type: 'view',
          occurred_at: '2026-10-02T10:00:00Z',
        }));
      const gzipped = join(directory, 'signals.CSV.gz');
      writeFileSync(gzipped, gzipSync(csvOf(rows(0))));
      const semicolons = join(directory, 'excel.csv');
      writeFileSync(semicolons, `\uFEFF${csvOf(rows(40), ';', '\r\n')}`);
      const run = promisify(execFile);
      const cli = [join(root, 'dist/apps/cli/main.js'), 'import', 'rows', '--stream', 'signals'];
      const { stdout } = await run(
        process.execPath,
        [...cli, '--url', api.url, '--key', cliKey, gzipped, semicolons],
        { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' } },
      );
      expect(stdout).toBe(
        `import: ${gzipped}: 40 accepted (0 duplicates), 0 rejected\n` +
          `import: ${semicolons}: 40 accepted (0 duplicates), 0 rejected\n`,
      );
      expect((await storedRows(api.url, cliKey)).signals).toBe(80);
      const other = join(directory, 'signals.json.gz');
      writeFileSync(other, gzipSync('[]'));
      await expect(
        run(process.execPath, [...cli, '--url', api.url, '--key', cliKey, other]),
      ).rejects.toMatchObject({
        stderr: expect.stringContaining(`${other}: expected a .parquet, .csv or .csv.gz file`),
      });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('refuses an encoding it does not read with 415, and a body that is not its encoding', async () => {
    const before = await storedRows(api.url, key);
    for (const route of ['ingest', 'import']) {
      const sendEncoded = (encoding: string) =>
        fetch(`${api.url}/v1/${route}/signals`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${key}`,
            'content-type': route === 'ingest' ? 'application/x-ndjson' : 'text/csv',
            'content-encoding': encoding,
          },
          body: CSV,
        });
      const unread = await sendEncoded('compress');
      expect(unread.status).toBe(415);
      expect(unread.headers.get('accept-encoding')).toBe('identity, gzip, x-gzip, deflate, br');
      expect(await unread.json()).toMatchObject({
        error: 'INGEST_UNSUPPORTED_ENCODING',
        message:
          'Content-Encoding compress is not read here (send identity, gzip, x-gzip, deflate, br); nothing was stored',
      });
      const notGzip = await sendEncoded('gzip');
      expect(notGzip.status).toBe(400);
      expect(((await notGzip.json()) as { message: string }).message).toMatch(
        /^the body is not valid gzip \(.+\); nothing was stored$/,
      );
    }
    expect(await storedRows(api.url, key)).toEqual(before);
  });

  it('refuses another media type, and a body that is not the format it claims', async () => {
    const ndjson = await post('signals', '{}', 'application/x-ndjson');
    expect(ndjson.status).toBe(400);
    expect(String(ndjson.body.message)).toContain('Content-Type must be one of');
    const broken = await post('signals', 'not parquet', 'application/vnd.apache.parquet');
    expect(broken.status).toBe(400);
    expect(String(broken.body.message)).toContain(
      'could not be read as application/vnd.apache.parquet',
    );
  });
});
