import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { IngestWriter, prepareBatch, StoredBatches, type StreamName } from '../ingest/index.js';
import { readTabularFile } from '../ingest/tabular.js';
import { csvOf, parquetOf } from '../ingest/tabular.testing.js';
import type { ParsedLine, PreparedBatch } from '../ingest/types.js';
import { MemoryDataVersions, toClickHouseTime, type ClickHouseService } from '../storage/index.js';
import { storeForSuite } from '../storage/testing.js';
import type { ErasureService } from './erasure.service.js';
import type { PersonBlocklist } from './person-blocklist.js';
import { erasureOn } from './testing.js';

// An exposure names a firing, not a person: a rejected exposure line keeps the firing's id in its
// raw text, and so links to the person. Here such lines come through ingest as producers send them
// (NDJSON in several encoders' spellings, and rows of CSV and Parquet files, whose raw text ingest
// writes itself), and an erasure takes them with the person's firings, however many there are;
// and an exposure of the person's firing written after the erasure's deletes is taken too.

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

/** An exposure that ingest accepts. */
const opened = (firingId: string): string =>
  JSON.stringify({ firing_id: firingId, type: 'opened', occurred_at: '2026-10-01T09:00:00Z' });

describe("an erasure and the rows naming the person's firings", () => {
  const store = storeForSuite();
  const versions = new MemoryDataVersions();
  let erasure: ErasureService;
  let blocklist: PersonBlocklist;
  let writer: IngestWriter;

  beforeAll(() => {
    ({ erasure, blocklist } = erasureOn(store, versions));
    writer = new IngestWriter(store.clickhouse, new StoredBatches(), versions);
  });

  /** Validates `lines` of `stream` as ingest does now. */
  async function prepare(tenantId: string, stream: StreamName, lines: ParsedLine[]) {
    return prepareBatch(stream, lines, {
      tenantId,
      receivedAt: Date.now(),
      limits: { maxRows: 10_000, maxFieldChars: 4096, maxBodyBytes: 16 << 20 },
      namesErasedPerson: await blocklist.checkFor(tenantId),
    });
  }

  /** Writes what a validated batch keeps and rejects, as ingest does. */
  async function write(tenantId: string, batch: PreparedBatch) {
    await writer.write({
      requestId: randomUUID(),
      tenantId,
      stream: batch.stream,
      receivedAt: toClickHouseTime(Date.now()),
      ndjson: batch.ndjsonBytes,
      rejects: batch.rejects,
    });
  }

  async function ingest(tenantId: string, stream: StreamName, lines: ParsedLine[]) {
    const batch = await prepare(tenantId, stream, lines);
    await write(tenantId, batch);
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

  /** A column of the tenant's rows of `table`, sorted. */
  const columnOf = async (
    table: 'exposures' | 'rejected_events',
    column: string,
    tenantId: string,
  ) =>
    (
      await store.clickhouse.query({
        tag: 'test.column',
        sql: `SELECT ${column} AS value FROM ${table} FINAL WHERE tenant_id = {tenantId:String}
              ORDER BY value`,
        params: { tenantId },
        row: z.object({ value: z.string() }),
      })
    ).map((r) => r.value);
  const exposureFirings = (tenantId: string) => columnOf('exposures', 'firing_id', tenantId);
  const rejectedRaws = (tenantId: string) => columnOf('rejected_events', 'raw', tenantId);

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

  it.each([
    // characters JSON escapes (a quote, a backslash, "/" by PHP), beyond ASCII (escaped by
    // Python), and those that end a token (a space, ', <, >), which no encoder escapes; an id
    // with a control character is refused by ingest
    ['f "7"', 'f "70"'],
    ['f\\7', 'f\\70'],
    ["f'7", "f'70"],
    ['f-7/ü', 'f-70/ü'],
    ['ü7', 'ü70'],
    ['f <7>', 'f <70>'],
  ])(
    'deletes lines that are not JSON naming the firing %j in any JSON spelling, and keeps %j',
    async (mine, another) => {
      const tenantId = `odd-${randomUUID()}`;
      await ingest(
        tenantId,
        'firings',
        asLines([JSON.stringify(firing(mine, 'p1')), JSON.stringify(firing(another, 'p2'))]),
      );
      // as a JavaScript, Python (non-ASCII as \u00fc) or PHP ("/" as \/) encoder spells it
      const spellings = (id: string) => [
        JSON.stringify(id).slice(1, -1),
        JSON.stringify(id)
          .slice(1, -1)
          .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
          .replace(/\//g, '\\/'),
      ];
      // lines that are no JSON: the id as sent, as an encoder spelled it out of its string, and
      // a JSON line after an odd quote (which pairs the quotes otherwise)
      const raws = (id: string) =>
        [...new Set([id, ...spellings(id)])]
          .map((spelled) => `firing ${spelled} opened twice`)
          .concat([`expected '"' before: ${JSON.stringify(badExposure(id))}`]);
      const mineRaws = raws(mine);
      const anotherRaws = raws(another);
      for (const list of [mineRaws, anotherRaws]) {
        expect((await ingest(tenantId, 'exposures', asLines(list))).rejected).toBe(list.length);
      }

      const record = await erasure.erasePerson(tenantId, 'p1', true);
      expect(record.rowsDeleted.rejected_events).toBe(mineRaws.length);
      expect(await rejectedRaws(tenantId)).toEqual([...anotherRaws].sort());
    },
  );

  it('deletes rejected lines naming a firing of the person by its id written as a JSON number', async () => {
    // firing ids are strings: an exposure that sends one as a number is refused, and its line
    // still names the firing (as JSON.stringify writes it: no space, so no token of its own)
    await ingest(
      'numbers',
      'firings',
      asLines([JSON.stringify(firing('123', 'p1')), JSON.stringify(firing('1234', 'p2'))]),
    );
    const line = (id: number) =>
      `{"firing_id":${id},"type":"opened","occurred_at":"2026-10-01T09:00:00Z"}`;
    const batch = await ingest('numbers', 'exposures', asLines([line(123), line(1234)]));
    expect(batch.rejects.map((r) => r.field)).toEqual(['firing_id', 'firing_id']);

    const record = await erasure.erasePerson('numbers', 'p1', true);
    expect(record.rowsDeleted.rejected_events).toBe(1);
    expect(await rejectedRaws('numbers')).toEqual([line(1234)]);
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

  /**
   * Stores firings `<tenant>-1` of p1 and `<tenant>-2` of p2, and answers a request of an exposure
   * of each validated now, as ingest validates it (both accepted), not yet written.
   */
  async function exposuresValidatedBefore(tenantId: string): Promise<PreparedBatch> {
    const [mine, another] = [`${tenantId}-1`, `${tenantId}-2`];
    const firings = [firing(mine, 'p1'), firing(another, 'p2')];
    await ingest(tenantId, 'firings', asLines(firings.map((f) => JSON.stringify(f))));
    const validated = await prepare(
      tenantId,
      'exposures',
      asLines([opened(mine), opened(another)]),
    );
    expect(validated.accepted).toBe(2);
    return validated;
  }

  it("deletes an exposure of the person's firing validated before the block, written after the deletes", async () => {
    // a request validated now, before the erasure blocks the firings
    const validated = await exposuresValidatedBefore('late');
    // ... and written once the erasure has deleted the exposures and the firings, before it closes
    let written = false;
    const clickhouse = Object.create(store.clickhouse) as ClickHouseService;
    clickhouse.command = async (tag, sql, params) => {
      await store.clickhouse.command(tag, sql, params);
      if (tag === 'erasure.delete.firings' && !written) {
        written = true;
        await write('late', validated);
      }
    };
    const late = erasureOn({ ...store, clickhouse }, versions).erasure;

    const record = await late.erasePerson('late', 'p1', true);
    expect(written).toBe(true);
    expect(record.rowsDeleted.exposures).toBe(1);
    expect(await exposureFirings('late')).toEqual(['late-2']);
  });

  it('blocks a firing of the person written between the reading of the ids and the delete', async () => {
    await ingest('race', 'firings', asLines([JSON.stringify(firing('race-1', 'p1'))]));
    // a request validated before the erasure blocks the person, written once the erasure has
    // read and noted the ids of the person's firings, before it deletes them
    const validated = await prepare(
      'race',
      'firings',
      asLines([JSON.stringify(firing('race-3', 'p1'))]),
    );
    expect(validated.accepted).toBe(1);
    let written = false;
    const clickhouse = Object.create(store.clickhouse) as ClickHouseService;
    clickhouse.insert = async (spec) => {
      await store.clickhouse.insert(spec);
      if (spec.tag === 'erasure.target_firings' && !written) {
        written = true;
        await write('race', validated);
      }
    };
    const { erasure: racing, blocklist: itsBlocklist } = erasureOn(
      { ...store, clickhouse },
      versions,
    );

    const record = await racing.erasePerson('race', 'p1', true);
    expect(written).toBe(true);
    // each firing deleted and counted once
    expect(record.rowsDeleted.firings).toBe(2);
    // and each blocked: a later exposure of either is refused as naming an erased person's firing
    const later = await prepareBatch('exposures', asLines([opened('race-1'), opened('race-3')]), {
      tenantId: 'race',
      receivedAt: Date.now(),
      limits: { maxRows: 10, maxFieldChars: 4096, maxBodyBytes: 1 << 20 },
      namesErasedPerson: await itsBlocklist.checkFor('race'),
    });
    expect(later.rejects.map((r) => [r.line, r.field, r.reason])).toEqual([
      [1, 'firing_id', 'erased'],
      [2, 'firing_id', 'erased'],
    ]);
  });

  it("waits, after a late block of the person's firings, for the exposures validated just before it", async () => {
    const validated = await exposuresValidatedBefore('slow');
    let landed: Promise<void> | undefined;
    const clickhouse = Object.create(store.clickhouse) as ClickHouseService;
    clickhouse.insert = async (spec) => {
      if (spec.tag !== 'erasure.block_firings') {
        return store.clickhouse.insert(spec);
      }
      // a first pass slower than the settle time: the firings are blocked 1.6 s after the person
      await new Promise((resolve) => setTimeout(resolve, 1_600));
      await store.clickhouse.insert(spec);
      // the request validated just before the block writes its rows moments after it
      landed = new Promise((resolve) => setTimeout(resolve, 300)).then(() =>
        write('slow', validated),
      );
    };
    const slow = erasureOn({ ...store, clickhouse }, versions).erasure;

    const record = await slow.erasePerson('slow', 'p1', true);
    await landed;
    expect(record.rowsDeleted.exposures).toBe(1);
    expect(await exposureFirings('slow')).toEqual(['slow-2']);
  });
});
