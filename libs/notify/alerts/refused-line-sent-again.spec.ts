import { beforeAll, describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { Scope } from '../../auth/index.js';
import { IngestService, parseBodyBatches } from '../../ingest/index.js';
import { compileIngestModule } from '../../ingest/module.testing.js';
import { storeForSuite } from '../../storage/testing.js';
import { erasureOn } from '../../lifecycle/testing.js';
import { PersonBlocklist } from '../../lifecycle/index.js';
import { MemoryDataVersions, toClickHouseTime } from '../../storage/index.js';
import { queryStreamLines } from './stream-lines.query.js';

// A producer that retries after a timeout sends the same body again: the refused line in it is one
// line refused, as the accepted one is one row (DESIGN §5: an id seen again counts once).

const HOUR = 3_600_000;
const GOOD =
  '{"event_id":"e1","person_id":"p1","type":"view","occurred_at":"2026-10-02T10:00:00Z"}';
const BAD = '{"event_id":"e2","person_id":"p2","occurred_at":"2026-10-02T10:00:00Z"}';
const OTHER = '{"event_id":"e3","person_id":"p3","type":"view"}';
const ERASED = (id: string) =>
  `{"event_id":"${id}","person_id":"p4","type":"view","occurred_at":"2026-10-02T10:00:00Z"}`;
const FIXED =
  '{"event_id":"e2","person_id":"p2","type":"view","occurred_at":"2026-10-02T10:00:00Z"}';

describe('a refused line sent again', () => {
  const store = storeForSuite();
  let ingest: IngestService;
  let blocklist: PersonBlocklist;
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
    const module = await compileIngestModule(store);
    ingest = module.get(IngestService);
    blocklist = module.get(PersonBlocklist);
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

  it('is one refused line when a retry sends it at another line', async () => {
    // the producer sends again only what it was not sure of, in another order
    const answer = await send(`${BAD}\n${GOOD}\n`, first + 3 * HOUR);
    expect(answer.errors.map((e) => [e.line, e.field])).toEqual([[1, 'type']]);

    const listed = await ingest.rejectedRows(principal.tenantId, 'signals', 100);
    // one line, as its first copy: line 2 of the first request, in its hour
    expect(listed.map((r) => [r.line, r.raw, r.receivedAt.getTime()])).toEqual([[2, BAD, first]]);
    const refused = async (from: number, to: number) =>
      (await linesIn(from, to)).map((s) => [s.stream, s.rejected]);
    expect(await refused(first - HOUR, first + 4 * HOUR)).toEqual([['signals', 1]]);
    expect(await refused(first + HOUR, first + 4 * HOUR)).toEqual([['signals', 0]]);
  });

  it('is one refused line when one request carries it twice, as an id sent twice is one row', async () => {
    const twice = await send(`${OTHER}\n${OTHER}\n`, first + 5 * HOUR);
    // the answer names both lines: each was refused
    expect(twice.errors.map((e) => e.line)).toEqual([1, 2]);
    const listed = await ingest.rejectedRows(principal.tenantId, 'signals', 100);
    expect(listed.map((r) => [r.line, r.raw, r.receivedAt.getTime()])).toEqual([
      [1, OTHER, first + 5 * HOUR],
      [2, BAD, first],
    ]);
    // its hour holds one refused line; both hours together two, BAD and OTHER
    const refused = async (from: number, to: number) =>
      (await linesIn(from, to)).map((s) => [s.stream, s.rejected]);
    expect(await refused(first + 5 * HOUR, first + 6 * HOUR)).toEqual([['signals', 1]]);
    expect(await refused(first - HOUR, first + 6 * HOUR)).toEqual([['signals', 2]]);
  });

  it('still takes the corrected line, and the refusals stay listed for the record', async () => {
    const answer = await send(`${FIXED}\n`, first + 6 * HOUR);
    expect([answer.accepted, answer.rejected]).toEqual([1, 0]);
    expect(await ingest.storedRows(principal.tenantId)).toContainEqual({
      stream: 'signals',
      rows: 2,
    });
    expect(await ingest.rejectedRows(principal.tenantId, 'signals', 100)).toHaveLength(2);
  });

  it("keeps distinct the lines an erased person's refusals left without text", async () => {
    const { erasure } = erasureOn(store, new MemoryDataVersions(), { blocklist });
    await erasure.erasePerson(principal.tenantId, 'p4', true, 'eraser-key');
    // two lines naming the erased person, refused without their text: two lines, not one
    const answer = await send(`${ERASED('e4')}\n${ERASED('e5')}\n`, first + 7 * HOUR);
    expect(answer.errors.map((e) => [e.line, e.message])).toEqual([
      [1, 'erased'],
      [2, 'erased'],
    ]);
    const listed = await ingest.rejectedRows(principal.tenantId, 'signals', 100);
    expect(listed.map((r) => [r.line, r.raw])).toEqual([
      [1, ''],
      [2, ''],
      [1, OTHER],
      [2, BAD],
    ]);
    const refused = await linesIn(first + 7 * HOUR, first + 8 * HOUR);
    expect(refused.map((s) => [s.stream, s.rejected])).toEqual([['signals', 2]]);
  });

  it("removes every copy of a person's refused line on their erasure", async () => {
    const { erasure } = erasureOn(store, new MemoryDataVersions(), { blocklist });
    // BAD names p2: its three copies are three stored rows, all gone
    const record = await erasure.erasePerson(principal.tenantId, 'p2', true, 'eraser-key');
    expect(record.rowsDeleted.rejected_events).toBe(3);
    const listed = await ingest.rejectedRows(principal.tenantId, 'signals', 100);
    expect(listed.map((r) => r.raw)).toEqual(['', '', OTHER]);
    expect(
      (await linesIn(first - HOUR, first + 8 * HOUR)).map((s) => [s.stream, s.rejected]),
    ).toEqual([['signals', 3]]);
  });

  it("is one refused line when a library's retry stamps its sent_at anew", async () => {
    // a signal's sent_at says how the copy travelled, not what it says: copies that differ only
    // there are one row when accepted (docs/design.md §5), and one line when refused
    const sent = (sentAt: string, type = '') =>
      `{"event_id":"e6","person_id":"p5",${type}"occurred_at":"2026-10-02T10:00:00Z","sent_at":"${sentAt}"}`;
    const at = first + 9 * HOUR;
    const answers = [
      await send(`${sent('2026-10-02T19:00:00Z')}\n`, at),
      await send(`${sent('2026-10-02T20:00:00.250Z')}\n`, at + HOUR),
    ];
    expect(answers.map((a) => a.errors.map((e) => e.field))).toEqual([['type'], ['type']]);
    const listed = await ingest.rejectedRows(principal.tenantId, 'signals', 100);
    expect(listed.filter((r) => r.raw.includes('"e6"')).map((r) => [r.raw, r.receivedAt])).toEqual([
      [sent('2026-10-02T19:00:00Z'), new Date(at)],
    ]);
    expect(
      (await linesIn(at, at + 2 * HOUR)).map((s) => [s.stream, s.accepted, s.rejected]),
    ).toEqual([['signals', 0, 1]]);
    // the corrected copy is stored
    const fixed = await send(`${sent('2026-10-02T21:00:00Z', '"type":"view",')}\n`, at + 2 * HOUR);
    expect([fixed.accepted, fixed.rejected]).toEqual([1, 0]);
  });
});
