// A trigger whose holdout share changed between versions of its definition: over a period whose
// firings were drawn with both shares, its split is not checked against the newest share alone
// (which would call the change a broken split), and its lift, guardrails and verdict say why; over
// a period drawn with one share, the check is as before. On the real embedded store.

import { beforeAll, describe, expect, it } from '@jest/globals';
import { storeForSuite } from '../../storage/testing.js';
import { toPeriod } from '../common/period.js';
import { fixtureRows, seedRows } from '../common/testing.js';
import { GuardrailsService } from '../guardrails/guardrails.service.js';
import { OverTimeService } from '../over-time/over-time.service.js';
import { queryHoldoutSharesInPeriod } from './holdout-shares.query.js';
import { DeeperLiftService } from './deeper.service.js';
import { LiftService } from './lift.service.js';
import type { SrmCheck } from './models/lift.model.js';

const build = fixtureRows((when: string) => `2026-${when}Z`);
const OCTOBER = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') };
const AFTER_THE_CHANGE = { ...OCTOBER, from: new Date('2026-10-08T00:00:00Z') };
const BEFORE_THE_CHANGE = { ...OCTOBER, to: new Date('2026-10-08T00:00:00Z') };

/** `count` persons fired in `day` under `version`, the first `holdout` of them in the holdout. */
function drawn(
  prefix: string,
  triggerId: string,
  day: string,
  version: number | null,
  count: number,
  holdout: number,
) {
  return Array.from({ length: count }, (_, i) =>
    build.firing(`${prefix}${i}`, triggerId, `${prefix}${i}`, `${day}T10:00:00`, {
      arm: i < holdout ? 'holdout' : 'treatment',
      ...(version === null ? {} : { trigger_version: version }),
    }),
  );
}

describe('a holdout share changed within the period', () => {
  const store = storeForSuite();
  let lift: LiftService;

  beforeAll(async () => {
    await seedRows(store.clickhouse, 'tenant', {
      triggers: [
        build.trigger('mixed', 'push', { version: 1, holdout_pct: 0.1 }),
        build.trigger('mixed', 'push', { version: 2, holdout_pct: 0.3 }),
        build.trigger('same', 'push', { version: 1, holdout_pct: 0.5 }),
        build.trigger('same', 'push', { version: 2, holdout_pct: 0.5, name: 'renamed' }),
        build.trigger('none-then', 'email', {
          version: 1,
          holdout_pct: undefined,
          status: 'draft',
        }),
        build.trigger('none-then', 'email', { version: 2, holdout_pct: 0.2 }),
      ],
      firings: [
        // 1,000 persons drawn at 10% under version 1, then 1,000 at 30% under version 2
        ...drawn('a', 'mixed', '10-02', 1, 1000, 100),
        ...drawn('b', 'mixed', '10-10', 2, 1000, 300),
        // after the change, firings naming no version or one never stored: drawn as the newest
        ...drawn('c', 'mixed', '10-11', null, 10, 3),
        ...drawn('d', 'mixed', '10-12', 7, 10, 3),
        ...drawn('e', 'same', '10-02', 1, 100, 50),
        ...drawn('f', 'same', '10-10', 2, 100, 50),
        ...drawn('g', 'none-then', '10-02', 1, 100, 0),
        ...drawn('h', 'none-then', '10-10', 2, 100, 20),
      ],
    });
    lift = new LiftService(store.clickhouse, store.config);
  });

  /** An SRM checked against `share`, of persons split exactly so: chi-square 0, p = 1. */
  const splitExactly = (srm: SrmCheck, share: number) => {
    expect(srm).toMatchObject({
      expectedHoldoutShare: share,
      observedHoldoutShare: share,
      flagged: false,
      sharesInPeriod: [],
    });
    expect(srm.pValue).toBeCloseTo(1, 9);
  };

  const sharesOf = (period: { from: Date; to: Date }) =>
    queryHoldoutSharesInPeriod(store.clickhouse, {
      tenantId: 'tenant',
      ...toPeriod(period.from, period.to).params,
      triggerIds: [],
    });

  it('finds the triggers drawn with several shares over the period, and those shares', async () => {
    expect(await sharesOf(OCTOBER)).toEqual(
      new Map([
        ['mixed', [0.1, 0.3]],
        ['none-then', [null, 0.2]],
      ]),
    );
    // after the change every firing was drawn as version 2 declares, before it as version 1 does
    expect(await sharesOf(AFTER_THE_CHANGE)).toEqual(
      new Map([
        ['mixed', [0.3]],
        ['none-then', [0.2]],
      ]),
    );
    expect(await sharesOf(BEFORE_THE_CHANGE)).toEqual(
      new Map([
        ['mixed', [0.1]],
        ['none-then', [null]],
      ]),
    );
  });

  it('does not check the split against the newest share, and says why', async () => {
    const [row] = await lift.report('tenant', { ...OCTOBER, triggerIds: ['mixed'] });
    // 100 + 300 + 3 + 3 = 406 of 2,020 persons in the holdout: against the newest 30% that reads
    // as a broken split (expected 606 and 1,414: chi-square = 200² / 606 + 200² / 1,414 ≈ 94.3,
    // p far below 0.001), which it is not
    expect(row.holdout.persons).toBe(406);
    expect(row.treatment.persons).toBe(1614);
    expect(row.srm).toEqual({
      expectedHoldoutShare: 0.3,
      observedHoldoutShare: 406 / 2020,
      pValue: null,
      flagged: false,
      sharesInPeriod: [0.1, 0.3],
    });
    expect(row.verdict).toBe(
      "holdout share changed: the period's firings name versions of its definition declaring " +
        '10.0% and 30.0%, so its persons were not split alike over the period; read the periods ' +
        'before and after the change apart',
    );
    const [none] = await lift.report('tenant', { ...OCTOBER, triggerIds: ['none-then'] });
    expect(none.verdict).toMatch(/declaring no holdout and 20\.0%, so/);
  });

  it('checks the split as before over a period drawn with one share', async () => {
    const rows = await lift.report('tenant', {
      ...AFTER_THE_CHANGE,
      triggerIds: ['mixed', 'same'],
    });
    const mixed = rows.find((row) => row.triggerId === 'mixed')!;
    // 300 + 3 + 3 = 306 of 1,020 against 30%: chi-square = 0² / 306 + 0² / 714 = 0, p = 1
    splitExactly(mixed.srm, 0.3);
    // before the change: against the 10% its persons were drawn with, not the newest 30%
    // (100 of 1,000 against 30% would read chi-square = 200² / 300 + 200² / 700 ≈ 190)
    const [before] = await lift.report('tenant', { ...BEFORE_THE_CHANGE, triggerIds: ['mixed'] });
    splitExactly(before.srm, 0.1);
    // versions that agree on the share are one draw, whatever else changed between them
    const same = (await lift.report('tenant', { ...OCTOBER, triggerIds: ['same'] }))[0];
    splitExactly(same.srm, 0.5);
  });

  it("gives the guardrails of such a trigger the lift's caveat", async () => {
    const rows = await new GuardrailsService(store.clickhouse).report(
      'tenant',
      OCTOBER.from,
      OCTOBER.to,
      ['mixed'],
    );
    // (no orders, so no regret row)
    expect(rows.map((row) => [row.outcomeClass, row.caveat?.slice(0, 22)])).toEqual([
      ['overwhelm', 'holdout share changed:'],
    ]);
  });

  it('reads each point of liftOverTime with the shares drawn before it', async () => {
    const points = await new OverTimeService(store.clickhouse, store.config).liftOverTime(
      'tenant',
      { triggerId: 'mixed', ...OCTOBER },
    );
    const at = (day: string) =>
      points.find((p) => p.asOf.toISOString() === `2026-${day}T00:00:00.000Z`)!;
    // up to 10-10 00:00 only version 1's firings: checked against its 10%
    splitExactly(at('10-10').srm, 0.1);
    // from 10-11 on, version 2's firings (10-10 10:00) too: not checked, and said
    expect(at('10-11').srm).toMatchObject({ pValue: null, sharesInPeriod: [0.1, 0.3] });
    expect(at('10-11').verdict).toMatch(/^holdout share changed: /);
    // its last point reads as liftReport over the same period
    const [report] = await lift.report('tenant', { ...OCTOBER, triggerIds: ['mixed'] });
    expect(points.at(-1)!.srm).toEqual(report.srm);
  });

  it('reads the segments of such a trigger as its lift reads them', async () => {
    const deeper = new DeeperLiftService(store.clickhouse);
    const verdicts = async (period: { from: Date; to: Date }) =>
      (
        await deeper.segments('tenant', { triggerId: 'mixed', by: 'channel', ...period })
      ).segments.map((segment) => segment.verdict.slice(0, 22));
    expect(await verdicts(OCTOBER)).toEqual(['holdout share changed:']);
    // before the change, its one segment's split is the 10% it was drawn with: no SRM, and the
    // verdict goes on to the data (no conversions here: too little data)
    expect(await verdicts(BEFORE_THE_CHANGE)).toEqual(['too little data: 0 con']);
  });
});

describe('a firing re-delivered naming another version', () => {
  const store = storeForSuite();

  beforeAll(async () => {
    // 1,000 persons drawn at 30% under version 2; one firing was first sent naming version 1 and
    // then again, corrected, naming version 2: its latest delivery counts, before any merge too,
    // so the whole period was drawn with one share
    const [first, ...rest] = drawn('a', 'mixed', '10-10', 2, 1000, 300);
    await seedRows(store.clickhouse, 'tenant', {
      triggers: [
        build.trigger('mixed', 'push', { version: 1, holdout_pct: 0.1 }),
        build.trigger('mixed', 'push', { version: 2, holdout_pct: 0.3 }),
      ],
      firings: [...rest, { ...first, trigger_version: 1 }],
    });
    await seedRows(store.clickhouse, 'tenant', { firings: [first] }, Date.now() + 5000);
  });

  it('reads the period as drawn with the one share its latest deliveries name', async () => {
    const shares = await queryHoldoutSharesInPeriod(store.clickhouse, {
      tenantId: 'tenant',
      ...toPeriod(OCTOBER.from, OCTOBER.to).params,
      triggerIds: [],
    });
    expect(shares).toEqual(new Map([['mixed', [0.3]]]));
    // and the split is checked against it: 300 of 1,000 at 30%, χ² = 0
    const [row] = await new LiftService(store.clickhouse, store.config).report('tenant', OCTOBER);
    expect(row.srm).toMatchObject({ expectedHoldoutShare: 0.3, observedHoldoutShare: 0.3 });
    expect(row.srm.pValue).toBeCloseTo(1, 9);
  });
});
