import { beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { buildAssignmentRollup, LiftService, TimelineService } from '../measurement/index.js';
import { seedRows } from '../measurement/testing.js';
import { MemoryDataVersions } from '../storage/index.js';
import { storeForSuite } from '../storage/testing.js';
import type { ErasureService } from './erasure.service.js';
import { erasureOn } from './testing.js';

// A producer corrects a row by sending its id again with other contents, and the latest version
// is the row (docs/design.md §3). A row sent for one person and sent again for another is the
// other's: erasing that other person takes the row, not only their version of it, so the version
// the producer corrected away does not come back as the first person's.

type Row = Record<string, unknown>;

const at = '2026-10-02T10:00:00Z';
const signal = (personId: string): Row => ({
  event_id: 's-resent',
  person_id: personId,
  type: 'viewed',
  occurred_at: at,
});
const firing = (firingId: string, personId: string): Row => ({
  firing_id: firingId,
  trigger_id: 't1',
  person_id: personId,
  decided_at: at,
  arm: 'treatment',
});
const exposure = (firingId: string): Row => ({
  event_id: 'x-resent',
  firing_id: firingId,
  type: 'opened',
  occurred_at: '2026-10-02T10:05:00Z',
});
const outcome = (personId: string): Row => ({
  outcome_id: 'o-resent',
  person_id: personId,
  type: 'purchase',
  occurred_at: '2026-10-02T11:00:00Z',
  value: '10.00',
  currency: 'EUR',
});
const consent = (personId: string): Row => ({
  event_id: 'c-resent',
  person_id: personId,
  purpose: 'email',
  granted: true,
  occurred_at: '2026-10-02T09:00:00Z',
});

/** Every row of each stream of the tenant, every stored version: its id and whom it names. */
const STORED_SQL = `
  SELECT * FROM (
  SELECT 'signals' AS stream, event_id AS id, person_id AS who FROM signals WHERE tenant_id = {tenant:String}
  UNION ALL SELECT 'firings', firing_id, person_id FROM firings WHERE tenant_id = {tenant:String}
  UNION ALL SELECT 'exposures', event_id, firing_id FROM exposures WHERE tenant_id = {tenant:String}
  UNION ALL SELECT 'outcomes', outcome_id, person_id FROM outcomes WHERE tenant_id = {tenant:String}
  UNION ALL SELECT 'consent', event_id, person_id FROM consent WHERE tenant_id = {tenant:String})
  ORDER BY stream, id, who`;

describe('erasing the person a row was sent again for', () => {
  const store = storeForSuite();
  const versions = new MemoryDataVersions();
  let erasure: ErasureService;

  beforeAll(async () => {
    ({ erasure } = erasureOn(store, versions));
    // ann's and bob's own firings; then a row of each stream sent for ann (or, an exposure, for
    // ann's firing) and a minute later again for bob (the producer corrected its identity mapping)
    await seedRows(
      store.clickhouse,
      'resent',
      {
        signals: [signal('ann')],
        firings: [firing('f-ann', 'ann'), firing('f-bob', 'bob'), firing('f-resent', 'ann')],
        exposures: [exposure('f-ann')],
        outcomes: [outcome('ann')],
        consent: [consent('ann')],
      },
      Date.now() - 60_000,
    );
    await seedRows(store.clickhouse, 'resent', {
      signals: [signal('bob')],
      firings: [firing('f-resent', 'bob')],
      exposures: [exposure('f-bob')],
      outcomes: [outcome('bob')],
      consent: [consent('bob')],
    });
  });

  const stored = () =>
    store.clickhouse.query({
      tag: 'test.stored',
      sql: STORED_SQL,
      params: { tenant: 'resent' },
      row: z.object({ stream: z.string(), id: z.string(), who: z.string() }),
    });
  const timelineOfAnn = async () =>
    (
      await new TimelineService(store.clickhouse).personTimeline('resent', {
        personId: 'ann',
        limit: 100,
      })
    ).map((entry) => `${entry.kind} ${entry.id}`);

  it("takes the row whose latest version is the person's, and leaves the other person as they were", async () => {
    // before: each re-sent row is bob's, so ann's timeline holds her own firing alone
    expect(await timelineOfAnn()).toEqual(['firing f-ann']);
    const record = await erasure.erasePerson('resent', 'bob', true);
    // ann's own firing is all that is left: no row corrected away from her comes back as hers
    expect(await stored()).toEqual([{ stream: 'firings', id: 'f-ann', who: 'ann' }]);
    expect(await timelineOfAnn()).toEqual(['firing f-ann']);
    // counted: bob's firing and every version of the rows last sent for him (ann's older ones included)
    expect(record.rowsDeleted).toMatchObject({
      signals: 2,
      firings: 3,
      exposures: 2,
      outcomes: 2,
      consent: 2,
    });
  });

  it('takes the firing out of the assignment rollup where a build filed it under the person it was sent for first', async () => {
    // ann's firing f-moved (held out, before her own treated one), filed under her by a build of
    // the rollup, then sent again for bob
    const moved = (personId: string) => ({
      ...firing('f-moved', personId),
      decided_at: '2026-10-02T09:00:00Z',
      arm: 'holdout',
    });
    await seedRows(store.clickhouse, 'rolled', { firings: [firing('f-ann', 'ann'), moved('ann')] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await buildAssignmentRollup(store.clickhouse, { marginMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await seedRows(store.clickhouse, 'rolled', { firings: [moved('bob')] });
    const lift = new LiftService(store.clickhouse, store.config);
    const period = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-10-10T00:00:00Z') };
    const assigned = async () =>
      (await lift.report('rolled', period)).map((t) => [
        t.triggerId,
        t.treatment.persons,
        t.holdout.persons,
        t.contaminatedPersons,
      ]);
    // ann treated (f-ann), bob held out (f-moved, his now)
    expect(await assigned()).toEqual([['t1', 1, 1, 0]]);
    await erasure.erasePerson('rolled', 'bob', true);
    // f-moved is gone: ann is treated, neither held out nor seen in both arms
    expect(await assigned()).toEqual([['t1', 1, 0, 0]]);
  });

  it('takes a kept Segment message whose latest delivery names the person, every delivery of it', async () => {
    // an identify call kept unmapped, delivered for ann, then again (the same messageId) for bob
    const kept = (userId: string, at: string) => ({
      tenant_id: 'kept',
      message_id: 'm-resent',
      type: 'identify',
      event: '',
      person_id: userId,
      timestamp: at,
      received_at: at,
      raw: JSON.stringify({ type: 'identify', userId, messageId: 'm-resent' }),
      mapped_at: null,
      updated_at: at,
    });
    // each delivery written as it arrived, on its own
    for (const row of [
      kept('ann', '2026-10-02 10:00:00.000'),
      kept('bob', '2026-10-02 10:01:00.000'),
    ]) {
      await store.clickhouse.insert({ table: 'segment_unmapped', tag: 'test.kept', rows: [row] });
    }
    const record = await erasure.erasePerson('kept', 'bob', true);
    const left = await store.clickhouse.query({
      tag: 'test.kept_left',
      sql: `SELECT person_id FROM segment_unmapped WHERE tenant_id = 'kept'`,
      row: z.object({ person_id: z.string() }),
    });
    // the message was bob's: ann's earlier delivery does not come back as a message of hers
    expect(left).toEqual([]);
    expect(record.rowsDeleted.segment_unmapped).toBe(2);
  });
});
