import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  QUERY_DEFAULT_SETTINGS,
  defineQuery,
  parameterProblems,
  placeholdersOf,
  tidySql,
} from './query.js';
import { describeDrift, queryFileDrift, queryFileText, writeQueryFiles } from './query-files.js';
import { StorageErrorCode, StorageException } from './storage.errors.js';
import { storeForSuite } from './testing.js';

const sumQuery = defineQuery({
  name: 'test.sum',
  module: import.meta.url,
  sql: `
-- the numbers below {limit}, summed, and the tag
SELECT sum(number) AS total, {tag:String} AS tag
FROM numbers({limit:UInt32})
WHERE has({skip:Array(UInt64)}, number) = 0   `,
  params: z.object({
    limit: z.number().int().positive(),
    tag: z.string(),
    skip: z.array(z.number()).default([]),
  }),
  row: z.object({ total: z.number(), tag: z.string() }),
});

describe('a defined query', () => {
  it('names the file that defines it and carries the default settings', () => {
    expect(sumQuery.source).toBe('libs/storage/query.spec.ts');
    expect(sumQuery.settings).toEqual({ join_use_nulls: 0, enable_materialized_cte: 1 });
    const own = defineQuery({ ...sumQuery, module: import.meta.url, settings: { max_threads: 1 } });
    expect(own.settings).toEqual({ ...QUERY_DEFAULT_SETTINGS, max_threads: 1 });
  });

  it('is sent without empty lines or trailing spaces', () => {
    expect(sumQuery.sql.startsWith('-- the numbers below')).toBe(true);
    expect(sumQuery.sql.endsWith('number) = 0')).toBe(true);
    expect(tidySql('\n  a  \n\n\n  b\n')).toBe('  a\n  b');
  });

  it('refuses a name that cannot be a file and tag', () => {
    expect(() => defineQuery({ ...sumQuery, module: import.meta.url, name: '../x' })).toThrow(
      /lower-case words and dots/,
    );
  });
});

describe('placeholders against the parameters schema', () => {
  it('lists each placeholder once, ignoring comments', () => {
    expect(placeholdersOf(sumQuery.sql)).toEqual([
      { name: 'tag', type: 'String' },
      { name: 'limit', type: 'UInt32' },
      { name: 'skip', type: 'Array(UInt64)' },
    ]);
  });

  it('finds nothing wrong when every placeholder has a parameter of its kind', () => {
    expect(parameterProblems(sumQuery)).toEqual([]);
  });

  it('names a placeholder without a parameter and a parameter no placeholder uses', () => {
    const query = defineQuery({
      name: 'test.unbound',
      module: import.meta.url,
      sql: 'SELECT {a:String} AS a, {b:UInt8} AS b',
      params: z.object({ a: z.string(), c: z.number() }),
      row: z.object({}),
    });
    expect(parameterProblems(query)).toEqual([
      'test.unbound: {b:UInt8} has no parameter',
      'test.unbound: parameter c is used by no placeholder',
    ]);
  });

  it('names a parameter of the wrong kind, arrays and their elements included', () => {
    const query = defineQuery({
      name: 'test.kinds',
      module: import.meta.url,
      sql: `SELECT {from:DateTime64(3, 'UTC')}, {n:Int64}, {on:Bool}, {ids:Array(String)},
                   {ns:Array(UInt32)}, {maybe:Nullable(Float64)}`,
      params: z.object({
        from: z.number(),
        n: z.string(),
        on: z.number(),
        ids: z.string(),
        ns: z.array(z.string()),
        maybe: z.number().nullable(),
      }),
      row: z.object({}),
    });
    expect(parameterProblems(query)).toEqual([
      "test.kinds: {from:DateTime64(3, 'UTC')}: DateTime64(3, 'UTC') needs a string",
      'test.kinds: {n:Int64}: Int64 needs a number',
      'test.kinds: {on:Bool}: Bool needs a boolean',
      'test.kinds: {ids:Array(String)}: Array(String) needs an array',
      'test.kinds: {ns:Array(UInt32)}: UInt32 needs a number',
    ]);
  });
});

describe('the committed statement files', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'causeway-queries-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('open with a header saying where the statement comes from and how to regenerate it', () => {
    const text = queryFileText(sumQuery);
    expect(text.split('\n').slice(0, 4)).toEqual([
      '-- test.sum: generated from libs/storage/query.spec.ts; do not edit.',
      '-- Regenerate with `npm run queries` after changing the statement.',
      '-- Parameters: tag String, limit UInt32, skip Array(UInt64)',
      '-- Settings: join_use_nulls = 0, enable_materialized_cte = 1',
    ]);
    expect(text.endsWith(`\n${sumQuery.sql}\n`)).toBe(true);
  });

  it('match the code once written', () => {
    writeQueryFiles([sumQuery], dir);
    expect(queryFileDrift([sumQuery], dir)).toEqual([]);
  });

  it('drift when a statement changes without its file, with the command that fixes it', () => {
    writeQueryFiles([sumQuery], dir);
    const changed = defineQuery({
      ...sumQuery,
      module: import.meta.url,
      sql: sumQuery.sql.replace('sum(number)', 'sum(number) + 1'),
    });
    const drift = queryFileDrift([changed], dir);
    expect(drift).toEqual([{ file: 'test.sum.sql', problem: 'differs' }]);
    expect(describeDrift(drift)).toMatch(/test\.sum\.sql: differs\nRun `npm run queries`/);
  });

  it('drift when a file is edited by hand, missing, or names no query', () => {
    writeQueryFiles([sumQuery], dir);
    const path = join(dir, 'test.sum.sql');
    writeFileSync(path, readFileSync(path, 'utf8').replace('sum(number)', 'max(number)'));
    expect(queryFileDrift([sumQuery], dir)).toEqual([{ file: 'test.sum.sql', problem: 'differs' }]);
    cpSync(path, join(dir, 'test.gone.sql'));
    unlinkSync(path);
    expect(queryFileDrift([sumQuery], dir)).toEqual([
      { file: 'test.sum.sql', problem: 'missing' },
      { file: 'test.gone.sql', problem: 'unknown' },
    ]);
    writeQueryFiles([sumQuery], dir);
    expect(queryFileDrift([sumQuery], dir)).toEqual([]);
  });

  it('refuse two queries of one name', () => {
    expect(() => writeQueryFiles([sumQuery, sumQuery], dir)).toThrow(/two queries are named/);
  });
});

describe('running a defined query on the embedded engine', () => {
  const store = storeForSuite();

  it('binds its parameters (defaults applied) and parses its rows', async () => {
    // 0 + 1 + ... + 9 = 45; without 3 and 4: 38
    await expect(store.clickhouse.run(sumQuery, { limit: 10, tag: 'a' })).resolves.toEqual([
      { total: 45, tag: 'a' },
    ]);
    await expect(
      store.clickhouse.run(sumQuery, { limit: 10, tag: 'b', skip: [3, 4] }),
    ).resolves.toEqual([{ total: 38, tag: 'b' }]);
  });

  it('refuses bad parameters before the engine, naming the field', async () => {
    const error = await store.clickhouse
      .run(sumQuery, { limit: -1, tag: 'a' })
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageException);
    expect((error as StorageException).code).toBe(StorageErrorCode.QueryFailed);
    expect((error as StorageException).message).toMatch(/test\.sum: invalid parameters \(limit:/);
  });

  it('runs with the default settings', async () => {
    const settings = defineQuery({
      name: 'test.settings',
      module: import.meta.url,
      sql: `SELECT getSetting('join_use_nulls') AS nulls,
                   getSetting('enable_materialized_cte') AS materialized, {x:UInt8} AS x`,
      params: z.object({ x: z.number() }),
      row: z.object({ nulls: z.coerce.number(), materialized: z.coerce.number(), x: z.number() }),
    });
    await expect(store.clickhouse.run(settings, { x: 1 })).resolves.toEqual([
      { nulls: 0, materialized: 1, x: 1 },
    ]);
  });
});
