import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { IngestWriter, prepareBatch, StoredBatches, type StreamName } from '../ingest/index.js';
import { readTabularFile } from '../ingest/tabular.js';
import { csvOf, parquetOf } from '../ingest/tabular.testing.js';
import type { ParsedLine } from '../ingest/types.js';
import { MemoryDataVersions, toClickHouseTime } from '../storage/index.js';
import { storeForSuite } from '../storage/testing.js';
import type { ErasureService } from './erasure.service.js';
import type { PersonBlocklist } from './person-blocklist.js';
import { erasureOn } from './testing.js';

// An exposure names a firing, not a person: a rejected exposure line keeps the firing's id in its
// raw text, and so links to the person. Here such lines come through ingest as producers send them
// (NDJSON in several encoders' spellings, and rows of CSV and Parquet files, whose raw text ingest
// writes itself), and an erasure takes them with the person's firings, however many there are.

type Row = Record<string, unknown>;

const firing = (firingId: string, personId: string): Row => ({
  firing_id: firingId,
  trigger_id: 'welcome',
  trigger_version: 1,
  person_id: personId,
  decided_at: '2026-10-01T08:00:00Z',
  arm: 'treatment',
  channel: 'email',
});

/** An exposure that ingest refuses: `opened_twice` is no exposure type. */
const badExposure = (firingId: string): Row => ({
  firing_id: firingId,
  type: 'opened_twice',
  occurred_at: '2026-10-01T09:00:00Z',
});

describe("an erasure and the rejected lines naming the person's firings", () => {
  const store = storeForSuite();
  const versions = new MemoryDataVersions();
  let erasure: ErasureService;
  let blocklist: PersonBlocklist;
  let writer: IngestWriter;

  beforeAll(() => {
    ({ erasure, blocklist } = erasureOn(store, versions));
    writer = new IngestWriter(store.clickhouse, new StoredBatches(), versions);
  });

  /** Validates `lines` of `stream` as ingest does and writes what it keeps and rejects. */
  async function ingest(tenantId: string, stream: StreamName, lines: ParsedLine[]) {
    const receivedAt = Date.now();
    const batch = await prepareBatch(stream, lines, {
      tenantId,
      receivedAt,
      limits: { maxRows: 10_000, maxFieldChars: 4096, maxBodyBytes: 16 << 20 },
      namesErasedPerson: await blocklist.checkFor(tenantId),
    });
    await writer.write({
      requestId: randomUUID(),
      tenantId,
      stream,
      receivedAt: toClickHouseTime(receivedAt),
      ndjson: batch.ndjsonBytes,
      rejects: batch.rejects,
    });
    return batch;
  }

  const asLines = (raws: readonly string[]): ParsedLine[] =>
    raws.map((raw, i) => ({ line: i + 1, raw }));

  /** The rows of a CSV or Parquet file of `rows`, read as an import reads them. */
  async function fileLines(rows: Row[], format: 'csv' | 'parquet'): Promise<ParsedLine[]> {
    const path = join(store.dataDir, `${randomUUID()}.${format}`);
    writeFileSync(path, format === 'csv' ? csvOf(rows) : await parquetOf(store.clickhouse, rows));
    const mediaType = format === 'csv' ? 'text/csv' : 'application/vnd.apache.parquet';
    const lines: ParsedLine[] = [];
    for await (const chunk of await readTabularFile(
      store.clickhouse,
      'exposures',
      path,
      mediaType,
    )) {
      lines.push(...chunk);
    }
    return lines;
  }

  const rejectedRaws = async (tenantId: string) =>
    (
      await store.clickhouse.query({
        tag: 'test.rejected',
        sql: `SELECT raw FROM rejected_events FINAL WHERE tenant_id = {tenantId:String}
              ORDER BY raw`,
        params: { tenantId },
        row: z.object({ raw: z.string() }),
      })
    ).map((r) => r.raw);

  it("deletes rejected lines naming one of the person's firings, and keeps another's", async () => {
    // the person's firings, and another person's whose ids start alike
    const [mine, mineToo, another, anotherToo] = ['f-7/ü', 'f-8', 'f-70/ü', 'f-80'];
    await ingest(
      'acme',
      'firings',
      asLines([
        JSON.stringify(firing(mine, 'p1')),
        JSON.stringify(firing(mineToo, 'p1')),
        JSON.stringify(firing(another, 'p2')),
        JSON.stringify(firing(anotherToo, 'p2')),
      ]),
    );
    // A firing in a rejected exposure as JavaScript, Python's json.dumps and PHP's json_encode
    // write it, and in a line cut short; a firing whose id is one token in a line that is not
    // JSON; both in the rows of a CSV and of a Parquet file.
    const escaped = (id: string) => id.replace('ü', '\\u00fc');
    const raws = (id: string, token: string) => [
      JSON.stringify(badExposure(id)),
      `{"firing_id": "${escaped(id)}", "type": "opened_twice", "occurred_at": "2026-10-01T09:00:00Z"}`,
      `{"firing_id":"${escaped(id).replace('/', '\\/')}","type":"opened_twice"}`,
      `{"firing_id":"${id}","type":"opened_tw`,
      `firing ${token} opened twice`,
    ];
    const mineRaws = raws(mine, mineToo);
    const anotherRaws = raws(another, anotherToo);
    for (const [id, token, list] of [
      [mine, mineToo, mineRaws],
      [another, anotherToo, anotherRaws],
    ] as const) {
      expect((await ingest('acme', 'exposures', asLines(list))).rejected).toBe(list.length);
      for (const format of ['csv', 'parquet'] as const) {
        const lines = await fileLines([badExposure(id), badExposure(token)], format);
        const batch = await ingest('acme', 'exposures', lines);
        expect(batch.rejects.map((r) => r.raw)).toEqual(lines.map((l) => l.raw));
      }
    }
    const before = await rejectedRaws('acme');
    expect(before).toHaveLength(2 * (mineRaws.length + 4));
    const kept = before.filter((raw) => /f-70|f-80/.test(raw));
    expect(kept).toHaveLength(anotherRaws.length + 4);

    const record = await erasure.erasePerson('acme', 'p1', true);
    expect(record.rowsDeleted.rejected_events).toBe(before.length - kept.length);
    expect(await rejectedRaws('acme')).toEqual(kept);
  });

  it('erases a person with thousands of firings, and the rejected lines of each', async () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => `busy-firing-${i}-${randomUUID()}`);
    await ingest(
      'busy',
      'firings',
      asLines([
        ...ids.map((id) => JSON.stringify(firing(id, 'busy'))),
        JSON.stringify(firing('other', 'p2')),
      ]),
    );
    const exposures = [...ids, 'other'].map((id) => JSON.stringify(badExposure(id)));
    expect((await ingest('busy', 'exposures', asLines(exposures))).rejected).toBe(ids.length + 1);

    const record = await erasure.erasePerson('busy', 'busy', true);
    expect(record.rowsDeleted.firings).toBe(ids.length);
    expect(record.rowsDeleted.rejected_events).toBe(ids.length);
    expect(await rejectedRaws('busy')).toEqual([JSON.stringify(badExposure('other'))]);
    // the ids the erasure noted are gone with it
    const [left] = await store.clickhouse.query({
      tag: 'test.target_firings',
      sql: 'SELECT count() AS n FROM erasure_target_firings',
      row: z.object({ n: z.number() }),
    });
    expect(left.n).toBe(0);
  });
});
