import { beforeAll, describe, expect, it } from '@jest/globals';
import { Scope } from '../../auth/index.js';
import { IngestService } from '../../ingest/index.js';
import { compileIngestModule } from '../../ingest/module.testing.js';
import { PersonBlocklist } from '../../lifecycle/index.js';
import { EventMappingsRepository } from '../../segment/event-mappings.repository.js';
import { KeptMessagesRepository } from '../../segment/kept-messages.repository.js';
import { checkRule } from '../../segment/mapping.js';
import { SegmentService } from '../../segment/segment.service.js';
import { toClickHouseTime } from '../../storage/index.js';
import { storeForSuite } from '../../storage/testing.js';
import { queryStreamLines } from './stream-lines.query.js';

// A Segment library retries a call it was not sure of, stamping its sentAt anew, and Segment's
// replays carry the messages again: a message refused once is one line refused, as a message
// stored once is one row (DESIGN §5, §11: each messageId once).

const HOUR = 3_600_000;
const first = Date.UTC(2026, 9, 7, 12, 0, 0);

/** An order whose revenue is no amount: mapped to outcomes, refused there. */
const badOrder = (sentAt: string) => ({
  type: 'track',
  messageId: 'order-1',
  userId: 'u1',
  event: 'Order Completed',
  properties: { revenue: 'a lot' },
  timestamp: '2026-10-07T11:59:00Z',
  sentAt,
});

/** A message no rule maps, stamped in 1970 by the device and sent now: it lands in no stored year. */
const epochPage = (sentAt: string) => ({
  type: 'page',
  messageId: 'page-1',
  userId: 'u1',
  name: 'Home',
  timestamp: '1970-01-01T00:00:00Z',
  sentAt,
});

const goodOrder = {
  type: 'track',
  messageId: 'order-2',
  userId: 'u1',
  event: 'Order Completed',
  properties: { revenue: '19.99' },
  timestamp: '2026-10-07T11:59:00Z',
};

describe('a refused Segment message sent again', () => {
  const store = storeForSuite();
  let ingest: IngestService;
  let segment: SegmentService;
  const principal = { keyId: 'k', tenantId: 'segment-retrying', scopes: [Scope.INGEST] };

  beforeAll(async () => {
    const module = await compileIngestModule(store);
    ingest = module.get(IngestService);
    const mappings = new EventMappingsRepository(store.clickhouse);
    await mappings.define(
      principal.tenantId,
      checkRule({
        event: 'Order Completed',
        stream: 'outcomes',
        type: 'purchase',
        valueProperty: 'revenue',
      }),
    );
    segment = new SegmentService(
      ingest,
      mappings,
      new KeptMessagesRepository(store.clickhouse),
      module.get(PersonBlocklist),
    );
  });

  const refusedIn = async (from: number, to: number) =>
    (
      await queryStreamLines(store.clickhouse, {
        tenantId: principal.tenantId,
        from: toClickHouseTime(from),
        to: toClickHouseTime(to),
      })
    ).map((s) => [s.stream, s.accepted, s.rejected]);

  it('is listed and counted once, as its first copy, when a retry stamps it anew', async () => {
    const call = await segment.receive(
      principal,
      'batch',
      { batch: [badOrder('2026-10-07T11:59:30Z'), epochPage('2026-10-07T11:59:30Z'), goodOrder] },
      first,
    );
    expect([call.mapped, call.kept, call.rejected]).toEqual([1, 0, 2]);
    // two hours on, the library sends the two it was unsure of again, in another order, with a
    // new sentAt (this time 1.75 s in transit, not 30 s): the order's time corrected for skew is
    // another text, the page's JSON too
    const resent = '2026-10-07T13:59:58.250Z';
    const retry = await segment.receive(
      principal,
      'batch',
      { batch: [epochPage(resent), badOrder(resent)] },
      first + 2 * HOUR,
    );
    expect(retry.errors.map((e) => [e.item, e.field])).toEqual([
      [0, 'timestamp'],
      [1, 'outcomes.value'],
    ]);

    const listed = await ingest.rejectedRows(principal.tenantId, undefined, 100);
    // each once, as first sent: the page at item 2 of the first call, the order at item 1
    const byStream = listed.sort((a, b) => a.stream.localeCompare(b.stream));
    expect(byStream.map((r) => [r.stream, r.line, r.receivedAt.getTime()])).toEqual([
      ['outcomes', 1, first],
      ['segment', 2, first],
    ]);
    // REJECTED_ROWS: one refused line each, in the hour of the first call; none in the retry's
    expect(await refusedIn(first - HOUR, first + 3 * HOUR)).toEqual([
      ['outcomes', 1, 1],
      ['segment', 0, 1],
    ]);
    expect(await refusedIn(first + HOUR, first + 3 * HOUR)).toEqual([]);
  });

  it('still stores the corrected message', async () => {
    const fixed = { ...badOrder('2026-10-07T15:59:30Z'), properties: { revenue: '5.00' } };
    const call = await segment.receive(principal, 'track', fixed, first + 4 * HOUR);
    expect([call.mapped, call.rejected]).toEqual([1, 0]);
    expect(await ingest.storedRows(principal.tenantId)).toContainEqual({
      stream: 'outcomes',
      rows: 2,
    });
    expect(await ingest.rejectedRows(principal.tenantId, 'outcomes', 100)).toHaveLength(1);
  });

  it('counts a kept message sent again once, in the hour of its latest copy, merged or not', async () => {
    const visit = { type: 'identify', messageId: 'who-1', userId: 'u2', traits: { plan: 'free' } };
    const at = first + 6 * HOUR;
    for (const receivedAt of [at, at + 2 * HOUR]) {
      const call = await segment.receive(principal, 'identify', visit, receivedAt);
      expect([call.kept, call.rejected]).toEqual([1, 0]);
    }
    const keptIn = () =>
      Promise.all([at, at + HOUR, at + 2 * HOUR].map((hour) => refusedIn(hour, hour + HOUR)));
    const before = await keptIn();
    await store.clickhouse.command('test.merge', 'OPTIMIZE TABLE segment_unmapped FINAL');
    // one message kept, in the hour of its latest copy (the one unmappedEvents reads), as a
    // stream's id is: the hour of the first copy reads the same before the merge as after
    const expected = [[], [], [['segment', 1, 0]]];
    expect([before, await keptIn()]).toEqual([expected, expected]);
  });
});
