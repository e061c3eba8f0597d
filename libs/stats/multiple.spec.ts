import { describe, expect, it } from '@jest/globals';
import { StatsException } from './errors.js';
import { benjaminiHochberg, significanceLevel } from './multiple.js';

describe('benjaminiHochberg', () => {
  it('worked example: [0.01, 0.04, 0.03, 0.005] → [0.02, 0.04, 0.04, 0.02]', () => {
    // m = 4; sorted: 0.005 (rank 1), 0.01 (2), 0.03 (3), 0.04 (4)
    // m·p/rank: 4·0.005/1 = 0.02, 4·0.01/2 = 0.02, 4·0.03/3 = 0.04, 4·0.04/4 = 0.04
    // running minimum from the largest rank down: 0.04, 0.04, 0.02, 0.02
    // back in input order: 0.01 → 0.02, 0.04 → 0.04, 0.03 → 0.04, 0.005 → 0.02
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
    expect(q).toHaveLength(4);
    [0.02, 0.04, 0.04, 0.02].forEach((expected, i) => expect(q[i]!).toBeCloseTo(expected, 12));
  });

  it('step-up monotonicity and nulls passing through', () => {
    // non-null p: 0.02, 0.021, 0.5, 0.9 (m = 4; the null is not counted)
    // m·p/rank: 0.08, 0.042, 0.6667, 0.9 → running minimum from the top: 0.9, 0.6667, 0.042, 0.042
    const q = benjaminiHochberg([0.5, null, 0.02, 0.9, 0.021]);
    expect(q[1]).toBeNull();
    expect(q[0]!).toBeCloseTo(2 / 3, 12);
    expect(q[2]!).toBeCloseTo(0.042, 12);
    expect(q[3]!).toBeCloseTo(0.9, 12);
    expect(q[4]!).toBeCloseTo(0.042, 12);
  });

  it('stays at most 1 where m·p/rank exceeds it, and gives ties equal q-values', () => {
    // m = 3: 3·0.6/1 = 1.8 would exceed 1, but the running minimum from above is 0.7 (3·0.7/3)
    const q = benjaminiHochberg([0.6, 0.7, 0.7]);
    expect(q).toEqual([0.7, 0.7, 0.7]);
    const single = benjaminiHochberg([1]);
    expect(single).toEqual([1]);
  });

  it('is never below the raw p-value and never above 1', () => {
    const p = [0.001, 0.2, 0.03, 0.8, 0.04, 0.5, 0.049, 0.0001];
    const q = benjaminiHochberg(p);
    q.forEach((value, i) => {
      expect(value!).toBeGreaterThanOrEqual(p[i]);
      expect(value!).toBeLessThanOrEqual(1);
    });
  });

  it('handles empty and all-null input', () => {
    expect(benjaminiHochberg([])).toEqual([]);
    expect(benjaminiHochberg([null, null])).toEqual([null, null]);
  });

  it('rejects p-values outside [0, 1]', () => {
    expect(() => benjaminiHochberg([0.1, 1.2])).toThrow(StatsException);
    expect(() => benjaminiHochberg([Number.NaN])).toThrow(StatsException);
  });
});

describe('significanceLevel', () => {
  it('is 1 − confidence as a decimal reads it, not as floating point subtracts it', () => {
    // 1 - 0.95 === 0.050000000000000044 and 1 - 0.9 === 0.09999999999999998 in IEEE 754 doubles
    expect(significanceLevel(0.95)).toBe(0.05);
    expect(significanceLevel(0.9)).toBe(0.1);
    expect(significanceLevel(0.99)).toBe(0.01);
    expect(significanceLevel(0.975)).toBe(0.025);
  });

  it('refuses a confidence outside [0, 1]', () => {
    expect(() => significanceLevel(1.5)).toThrow(StatsException);
  });
});
