import { beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { storeForSuite } from '../../storage/testing.js';
import { OVERWHELM_TYPES, REGRET_TYPES, REGRET_WINDOW_MS } from '../common/outcome-classes.js';
import { toPeriod } from '../common/period.js';
import { firstFiringKeyAt } from '../common/sql.js';
import { fixtureRows, seedRows } from '../common/testing.js';
import { queryGuardrails } from '../guardrails/guardrails.query.js';
import { buildAssignmentRollup, rollupIsStale } from './assignment-rollup.js';
import { PLAIN_LIFT_BY_ARM_QUERY, PLAIN_LIFT_QUERY, queryLiftSums } from './lift.query.js';

// Two tenants get the same rows: 'rolled' before a build of the rollup, 'raw' after it, so that
// every person of 'raw' is measured from firings (written since the build's mark) and those of
// 'rolled' from the build. Their reports must agree, for any period, trigger list and grouping,
// before and after later firings (a re-delivery moving a firing to another person, an earlier
// firing, a new person). The figures from firings are those lift.query.spec checks by hand.

const DAY = 86_400_000;
const at = (iso: string) => `2026-${iso}Z`;
const build = fixtureRows(at);
const defined = (id: string) => ({
  ...build.trigger(id, 'push'),
  conversion_window_ms: 7 * DAY,
  holdout_pct: 0.5,
});

const firings = [
  build.firing('f1', 't1', 'p1', '10-02T10:00:00', { variant: 'a' }),
  build.firing('f1b', 't1', 'p1', '10-09T00:00:00', { arm: 'holdout' }),
  build.firing('f2', 't1', 'p2', '10-03T00:00:00', { arm: 'holdout' }),
  build.firing('f2b', 't1', 'p2', '10-12T00:00:00', { arm: 'holdout' }),
  // the same millisecond: the smaller id (f3a) is the first, with its variant
  build.firing('f3b', 't1', 'p3', '10-04T00:00:00', { variant: 'y' }),
  build.firing('f3a', 't1', 'p3', '10-04T00:00:00', { variant: 'x' }),
  build.firing('f4', 't2', 'p4', '10-06T00:00:00', { variant: 'b' }),
  build.firing('f4b', 't1', 'p4', '10-07T00:00:00', { variant: 'a' }),
  build.firing('f5', 't1', 'p5', '09-25T00:00:00', { variant: 'a' }),
  build.firing('f5b', 't1', 'p5', '10-08T00:00:00', { arm: 'global_holdout' }),
  build.firing('f6', 't2', 'p6', '10-10T00:00:00', { arm: 'holdout' }),
  build.firing('f7', 't1', 'p7', '10-11T00:00:00', { variant: 'b', skip_reason: 'frequency_cap' }),
];
const outcomes = [
  build.outcome('o1', 'p1', 'purchase', '10-03T00:00:00', { value: 50 }),
  build.outcome('o2', 'p2', 'purchase', '10-05T00:00:00', { value: 20 }),
  build.outcome('o3', 'p3', 'purchase', '10-06T00:00:00', { value: 30, order_id: 'ord3' }),
  build.outcome('o3r', 'p3', 'refund', '10-07T00:00:00', { refund_of_order_id: 'ord3' }),
  build.outcome('o4', 'p4', 'purchase', '10-08T00:00:00', { value: 40, order_id: 'ord4' }),
  build.outcome('o5', 'p5', 'purchase', '10-01T00:00:00', { value: 5 }),
  build.outcome('o6', 'p6', 'unsubscribe', '10-11T00:00:00'),
  build.outcome('o7', 'p7', 'purchase', '10-12T00:00:00', { value: 70 }),
];
// written after the build, to both tenants
const later = [
  // f2 again, now naming p9 and the treatment arm: p2 keeps only f2b, p9 gets f2
  build.firing('f2', 't1', 'p9', '10-03T00:00:00', { variant: 'c' }),
  // before p1's first firing of t1
  build.firing('f0', 't1', 'p1', '10-01T12:00:00', { arm: 'holdout' }),
  build.firing('f10', 't2', 'p10', '10-13T00:00:00', { variant: 'b' }),
];

const periods = [
  ['2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z'],
  ['2026-10-05T00:00:00Z', '2026-11-01T00:00:00Z'],
  ['2026-09-01T00:00:00Z', '2026-10-10T00:00:00Z'],
  ['2026-10-04T00:00:00Z', '2026-10-04T00:00:00.001Z'],
  ['2026-10-01T12:00:00Z', '2026-10-03T00:00:00Z'],
] as const;

describe('the assignment rollup on the embedded engine', () => {
  const store = storeForSuite();

  // plain: the statement over firings alone, whatever the rollup holds
  const lift = (
    tenantId: string,
    [from, to]: readonly [string, string],
    triggerIds: string[],
    byVariant: boolean,
    plain = false,
  ) => {
    const period = toPeriod(new Date(from), new Date(to));
    return plain
      ? store.clickhouse.run(byVariant ? PLAIN_LIFT_QUERY : PLAIN_LIFT_BY_ARM_QUERY, {
          tenantId,
          ...period.params,
          triggerIds,
        })
      : queryLiftSums(store.clickhouse, { tenantId, ...period.params, triggerIds, byVariant });
  };

  const guardrails = (tenantId: string) =>
    queryGuardrails(store.clickhouse, {
      tenantId,
      ...toPeriod(new Date('2026-10-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z')).params,
      triggerIds: [],
      overwhelmTypes: OVERWHELM_TYPES,
      regretTypes: REGRET_TYPES,
      regretWindowMs: REGRET_WINDOW_MS,
    });

  async function expectRolledAsRaw(): Promise<void> {
    for (const period of periods) {
      for (const triggerIds of [[], ['t1']]) {
        for (const byVariant of [true, false]) {
          const rolled = await lift('rolled', period, triggerIds, byVariant);
          const expected = { period, triggerIds, byVariant, rows: rolled };
          expect({
            period,
            triggerIds,
            byVariant,
            rows: await lift('raw', period, triggerIds, byVariant),
          }).toEqual(expected);
          for (const tenantId of ['rolled', 'raw']) {
            const plain = await lift(tenantId, period, triggerIds, byVariant, true);
            expect({ period, triggerIds, byVariant, rows: plain }).toEqual(expected);
          }
        }
      }
    }
    expect(await guardrails('rolled')).toEqual(await guardrails('raw'));
  }

  const partitions = async () =>
    (
      await store.clickhouse.query({
        tag: 'test.partitions',
        sql: `SELECT uniqExact(partition_id) AS n FROM system.parts
              WHERE database = currentDatabase() AND table = 'assignment_sequences' AND active`,
        row: z.object({ n: z.coerce.number() }),
      })
    )[0].n;

  beforeAll(async () => {
    const triggers = [defined('t1'), defined('t2')];
    await seedRows(store.clickhouse, 'rolled', { triggers, firings, outcomes });
    await buildAssignmentRollup(store.clickhouse, { marginMs: 0 });
    await seedRows(store.clickhouse, 'raw', { triggers, firings, outcomes });
  });

  it('files every firing of the build under its person and trigger, keys in order', async () => {
    const rows = await store.clickhouse.query({
      tag: 'test.sequences',
      sql: `SELECT trigger_id, length(keys) AS firings, variants
            FROM assignment_sequences WHERE tenant_id = 'rolled' AND person_key = cityHash64('p3')`,
      row: z.object({ trigger_id: z.string(), firings: z.number(), variants: z.array(z.string()) }),
    });
    expect(rows).toEqual([{ trigger_id: 't1', firings: 2, variants: ['x', 'y'] }]);
  });

  it('gives the same lift and guardrails as firings themselves', async () => {
    await expectRolledAsRaw();
    // and the figures are those of the rows: in October p1 (treatment first) saw both arms
    const october = await lift('rolled', periods[0], ['t1'], false);
    const treatment = october.find((row) => row.arm === 'treatment');
    // p3 (f3a first, tie broken by id), p4 (f4b) and p7 (skipped: intent-to-treat); p1 contaminated
    expect(treatment).toMatchObject({ persons: 3, conversions: 3, revenue: 140 });
    expect(october.reduce((sum, row) => sum + row.contaminated, 0)).toBe(1);
    // from 10-05 p1's only firing is f1b (holdout): not contaminated there
    const fromFifth = await lift('rolled', periods[1], ['t1'], false);
    expect(fromFifth.find((row) => row.arm === 'holdout')).toMatchObject({ persons: 2 });
    expect(fromFifth.reduce((sum, row) => sum + row.contaminated, 0)).toBe(0);
  });

  it('measures persons with firings written after the build from firings', async () => {
    expect(await rollupIsStale(store.clickhouse)).toBe(true); // 'raw' was written after it
    for (const tenantId of ['rolled', 'raw']) {
      await seedRows(store.clickhouse, tenantId, { firings: later });
    }
    await expectRolledAsRaw();
    const october = await lift('rolled', periods[0], ['t1'], true);
    // p9 now holds f2 (treatment, variant c); p2's first is f2b, still holdout
    expect(october.find((row) => row.variant === 'c')).toMatchObject({ persons: 1 });
  });

  it('reads the build: a person only the build knows is counted, until a firing of theirs arrives', async () => {
    await store.clickhouse.command(
      'test.ghost',
      `INSERT INTO assignment_sequences (build_id, tenant_id, person_key, trigger_id, keys, variants, firing_keys)
       SELECT max(build_id), 'rolled', cityHash64('ghost'), 't1',
              [bitOr(${firstFiringKeyAt(`toDateTime64('2026-10-15 00:00:00', 3, 'UTC')`)}, 1)],
              ['g'], [cityHash64('ghost-firing')]
       FROM assignment_builds`,
    );
    const ghost = (await lift('rolled', periods[0], ['t1'], true)).find((r) => r.variant === 'g');
    expect(ghost).toMatchObject({ arm: 'treatment', persons: 1, conversions: 0 });
    for (const tenantId of ['rolled', 'raw']) {
      await seedRows(store.clickhouse, tenantId, {
        firings: [build.firing('fg', 't1', 'ghost', '10-20T00:00:00', { arm: 'holdout' })],
      });
    }
    await expectRolledAsRaw();
  });

  it('rebuilds from every firing, keeps the two newest builds, and is fresh until firings arrive', async () => {
    // in parts of about 4 firings' persons: the same rows as at once
    await buildAssignmentRollup(store.clickhouse, { marginMs: 0, firingsPerPart: 4 });
    expect(await rollupIsStale(store.clickhouse)).toBe(false);
    await expectRolledAsRaw();
    await buildAssignmentRollup(store.clickhouse, { marginMs: 0 });
    expect(await partitions()).toBe(2);
    await expectRolledAsRaw();
    await seedRows(store.clickhouse, 'raw', {
      firings: [build.firing('f11', 't1', 'p11', '10-14T00:00:00')],
    });
    expect(await rollupIsStale(store.clickhouse)).toBe(true);
    // one firing written since: under a share of all of them, due only once the build is old
    expect(await rollupIsStale(store.clickhouse, { share: 0.5 })).toBe(false);
    expect(await rollupIsStale(store.clickhouse, { share: 0.5, maxAgeMs: 0 })).toBe(true);
  });
});
