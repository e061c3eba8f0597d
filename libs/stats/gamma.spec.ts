import { describe, expect, it } from '@jest/globals';
import { StatsException } from './errors.js';
import { lnGamma, regularizedGammaP, regularizedGammaQ } from './gamma.js';

// Closed forms where they exist; otherwise values from mpmath (loggamma, gammainc) at 30 digits.

describe('lnGamma', () => {
  it.each([
    [0.5, 0.5723649429247001], // ln √π
    [1, 0], // ln 0!
    [2, 0], // ln 1!
    [10, 12.801827480081469], // ln 9! = ln 362880
    [100, 359.1342053695754], // ln 99!
    [3.5, 1.2009736023470743], // ln(15√π / 8)
    [0.1, 2.252712651734206], // through the reflection formula
  ])('ln Γ(%p) = %p', (x, expected) => {
    expect(lnGamma(x)).toBeCloseTo(expected, 12);
  });

  it('rejects x ≤ 0', () => {
    expect(() => lnGamma(0)).toThrow(StatsException);
    expect(() => lnGamma(-1)).toThrow(StatsException);
  });
});

describe('regularized incomplete gamma', () => {
  it('P(1, x) = 1 − e^(−x) and Q(1, 3) = e^(−3) = 0.049787068367863944', () => {
    expect(regularizedGammaP(1, 0.7)).toBeCloseTo(1 - Math.exp(-0.7), 14);
    expect(regularizedGammaQ(1, 3)).toBeCloseTo(0.049787068367863944, 14);
  });

  it('P(3, 2) = 1 − e^(−2)(1 + 2 + 2²/2) = 1 − 5e^(−2) = 0.32332358381693654', () => {
    expect(regularizedGammaP(3, 2)).toBeCloseTo(0.32332358381693654, 14);
  });

  it('Q(½, x²) = erfc(x): erfc(1) = 0.15729920705028513', () => {
    expect(regularizedGammaQ(0.5, 1)).toBeCloseTo(0.15729920705028513, 14);
  });

  it('matches mpmath on both sides of the series / continued-fraction switch', () => {
    expect(regularizedGammaQ(50, 40)).toBeCloseTo(0.929664933340605, 12); // x < a + 1
    expect(regularizedGammaP(2.5, 0.3)).toBeCloseTo(0.011996757205906266, 14);
  });

  it('P + Q = 1', () => {
    for (const [a, x] of [
      [0.5, 0.2],
      [3, 7],
      [20, 19],
      [20, 25],
    ]) {
      expect(regularizedGammaP(a, x) + regularizedGammaQ(a, x)).toBeCloseTo(1, 14);
    }
  });

  it('handles x = 0 and x = ∞ and rejects bad arguments', () => {
    expect(regularizedGammaP(2, 0)).toBe(0);
    expect(regularizedGammaQ(2, 0)).toBe(1);
    expect(regularizedGammaQ(2, Infinity)).toBe(0);
    expect(() => regularizedGammaQ(0, 1)).toThrow(StatsException);
    expect(() => regularizedGammaQ(1, -1)).toThrow(StatsException);
  });
});
