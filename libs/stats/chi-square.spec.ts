import { describe, expect, it } from '@jest/globals';
import { chiSquareSf } from './chi-square.js';
import { StatsException } from './errors.js';

// Critical values are the published χ² table (5 %, 1 %) to 16 digits; the other expectations are
// closed forms or mpmath's gammainc at 40 digits.

describe('chiSquareSf', () => {
  it.each([
    [3.841458820694124, 1, 0.05], // χ²₁ 5 % critical value
    [6.634896601021214, 1, 0.01], // χ²₁ 1 % critical value
    [5.991464547107979, 2, 0.05], // χ²₂ 5 % critical value (= −2 ln 0.05)
    [11.070497693516351, 5, 0.05], // χ²₅ 5 % critical value
    [10, 1, 0.001565402258002549], // the SRM example: 2·(1 − Φ(√10))
    [10, 2, 0.006737946999085467], // df = 2 is exponential: e^(−10/2) = e^(−5)
    [1, 3, 0.8012519569012008],
    [0.5, 4, 0.9735009788392561], // df = 4: e^(−x/2)(1 + x/2) = e^(−0.25)·1.25
    [50, 10, 2.6690834249044957e-7],
    [3, 7, 0.8850022316431506],
  ])('sf(%p, df = %p) = %p', (x, df, expected) => {
    expect(chiSquareSf(x, df)).toBeCloseTo(expected, 9);
  });

  it('keeps relative accuracy far in the tail: sf(100, 1) = 1.5239706048321052e-23', () => {
    expect(chiSquareSf(100, 1) / 1.523970604832105e-23).toBeCloseTo(1, 11);
  });

  it('is 1 at 0 and 0 at ∞', () => {
    expect(chiSquareSf(0, 1)).toBe(1);
    expect(chiSquareSf(Infinity, 3)).toBe(0);
  });

  it('rejects a negative statistic and non-integer or zero df', () => {
    expect(() => chiSquareSf(-1, 1)).toThrow(StatsException);
    expect(() => chiSquareSf(1, 0)).toThrow(StatsException);
    expect(() => chiSquareSf(1, 1.5)).toThrow(StatsException);
  });
});
