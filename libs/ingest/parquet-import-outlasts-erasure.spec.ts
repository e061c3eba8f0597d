import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Scope } from '../auth/index.js';
import { generateProgram } from '../demo/index.js';
import { ErasureService, PersonBlocklist } from '../lifecycle/index.js';
import { erasureOn } from '../lifecycle/testing.js';
import { DataVersions } from '../storage/index.js';
import { storeForSuite } from '../storage/testing.js';
import { IngestService } from './ingest.service.js';
import { compileIngestModule } from './module.testing.js';
import { ParquetFile } from './tabular-import.js';
import { parquetOf } from './tabular.testing.js';

// A Parquet import stores runs of plain requests by the engine, which checks no row against the
// erased persons. A person erased while an import runs: the run being written as the erasure
// starts is waited for and its rows of the person deleted, later runs are checked line by line.

const MAX_ROWS = 16;
/** Requests the engine stores by one statement (PLAIN_RUN_REQUESTS). */
const RUN_ROWS = 4 * MAX_ROWS;
type Row = Record<string, unknown>;

describe('a Parquet import that outlasts an erasure', () => {
  // files to import are written in the store's own temporary directory, removed with it
  const store = storeForSuite({ INGEST_MAX_ROWS: String(MAX_ROWS) });
  let ingest: IngestService;
  let erasure: ErasureService;
  let blocklist: PersonBlocklist;
  const principal = { keyId: 'k', tenantId: 'outlasts', scopes: [Scope.INGEST] };

  beforeAll(async () => {
    const moduleRef = await compileIngestModule(store);
    ingest = moduleRef.get(IngestService);
    // the process's one blocklist, which ingest reads and the erasure writes
    blocklist = moduleRef.get(PersonBlocklist);
    ({ erasure } = erasureOn(store, moduleRef.get(DataVersions), { blocklist }));
  });

  it('stores no row of a person erased while its first run is written', async () => {
    const signals = generateProgram({ seed: 3, persons: 40, start: '2026-10-01T00:00:00Z' }).rows
      .signals as unknown as Row[];
    const person = signals[0].person_id as string;
    // the person's rows at these places of the file: in the first run, and in the second and third
    const places = [3, RUN_ROWS - 1, RUN_ROWS + 7, 2 * RUN_ROWS + 20, 3 * RUN_ROWS - 1];
    const theirRows = signals.filter((r) => r.person_id === person).slice(0, places.length);
    expect(theirRows).toHaveLength(places.length);
    const rows = signals.filter((r) => r.person_id !== person).slice(0, 3 * RUN_ROWS);
    for (const [i, place] of places.entries()) {
      rows.splice(place, 0, theirRows[i]);
    }
    rows.length = 3 * RUN_ROWS;
    const theirs = places.length;
    const later = places.filter((place) => place >= RUN_ROWS).length;
    const path = join(store.dataDir, 'signals.parquet');
    writeFileSync(path, await parquetOf(store.clickhouse, rows, 'timestamps'));

    // The first run, about to be stored when the erasure starts, is stored once the erasure has
    // blocked the person and, unless it waits for the run, finished (or 10 s have passed).
    let erasing: Promise<unknown> | undefined;
    const firstRun = jest
      .spyOn(ParquetFile.prototype, 'conflicts')
      .mockImplementationOnce(async function (this: ParquetFile, ...args) {
        erasing = erasure.erasePerson(principal.tenantId, person, true);
        while ((await blocklist.erasedOf(principal.tenantId)) === undefined) {
          await new Promise((r) => setTimeout(r, 20));
        }
        await Promise.race([erasing, new Promise((r) => setTimeout(r, 10_000))]);
        return this.conflicts(...args);
      });
    const plain = jest.spyOn(ParquetFile.prototype, 'store');
    try {
      const answer = await ingest.importFile(
        principal,
        'signals',
        path,
        'application/vnd.apache.parquet',
      );
      await erasing;
      expect(plain).toHaveBeenCalledTimes(1);
      expect({ accepted: answer.accepted, rejected: answer.rejected }).toEqual({
        accepted: rows.length - later,
        rejected: later,
      });
      expect(new Set(answer.errors.map((e) => `${e.field}: ${e.message}`))).toEqual(
        new Set(['person_id: erased']),
      );
    } finally {
      plain.mockRestore();
      firstRun.mockRestore();
    }
    const [stored] = await store.clickhouse.query({
      tag: 'test.stored',
      sql: `SELECT count() AS rows, countIf(person_id = {person:String}) AS theirs
            FROM signals FINAL WHERE tenant_id = {tenantId:String}`,
      params: { tenantId: principal.tenantId, person },
      row: z.object({ rows: z.number(), theirs: z.number() }),
    });
    expect(stored).toEqual({ rows: rows.length - theirs, theirs: 0 });
  });
});
