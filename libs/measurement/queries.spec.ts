import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  QUERY_DEFAULT_SETTINGS,
  describeDrift,
  parameterProblems,
  projectRoot,
  queryFileDrift,
} from '../storage/index.js';
import { MEASUREMENT_QUERIES } from './queries.js';

/** Every .ts file under `dir` (repository-relative), specs left out. */
function sourcesUnder(dir: string): string[] {
  return readdirSync(join(projectRoot(), dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .map((file) => `${dir}/${file.split('\\').join('/')}`);
}

describe('the measurement statements', () => {
  it('each have a parameter for every placeholder, of its kind, and no parameter unused', () => {
    expect(MEASUREMENT_QUERIES.flatMap(parameterProblems)).toEqual([]);
  });

  it('have distinct names', () => {
    const names = MEASUREMENT_QUERIES.map((q) => q.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('run with the default settings', () => {
    for (const query of MEASUREMENT_QUERIES) {
      expect({ query: query.name, settings: query.settings }).toEqual({
        query: query.name,
        settings: expect.objectContaining(QUERY_DEFAULT_SETTINGS) as unknown,
      });
    }
  });

  it('are all listed: every module that defines a query has its statements in the list', () => {
    const listed = new Set(MEASUREMENT_QUERIES.map((q) => q.source));
    const defining = ['libs/measurement', 'libs/reports', 'libs/triggers', 'libs/bi']
      .flatMap(sourcesUnder)
      .filter((file) => readFileSync(join(projectRoot(), file), 'utf8').includes('defineQuery('));
    expect(defining.filter((file) => !listed.has(file))).toEqual([]);
  });

  it('are defined with defineQuery, none run as loose SQL', () => {
    const files = [
      ...sourcesUnder('libs/measurement').filter((f) => f.endsWith('.query.ts')),
      'libs/reports/currencies.query.ts',
      'libs/triggers/triggers.repository.ts',
      'libs/bi/exports.service.ts',
    ];
    const loose = files.filter((file) =>
      /clickhouse\.(query|stream)\(/.test(readFileSync(join(projectRoot(), file), 'utf8')),
    );
    expect(loose).toEqual([]);
  });

  it('match their committed files under clickhouse/queries', () => {
    const drift = queryFileDrift(MEASUREMENT_QUERIES);
    if (drift.length > 0) {
      throw new Error(describeDrift(drift));
    }
  });
});
