import { describe, expect, it } from '@jest/globals';
import { buildLiftRows, verdictOf } from './lift.calculator.js';
import { EMPTY_ARM_SUMS, type LiftSumsRow } from './lift.query.js';

const sums = (
  arm: string,
  variant: string,
  persons: number,
  conversions: number,
  extra: Partial<LiftSumsRow> = {},
): LiftSumsRow => ({
  trigger_id: 't1',
  channel: 'email',
  holdout_pct: 0.3,
  planned_persons: null,
  arm,
  variant,
  ...EMPTY_ARM_SUMS,
  persons,
  conversions,
  ...extra,
});

const fixed = { groupByVariant: false, confidence: 0.95, cuped: false, sequential: false };

describe('buildLiftRows', () => {
  // treatment: variants a (600, 80) and b (400, 40) → 1000 persons, 120 conversions;
  // control: holdout (400, 30) + global holdout (100, 10) → 500 persons, 40 conversions.
  const input = [
    sums('treatment', 'a', 600, 80, { contaminated: 2 }),
    sums('treatment', 'b', 400, 40),
    sums('holdout', '', 400, 30, { contaminated: 1 }),
    sums('global_holdout', '', 100, 10),
  ];

  it('computes the lift of the whole trigger against both control arms, by hand', () => {
    const [row] = buildLiftRows(input, fixed);
    // p_t = 0.12, p_c = 0.08, Δ = 0.04
    // SE = sqrt(0.12·0.88/1000 + 0.08·0.92/500) = sqrt(0.0001056 + 0.0001472) = 0.015899685
    // z_0.975 = 1.959963985 → half-width 0.031162811 → [0.008837189, 0.071162811]
    expect(row?.treatment).toEqual({
      persons: 1000,
      conversions: 120,
      rate: 0.12,
      revenue: 0,
      revenuePerPerson: 0,
    });
    expect(row?.holdout.persons).toBe(500);
    expect(row?.holdout.rate).toBeCloseTo(0.08, 12);
    expect(row?.absoluteLift?.estimate).toBeCloseTo(0.04, 12);
    expect(row?.absoluteLift?.low).toBeCloseTo(0.008837189, 8);
    expect(row?.absoluteLift?.high).toBeCloseTo(0.071162811, 8);
    // incremental conversions = Δ · n_t = 40 [8.837189, 71.162811]
    expect(row?.incrementalConversions?.estimate).toBeCloseTo(40, 9);
    expect(row?.incrementalConversions?.low).toBeCloseTo(8.837189, 5);
    // relative = 0.04 / 0.08 = 0.5
    expect(row?.relativeLift?.estimate).toBeCloseTo(0.5, 12);
    // SRM on treatment 1000 vs control 500 (holdout and global holdout) at 0.3: expected
    // 1050 / 450, χ² = 50²/1050 + 50²/450 = 2.380952 + 5.555556 = 7.936508 → p = 0.0048447, not
    // flagged (threshold 0.001)
    expect(row?.srm.observedHoldoutShare).toBeCloseTo(500 / 1500, 12);
    expect(row?.srm.pValue).toBeCloseTo(0.0048447, 6);
    expect(row?.srm.flagged).toBe(false);
    expect(row?.contaminatedPersons).toBe(3);
    expect(row?.verdict).toBe('+4.00 pts [0.88, 7.12], significant');
  });

  it('compares each variant with the whole control group', () => {
    const rows = buildLiftRows(input, { ...fixed, groupByVariant: true });
    expect(rows.map((r) => [r.variant, r.treatment.persons, r.holdout.persons])).toEqual([
      ['a', 600, 500],
      ['b', 400, 500],
    ]);
    // variant b: 0.10 − 0.08 = 0.02
    expect(rows[1]?.absoluteLift?.estimate).toBeCloseTo(0.02, 12);
  });

  it('never prints a chance to win as a certainty', () => {
    const bayesian = { ...fixed, bayesian: { prior: null, empirical: false } };
    const chanceOf = (treated: number, held: number) =>
      buildLiftRows(
        [
          sums('treatment', '', 1000, treated, { holdout_pct: 0.5 }),
          sums('holdout', '', 1000, held, { holdout_pct: 0.5 }),
        ],
        bayesian,
      )[0].verdict.match(/chance to win ([^:]+):/)?.[1];
    // 30% against 10%: z ≈ 11.4, the chance is 1 − 1e−30 and more
    expect(chanceOf(300, 100)).toBe('> 99.9%');
    expect(chanceOf(100, 300)).toBe('< 0.1%');
    // equal rates: a flat prior gives exactly one half
    expect(chanceOf(100, 100)).toBe('50.0%');
  });

  it('with a learnt prior, never calls a trigger whose arms are identical a certain gain', () => {
    // Three triggers of 1000 against 1000 with control rate 0.1 and treated rates 0.10, 0.11,
    // 0.12: relative lifts 0, 0.1, 0.2 with delta-method variances
    // p_t(1 − p_t)/(1000·0.01) + 0.09·p_t²/(1000·0.0001) = 0.018, 0.02068, 0.02352.
    // Their sample variance 0.01 is below the mean squared SE 0.0207333…, so τ² = 0 and every
    // trigger is pulled to μ = 0.1; μ, a mean of 3 estimates, is known to V = 0.0207333…/3 =
    // 0.0069111…, sd 0.083133092755599506: chance to win Φ(0.1/0.0831330…) = 0.88549063397714382
    // (mpmath). The absolute lift of the identical trigger: prior mean 0.1·0.1 = 0.01, sd
    // 0.1·0.0831330… → 0.01 ± 1.959963984540054·0.00831330… = [−0.0062937867724403, 0.0262937867724403].
    const rows = buildLiftRows(
      [100, 110, 120].flatMap((treated, index) => [
        sums('treatment', '', 1000, treated, { trigger_id: `t${index}`, holdout_pct: 0.5 }),
        sums('holdout', '', 1000, 100, { trigger_id: `t${index}`, holdout_pct: 0.5 }),
      ]),
      { ...fixed, bayesian: { prior: null, empirical: true } },
    );
    const identical = rows.find((row) => row.triggerId === 't0')!;
    for (const row of rows) {
      expect(row.chanceToWin).toBeCloseTo(0.8854906339771438, 12);
      expect(row.relativeLift?.estimate).toBeCloseTo(0.1, 12);
    }
    expect(identical.absoluteLift?.low).toBeCloseTo(-0.0062937867724403, 12);
    expect(identical.absoluteLift?.high).toBeCloseTo(0.0262937867724403, 12);
    expect(identical.verdict).toBe(
      '+1.00 pts [-0.63, 2.63] credible, chance to win 88.5%: no clear effect',
    );
  });

  it('labels as bayesian only the rows that have a posterior', () => {
    // t0: 10 % against 10 %; t1: 10 % against a control with no conversion, whose relative lift,
    // and so its posterior, is undefined: it keeps its frequentist interval, and says so
    const rows = buildLiftRows(
      [
        sums('treatment', '', 1000, 100, { trigger_id: 't0' }),
        sums('holdout', '', 1000, 100, { trigger_id: 't0' }),
        sums('treatment', '', 1000, 100, { trigger_id: 't1' }),
        sums('holdout', '', 1000, 0, { trigger_id: 't1' }),
      ],
      { ...fixed, bayesian: { prior: null, empirical: false } },
    );
    expect(rows.map((row) => [row.triggerId, row.method, row.chanceToWin])).toEqual([
      ['t0', 'bayesian', 0.5],
      ['t1', 'fixed', null],
    ]);
  });

  it('lets no two-person trigger make the others significant after correction', () => {
    // a: 131/1000 against 100/1000, z = 0.031/√(0.131·0.869/1000 + 0.09/1000) = 2.1707…,
    //   p = 0.029909174059249968, interval [0.0030171638, 0.0589828362];
    // b: 126/1000 against 100/1000, p = 0.066075967810289717 (mpmath).
    // Benjamini–Hochberg over a and b: q_a = min(2·0.029909…, 0.066076…) = 0.059818…, not below
    // 0.05. A trigger of one person per arm (1 converted against 0) has no variance to test with:
    // a p-value of 0 for it would enter the family at rank 1 and bring q_a to
    // 3·0.029909…/2 = 0.044864…, "significant" on the strength of two persons.
    const rows = buildLiftRows(
      [
        sums('treatment', '', 1000, 131, { trigger_id: 'a', holdout_pct: 0.5 }),
        sums('holdout', '', 1000, 100, { trigger_id: 'a', holdout_pct: 0.5 }),
        sums('treatment', '', 1000, 126, { trigger_id: 'b', holdout_pct: 0.5 }),
        sums('holdout', '', 1000, 100, { trigger_id: 'b', holdout_pct: 0.5 }),
        sums('treatment', '', 1, 1, { trigger_id: 'j', holdout_pct: 0.5 }),
        sums('holdout', '', 1, 0, { trigger_id: 'j', holdout_pct: 0.5 }),
      ],
      fixed,
    );
    const [a, b, j] = ['a', 'b', 'j'].map((id) => rows.find((row) => row.triggerId === id)!);
    expect(j.pValue).toBeNull();
    expect(j.qValue).toBeNull();
    expect(a.pValue).toBeCloseTo(0.02990917405924997, 12);
    expect(a.qValue).toBeCloseTo(2 * 0.02990917405924997, 12);
    expect(b.qValue).toBeCloseTo(0.06607596781028972, 12);
    expect(a.verdict).toBe(
      '+3.10 pts [0.30, 5.90], significant alone, but not after correcting for the triggers reported together (q = 0.060)',
    );
  });

  it('says that a trigger declaring no holdout cannot be measured, however many it treats', () => {
    // holdout_pct 0: 5000 treated persons, none held out; waiting for more persons cannot help
    const [row] = buildLiftRows([sums('treatment', '', 5000, 400, { holdout_pct: 0 })], fixed);
    expect(row.absoluteLift).toBeNull();
    expect(row.srm.pValue).toBeNull();
    expect(row.verdict).toBe(
      'too little data: 0 holdout persons, as the trigger declares holdout_pct 0: no one is held ' +
        'out, so its lift cannot be measured however long it runs; declare a holdout share to measure it',
    );
    // a few treated persons do not hide the reason either
    const [small] = buildLiftRows([sums('treatment', '', 5, 1, { holdout_pct: 0 })], fixed);
    expect(small.verdict).toBe(row.verdict);
  });

  it.each([
    // holdout_pct 0 allows no control person: 300 held out of 5300 cannot come from that split
    // (the expected control count is 0, so χ² is infinite and p = 0)
    { share: 0, treated: 5000, held: 300, reads: '5.7% of persons where 0.0%' },
    // holdout_pct 1 allows no treated person: 200 treated of 1000
    { share: 1, treated: 200, held: 800, reads: '80.0% of persons where 100.0%' },
  ] as const)(
    'flags a split that puts persons in the arm a declared share of $share leaves empty',
    ({ share, treated, held, reads }) => {
      const [row] = buildLiftRows(
        [
          sums('treatment', '', treated, treated / 10, { holdout_pct: share }),
          sums('holdout', '', held, held / 10, { holdout_pct: share }),
        ],
        fixed,
      );
      expect(row.srm).toMatchObject({ expectedHoldoutShare: share, pValue: 0, flagged: true });
      expect(row.verdict).toBe(
        `SRM: do not trust: the holdout holds ${reads} was declared (p < 0.0001), so the split is not random`,
      );
    },
  );

  it('says "too little data" and flags SRM in words', () => {
    // declared share 0.07: 37 / 537 = 6.9% is no mismatch, just too few persons
    const small = buildLiftRows(
      [
        sums('treatment', '', 500, 40, { holdout_pct: 0.07 }),
        sums('holdout', '', 37, 3, { holdout_pct: 0.07 }),
      ],
      fixed,
    );
    expect(small[0]?.verdict).toBe(
      'too little data: 37 holdout persons (at least 100 per arm needed)',
    );
    // holdout share 100 / 1100 = 9.1% against a declared 30%: χ² huge → flagged
    const skewed = buildLiftRows(
      [sums('treatment', '', 1000, 100), sums('holdout', '', 100, 10)],
      fixed,
    );
    expect(skewed[0]?.srm.flagged).toBe(true);
    expect(skewed[0]?.verdict).toMatch(
      /^SRM: do not trust: the holdout holds 9\.1% of persons where 30\.0% was declared/,
    );
  });

  it('tunes sequential intervals to the planned persons fixed in advance, never to the data', () => {
    // treatment 120/1000, control 40/500: Δ = 0.04, SE = √(0.12·0.88/1000 + 0.08·0.92/500)
    const se = Math.sqrt((0.12 * 0.88) / 1000 + (0.08 * 0.92) / 500);
    const n = 1500;
    const a = -2 * Math.log(0.05);
    // half-width of the confidence sequence tuned for t* (Waudby-Smith et al., unit variance)
    const half = (plannedN: number) => {
      const rho2 = (a + Math.log(a + 1)) / plannedN;
      const u = n * rho2;
      const margin = Math.sqrt(
        ((2 * (u + 1)) / (n * n * rho2)) * Math.log(Math.sqrt(u + 1) / 0.05),
      );
      return se * Math.sqrt(n) * margin;
    };
    const sequential = { ...fixed, sequential: true, defaultPlannedPersons: 20_000 };
    const [byDefault] = buildLiftRows(input, sequential);
    expect(byDefault.plannedPersons).toBe(20_000);
    expect(byDefault.absoluteLift!.high - 0.04).toBeCloseTo(half(20_000), 12);
    const declared = input.map((row) => ({ ...row, planned_persons: 4000 }));
    const [byDefinition] = buildLiftRows(declared, sequential);
    expect(byDefinition.plannedPersons).toBe(4000);
    expect(byDefinition.absoluteLift!.high - 0.04).toBeCloseTo(half(4000), 12);
    // the same data read with more persons keeps t*: only the planned value moves ρ
    const grown = buildLiftRows(
      input.map((row) => ({ ...row, persons: row.persons * 2, conversions: row.conversions * 2 })),
      sequential,
    );
    expect(grown[0].plannedPersons).toBe(20_000);
    expect(buildLiftRows(input, fixed)[0].plannedPersons).toBeNull();
    expect(() => buildLiftRows(input, { ...fixed, sequential: true })).toThrow(/planned/);
  });

  it('widens intervals when sequential and reports q-values across triggers', () => {
    const [seq] = buildLiftRows(input, { ...fixed, sequential: true, defaultPlannedPersons: 1500 });
    const [fix] = buildLiftRows(input, fixed);
    expect(seq.absoluteLift!.high - seq.absoluteLift!.low).toBeGreaterThan(
      fix.absoluteLift!.high - fix.absoluteLift!.low,
    );
    expect(seq?.method).toBe('sequential');
    const two = buildLiftRows(
      [
        ...input,
        { ...sums('treatment', '', 1000, 80), trigger_id: 't2' },
        { ...sums('holdout', '', 500, 40), trigger_id: 't2' },
      ],
      fixed,
    );
    // BH with m = 2: the larger p keeps its value, the smaller is doubled unless that exceeds it
    const [p1, p2] = two.map((r) => r.pValue as number);
    expect(two[1]?.qValue).toBeCloseTo(Math.max(p1, p2) === p2 ? p2 : Math.min(2 * p2, p1), 12);
  });
});

describe('verdictOf', () => {
  const [row] = buildLiftRows(
    [sums('treatment', '', 1000, 120), sums('holdout', '', 500, 40)],
    fixed,
  );

  it('never prints a bound that is not 0 as 0.00: the sign the verdict reads stays in sight', () => {
    // 0.00004 of a share is 0.004 points: 0.00 at two decimals beside "significant"
    expect(verdictOf({ ...row, absoluteLift: { estimate: 0.02, low: 0.00004, high: 0.04 } })).toBe(
      '+2.00 pts [0.004, 4.00], significant',
    );
    expect(
      verdictOf({ ...row, absoluteLift: { estimate: -0.02, low: -0.04, high: -0.00004 } }),
    ).toBe('-2.00 pts [-4.00, -0.004], significant harm (fewer conversions than holdout)');
  });

  it('never prints the observed holdout share as the declared one, nor p as the threshold', () => {
    // 30.004% is 30.0% at one decimal; p = 0.000996, under the 0.001 that flags it, is 0.0010
    const srm = {
      expectedHoldoutShare: 0.3,
      observedHoldoutShare: 0.30004,
      pValue: 0.000996,
      flagged: true,
      sharesInPeriod: [],
    };
    expect(verdictOf({ ...row, srm })).toBe(
      'SRM: do not trust: the holdout holds 30.004% of persons where 30.0% was declared (p = 0.000996), so the split is not random',
    );
  });

  /** The verdict of a row whose period was drawn with these holdout shares (no SRM checked). */
  const drawnWith = (sharesInPeriod: (number | null)[]) =>
    verdictOf({
      ...row,
      srm: {
        expectedHoldoutShare: null,
        observedHoldoutShare: 0.25,
        pValue: null,
        flagged: false,
        sharesInPeriod,
      },
    });

  it('names every holdout share the period was drawn with, in order, and checks no split', () => {
    expect(drawnWith([null, 0.05, 0.3])).toBe(
      "holdout share changed: the period's firings name versions of its definition declaring no " +
        'holdout, 5.0% and 30.0%, so its persons were not split alike over the period; read the ' +
        'periods before and after the change apart',
    );
  });

  it('never prints two holdout shares the period was drawn with alike', () => {
    // 10.04% is 10.0% at one decimal: one more digit tells it from the 10.0% beside it
    expect(drawnWith([0.1, 0.1004])).toMatch(/ declaring 10\.0% and 10\.04%, so /);
  });

  it('never prints a q-value at or past α as α itself', () => {
    // q = 0.0504 is 0.050 at three decimals: it would read as α = 0.05, which it is past
    const lift = { estimate: 0.02, low: 0.001, high: 0.04 };
    expect(verdictOf({ ...row, absoluteLift: lift, qValue: 0.0504 })).toBe(
      '+2.00 pts [0.10, 4.00], significant alone, but not after correcting for the triggers reported together (q = 0.0504)',
    );
    expect(verdictOf({ ...row, absoluteLift: lift, qValue: 0.0626 })).toBe(
      '+2.00 pts [0.10, 4.00], significant alone, but not after correcting for the triggers reported together (q = 0.063)',
    );
  });

  it('reads q = α as not significant after correcting, as the report does (q < α)', () => {
    // at confidence 0.95, α is 0.05: q = 0.05 is not below it
    const lift = { estimate: 0.02, low: 0.001, high: 0.04 };
    expect(verdictOf({ ...row, confidence: 0.95, absoluteLift: lift, qValue: 0.05 })).toBe(
      '+2.00 pts [0.10, 4.00], significant alone, but not after correcting for the triggers reported together (q = 0.050)',
    );
    expect(verdictOf({ ...row, confidence: 0.95, absoluteLift: lift, qValue: 0.0499 })).toBe(
      '+2.00 pts [0.10, 4.00], significant',
    );
  });
});
