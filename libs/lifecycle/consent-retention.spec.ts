import { beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { loadConfig } from '../config/index.js';
import { ConsentAuditService } from '../measurement/index.js';
import { fixtureRows, seedRows } from '../measurement/testing.js';
import { MemoryDataVersions } from '../storage/index.js';
import { storeForSuite } from '../storage/testing.js';
import { ConsentRetention } from './consent-retention.js';
import { applyRetention } from './retention.js';

const DAY = 86_400_000;
const now = Date.now();
const daysAgo = (days: number) => new Date(now - days * DAY).toISOString();
const { trigger, firing, consent } = fixtureRows(daysAgo);

/**
 * RETENTION_DAYS_CONSENT = 30. Expected by hand from docs/design.md §3 (the state at t is the
 * latest event at or before t; none = not granted):
 * - p1: a grant 100 days old, still in force. Its firing 10 days ago is compliant: the grant stays,
 *   though older than the days.
 * - p2: grant (100 d), revocation (60 d), grant (20 d). The firing 40 days ago is under the
 *   revocation (non-compliant, sync lag 20 days); the one 10 days ago is granted. Of the events
 *   older than 30 days only the revocation decides anything from the horizon on: the first grant
 *   goes.
 * - p3: event e3 sent at 5 days ago as a revocation, then corrected (a later arrival) to 50 days
 *   ago, and a grant 40 days ago. As stored, e3 is 50 days old and the grant replaces it: e3 goes,
 *   both its versions (the first, 5 days old, would otherwise become the event again and revoke).
 *   The firing 3 days ago is compliant.
 * - Tenant `other`: two grants of one person (100 and 90 days): the older goes. Tenant `quiet`
 *   has only a recent event: nothing of it goes and its data version stays.
 */
const triggers = [trigger('tM', 'push', { consent_purpose: 'marketing' })];
const firings = [
  firing('f1', 'tM', 'p1', 10),
  firing('f2a', 'tM', 'p2', 40),
  firing('f2b', 'tM', 'p2', 10),
  firing('f3', 'tM', 'p3', 3),
];
const acmeConsent = [
  consent('g1', 'p1', 'marketing', true, 100),
  consent('g2a', 'p2', 'marketing', true, 100),
  consent('r2', 'p2', 'marketing', false, 60),
  consent('g2b', 'p2', 'marketing', true, 20),
  consent('g3', 'p3', 'marketing', true, 40),
];

describe('RETENTION_DAYS_CONSENT keeps the consent event in force', () => {
  const store = storeForSuite();
  const versions = new MemoryDataVersions();
  let retention: ConsentRetention;

  beforeAll(async () => {
    const { clickhouse } = store;
    await seedRows(clickhouse, 'acme', { triggers, firings, consent: acmeConsent });
    await seedRows(
      clickhouse,
      'acme',
      { consent: [consent('e3', 'p3', 'marketing', false, 5)] },
      now - 60_000,
    );
    await seedRows(
      clickhouse,
      'acme',
      { consent: [consent('e3', 'p3', 'marketing', false, 50)] },
      now,
    );
    await seedRows(clickhouse, 'other', {
      consent: [
        consent('o1', 'q1', 'marketing', true, 100),
        consent('o2', 'q1', 'marketing', true, 90),
      ],
    });
    await seedRows(clickhouse, 'quiet', { consent: [consent('n1', 'q2', 'marketing', true, 1)] });
    retention = new ConsentRetention(
      loadConfig({ CAUSEWAY_DATA_DIR: store.dataDir, RETENTION_DAYS_CONSENT: '30' }),
      clickhouse,
      versions,
    );
  });

  const stored = async (tenantId: string, final: boolean) =>
    (
      await store.clickhouse.query({
        tag: 'test.consent_ids',
        sql: `SELECT event_id AS id FROM consent ${final ? 'FINAL' : ''}
              WHERE tenant_id = {tenantId:String} ORDER BY id`,
        params: { tenantId },
        row: z.object({ id: z.string() }),
      })
    ).map((r) => r.id);

  const audit = () =>
    new ConsentAuditService(store.clickhouse).audit('acme', {
      from: new Date(now - 45 * DAY),
      to: new Date(now),
    });

  it('is no TTL: one an earlier release set on consent is removed at start', async () => {
    await store.clickhouse.command(
      'test.ttl',
      `ALTER TABLE consent MODIFY TTL toDateTime(occurred_at) + INTERVAL 30 DAY
       SETTINGS materialize_ttl_after_modify = 0`,
    );
    const config = loadConfig({ CAUSEWAY_DATA_DIR: store.dataDir, RETENTION_DAYS_CONSENT: '30' });
    expect(await applyRetention(store.clickhouse, config)).toEqual({ consent: null });
    expect(await applyRetention(store.clickhouse, config)).toEqual({});
    // nothing left yet: the TTL was removed before any merge applied it
    expect(await stored('acme', true)).toEqual(['e3', 'g1', 'g2a', 'g2b', 'g3', 'r2']);
  });

  it('removes the events replaced before the horizon, every version, and keeps the one in force', async () => {
    const before = await audit();
    expect(before.sentFirings).toBe(4);
    expect(before.nonCompliantActivations).toBe(1);
    expect(before.syncLagP50Ms).toBe(20 * DAY);

    expect(await retention.sweep()).toBe(3);
    expect(await stored('acme', false)).toEqual(['g1', 'g2b', 'g3', 'r2']);
    expect(await stored('other', false)).toEqual(['o2']);
    expect(await stored('quiet', false)).toEqual(['n1']);

    // every state from the horizon on is the one before: the same audit
    const after = await audit();
    expect(after.sentFirings).toBe(4);
    expect(after.nonCompliantActivations).toBe(1);
    expect(after.byTrigger.map((t) => [t.triggerId, t.sentFirings, t.nonCompliant])).toEqual([
      ['tM', 4, 1],
    ]);
    expect(after.syncLagP50Ms).toBe(20 * DAY);
  });

  it('moves the data version of the tenants it removed from, and only theirs; again, it finds nothing', async () => {
    expect(await versions.current('acme')).toBe(1);
    expect(await versions.current('other')).toBe(1);
    expect(await versions.current('quiet')).toBe(0);
    expect(await retention.sweep()).toBe(0);
    expect(await versions.current('acme')).toBe(1);
  });

  it('removes nothing when the variable is unset', async () => {
    await seedRows(store.clickhouse, 'unset', {
      consent: [
        consent('u1', 'q3', 'marketing', true, 100),
        consent('u2', 'q3', 'marketing', true, 90),
      ],
    });
    const unset = new ConsentRetention(
      loadConfig({ CAUSEWAY_DATA_DIR: store.dataDir }),
      store.clickhouse,
      versions,
    );
    expect(await unset.sweep()).toBe(0);
    expect(await stored('unset', true)).toEqual(['u1', 'u2']);
  });
});
