// An import is stored request by request (INGEST_MAX_ROWS rows each): when the store fails at a
// later request, the rows of the requests before it are stored, and the answer says so rather
// than that nothing was accepted. The API runs in this process on a real embedded store; the
// store refuses one write, as it does while its disk is full or its directory unwritable.

import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { IngestWriter } from '../libs/ingest/index.js';
import { StorageErrorCode, StorageException } from '../libs/storage/index.js';
import { mintKey, storedRows } from './support/client.js';
import { inProcessApiForSuite } from './support/in-process-api.js';
import { ADMIN_KEY } from './support/processes.js';

/** A CSV of `rows` signals, a header first. */
function signalsCsv(rows: number): string {
  const lines = Array.from(
    { length: rows },
    (_, i) => `csv-${i + 1},person-${i + 1},page_view,2026-10-06T07:00:00.000Z`,
  );
  return ['event_id,person_id,type,occurred_at', ...lines].join('\n');
}

async function postCsv(url: string, key: string, body: string) {
  const response = await fetch(`${url}/v1/import/signals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
    body,
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { message?: string; error?: string; accepted?: number },
  };
}

describe('an import the store stops half-way', () => {
  const api = inProcessApiForSuite('import-half-way', ADMIN_KEY, () => ({
    INGEST_MAX_ROWS: '2',
    INGEST_WORKERS: '0',
  }));
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('says how many of its rows were stored, and a second sending stores each row once', async () => {
    const key = await mintKey(api.url, ADMIN_KEY, 'half-way', ['INGEST', 'READ']);
    // the store takes the first request (rows 1-2) and refuses the second (rows 3-4)
    const writer = api.app.get(IngestWriter);
    const write = writer.write.bind(writer);
    jest
      .spyOn(writer, 'write')
      .mockImplementationOnce((job) => write(job))
      .mockRejectedValueOnce(
        new StorageException(StorageErrorCode.Unavailable, 'the store took no write'),
      );

    const stopped = await postCsv(api.url, key, signalsCsv(5));
    expect(stopped.status).toBe(503);
    expect(stopped.retryAfter).not.toBeNull();
    expect(stopped.body.message).toBe(
      'the store failed after rows 1 to 2 of the body were stored (2 accepted, 0 rejected); the rows after them were not: send it again, and the rows stored count once',
    );
    expect(stopped.body.error).toBe('INGEST_PARTLY_STORED');
    expect((await storedRows(api.url, key)).signals).toBe(2);

    const again = await postCsv(api.url, key, signalsCsv(5));
    expect([again.status, again.body.accepted]).toEqual([200, 5]);
    expect((await storedRows(api.url, key)).signals).toBe(5);
  });
});
