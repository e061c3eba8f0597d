// The alert schedule goes on past a tenant whose evaluation fails: the tenants are found on the
// real embedded store, and the evaluation is one that fails for one tenant with the store's own
// refusal of a row (a CHECK constraint that refuses one person's signals, whose message names
// that person); the failed tenant is logged, with what failed and where but not the store's
// message, and tried again on the next pass.

import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { failureChain, type LoggedFailure } from '../../errors/index.js';
import { storeForSuite, type TemporaryStore } from '../../storage/testing.js';
import { toClickHouseTime } from '../../storage/index.js';
import { loggedErrorsForSuite, refusePerson, type LoggedError } from '../../testing/index.js';
import { AlertSchedule } from './alert-schedule.js';
import type { AlertsService } from './alerts.service.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The person whose signals the store refuses (see the suite's CHECK constraint). */
const PERSON = 'cust-4711';

/**
 * An evaluator that records whom it was asked for and fails for the tenants in `failing`, with
 * the store's refusal of a signal of PERSON.
 */
function evaluator(store: TemporaryStore, failing: Set<string>) {
  const asked: string[] = [];
  const alerts = {
    async evaluate(tenantId: string) {
      asked.push(tenantId);
      if (failing.has(tenantId)) {
        await store.clickhouse.insert({
          table: 'signals',
          tag: 'test.refused_signal',
          rows: [
            {
              tenant_id: tenantId,
              event_id: 'refused',
              person_id: PERSON,
              type: 'page_view',
              occurred_at: toClickHouseTime(Date.now()),
              received_at: toClickHouseTime(Date.now()),
            },
          ],
        });
      }
      return { asOf: new Date(), open: [], opened: [], resolved: [] };
    },
  };
  return { asked, alerts: alerts as unknown as AlertsService };
}

/** The tenant and the failure of each line logged, after checking that none names PERSON. */
function failedTenants(errors: LoggedError[]) {
  expect(JSON.stringify(errors)).not.toContain(PERSON);
  return errors.map(({ fields, text }) => {
    const { tenantId, err } = fields as { tenantId: string; err: LoggedFailure };
    const failures = failureChain(err);
    return {
      text,
      tenantId,
      failure: failures[0] && {
        type: failures[0].type,
        code: failures[0].code,
        tag: failures[0].tag,
      },
      engineError: failures.find((f) => f.engineError !== undefined)?.engineError,
    };
  });
}

/** The line logged for `tenantId`'s evaluation refused by the store. */
const refusedLine = (tenantId: string) => ({
  text: 'alert evaluation failed',
  tenantId,
  failure: { type: 'StorageException', code: 'STORAGE_QUERY_FAILED', tag: 'test.refused_signal' },
  engineError: 'VIOLATED_CONSTRAINT',
});

describe('the alert schedule when one tenant fails', () => {
  const store = storeForSuite();
  const errors = loggedErrorsForSuite();

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
    await refusePerson(store.clickhouse, 'signals', PERSON);
  });
  afterEach(() => {
    errors.length = 0;
  });

  it('evaluates the settled tenants after the one that fails, and that one on the next pass', async () => {
    const failing = new Set(['settled-b']);
    const { asked, alerts } = evaluator(store, failing);
    const schedule = new AlertSchedule(store.config, store.clickhouse, alerts);
    const now = Date.now();

    const first = await schedule.tick(now);
    expect([...first].sort()).toEqual(['settled-a', 'settled-c']);
    expect([...asked].sort()).toEqual(['settled-a', 'settled-b', 'settled-c']);
    expect(failedTenants(errors)).toEqual([refusedLine('settled-b')]);

    // the failed tenant's data is still unseen: the next pass tries it, and only it
    failing.clear();
    asked.length = 0;
    expect(await schedule.tick(now + MINUTE)).toEqual(['settled-b']);
    expect(asked).toEqual(['settled-b']);
  });

  it('evaluates the hourly tenants after the one that fails', async () => {
    const { asked, alerts } = evaluator(store, new Set(['hourly-y']));
    const schedule = new AlertSchedule(store.config, store.clickhouse, alerts);
    // three hours on: nothing arrived in the last two, and the hourly run is due
    const later = Date.now() + 3 * HOUR;

    expect(await schedule.tick(later)).toEqual(['hourly-x', 'hourly-z']);
    expect(asked).toEqual(['hourly-x', 'hourly-y', 'hourly-z']);
    expect(failedTenants(errors)).toEqual([refusedLine('hourly-y')]);
  });

  it('evaluates hourly a tenant whose digest failed, though it fired nothing', async () => {
    const { asked, alerts } = evaluator(store, new Set());
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

  it('evaluates a producer whose every line was refused, once its lines settle and hourly', async () => {
    // 500 refused lines and no row stored: REJECTED_ROWS is this tenant's alert, which needs
    // its tenant evaluated
    const { asked, alerts } = evaluator(store, new Set());
    const schedule = new AlertSchedule(store.config, store.clickhouse, alerts);
    const now = Date.now();
    await store.clickhouse.insert({
      table: 'rejected_events',
      tag: 'test.rejected_events',
      rows: Array.from({ length: 500 }, (_, i) => ({
        tenant_id: 'refused-only',
        stream: 'signals',
        request_id: 'r1',
        line: i + 1,
        field: 'occurred_at',
        reason: 'not a time',
        raw: '{}',
        received_at: toClickHouseTime(now - 10 * MINUTE),
      })),
    });
    expect(await schedule.tick(now)).toContain('refused-only');
    asked.length = 0;
    expect(await schedule.tick(now + 3 * HOUR)).toContain('refused-only');
    expect(asked).toContain('refused-only');
  });
});
