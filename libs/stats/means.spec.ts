import { describe, expect, it } from '@jest/globals';
import { StatsException } from './errors.js';
import { cupedCompare } from './cuped.js';
import { armMoments, compareMeans, compareMoments } from './means.js';
import type { ArmSums, Interval } from './types.js';

/** n, Σy, Σy² of raw per-person values (test helper; production passes sums from ClickHouse). */
function sumsOf(values: number[]): ArmSums {
  return {
    n: values.length,
    sumY: values.reduce((a, v) => a + v, 0),
    sumY2: values.reduce((a, v) => a + v * v, 0),
  };
}

describe('armMoments', () => {
  it('computes mean and unbiased variance from sums', () => {
    // y = 3, 5, 7, 9: n = 4, Σy = 24, Σy² = 9 + 25 + 49 + 81 = 164
    // ȳ = 24/4 = 6, s² = (164 − 24²/4)/3 = (164 − 144)/3 = 20/3
    expect(sumsOf([3, 5, 7, 9])).toEqual({ n: 4, sumY: 24, sumY2: 164 });
    const m = armMoments({ n: 4, sumY: 24, sumY2: 164 });
    expect(m.mean).toBeCloseTo(6, 12);
    expect(m.variance!).toBeCloseTo(20 / 3, 12);
  });

  it('has no mean without persons and no variance with one', () => {
    expect(armMoments({ n: 0, sumY: 0, sumY2: 0 })).toEqual({ n: 0, mean: null, variance: null });
    expect(armMoments({ n: 1, sumY: 4, sumY2: 16 })).toEqual({ n: 1, mean: 4, variance: null });
  });

  it('clamps a rounding-negative variance of constant values to 0', () => {
    // 0.1 three times: Σy² − (Σy)²/n is a rounding residue, possibly below 0
    const m = armMoments(sumsOf([0.1, 0.1, 0.1]));
    expect(m.variance!).toBeGreaterThanOrEqual(0);
    expect(m.variance!).toBeLessThan(1e-15);
  });

  it('rejects malformed sums', () => {
    expect(() => armMoments({ n: -1, sumY: 0, sumY2: 0 })).toThrow(StatsException);
    expect(() => armMoments({ n: 2, sumY: Number.NaN, sumY2: 0 })).toThrow(StatsException);
    expect(() => armMoments({ n: 2, sumY: 1, sumY2: -1 })).toThrow(StatsException);
  });
});

describe('compareMeans (Welch, normal quantiles)', () => {
  it('matches a hand computation on small samples', () => {
    // treatment y = 3, 5, 7, 9:    n = 4, Σy = 24, Σy² = 164, ȳ_t = 6, s_t² = 20/3
    // control   y = 2, 4, 4, 6, 9: n = 5, Σy = 25, Σy² = 4 + 16 + 16 + 36 + 81 = 153, ȳ_c = 5,
    //                              s_c² = (153 − 25²/5)/4 = (153 − 125)/4 = 7
    // Δ = 6 − 5 = 1
    // SE² = s_t²/n_t + s_c²/n_c = (20/3)/4 + 7/5 = 5/3 + 7/5 = 46/15, SE = 1.7511900715418263
    // z = 1/SE = 0.5710402407201607, p = 2(1 − Φ(z)) = 0.5679723655099227
    // 95 %: 1 ± 1.959963984540054·1.7511900715418263 = [−2.4322694703061005, 4.4322694703061005]
    // Welch df = (46/15)² / ((5/3)²/3 + (7/5)²/4) = (2116/225) / (25/27 + 49/100)
    //          = 25392/3823 = 6.641904263667277
    // relative = 1/5 = 0.2, Var = s_t²/(n_t·ȳ_c²) + s_c²·ȳ_t²/(n_c·ȳ_c⁴)
    //          = (20/3)/(4·25) + 7·36/(5·625) = 1/15 + 252/3125 = 1381/9375,
    //   SE = 0.3838055063006088 → [−0.5522449694173541, 0.9522449694173541]
    const treatment = sumsOf([3, 5, 7, 9]);
    const control = sumsOf([2, 4, 4, 6, 9]);
    expect(control).toEqual({ n: 5, sumY: 25, sumY2: 153 });
    const r = compareMeans(treatment, control);
    expect(r.meanTreatment).toBeCloseTo(6, 12);
    expect(r.meanControl).toBeCloseTo(5, 12);
    expect(r.varianceTreatment!).toBeCloseTo(20 / 3, 12);
    expect(r.varianceControl!).toBeCloseTo(7, 12);
    expect(r.absolute!.estimate).toBeCloseTo(1, 12);
    expect(r.se!).toBeCloseTo(1.7511900715418263, 9);
    expect(r.z!).toBeCloseTo(0.5710402407201607, 9);
    expect(r.pValue!).toBeCloseTo(0.5679723655099227, 9);
    expect(r.absolute!.low).toBeCloseTo(-2.4322694703061005, 9);
    expect(r.absolute!.high).toBeCloseTo(4.4322694703061005, 9);
    expect(r.welchDf!).toBeCloseTo(6.641904263667277, 9);
    expect(r.relative!.estimate).toBeCloseTo(0.2, 12);
    expect(r.relativeSe!).toBeCloseTo(0.3838055063006088, 9);
    expect(r.relative!.low).toBeCloseTo(-0.5522449694173541, 9);
    expect(r.relative!.high).toBeCloseTo(0.9522449694173541, 9);
  });

  describe('Hillstrom spend per customer (published figures)', () => {
    /** The published estimate and 95 % bounds, to the 4 decimals they are printed with. */
    const expectPublished = (
      interval: Interval | null,
      [estimate, low, high]: [number, number, number],
    ) => {
      expect(interval!.estimate).toBeCloseTo(estimate, 4);
      expect(interval!.low).toBeCloseTo(low, 4);
      expect(interval!.high).toBeCloseTo(high, 4);
    };
    // n, Σ spend, Σ spend² per segment, from ../shared/data/hillstrom.csv with
    // awk -F, 'NR>1{k=$(NF-3); n[k]++; s[k]+=$NF; s2[k]+=$NF*$NF} …' (fields counted from the
    // end because history_segment holds quoted commas); checked with exact rational sums.
    const mens: ArmSums = { n: 21307, sumY: 30311.69, sumY2: 6759024.4973 };
    const womens: ArmSums = { n: 21387, sumY: 23038.11, sumY2: 4911446.5763 };
    const noEmail: ArmSums = { n: 21306, sumY: 13908.33, sumY2: 2870050.3621 };

    it('spend per customer: Mens $1.4226, Womens $1.0772, No E-Mail $0.6528', () => {
      expect(armMoments(mens).mean!).toBeCloseTo(1.4226, 4);
      expect(armMoments(womens).mean!).toBeCloseTo(1.0772, 4);
      expect(armMoments(noEmail).mean!).toBeCloseTo(0.6528, 4);
    });

    it('Mens − No E-Mail: $0.7698 [0.4851, 1.0545], t = 5.30', () => {
      const r = compareMeans(mens, noEmail);
      expectPublished(r.absolute, [0.7698, 0.4851, 1.0545]);
      expect(r.z!).toBeCloseTo(5.3, 2);
      // Unrounded (mpmath on the exact rational sums): Δ = 0.7698271558945365,
      // SE = 0.14524656024868675, z = 5.300140358411668, p = 1.1571368879646440e-7,
      // df = 36671.15797736051.
      expect(r.se!).toBeCloseTo(0.14524656024868676, 9);
      expect(r.pValue! / 1.157136887964644e-7).toBeCloseTo(1, 8);
      expect(r.welchDf!).toBeCloseTo(36671.15797736051, 6);
      expect(r.relative!.estimate).toBeCloseTo(1.1792887703620056, 9);
    });

    it('Womens − No E-Mail: $0.4244 [0.1690, 0.6799]', () => {
      const r = compareMeans(womens, noEmail);
      expectPublished(r.absolute, [0.4244, 0.169, 0.6799]);
      // mpmath: z = 3.256371576025391, p = 0.0011284596637324748
      expect(r.z!).toBeCloseTo(3.256371576025391, 9);
      expect(r.pValue!).toBeCloseTo(0.0011284596637324749, 12);
    });
  });

  describe('edge cases', () => {
    it('an arm with fewer than two persons leaves every lift field null', () => {
      const r = compareMeans({ n: 1, sumY: 3, sumY2: 9 }, sumsOf([1, 2, 3]));
      expect(r.meanTreatment).toBe(3);
      expect(r.varianceTreatment).toBeNull();
      expect(r.absolute).toBeNull();
      expect(r.relative).toBeNull();
      expect(r.pValue).toBeNull();
      expect(r.welchDf).toBeNull();
    });

    it('a zero control mean nulls the relative lift only', () => {
      const r = compareMeans(sumsOf([1, 2, 3]), sumsOf([-1, 0, 1]));
      expect(r.absolute!.estimate).toBeCloseTo(2, 12);
      expect(r.relative).toBeNull();
    });

    it('a negative control mean (refunds above sales) keeps the sign of Δ in the relative lift', () => {
      // treatment y = −1, −3, −5: ȳ_t = −3, s_t² = ((−1 + 3)² + 0 + (−5 + 3)²)/2 = 4
      // control   y = −4, −5, −6: ȳ_c = −5, s_c² = (1 + 0 + 1)/2 = 1
      // Δ = −3 − (−5) = +2: the treated lost 2 less per person than the holdout, a gain.
      // Relative over the size of the baseline, Δ/|ȳ_c| = 2/5 = +0.4 (a gain reads as a gain);
      // Δ/ȳ_c = −0.4 would print a 40 % loss. The delta-method variance has only squares:
      // s_t²/(n_t·ȳ_c²) + s_c²·ȳ_t²/(n_c·ȳ_c⁴) = 4/75 + 9/1875 = 109/1875, SE = 0.24110855093366834,
      // 95 %: 0.4 ± 1.959963984540054·SE = [−0.07256407619463118, 0.8725640761946312]
      const r = compareMeans(sumsOf([-1, -3, -5]), sumsOf([-4, -5, -6]));
      expect(r.absolute!.estimate).toBeCloseTo(2, 12);
      expect(r.relative!.estimate).toBeCloseTo(0.4, 12);
      expect(r.relativeSe!).toBeCloseTo(0.24110855093366834, 12);
      expect(r.relative!.low).toBeCloseTo(-0.07256407619463118, 12);
      expect(r.relative!.high).toBeCloseTo(0.8725640761946312, 12);
      // the CUPED comparison (here with a constant covariate, θ = 0) says the same
      const withCovariate = (values: number[]) => ({
        ...sumsOf(values),
        sumX: 3,
        sumX2: 3,
        sumXY: 0,
      });
      const cuped = cupedCompare(withCovariate([-1, -3, -5]), withCovariate([-4, -5, -6]));
      expect(cuped.relative!.estimate).toBeCloseTo(0.4, 12);
      expect(cuped.relativeSe!).toBeCloseTo(0.24110855093366834, 12);
    });

    it('no treated revenue against a varying control: no relative interval claims −100 % exactly', () => {
      // treatment y = 0, 0, 0 (converters who paid nothing); control y = 1, 2, 3: ȳ_c = 2, s_c² = 1
      // Δ = −2, SE = √(0/3 + 1/3) = 0.5773502691896258; the delta-method relative variance
      // s_t²/(n_t·ȳ_c²) + s_c²·ȳ_t²/(n_c·ȳ_c⁴) = 0 + 0 would print −100 % [−100 %, −100 %]
      const r = compareMeans(sumsOf([0, 0, 0]), sumsOf([1, 2, 3]));
      expect(r.absolute!.estimate).toBeCloseTo(-2, 12);
      expect(r.se!).toBeCloseTo(0.5773502691896258, 12);
      expect(r.relative).toBeNull();
      expect(r.relativeSe).toBeNull();
      // CUPED (a constant covariate, θ = 0) leaves it undefined too
      const withCovariate = (values: number[]) => ({
        ...sumsOf(values),
        sumX: 3,
        sumX2: 3,
        sumXY: values.reduce((a, v) => a + v, 0),
      });
      const cuped = cupedCompare(withCovariate([0, 0, 0]), withCovariate([1, 2, 3]));
      expect(cuped.se!).toBeCloseTo(0.5773502691896258, 12);
      expect(cuped.relative).toBeNull();
      expect(cuped.relativeSe).toBeNull();
    });

    it('constant arms: p = 1 when equal, null when different (nothing to test against), df null', () => {
      const same = compareMeans(sumsOf([2, 2, 2]), sumsOf([2, 2]));
      expect(same.se).toBe(0);
      expect(same.pValue).toBe(1);
      expect(same.z).toBeNull();
      expect(same.welchDf).toBeNull();
      const different = compareMeans(sumsOf([3, 3, 3]), sumsOf([2, 2]));
      expect(different.pValue).toBeNull();
      expect(different.absolute).toEqual({ estimate: 1, low: 1, high: 1 });
    });

    it('compareMoments takes moments directly', () => {
      // SE = √(4/100 + 9/100) = √0.13 = 0.36055512754639896
      const r = compareMoments(
        { n: 100, mean: 10.5, variance: 4 },
        { n: 100, mean: 10, variance: 9 },
      );
      expect(r.se!).toBeCloseTo(0.36055512754639896, 12);
      expect(r.absolute!.estimate).toBeCloseTo(0.5, 12);
    });
  });
});
