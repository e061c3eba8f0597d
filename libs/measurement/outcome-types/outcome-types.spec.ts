import { beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { AuditLogService } from '../../audit/index.js';
import { StoreDataVersions } from '../../storage/index.js';
import { storeForSuite } from '../../storage/testing.js';
import { fixtureRows, seedRows } from '../common/testing.js';
import { GuardrailsService } from '../guardrails/guardrails.service.js';
import { OverTimeService } from '../over-time/over-time.service.js';
import { TrendFacts } from '../over-time/trend-facts.js';
import { PressureService } from '../pressure/pressure.service.js';
import { TimelineService } from '../timeline/timeline.service.js';
import { fieldSignature, schemaOf, undocumentedParts } from '../../testing/index.js';
import { GuardrailClass } from './models/outcome-type.model.js';
import { OutcomeTypesResolver } from './outcome-types.resolver.js';
import { OutcomeTypesService } from './outcome-types.service.js';

const at = (iso: string) => `2026-${iso}Z`;
const { trigger, firing, outcome } = fixtureRows(at);
const october = { from: new Date(at('10-01T00:00:00')), to: new Date(at('11-01T00:00:00')) };

// Two sent firings (p1, p2) and two held out (p3, p4) of one trigger on 10-02. The tenant's own
// harm types: p1 and p3 "mute" the channel within the conversion window (7 days), p2's order B is
// "exchanged" 3 days after it was placed (within regret's 30 days). Built in, none of these counts.
describe('outcome types a tenant adds to the harm classes', () => {
  const store = storeForSuite();
  let types: OutcomeTypesService;
  let facts: TrendFacts;
  let overTime: OverTimeService;

  const guardrails = async (tenantId: string) => {
    const rows = await new GuardrailsService(store.clickhouse).report(
      tenantId,
      october.from,
      october.to,
    );
    const of = (c: string) => rows.find((r) => r.outcomeClass === c);
    return {
      overwhelm: [of('overwhelm')?.treatment.conversions, of('overwhelm')?.holdout.conversions],
      regret: [of('regret')?.treatment.persons, of('regret')?.treatment.conversions],
    };
  };
  const overwhelmedFirings = async (tenantId: string) => {
    const report = await new PressureService(store.clickhouse, facts).report(tenantId, october);
    return report.doseResponse.reduce((sum, bucket) => sum + bucket.overwhelmed, 0);
  };
  const trendOverwhelmed = async (tenantId: string) =>
    (await overTime.triggerTrend(tenantId, october)).reduce((sum, p) => sum + p.overwhelmed, 0);
  const viewOverwhelmed = async (tenantId: string) => {
    const [row] = await store.clickhouse.query({
      tag: 'test.bi_trigger_trend',
      sql: `SELECT sum(overwhelmed_firings) AS overwhelmed
            FROM bi_trigger_trend WHERE tenant_id = {tenantId:String}`,
      params: { tenantId },
      row: z.object({ overwhelmed: z.coerce.number() }),
    });
    return row?.overwhelmed;
  };
  const timelineClass = async (tenantId: string, personId: string) =>
    (await new TimelineService(store.clickhouse).personTimeline(tenantId, { personId }))
      .filter((e) => e.kind === 'outcome')
      .map((e) => [e.type, e.detail?.class]);

  beforeAll(async () => {
    const versions = new StoreDataVersions(store.clickhouse);
    types = new OutcomeTypesService(
      store.clickhouse,
      versions,
      new AuditLogService(store.clickhouse),
    );
    facts = new TrendFacts(store.clickhouse, versions, store.config);
    overTime = new OverTimeService(store.clickhouse, store.config, facts);
    for (const tenantId of ['tenant-a', 'tenant-b']) {
      await seedRows(store.clickhouse, tenantId, {
        triggers: [trigger('t1', 'email')],
        firings: [
          firing('f1', 't1', 'p1', '10-02T00:00:00'),
          firing('f2', 't1', 'p2', '10-02T00:00:00'),
          firing('f3', 't1', 'p3', '10-02T00:00:00', { arm: 'holdout' }),
          firing('f4', 't1', 'p4', '10-02T00:00:00', { arm: 'holdout' }),
        ],
        outcomes: [
          outcome('m1', 'p1', 'mute', '10-03T00:00:00'),
          outcome('m3', 'p3', 'mute', '10-04T00:00:00'),
          outcome('oB', 'p2', 'purchase', '10-03T00:00:00', { order_id: 'B', value: 10 }),
          outcome('xB', 'p2', 'exchange', '10-06T00:00:00', { order_id: 'B' }),
        ],
      });
    }
  });

  it('counts none of them before the tenant adds them', async () => {
    expect(await guardrails('tenant-a')).toEqual({ overwhelm: [0, 0], regret: [1, 0] });
    expect(await overwhelmedFirings('tenant-a')).toBe(0);
    expect(await trendOverwhelmed('tenant-a')).toBe(0);
    expect(await viewOverwhelmed('tenant-a')).toBe(0);
    expect(await timelineClass('tenant-a', 'p1')).toEqual([['mute', 'other']]);
  });

  it('counts them in every harm measure once added, for that tenant only', async () => {
    // a build of the trend facts made before the types were added must not answer after
    await facts.build('tenant-a');
    expect(await trendOverwhelmed('tenant-a')).toBe(0);

    await types.define('tenant-a', 'mute', GuardrailClass.OVERWHELM);
    await types.define('tenant-a', 'exchange', GuardrailClass.REGRET);

    // overwhelm: p1 of the sent {p1, p2}, p3 of the held out {p3, p4}; regret: p2's order B
    expect(await guardrails('tenant-a')).toEqual({ overwhelm: [1, 1], regret: [1, 1] });
    // of the sent firings, f1's person muted within 7 days
    expect(await overwhelmedFirings('tenant-a')).toBe(1);
    expect(await trendOverwhelmed('tenant-a')).toBe(1);
    expect(await viewOverwhelmed('tenant-a')).toBe(1);
    expect(await timelineClass('tenant-a', 'p1')).toEqual([['mute', 'overwhelm']]);
    expect(await timelineClass('tenant-a', 'p2')).toEqual([
      ['purchase', 'success'],
      ['exchange', 'regret'],
    ]);
    // and from a build made now, the same
    await facts.build('tenant-a');
    expect(await facts.current('tenant-a')).toBeDefined();
    expect(await trendOverwhelmed('tenant-a')).toBe(1);
    expect(await overwhelmedFirings('tenant-a')).toBe(1);

    // the other tenant's data is the same, and its classes are not
    expect(await guardrails('tenant-b')).toEqual({ overwhelm: [0, 0], regret: [1, 0] });
    expect(await overwhelmedFirings('tenant-b')).toBe(0);
    expect(await viewOverwhelmed('tenant-b')).toBe(0);
  });

  it('lists the built-in types, then the added ones; moves and removes only added ones', async () => {
    await types.define('tenant-c', 'snooze', GuardrailClass.REGRET);
    await types.define('tenant-c', 'snooze', GuardrailClass.OVERWHELM);
    await types.define('tenant-c', 'block', GuardrailClass.OVERWHELM);
    const listed = await types.list('tenant-c');
    expect(listed.filter((t) => t.builtIn).map((t) => [t.type, t.outcomeClass])).toEqual([
      ['unsubscribe', 'overwhelm'],
      ['complaint', 'overwhelm'],
      ['opt_out', 'overwhelm'],
      ['uninstall', 'overwhelm'],
      ['dismiss', 'overwhelm'],
      ['return', 'regret'],
      ['refund', 'regret'],
      ['chargeback', 'regret'],
    ]);
    expect(listed.filter((t) => !t.builtIn).map((t) => [t.type, t.outcomeClass])).toEqual([
      ['block', 'overwhelm'],
      ['snooze', 'overwhelm'],
    ]);
    expect(await types.remove('tenant-c', 'snooze')).toBe(true);
    expect(await types.remove('tenant-c', 'snooze')).toBe(false);
    expect((await types.list('tenant-c')).filter((t) => !t.builtIn).map((t) => t.type)).toEqual([
      'block',
    ]);

    await types.remove('tenant-a', 'mute');
    expect(await guardrails('tenant-a')).toEqual({ overwhelm: [0, 0], regret: [1, 1] });
  });

  it('refuses a built-in type, a blank one and an overlong one, naming the argument', async () => {
    await expect(types.define('tenant-d', 'refund', GuardrailClass.OVERWHELM)).rejects.toThrow(
      'type: "refund" is a built-in regret type; its class cannot be changed',
    );
    await expect(types.define('tenant-d', 'purchase', GuardrailClass.REGRET)).rejects.toThrow(
      '"purchase" is a built-in success type',
    );
    await expect(types.define('tenant-d', '  ', GuardrailClass.REGRET)).rejects.toThrow(
      'type: must not be blank',
    );
    await expect(types.define('tenant-d', 'x'.repeat(201), GuardrailClass.REGRET)).rejects.toThrow(
      'type: at most 200 characters (got 201)',
    );
    expect((await types.list('tenant-d')).filter((t) => !t.builtIn)).toEqual([]);
  });

  it('records each change in the audit log', async () => {
    const entries = await new AuditLogService(store.clickhouse).list('tenant-c', {}, 100);
    expect(entries.map((e) => [e.action, e.target]).sort()).toEqual([
      ['outcome_type.defined', 'block'],
      ['outcome_type.defined', 'snooze'],
      ['outcome_type.defined', 'snooze'],
      ['outcome_type.removed', 'snooze'],
    ]);
  });
});

describe('schema of defineOutcomeType, removeOutcomeType and outcomeTypes', () => {
  it('has the signatures, every part described', async () => {
    const schema = await schemaOf([OutcomeTypesResolver]);
    expect(fieldSignature(schema, 'Mutation', 'defineOutcomeType')).toBe(
      'defineOutcomeType(type: String!, outcomeClass: GuardrailClass!): OutcomeType!',
    );
    expect(fieldSignature(schema, 'Mutation', 'removeOutcomeType')).toBe(
      'removeOutcomeType(type: String!): Boolean!',
    );
    expect(fieldSignature(schema, 'Query', 'outcomeTypes')).toBe('outcomeTypes(): [OutcomeType!]!');
    expect(undocumentedParts(schema)).toEqual([]);
  });
});
