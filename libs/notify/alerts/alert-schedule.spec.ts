// The alert schedule goes on past a tenant whose evaluation fails: the tenants are found on the
// real embedded store, and the evaluation is one that throws for one tenant as a query deadline
// would; the failed tenant is logged and tried again on the next pass.

import { afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { storeForSuite } from '../../storage/testing.js';
import { toClickHouseTime } from '../../storage/index.js';
import { AlertSchedule } from './alert-schedule.js';
import type { AlertsService } from './alerts.service.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** An evaluator that records whom it was asked for and fails for the tenants in `failing`. */
function evaluator(failing: Set<string>) {
  const asked: string[] = [];
  const alerts = {
    evaluate(tenantId: string) {
      asked.push(tenantId);
      return failing.has(tenantId)
        ? Promise.reject(new Error('Timeout exceeded: elapsed 30 seconds'))
        : Promise.resolve({ asOf: new Date(), open: [], opened: [], resolved: [] });
    },
  };
  return { asked, alerts: alerts as unknown as AlertsService };
}

describe('the alert schedule when one tenant fails', () => {
  const store = storeForSuite();
  const errors: string[] = [];

  beforeAll(async () => {
    const now = Date.now();
    // signals received 10 minutes ago: settled tenants for a pass now
    await store.clickhouse.insert({
      table: 'signals',
      tag: 'test.signals',
      rows: ['settled-a', 'settled-b', 'settled-c'].map((tenant) => ({
        tenant_id: tenant,
        event_id: `e-${tenant}`,
        person_id: 'p',
        type: 'page_view',
        occurred_at: toClickHouseTime(now - 11 * MINUTE),
        received_at: toClickHouseTime(now - 10 * MINUTE),
      })),
    });
    // firings decided a day ago, received three hours ago (settled long since): the tenants of
    // an hourly run only
    await store.clickhouse.insert({
      table: 'firings',
      tag: 'test.firings',
      rows: ['hourly-x', 'hourly-y', 'hourly-z'].map((tenant) => ({
        tenant_id: tenant,
        firing_id: `f-${tenant}`,
        trigger_id: 't',
        person_id: 'p',
        decided_at: toClickHouseTime(now - 24 * HOUR),
        arm: 'treatment',
        received_at: toClickHouseTime(now - 3 * HOUR),
      })),
    });
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      errors.push(String(message));
    });
  });
  afterEach(() => {
    errors.length = 0;
  });

  it('evaluates the settled tenants after the one that fails, and that one on the next pass', async () => {
    const failing = new Set(['settled-b']);
    const { asked, alerts } = evaluator(failing);
    const schedule = new AlertSchedule(store.config, store.clickhouse, alerts);
    const now = Date.now();

    const first = await schedule.tick(now);
    expect([...first].sort()).toEqual(['settled-a', 'settled-c']);
    expect([...asked].sort()).toEqual(['settled-a', 'settled-b', 'settled-c']);
    expect(errors).toEqual([
      'alert evaluation of tenant settled-b failed: Timeout exceeded: elapsed 30 seconds',
    ]);

    // the failed tenant's data is still unseen: the next pass tries it, and only it
    failing.clear();
    asked.length = 0;
    expect(await schedule.tick(now + MINUTE)).toEqual(['settled-b']);
    expect(asked).toEqual(['settled-b']);
  });

  it('evaluates the hourly tenants after the one that fails', async () => {
    const { asked, alerts } = evaluator(new Set(['hourly-y']));
    const schedule = new AlertSchedule(store.config, store.clickhouse, alerts);
    // three hours on: nothing arrived in the last two, and the hourly run is due
    const later = Date.now() + 3 * HOUR;

    expect(await schedule.tick(later)).toEqual(['hourly-x', 'hourly-z']);
    expect(asked).toEqual(['hourly-x', 'hourly-y', 'hourly-z']);
    expect(errors).toEqual([
      'alert evaluation of tenant hourly-y failed: Timeout exceeded: elapsed 30 seconds',
    ]);
  });

  it('evaluates hourly a tenant whose digest failed, though it fired nothing', async () => {
    const { asked, alerts } = evaluator(new Set());
    const schedule = new AlertSchedule(store.config, store.clickhouse, alerts);
    const later = Date.now() + 3 * HOUR;
    await store.clickhouse.insert({
      table: 'digest_attempts',
      tag: 'test.digest_attempts',
      rows: [
        {
          tenant_id: 'hourly-w',
          attempted_at: toClickHouseTime(later - 2 * HOUR),
          sent: false,
          error: 'connect ECONNREFUSED 10.0.0.5:587',
        },
        // a digest that went out is no reason to look at its tenant
        { tenant_id: 'hourly-v', attempted_at: toClickHouseTime(later - 2 * HOUR), sent: true },
      ],
    });

    expect(await schedule.tick(later)).toEqual(['hourly-w', 'hourly-x', 'hourly-y', 'hourly-z']);
    expect(asked).toEqual(['hourly-w', 'hourly-x', 'hourly-y', 'hourly-z']);
  });
});
