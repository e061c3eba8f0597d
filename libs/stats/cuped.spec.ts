import { describe, expect, it } from '@jest/globals';
import { cupedAdjust, cupedCompare } from './cuped.js';
import { StatsException } from './errors.js';
import { compareMeans } from './means.js';
import type { ArmSums } from './types.js';

/** Sufficient statistics of (x, y) pairs (test helper). */
function sumsOf(pairs: [number, number][]): Required<ArmSums> {
  const s = { n: 0, sumY: 0, sumY2: 0, sumX: 0, sumX2: 0, sumXY: 0 };
  for (const [x, y] of pairs) {
    s.n += 1;
    s.sumY += y;
    s.sumY2 += y * y;
    s.sumX += x;
    s.sumX2 += x * x;
    s.sumXY += x * y;
  }
  return s;
}

function repeat(pair: [number, number], times: number): [number, number][] {
  return Array.from({ length: times }, () => pair);
}

describe('CUPED on revenue-like data, by hand', () => {
  // (x = pre-period value, y = outcome)
  // treatment: (2,3) (4,6) (6,7) (8,10) → n = 4, Σx = 20, Σx² = 120, Σy = 26, Σy² = 194, Σxy = 152
  // control:   (1,1) (3,3) (5,6) (7,6)  → n = 4, Σx = 16, Σx² = 84,  Σy = 16, Σy² = 82,  Σxy = 82
  // pooled:    N = 8, Σx = 36, Σx² = 204, Σy = 42, Σxy = 234
  //   var(x) = (204 − 36²/8)/7 = (204 − 162)/7 = 6
  //   cov(x, y) = (234 − 36·42/8)/7 = (234 − 189)/7 = 45/7
  //   θ = (45/7)/6 = 15/14 = 1.0714285714285714, x̄ = 36/8 = 4.5
  // treatment: x̄ = 5, ȳ = 6.5, s_y² = (194 − 169)/3 = 25/3, s_x² = (120 − 100)/3 = 20/3,
  //   s_xy = (152 − 130)/3 = 22/3
  //   adjusted mean = 6.5 − (15/14)(5 − 4.5) = 167/28 = 5.964285714285714
  //   adjusted var = 25/3 − 2(15/14)(22/3) + (15/14)²(20/3) = (4900 − 9240 + 4500)/588 = 40/147
  // control: x̄ = 4, ȳ = 4, s_y² = (82 − 64)/3 = 6, s_x² = (84 − 64)/3 = 20/3, s_xy = (82 − 64)/3 = 6
  //   adjusted mean = 4 − (15/14)(4 − 4.5) = 127/28 = 4.535714285714286
  //   adjusted var = 6 − 2(15/14)·6 + (15/14)²(20/3) = (1176 − 2520 + 1500)/196 = 39/49
  // Δ_adj = 167/28 − 127/28 = 10/7 = 1.4285714285714286 (unadjusted Δ = 2.5)
  // SE_adj² = (40/147)/4 + (39/49)/4 = 157/588, SE_adj = 0.5167270098621596
  // unadjusted SE² = (25/3)/4 + 6/4 = 43/12
  // variance reduction = 1 − (157/588)/(43/12) = 1950/2107 = 0.9254864736592311
  // z = (10/7)/0.5167270098621596 = 2.764654065504548, p = 0.005698319096313206
  // 95 %: [0.4158050994025222, 2.441337757740335]
  // relative over the raw control mean (GrowthBook's definition) = (10/7)/4 = 5/14
  //   = 0.35714285714285715; r = ȳ_t/ȳ_c = 6.5/4 = 13/8
  //   treatment part: (40/147)/(4·4²) = 5/1176
  //   control part: (r²·6 − 2θr·6 + θ²·20/3)/(4·4²) = (1014/64 − 2340/112 + 1500/196)/64
  //   SE = √(5/1176 + 2.603954081632653/64) = 0.21198698829357976
  // Welch df = (157/588)² / ((10/147)²/3 + (39/196)²/3) = 73947/15289 = 4.836614559487213
  const treatment = sumsOf([
    [2, 3],
    [4, 6],
    [6, 7],
    [8, 10],
  ]);
  const control = sumsOf([
    [1, 1],
    [3, 3],
    [5, 6],
    [7, 6],
  ]);

  it('has the sums written above', () => {
    expect(treatment).toEqual({ n: 4, sumY: 26, sumY2: 194, sumX: 20, sumX2: 120, sumXY: 152 });
    expect(control).toEqual({ n: 4, sumY: 16, sumY2: 82, sumX: 16, sumX2: 84, sumXY: 82 });
  });

  it('adjusts means and variances', () => {
    const a = cupedAdjust(treatment, control);
    expect(a.theta).toBeCloseTo(15 / 14, 12);
    expect(a.treatment.mean!).toBeCloseTo(167 / 28, 12);
    expect(a.control.mean!).toBeCloseTo(127 / 28, 12);
    expect(a.treatment.variance!).toBeCloseTo(40 / 147, 12);
    expect(a.control.variance!).toBeCloseTo(39 / 49, 12);
  });

  it('compares the adjusted means with Welch', () => {
    const r = cupedCompare(treatment, control);
    expect(r.theta).toBeCloseTo(15 / 14, 12);
    expect(r.absolute!.estimate).toBeCloseTo(10 / 7, 12);
    expect(r.se!).toBeCloseTo(0.5167270098621596, 9);
    expect(r.z!).toBeCloseTo(2.764654065504548, 9);
    expect(r.pValue!).toBeCloseTo(0.005698319096313206, 9);
    expect(r.absolute!.low).toBeCloseTo(0.4158050994025222, 9);
    expect(r.absolute!.high).toBeCloseTo(2.441337757740335, 9);
    expect(r.varianceReduction!).toBeCloseTo(0.9254864736592311, 9);
    expect(r.relative!.estimate).toBeCloseTo(5 / 14, 12);
    expect(r.relativeSe!).toBeCloseTo(0.21198698829357976, 9);
    expect(r.relative!.low).toBeCloseTo(5 / 14 - 1.959963984540054 * 0.21198698829357976, 9);
    expect(r.welchDf!).toBeCloseTo(4.836614559487213, 9);
  });
});

describe('CUPED on conversions (y ∈ {0, 1}), by hand', () => {
  // x = converted in the pre-period, y = converted after t0
  // treatment (10): (1,1)×3 (1,0)×1 (0,1)×2 (0,0)×4 → Σx = 4, Σx² = 4, Σy = 5, Σy² = 5, Σxy = 3
  // control   (10): (1,1)×2 (1,0)×2 (0,1)×1 (0,0)×5 → Σx = 4, Σx² = 4, Σy = 3, Σy² = 3, Σxy = 2
  // pooled N = 20: var(x) = (8 − 64/20)/19 = 4.8/19, cov = (5 − 8·8/20)/19 = 1.8/19, θ = 0.375
  // x̄_t = x̄_c = x̄ = 0.4, so the means are unchanged: 0.5 and 0.3, Δ = 0.2
  // treatment: s_y² = (5 − 2.5)/9 = 2.5/9, s_x² = 2.4/9, s_xy = (3 − 2)/9 = 1/9
  //   adjusted var = (2.5 − 2·0.375·1 + 0.375²·2.4)/9 = (2.5 − 0.75 + 0.3375)/9 = 2.0875/9
  // control: s_y² = (3 − 0.9)/9 = 2.1/9, s_x² = 2.4/9, s_xy = (2 − 1.2)/9 = 0.8/9
  //   adjusted var = (2.1 − 0.6 + 0.3375)/9 = 1.8375/9
  // SE_adj² = (2.0875 + 1.8375)/90 = 3.925/90 = 157/3600, SE_adj = 0.2088327347690278
  // unadjusted SE² = (2.5 + 2.1)/90 = 4.6/90; reduction = 1 − 3.925/4.6 = 27/184 = 0.14673913…
  // z = 0.2/0.2088327347690278 = 0.9577042613611466, p = 0.3382119073466810
  const treatment = sumsOf([
    ...repeat([1, 1], 3),
    [1, 0],
    ...repeat([0, 1], 2),
    ...repeat([0, 0], 4),
  ]);
  const control = sumsOf([
    ...repeat([1, 1], 2),
    ...repeat([1, 0], 2),
    [0, 1],
    ...repeat([0, 0], 5),
  ]);

  it('reduces the variance by 27/184', () => {
    expect(treatment).toEqual({ n: 10, sumY: 5, sumY2: 5, sumX: 4, sumX2: 4, sumXY: 3 });
    const r = cupedCompare(treatment, control);
    expect(r.theta).toBeCloseTo(0.375, 12);
    expect(r.meanTreatment!).toBeCloseTo(0.5, 12);
    expect(r.meanControl!).toBeCloseTo(0.3, 12);
    expect(r.varianceTreatment!).toBeCloseTo(2.0875 / 9, 12);
    expect(r.varianceControl!).toBeCloseTo(1.8375 / 9, 12);
    expect(r.se!).toBeCloseTo(0.2088327347690278, 9);
    expect(r.z!).toBeCloseTo(0.9577042613611466, 9);
    expect(r.pValue!).toBeCloseTo(0.338211907346681, 9);
    expect(r.varianceReduction!).toBeCloseTo(27 / 184, 9);
  });
});

describe('CUPED edge cases', () => {
  it('a constant covariate means θ = 0 and the plain Welch comparison', () => {
    const t = sumsOf([
      [0.1, 3],
      [0.1, 5],
      [0.1, 7],
    ]);
    const c = sumsOf([
      [0.1, 2],
      [0.1, 4],
    ]);
    const r = cupedCompare(t, c);
    const plain = compareMeans(t, c);
    expect(r.theta).toBe(0);
    expect(r.absolute!.estimate).toBeCloseTo(plain.absolute!.estimate, 12);
    expect(r.se!).toBeCloseTo(plain.se!, 12);
    expect(r.varianceReduction!).toBeCloseTo(0, 12);
  });

  it('a covariate uncorrelated with y within the pool changes nothing', () => {
    // x = 1, 2, 3, 4 against y = 5, 5, 5, 5 in each arm: cov = 0 → θ = 0
    const arm = sumsOf([
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 5],
    ]);
    expect(cupedAdjust(arm, arm).theta).toBeCloseTo(0, 12);
  });

  it('an empty arm gives null lift fields, as compareMeans does', () => {
    const r = cupedCompare(
      { n: 0, sumY: 0, sumY2: 0, sumX: 0, sumX2: 0, sumXY: 0 },
      sumsOf([
        [1, 1],
        [2, 3],
      ]),
    );
    expect(r.meanTreatment).toBeNull();
    expect(r.absolute).toBeNull();
    expect(r.varianceReduction).toBeNull();
  });

  it('a treated arm with no conversion has no relative lift, as without CUPED', () => {
    // treatment: 10 persons, none converts, 3 of them converted before (x = 1);
    // control: 10 persons, 5 convert, 3 converted before, 2 of those again.
    // Without CUPED the relative lift's delta-method SE is v_t/c² + v_c·t²/c⁴ = 0 + 0 (t = 0,
    // v_t = 0), so it is null; the absolute lift −0.5 stays, with its SE > 0.
    const treatment = sumsOf([...repeat([1, 0], 3), ...repeat([0, 0], 7)]);
    const control = sumsOf([
      ...repeat([1, 1], 2),
      [1, 0],
      ...repeat([0, 1], 3),
      ...repeat([0, 0], 4),
    ]);
    expect(compareMeans(treatment, control).relative).toBeNull();
    const r = cupedCompare(treatment, control);
    expect(r.relative).toBeNull();
    expect(r.relativeSe).toBeNull();
    expect(r.absolute).not.toBeNull();
    expect(r.se!).toBeGreaterThan(0);
  });

  it('requires the covariate sums', () => {
    expect(() => cupedCompare({ n: 2, sumY: 1, sumY2: 1 }, { n: 2, sumY: 1, sumY2: 1 })).toThrow(
      StatsException,
    );
  });
});
