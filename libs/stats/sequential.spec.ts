import { describe, expect, it } from '@jest/globals';
import { StatsException } from './errors.js';
import { compareProportions } from './proportions.js';
import {
  confidenceSequenceMargin,
  confidenceSequenceRhoSquared,
  sequentialInterval,
  sequentialLift,
  sequentialMeans,
  sequentialProportions,
} from './sequential.js';

// Expected values evaluated by hand below and checked with mpmath at 30 digits.
const Z_975 = 1.959963984540054;

describe('confidence sequence formula, evaluated by hand', () => {
  // α = 0.05, t* = n = 2000, estimate 0.02 with SE 0.01
  // a = −2 ln 0.05 = 5.991464547107982;  ln(a + 1) = ln 6.991464547107982 = 1.9446900546295833
  // ρ² = (a + ln(a + 1)) / t* = 7.936154601737565 / 2000 = 0.003968077300868783
  // u = nρ² = 7.936154601737565;  √(u + 1) = 2.9893401615971317
  // ln(√(u + 1)/α) = ln 59.78680323194263 = 4.090784954862698
  // margin = √( 2(u + 1) / (n²ρ²) · ln(√(u + 1)/α) )
  //        = √( 17.87230920347513 / (2000 · 7.936154601737565) · 4.090784954862698 )
  //        = 0.06786933628399806
  // σ̂ = SE·√n = 0.01·√2000 = 0.4472135954999579
  // half-width = 0.4472135954999579 · 0.06786933628399806 = 0.030352089903762529
  // interval = [0.02 − 0.030352…, 0.02 + 0.030352…] = [−0.010352089903762529, 0.05035208990376253]
  // (the fixed 95 % interval would be 0.02 ± 1.96·0.01 = 0.02 ± 0.0196)
  it('ρ² for t* = 2000 at α = 0.05', () => {
    expect(confidenceSequenceRhoSquared(2000, 0.05)).toBeCloseTo(0.003968077300868783, 15);
  });

  it('the unit-variance margin at n = 2000', () => {
    expect(confidenceSequenceMargin(2000, 0.003968077300868783, 0.05)).toBeCloseTo(
      0.06786933628399806,
      12,
    );
  });

  it('the interval at n = t* = 2000', () => {
    const r = sequentialInterval({ estimate: 0.02, se: 0.01, n: 2000, plannedN: 2000 });
    expect(r.estimate).toBe(0.02);
    expect(r.low).toBeCloseTo(-0.010352089903762528, 12);
    expect(r.high).toBeCloseTo(0.05035208990376253, 12);
    const explicit = sequentialInterval({
      estimate: 0.02,
      se: 0.01,
      n: 2000,
      alpha: 0.05,
      plannedN: 2000,
    });
    expect(explicit).toEqual(r);
  });

  it('before the planned size: n = 500, t* = 2000, SE = 0.02', () => {
    // u = 500·0.003968077300868783 = 1.9840386504343913; margin = 0.14598363755811678
    // σ̂ = 0.02·√500 = 0.4472135954999579; half = 0.0652858674365281
    const r = sequentialInterval({ estimate: 0.02, se: 0.02, n: 500, plannedN: 2000 });
    expect(r.low).toBeCloseTo(0.02 - 0.0652858674365281, 12);
    expect(r.high).toBeCloseTo(0.02 + 0.0652858674365281, 12);
  });

  it('another level: α = 0.1, t* = 10 000, n = 2000, SE = 0.01 → half-width 0.03115685405228882', () => {
    const r = sequentialInterval({
      estimate: 0.02,
      se: 0.01,
      n: 2000,
      alpha: 0.1,
      plannedN: 10000,
    });
    expect(r.high - r.estimate).toBeCloseTo(0.03115685405228882, 12);
  });
});

describe('confidence sequence properties', () => {
  it('is always wider than the fixed-horizon interval at the same α', () => {
    // (α, z_{1−α/2}) from the normal table (checked with mpmath), not from the code under test
    const levels: [number, number][] = [
      [0.001, 3.2905267314918945],
      [0.01, 2.5758293035489004],
      [0.05, 1.959963984540054],
      [0.1, 1.6448536269514722],
      [0.2, 1.2815515655446004],
      [0.5, 0.6744897501960817],
      [0.9, 0.12566134685507402],
    ];
    for (const [alpha, fixedZ] of levels) {
      for (const n of [1, 2, 10, 100, 10_000, 1_000_000]) {
        for (const plannedN of [1, 100, 10_000, 1_000_000]) {
          const r = sequentialInterval({ estimate: 0, se: 1, n, alpha, plannedN });
          expect(r.high).toBeGreaterThan(fixedZ);
        }
      }
    }
  });

  it('at α = 0.05 and n = t* it is 1.5486 times the fixed interval (3.0352089903762529·SE)', () => {
    // half/SE = √(2(u + 1)/u · ln(√(u + 1)/α)) with u = 7.936154601737565 = 3.0352089903762529
    const r = sequentialInterval({ estimate: 0, se: 1, n: 12345, plannedN: 12345 });
    expect(r.high).toBeCloseTo(3.035208990376253, 12);
    expect(r.high / Z_975).toBeCloseTo(1.5486044714686567, 12);
  });

  it('shrinks as persons accrue (fixed per-person σ, fixed t*)', () => {
    let previous = Infinity;
    for (let n = 10; n <= 10_000_000; n = Math.round(n * 1.3)) {
      const se = 1 / Math.sqrt(n); // σ = 1 per person
      const half = sequentialInterval({ estimate: 0, se, n, plannedN: 10_000 }).high;
      expect(half).toBeLessThan(previous);
      previous = half;
    }
  });

  it('the closed-form ρ is within 0.003 % of the tightest possible width at t*', () => {
    // Brute force over ρ: min over u = tρ² of the margin; the exact optimum is
    // u* = −W₋₁(−α²/e) − 1 = 8.211968062068254 (mpmath lambertw), width ratio 1.0000285
    const t = 5000;
    const alpha = 0.05;
    const chosen = confidenceSequenceMargin(t, confidenceSequenceRhoSquared(t, alpha), alpha);
    let best = Infinity;
    for (let u = 1; u <= 30; u += 0.0005) {
      best = Math.min(best, confidenceSequenceMargin(t, u / t, alpha));
    }
    expect(chosen / best).toBeGreaterThanOrEqual(1);
    expect(chosen / best).toBeCloseTo(1.000028525158435, 7);
    const atExactOptimum = confidenceSequenceMargin(t, 8.211968062068253 / t, alpha);
    expect(atExactOptimum).toBeCloseTo(best, 12);
  });

  it('collapses to the estimate when SE = 0 and rejects bad input', () => {
    expect(sequentialInterval({ estimate: 1, se: 0, n: 10, plannedN: 10 })).toEqual({
      estimate: 1,
      low: 1,
      high: 1,
    });
    expect(() => sequentialInterval({ estimate: 0, se: 1, n: 0, plannedN: 10 })).toThrow(
      StatsException,
    );
    expect(() => sequentialInterval({ estimate: 0, se: -1, n: 10, plannedN: 10 })).toThrow(
      StatsException,
    );
    expect(() => sequentialInterval({ estimate: 0, se: 1, n: 10, alpha: 1, plannedN: 10 })).toThrow(
      StatsException,
    );
    expect(() => sequentialInterval({ estimate: 0, se: 1, n: 10, plannedN: 0 })).toThrow(
      StatsException,
    );
  });
});

describe('two-arm conveniences', () => {
  it('Hillstrom Mens vs No E-Mail conversion, t* = n = 42 613', () => {
    // Δ = 0.006805006519615695, SE = 0.000920851175531638 (proportions.spec.ts);
    // half = 3.0352089903762529 · SE → [0.0040100307528435, 0.0095999822863879]
    // always-valid p = √(u + 1)·exp(−z²u/(2(u + 1))) with z = 7.389909141058476:
    //   = 2.9893401615971317 · exp(−54.61075… · 7.936154601737565 / 17.87230920347513)
    //   = 8.790902428376698e-11
    const r = sequentialProportions(
      { n: 21307, x: 267 },
      { n: 21306, x: 122 },
      { plannedN: 42613 },
    );
    expect(r.plannedN).toBe(42613);
    expect(r.absolute!.low).toBeCloseTo(0.0040100307528435, 12);
    expect(r.absolute!.high).toBeCloseTo(0.0095999822863879, 12);
    expect(r.relative!.low).toBeCloseTo(0.4654101931286907, 9);
    expect(r.relative!.high).toBeCloseTo(1.911433559443965, 9);
    expect(r.pValue! / 8.790902428376697e-11).toBeCloseTo(1, 8);
  });

  it('Hillstrom Mens vs No E-Mail spend, planned for 100 000 persons', () => {
    // ρ² = 7.936154601737565 / 100 000, u = 42 613 ρ² = 3.381833560438429
    // Δ = 0.7698271558945365, SE = 0.14524656024868675 → [0.3179848128946482, 1.2216694988944247]
    // always-valid p = 4.101546766945114e-5 (the fixed-horizon p is 1.16e-7)
    const r = sequentialMeans(
      { n: 21307, sumY: 30311.69, sumY2: 6759024.4973 },
      { n: 21306, sumY: 13908.33, sumY2: 2870050.3621 },
      { plannedN: 100_000 },
    );
    expect(r.rhoSquared).toBeCloseTo(7.936154601737566e-5, 15);
    expect(r.absolute!.low).toBeCloseTo(0.3179848128946482, 9);
    expect(r.absolute!.high).toBeCloseTo(1.2216694988944248, 9);
    expect(r.pValue! / 4.101546766945114e-5).toBeCloseTo(1, 8);
  });

  it('the always-valid p-value is ≤ α exactly when the interval excludes 0', () => {
    for (const xt of [100, 110, 115, 118, 120, 125, 130, 140, 160]) {
      const comparison = compareProportions({ n: 1000, x: xt }, { n: 1000, x: 100 });
      for (const alpha of [0.01, 0.05, 0.1]) {
        const r = sequentialLift(comparison, 2000, { alpha, plannedN: 1500 });
        const excludesZero = r.absolute!.low > 0 || r.absolute!.high < 0;
        expect(r.pValue! <= alpha).toBe(excludesZero);
        // and it is never smaller than the fixed-horizon p-value
        expect(r.pValue!).toBeGreaterThanOrEqual(comparison.pValue!);
      }
    }
  });

  it('passes undefined comparisons through as nulls', () => {
    const r = sequentialProportions({ n: 0, x: 0 }, { n: 10, x: 1 }, { plannedN: 10 });
    expect(r.absolute).toBeNull();
    expect(r.relative).toBeNull();
    expect(r.pValue).toBeNull();
    const zeroBaseline = sequentialProportions(
      { n: 100, x: 5 },
      { n: 100, x: 0 },
      { plannedN: 200 },
    );
    expect(zeroBaseline.absolute).not.toBeNull();
    expect(zeroBaseline.relative).toBeNull();
  });

  it('at a first look of one person per arm gives no p-value, not p = 0', () => {
    // 1 of 1 treated converted, 0 of 1 held out: Δ = 1 with SE √(1·0/1 + 0·1/1) = 0, nothing to
    // test a difference against; no difference (1 of 1 each) is still p = 1
    const first = sequentialProportions({ n: 1, x: 1 }, { n: 1, x: 0 }, { plannedN: 10_000 });
    expect(first.absolute).toEqual({ estimate: 1, low: 1, high: 1 });
    expect(first.pValue).toBeNull();
    const same = sequentialProportions({ n: 1, x: 1 }, { n: 1, x: 1 }, { plannedN: 10_000 });
    expect(same.pValue).toBe(1);
  });
});
