import { beforeAll, describe, expect, it } from '@jest/globals';
import { Scope } from '../auth/index.js';
import { IngestService } from '../ingest/index.js';
import { compileIngestModule } from '../ingest/module.testing.js';
import { PersonBlocklist } from '../lifecycle/index.js';
import { storeForSuite } from '../storage/testing.js';
import { EventMappingsRepository } from './event-mappings.repository.js';
import { KeptMessagesRepository } from './kept-messages.repository.js';
import { SegmentService } from './segment.service.js';

// A message no rule maps is kept once by its messageId (docs/design.md §11), and a library's retry
// or a replay delivers it again later: unmappedEvents says when the first of the kept messages
// arrived, which is the first delivery of that message, before the engine merges the copies as
// after.

const HOUR = 3_600_000;
const first = Date.UTC(2026, 9, 7, 12, 0, 0);

/** A page call, which no rule maps, sent at `sentAt`. */
const page = (messageId: string, sentAt: string) => ({
  type: 'page',
  messageId,
  userId: 'u1',
  name: 'Pricing',
  timestamp: '2026-10-07T11:59:00Z',
  sentAt,
});

describe('a kept Segment message delivered again', () => {
  const store = storeForSuite();
  const principal = { keyId: 'k', tenantId: 'segment-kept-again', scopes: [Scope.INGEST] };
  let segment: SegmentService;
  let kept: KeptMessagesRepository;

  beforeAll(async () => {
    const module = await compileIngestModule(store);
    kept = new KeptMessagesRepository(store.clickhouse);
    segment = new SegmentService(
      module.get(IngestService),
      new EventMappingsRepository(store.clickhouse),
      kept,
      module.get(PersonBlocklist),
    );
  });

  it('counts once, first received at its first delivery and last at the latest', async () => {
    // p1 at 12:00, again two hours later (a replay); p2 first at 13:00
    const call = await segment.receive(
      principal,
      'batch',
      { batch: [page('p1', '2026-10-07T11:59:30Z')] },
      first,
    );
    expect(call.kept).toBe(1);
    await segment.receive(principal, 'page', page('p2', '2026-10-07T12:59:30Z'), first + HOUR);
    await segment.receive(principal, 'page', page('p1', '2026-10-07T13:59:30Z'), first + 2 * HOUR);

    const expected = [
      {
        type: 'page',
        event: 'Pricing',
        messages: 2,
        firstReceivedAt: new Date(first),
        lastReceivedAt: new Date(first + 2 * HOUR),
      },
    ];
    expect(await kept.counts(principal.tenantId)).toEqual(expected);
    // the copies merged: the same answer
    await store.clickhouse.command('test.merge_kept', 'OPTIMIZE TABLE segment_unmapped FINAL', {});
    expect(await kept.counts(principal.tenantId)).toEqual(expected);
  });
});
