import { describe, expect, it } from '@jest/globals';
import { failureName, loggedFailure } from './logged-failure.js';

/** A ClickHouse refusal as the engine words it, quoting the row it refused. */
const REFUSAL =
  "Code: 469. DB::Exception: Constraint `c` for table default.signals is violated at row 1. Expression: (person_id != 'cust-4711'). Column values: person_id = 'cust-4711'. (VIOLATED_CONSTRAINT)";

describe('what a log line keeps of a failure', () => {
  it('keeps type, code, tag, engine error name and frames, never a message, through causes', () => {
    const engine = Object.assign(new Error(REFUSAL), { code: 'CHDB_INSERT' });
    const wrapped = Object.assign(
      new Error(`ClickHouse ingest.write.signals: ${REFUSAL}`, { cause: engine }),
      { name: 'StorageException', code: 'STORAGE_QUERY_FAILED', tag: 'ingest.write.signals' },
    );
    const logged = loggedFailure(wrapped);
    expect(logged).toMatchObject({
      type: 'StorageException',
      code: 'STORAGE_QUERY_FAILED',
      tag: 'ingest.write.signals',
      cause: { type: 'Error', code: 'CHDB_INSERT', engineError: 'VIOLATED_CONSTRAINT' },
    });
    expect(logged.stack.split('\n')[0]).toBe('StorageException');
    expect(logged.stack.split('\n').slice(1).length).toBeGreaterThan(0);
    for (const frame of logged.stack.split('\n').slice(1)) {
      expect(frame).toMatch(/^\s+at .*:\d+:\d+\)?$/);
    }
    expect(JSON.stringify(logged)).not.toContain('cust-4711');
  });

  it('drops the lines of a message spread over several, and codes that are not identifiers', () => {
    const error = Object.assign(new Error('no row for\njane.roe@example.org\n  at her home'), {
      code: 'person jane.roe@example.org',
      tag: 42,
    });
    const logged = loggedFailure(error);
    expect(logged.code).toBeUndefined();
    expect(logged.tag).toBe('42');
    expect(JSON.stringify(logged)).not.toContain('jane.roe');
    expect(JSON.stringify(logged)).not.toContain('her home');
  });

  it('reads an engine error name only from a ClickHouse message, or the client error type', () => {
    expect(loggedFailure(new Error('unknown person (JANE_DOE)')).engineError).toBeUndefined();
    const client = Object.assign(new Error('whatever it says'), { type: 'UNKNOWN_TABLE' });
    expect(loggedFailure(client).engineError).toBe('UNKNOWN_TABLE');
  });

  it('names what was thrown when it is not an Error, without its value', () => {
    expect(loggedFailure('cust-4711')).toEqual({ type: 'string', stack: 'string' });
  });
});

describe('a failure named in one line', () => {
  it('names its type, then the code, tag and engine error found through its causes', () => {
    const engine = Object.assign(new Error(REFUSAL), { code: 'CHDB_INSERT' });
    const wrapped = Object.assign(
      new Error(`ClickHouse report.measures: ${REFUSAL}`, { cause: engine }),
      { name: 'StorageException', code: 'STORAGE_QUERY_FAILED', tag: 'report.measures' },
    );
    expect(failureName(wrapped)).toBe(
      'StorageException STORAGE_QUERY_FAILED report.measures VIOLATED_CONSTRAINT',
    );
    expect(failureName(new Error('no row for jane.roe@example.org'))).toBe('Error');
    expect(failureName('cust-4711')).toBe('string');
  });
});
