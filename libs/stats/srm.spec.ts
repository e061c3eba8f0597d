import { describe, expect, it } from '@jest/globals';
import { StatsException } from './errors.js';
import { sampleRatioMismatch } from './srm.js';

describe('sampleRatioMismatch', () => {
  it('50 500 / 49 500 against a 50 % holdout: χ² = 10, p = 0.001565402258002549', () => {
    // N = 100 000, E_t = E_c = 50 000; χ² = 500²/50 000 + 500²/50 000 = 5 + 5 = 10
    // p = P(χ²₁ > 10) = 2(1 − Φ(√10)) = 0.001565402258002549 (mpmath)
    const r = sampleRatioMismatch(50500, 49500, 0.5);
    expect(r.chiSquare).toBeCloseTo(10, 12);
    expect(r.pValue).toBeCloseTo(0.001565402258002549, 12);
    expect(r.expectedHoldoutShare).toBe(0.5);
    expect(r.observedHoldoutShare).toBeCloseTo(0.495, 12);
    expect(r.flagged).toBe(false); // 0.00157 is not below 0.001
    expect(sampleRatioMismatch(50500, 49500, 0.5, 0.01).flagged).toBe(true);
  });

  it('8 900 / 1 100 against a 10 % holdout is flagged: χ² = 100/9, p = 0.000858120666393675', () => {
    // N = 10 000, E_t = 9 000, E_c = 1 000; χ² = 100²/9 000 + 100²/1 000 = 1.1111… + 10 = 100/9
    const r = sampleRatioMismatch(8900, 1100, 0.1);
    expect(r.chiSquare).toBeCloseTo(100 / 9, 12);
    expect(r.pValue).toBeCloseTo(0.000858120666393675, 12);
    expect(r.observedHoldoutShare).toBeCloseTo(0.11, 12);
    expect(r.flagged).toBe(true);
  });

  it('an exact split gives χ² = 0 and p = 1', () => {
    const r = sampleRatioMismatch(9000, 1000, 0.1);
    expect(r.chiSquare).toBeCloseTo(0, 12);
    expect(r.pValue).toBeCloseTo(1, 12);
    expect(r.flagged).toBe(false);
  });

  it('no persons is not a mismatch', () => {
    expect(sampleRatioMismatch(0, 0, 0.2)).toEqual({
      expectedHoldoutShare: 0.2,
      observedHoldoutShare: null,
      chiSquare: 0,
      pValue: 1,
      flagged: false,
    });
  });

  it('rejects a share outside (0, 1) and bad counts', () => {
    expect(() => sampleRatioMismatch(10, 10, 0)).toThrow(StatsException);
    expect(() => sampleRatioMismatch(10, 10, 1)).toThrow(StatsException);
    expect(() => sampleRatioMismatch(-1, 10, 0.5)).toThrow(StatsException);
    expect(() => sampleRatioMismatch(1.5, 10, 0.5)).toThrow(StatsException);
  });
});
