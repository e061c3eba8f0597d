import { beforeAll, describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { Scope } from '../../auth/index.js';
import { IngestService, parseBodyBatches } from '../../ingest/index.js';
import { compileIngestModule } from '../../ingest/module.testing.js';
import { storeForSuite } from '../../storage/testing.js';
import { toClickHouseTime } from '../../storage/index.js';
import { queryStreamLines } from './stream-lines.query.js';

// A producer that retries after a timeout sends the same body again: the refused line in it is one
// line refused, as the accepted one is one row (DESIGN §5: an id seen again counts once).

const HOUR = 3_600_000;
const GOOD =
  '{"event_id":"e1","person_id":"p1","type":"view","occurred_at":"2026-10-02T10:00:00Z"}';
const BAD = '{"event_id":"e2","person_id":"p2","occurred_at":"2026-10-02T10:00:00Z"}';
const FIXED =
  '{"event_id":"e2","person_id":"p2","type":"view","occurred_at":"2026-10-02T10:00:00Z"}';

describe('a refused line sent again', () => {
  const store = storeForSuite();
  let ingest: IngestService;
  const principal = { keyId: 'k', tenantId: 'retrying', scopes: [Scope.INGEST] };
  const first = Date.UTC(2026, 9, 2, 12, 0, 0);

  const send = (body: string, receivedAt: number) =>
    ingest.ingest(
      principal,
      'signals',
      parseBodyBatches(Readable.from([Buffer.from(body)]), { maxRows: 1000, parse: false }),
      receivedAt,
    );
  const linesIn = (from: number, to: number) =>
    queryStreamLines(store.clickhouse, {
      tenantId: principal.tenantId,
      from: toClickHouseTime(from),
      to: toClickHouseTime(to),
    });

  beforeAll(async () => {
    ingest = (await compileIngestModule(store)).get(IngestService);
  });

  it('is kept and counted once, as its first copy', async () => {
    const body = `${GOOD}\n${BAD}\n`;
    const answers = [await send(body, first), await send(body, first + 2 * HOUR)];
    // each request is answered for what it carried
    expect(answers.map((a) => a.rejected)).toEqual([1, 1]);

    const listed = await ingest.rejectedRows(principal.tenantId, undefined, 100);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      stream: 'signals',
      line: 2,
      field: 'type',
      raw: BAD,
      receivedAt: new Date(first),
    });
    // REJECTED_ROWS: over both copies, one line refused
    const refused = async (from: number, to: number) =>
      (await linesIn(from, to)).map((s) => [s.stream, s.rejected]);
    expect(await refused(first - HOUR, first + 3 * HOUR)).toEqual([['signals', 1]]);
    // the hour of the copy counts no refused line again: it was counted in the first one's
    expect(await refused(first + HOUR, first + 3 * HOUR)).toEqual([['signals', 0]]);
  });

  it('counts the accepted line once, before the copies are merged and after', async () => {
    const accepted = async () =>
      (await linesIn(first - HOUR, first + 3 * HOUR)).map((s) => [s.stream, s.accepted]);
    const before = await accepted();
    await store.clickhouse.command('test.merge', 'OPTIMIZE TABLE signals FINAL');
    // e1 sent twice is one accepted line, whether or not the engine has merged its copies yet
    expect([before, await accepted()]).toEqual([[['signals', 1]], [['signals', 1]]]);
  });

  it('keeps two equal lines of one request as the two lines they were answered as', async () => {
    const twice = await send(`${BAD}\n${BAD}\n`, first + 3 * HOUR);
    expect(twice.errors.map((e) => e.line)).toEqual([1, 2]);
    const listed = await ingest.rejectedRows(principal.tenantId, 'signals', 100);
    // line 2 is the copy of the first request's line 2; line 1 is a line of its own
    expect(listed.map((r) => [r.line, r.receivedAt.getTime()])).toEqual([
      [1, first + 3 * HOUR],
      [2, first],
    ]);
    expect(
      (await linesIn(first - HOUR, first + 4 * HOUR)).map((s) => [s.stream, s.rejected]),
    ).toEqual([['signals', 2]]);
  });

  it('still takes the corrected line, and the refusals stay listed for the record', async () => {
    const answer = await send(`${FIXED}\n`, first + 4 * HOUR);
    expect([answer.accepted, answer.rejected]).toEqual([1, 0]);
    expect(await ingest.storedRows(principal.tenantId)).toContainEqual({
      stream: 'signals',
      rows: 2,
    });
    expect(await ingest.rejectedRows(principal.tenantId, 'signals', 100)).toHaveLength(2);
  });
});
