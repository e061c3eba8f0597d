import { beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { storeForSuite } from '../storage/testing.js';
import { seedRows } from '../measurement/testing.js';
import { TriggerStatus } from './dto/trigger-status.enum.js';
import type { TriggerInput } from './dto/trigger.input.js';
import { TRIGGER_VERSIONS_CTE } from './trigger-versions.sql.js';
import { TriggersErrorCode, TriggersException } from './triggers.exception.js';
import { TriggersRepository } from './triggers.repository.js';
import { TriggersService } from './triggers.service.js';

const DAY = 86_400_000;

/** A definition with all six definitions present. */
const ready: TriggerInput = {
  triggerId: 'cart-email',
  name: 'Cart email',
  channel: 'email',
  surface: 'inbox',
  audience: 'subscribers',
  signalTypes: ['cart_abandoned'],
  windowMs: 4 * 3_600_000,
  successTypes: ['purchase'],
  guardrailTypes: ['unsubscribe'],
  holdoutPct: 0.1,
  frequencyCap: { max: 1, perMs: DAY },
  suppression: { convertedLookbackMs: DAY },
  consentPurpose: 'email_marketing',
};

async function refusal(promise: Promise<unknown>): Promise<TriggersException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TriggersException) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a TriggersException');
}

describe('TriggersService on the embedded engine', () => {
  const store = storeForSuite();
  let service: TriggersService;

  beforeAll(() => {
    service = new TriggersService(new TriggersRepository(store.clickhouse), store.config);
  });

  it('accepts a draft that lacks definitions, window and success types included', async () => {
    const draft = await service.define('tenant-a', {
      triggerId: 'birthday',
      name: 'Birthday email',
      channel: 'email',
    });
    expect(draft).toMatchObject({
      triggerId: 'birthday',
      version: 1,
      status: 'draft',
      windowMs: null,
      successTypes: [],
      conversionWindowMs: 7 * DAY,
      ready: false,
      missing: ['signal', 'audience', 'surface', 'window', 'suppression', 'success'],
    });
    expect(await service.list('tenant-a')).toEqual([draft]);
  });

  it('refuses live until ready, naming what is missing, and stores nothing then', async () => {
    const error = await refusal(
      service.define('tenant-a', {
        ...ready,
        triggerId: 'birthday',
        audience: null,
        suppression: null,
        status: TriggerStatus.LIVE,
      }),
    );
    expect(error.code).toBe(TriggersErrorCode.NotReady);
    expect(error.message).toBe(
      'trigger birthday cannot go live: it lacks audience, suppression (define them, or save it as a draft)',
    );
    expect(error.getStatus()).toBe(400);
    expect((await service.versions('tenant-a', 'birthday')).map((t) => t.version)).toEqual([1]);
  });

  it('numbers versions: one more than the highest unless given; all are kept', async () => {
    const second = await service.define('tenant-a', {
      ...ready,
      triggerId: 'birthday',
      status: TriggerStatus.LIVE,
    });
    expect(second).toMatchObject({ version: 2, status: 'live', ready: true, missing: [] });
    const tenth = await service.define('tenant-a', {
      ...ready,
      triggerId: 'birthday',
      version: 10,
      windowMs: DAY,
      status: TriggerStatus.PAUSED,
    });
    expect(tenth).toMatchObject({ version: 10, windowMs: DAY, status: 'paused' });
    const eleventh = await service.define('tenant-a', { ...ready, triggerId: 'birthday' });
    expect(eleventh.version).toBe(11);
    expect((await service.versions('tenant-a', 'birthday')).map((t) => t.version)).toEqual([
      11, 10, 2, 1,
    ]);
    // the triggers query shows the newest version of each
    expect((await service.list('tenant-a')).map((t) => [t.triggerId, t.version])).toEqual([
      ['birthday', 11],
    ]);
    // another tenant's numbering is its own
    expect((await service.define('tenant-b', ready)).version).toBe(1);
  });

  it('gives concurrent definitions of one trigger distinct versions', async () => {
    const defined = await Promise.all(
      [1, 2, 3].map(() => service.define('tenant-c', { ...ready, triggerId: 'burst' })),
    );
    expect(defined.map((t) => t.version).sort()).toEqual([1, 2, 3]);
  });

  it('applies the field rules of the triggers stream, named as in the input', async () => {
    const cases: [Partial<TriggerInput>, string][] = [
      [{ holdoutPct: 1.5 }, 'holdoutPct: expected a number from 0 to 1'],
      [{ windowMs: 1.5 }, 'windowMs: expected a non-negative integer'],
      [{ name: ' ' }, 'name: must not be empty'],
      [{ version: 0 }, 'version: expected an integer from 1 to 4294967295'],
      [{ frequencyCap: { max: 1, perMs: 0 } }, 'frequencyCap.perMs: expected a positive integer'],
      [{ signalTypes: ['view', ''] }, 'signalTypes.1: must not be empty'],
      // checked before the store is asked for the next version
      [{ triggerId: '' }, 'triggerId: must not be empty'],
    ];
    for (const [change, message] of cases) {
      const error = await refusal(service.define('tenant-d', { ...ready, ...change }));
      expect([error.code, error.message]).toEqual([TriggersErrorCode.InvalidDefinition, message]);
    }
    expect(await service.list('tenant-d')).toEqual([]);
    const versions = await refusal(service.versions('tenant-d', ''));
    expect([versions.code, versions.message]).toEqual([
      TriggersErrorCode.InvalidDefinition,
      'triggerId must not be empty',
    ]);
  });

  it('resolves each firing to the version it names, else the newest', async () => {
    await seedRows(store.clickhouse, 'tenant-e', {
      triggers: [
        { ...stream('t', 1), window_ms: 1_000 },
        { ...stream('t', 2), window_ms: 2_000, success_types: [] },
        { ...stream('u', 1), window_ms: 0 },
      ],
    });
    const rows = await store.clickhouse.query({
      tag: 'test.trigger_versions',
      sql: `WITH ${TRIGGER_VERSIONS_CTE},
              fired AS (
                SELECT arrayJoin([('t', 0), ('t', 1), ('t', 2), ('t', 7), ('u', 0), ('x', 1)]) AS f
              )
            SELECT f.1 AS trigger_id, f.2 AS trigger_version,
                   if(named.trigger_id != '', named.version, newest.version) AS version,
                   if(named.trigger_id != '', named.window_ms, newest.window_ms) AS window_ms,
                   if(named.trigger_id != '', named.success_types, newest.success_types) AS success_types
            FROM fired
            LEFT JOIN trigger_versions AS named
              ON named.trigger_id = f.1 AND named.named_version = f.2
            LEFT JOIN trigger_versions AS newest
              ON newest.trigger_id = f.1 AND newest.named_version = 0
            ORDER BY trigger_id, trigger_version`,
      params: { tenantId: 'tenant-e' },
      row: z.object({
        trigger_id: z.string(),
        trigger_version: z.number(),
        version: z.number(),
        window_ms: z.number().nullable(),
        success_types: z.array(z.string()),
      }),
      settings: { join_use_nulls: 0 },
    });
    const defaults = ['conversion', 'purchase', 'signup'];
    expect(rows).toEqual([
      // 0 = not stated: the newest (2)
      {
        trigger_id: 't',
        trigger_version: 0,
        version: 2,
        window_ms: 2_000,
        success_types: defaults,
      },
      { trigger_id: 't', trigger_version: 1, version: 1, window_ms: 1_000, success_types: ['buy'] },
      {
        trigger_id: 't',
        trigger_version: 2,
        version: 2,
        window_ms: 2_000,
        success_types: defaults,
      },
      // a version that was never stored: the newest
      {
        trigger_id: 't',
        trigger_version: 7,
        version: 2,
        window_ms: 2_000,
        success_types: defaults,
      },
      // a window of 0 is no window
      { trigger_id: 'u', trigger_version: 0, version: 1, window_ms: null, success_types: ['buy'] },
      // never defined: neither side matches
      { trigger_id: 'x', trigger_version: 1, version: 0, window_ms: null, success_types: [] },
    ]);
  });
});

function stream(triggerId: string, version: number) {
  return {
    trigger_id: triggerId,
    version,
    name: triggerId,
    channel: 'push',
    signal_types: ['s'],
    window_ms: 1,
    success_types: ['buy'],
  };
}
