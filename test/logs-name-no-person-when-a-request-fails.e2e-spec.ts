// An unexpected failure (a 500) is logged at `error` with what it is and where it was thrown, not
// with its message: a store's refusal quotes the row it refused. The built API runs on a store
// that refuses one person's signals (a CHECK constraint added while it was stopped, as an operator
// or a later migration might); that person's rows, sent over HTTP and through GraphQL, fail with
// the engine's VIOLATED_CONSTRAINT, whose message names them, and the log names neither them nor
// their e-mail.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggedFailure } from '../libs/errors/index.js';
import { graphql, mintKey, postIngest } from './support/client.js';
import { outputLines, startApi, type ApiProcess } from './support/processes.js';

const PERSON = 'cust-4711';
const MAIL = 'jane.roe@example.org';

/** Runs one statement on the store in `dataDir`, in a process of its own (the API is stopped). */
function runOnStore(dataDir: string, statement: string): void {
  const script = `
    const { loadConfig } = await import('./dist/libs/config/index.js');
    const { ClickHouseService } = await import('./dist/libs/storage/index.js');
    const store = new ClickHouseService(
      loadConfig({ CAUSEWAY_DATA_DIR: process.argv[1], LOG_LEVEL: 'silent' }),
    );
    await store.command('test.store_change', process.argv[2]);
    await store.onApplicationShutdown();`;
  execFileSync(process.execPath, ['--input-type=module', '-e', script, dataDir, statement], {
    cwd: join(import.meta.dirname, '..'),
  });
}

/** The failure and every cause under it. */
function chain(failure: LoggedFailure | undefined): LoggedFailure[] {
  return failure === undefined ? [] : [failure, ...chain(failure.cause)];
}

describe('the log line of a request that failed unexpectedly', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'causeway-failure-log-'));
  let api: ApiProcess;
  let key: string;

  beforeAll(async () => {
    const first = await startApi({ CAUSEWAY_DATA_DIR: dataDir });
    key = await mintKey(first.url, first.adminKey, 'acme', ['INGEST', 'READ']);
    await first.stop();
    runOnStore(
      dataDir,
      `ALTER TABLE signals ADD CONSTRAINT refuses_a_person CHECK person_id != '${PERSON}'`,
    );
    api = await startApi({ CAUSEWAY_DATA_DIR: dataDir, LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The lines logged at error (50) with the message `request failed`, once there are `count`. */
  const failureLines = (count: number) =>
    outputLines(api, count, (lines) =>
      lines
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.level === 50 && line.msg === 'request failed'),
    );

  it('says what failed and where, over HTTP and GraphQL, and names no person', async () => {
    const row = {
      event_id: 's1',
      person_id: PERSON,
      type: 'view',
      occurred_at: '2026-10-01T00:00:00Z',
      properties: { email: MAIL },
    };
    const sent = await postIngest(api.url, key, 'signals', `${JSON.stringify(row)}\n`);
    expect(sent.status).toBe(500);
    expect(sent.body.error).toBe('STORAGE_QUERY_FAILED');
    const asked = await graphql(
      api.url,
      key,
      'mutation($rows: [JSON!]!) { ingest(stream: SIGNALS, rows: $rows) { accepted } }',
      { rows: [{ ...row, event_id: 's2' }] },
    );
    expect(asked.status).toBe(500);
    expect(asked.errors?.[0]?.extensions?.causewayCode).toBe('STORAGE_QUERY_FAILED');

    const lines = await failureLines(2);
    const log = api.output();
    expect(log).not.toContain(PERSON);
    expect(log).not.toContain(MAIL);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.code).toBe('STORAGE_QUERY_FAILED');
      const failures = chain(line.err as LoggedFailure);
      // what it is: the exception, its code, the query's tag and the engine's own error name
      expect(failures[0]).toMatchObject({
        type: 'StorageException',
        code: 'STORAGE_QUERY_FAILED',
        tag: 'ingest.write.signals',
      });
      expect(failures.map((f) => f.engineError)).toContain('VIOLATED_CONSTRAINT');
      // where: the frames of the call that failed
      expect(failures[0]?.stack).toMatch(/^StorageException\n\s+at /);
      expect(failures[0]?.stack).toContain('IngestWriter.store');
    }
  });
});
