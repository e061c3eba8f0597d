import { describe, expect, it } from '@jest/globals';
import { StatsException } from './errors.js';
import {
  normalCdf,
  normalQuantile,
  normalSf,
  twoSidedCriticalValue,
  criticalValueAtAlpha,
  twoSidedPValue,
} from './normal.js';

// Expected values are published table values or were evaluated independently of this code with
// mpmath at 40 significant digits (ncdf, and findroot on ln Φ for quantiles), then rounded to 16.

describe('normalCdf', () => {
  it.each([
    [1.96, 0.9750021048517795],
    [-1.96, 0.02499789514822043],
    [1, 0.8413447460685429],
    [-3, 0.0013498980316300946],
    [-0.5, 0.3085375387259869],
    [0.3, 0.6179114221889526],
    [5, 0.9999997133484281],
    [0, 0.5],
  ])('Φ(%p) = %p to 1e-9', (x, expected) => {
    expect(normalCdf(x)).toBeCloseTo(expected, 9);
  });

  it('keeps relative accuracy in the lower tail: Φ(−6.5) = 4.016000583859118e-11', () => {
    expect(normalCdf(-6.5) / 4.016000583859118e-11).toBeCloseTo(1, 12);
  });

  it('reaches 0 and 1 at the infinities', () => {
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
  });

  it('rejects NaN', () => {
    expect(() => normalCdf(Number.NaN)).toThrow(StatsException);
  });
});

describe('normalSf', () => {
  it('is 1 − Φ(x) at moderate x', () => {
    expect(normalSf(1.96)).toBeCloseTo(0.02499789514822043, 12);
    expect(normalSf(-1)).toBeCloseTo(0.8413447460685429, 12);
  });

  it.each([
    [8, 6.220960574271784e-16],
    [10, 7.619853024160525e-24],
    [20, 2.7536241186062337e-89],
    [37, 5.725571222524577e-300],
  ])('keeps relative accuracy far out: P(Z > %p) = %p', (x, expected) => {
    expect(normalSf(x) / expected).toBeCloseTo(1, 12);
  });

  it('is 0 beyond the smallest double', () => {
    expect(normalSf(60)).toBe(0);
    expect(normalSf(Infinity)).toBe(0);
  });
});

describe('normalQuantile', () => {
  it.each([
    [0.975, 1.959963984540054],
    [0.999, 3.090232306167813],
    [1e-10, -6.361340902404056],
    [0.8, 0.8416212335729142],
    [0.025, -1.959963984540054],
    [0.1, -1.2815515655446004],
    [0.3, -0.5244005127080408],
    [1e-20, -9.262340089798409],
  ])('Φ⁻¹(%p) = %p to 1e-9', (p, expected) => {
    expect(normalQuantile(p)).toBeCloseTo(expected, 9);
  });

  it('is exactly 0 at ½ and handles the deepest tail (Φ⁻¹(1e-300) = −37.04709629936120)', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(1e-300)).toBeCloseTo(-37.0470962993612, 9);
  });

  it('inverts the cdf in the lower tail and the survival function in the upper tail', () => {
    // (Φ⁻¹(Φ(x)) for large x would test double rounding of Φ(x) near 1, not the quantile.)
    for (let x = -37; x <= 37; x += 0.25) {
      const roundTrip = x <= 0 ? normalQuantile(normalCdf(x)) : -normalQuantile(normalSf(x));
      expect(roundTrip).toBeCloseTo(x, 9);
    }
  });

  it('is ∓∞ at 0 and 1 and rejects values outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(() => normalQuantile(-0.1)).toThrow(StatsException);
    expect(() => normalQuantile(1.5)).toThrow(StatsException);
    expect(() => normalQuantile(Number.NaN)).toThrow(StatsException);
  });
});

describe('twoSidedCriticalValue', () => {
  it('is z_{0.975} = 1.959963984540054 at 95 % and z_{0.995} = 2.5758293035489004 at 99 %', () => {
    expect(twoSidedCriticalValue(0.95)).toBeCloseTo(1.959963984540054, 12);
    expect(twoSidedCriticalValue(0.99)).toBeCloseTo(2.5758293035489004, 12);
  });

  it('rejects levels outside (0, 1)', () => {
    expect(() => twoSidedCriticalValue(1)).toThrow(StatsException);
    expect(() => twoSidedCriticalValue(0)).toThrow(StatsException);
  });
});

describe('criticalValueAtAlpha', () => {
  it('is −Φ⁻¹(α/2), exact at an α whose 1 − α rounds to 1', () => {
    // mpmath (findroot of erfc(x/√2)/2 = α/2 at 60 digits): α = 0.05 → 1.9599639845400542,
    // 1e-20 → 9.3360448492340600, 1e-300 → 37.065787880772130
    expect(criticalValueAtAlpha(0.05)).toBeCloseTo(1.959963984540054, 13);
    expect(criticalValueAtAlpha(1e-20)).toBeCloseTo(9.33604484923406, 12);
    expect(criticalValueAtAlpha(1e-300)).toBeCloseTo(37.06578788077213, 11);
    expect(() => criticalValueAtAlpha(0)).toThrow(/alpha/);
    expect(() => criticalValueAtAlpha(1)).toThrow(/alpha/);
  });
});

describe('twoSidedPValue', () => {
  it.each([
    [1.96, 0.04999579029644087],
    [-1.96, 0.04999579029644087],
    [3, 0.002699796063260189],
    [0, 1],
  ])('P(|Z| ≥ |%p|) = %p', (z, expected) => {
    expect(twoSidedPValue(z)).toBeCloseTo(expected, 12);
  });

  it('is 0 for an infinite statistic', () => {
    expect(twoSidedPValue(Infinity)).toBe(0);
    expect(twoSidedPValue(-Infinity)).toBe(0);
  });
});
