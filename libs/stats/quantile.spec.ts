import { describe, expect, it } from '@jest/globals';
import { capRevenues, quantile, revenueCapValue } from './quantile.js';

describe('quantile (type 7, numpy default)', () => {
  it("reproduces numpy.quantile's documented example", () => {
    // numpy.quantile docs: a = [[10, 7, 4], [3, 2, 1]]; np.quantile(a, 0.5) → 3.5;
    // axis=0 → [6.5, 4.5, 2.5]; axis=1 → [7., 2.]
    expect(quantile([10, 7, 4, 3, 2, 1], 0.5)).toBe(3.5);
    expect(quantile([10, 3], 0.5)).toBe(6.5);
    expect(quantile([7, 2], 0.5)).toBe(4.5);
    expect(quantile([4, 1], 0.5)).toBe(2.5);
    expect(quantile([10, 7, 4], 0.5)).toBe(7);
    expect(quantile([3, 2, 1], 0.5)).toBe(2);
  });

  it('interpolates linearly between order statistics', () => {
    // 1..10, p = 0.9: h = 9·0.9 = 8.1 → x₉ + 0.1·(x₁₀ − x₉) = 9.1 (np.percentile(range(1, 11), 90))
    expect(quantile([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 0.9)).toBeCloseTo(9.1, 12);
    // [0.5, 2, 3, 15, 45, 80, 120] (n = 7), p = 0.99: h = 5.94 → 80 + 0.94·40 = 117.6
    expect(quantile([0.5, 120, 3, 80, 15, 2, 45], 0.99)).toBeCloseTo(117.6, 12);
    expect(quantile([5, 1, 3], 0)).toBe(1);
    expect(quantile([5, 1, 3], 1)).toBe(5);
    expect(quantile([42], 0.37)).toBe(42);
  });

  it('leaves its input alone', () => {
    const values = [3, 1, 2];
    quantile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
  });

  it('rejects what has no quantile', () => {
    expect(() => quantile([], 0.5)).toThrow(/at least one/);
    expect(() => quantile([1, Number.NaN], 0.5)).toThrow(/values\[1\]/);
    expect(() => quantile([1], 1.5)).toThrow(/probability/);
  });
});

describe('revenueCapValue', () => {
  // Per-person revenues of both arms, zeros included (non-converters).
  const revenues = [0, 0.5, 120, 0, 3, 80, 15, 0, 2000, 45];

  it('takes the percentile of the revenues above 0', () => {
    // positives: 0.5, 3, 15, 45, 80, 120, 2000 (n = 7)
    // np.percentile([0.5, 120, 3, 80, 15, 2000, 45], [99, 95, 50]) → [1887.2, 1436., 45.]
    // (99: h = 5.94 → 120 + 0.94·1880 = 1887.2)
    expect(revenueCapValue({ percentile: 99 }, revenues)).toBeCloseTo(1887.2, 9);
    expect(revenueCapValue({ percentile: 95 }, revenues)).toBeCloseTo(1436, 9);
    expect(revenueCapValue({ percentile: 50 }, revenues)).toBe(45);
    expect(revenueCapValue({ percentile: 100, value: null }, revenues)).toBe(2000);
  });

  it('uses a given value as it is, and has no percentile cap without revenue', () => {
    expect(revenueCapValue({ value: 250 }, revenues)).toBe(250);
    expect(revenueCapValue({ percentile: 99 }, [0, 0, -3])).toBeNull();
  });

  it('needs exactly one valid setting', () => {
    expect(() => revenueCapValue({}, revenues)).toThrow(/exactly one/);
    expect(() => revenueCapValue({ percentile: 99, value: 10 }, revenues)).toThrow(/exactly one/);
    expect(() => revenueCapValue({ percentile: 0 }, revenues)).toThrow(/revenueCap.percentile/);
    expect(() => revenueCapValue({ percentile: 101 }, revenues)).toThrow(/revenueCap.percentile/);
    expect(() => revenueCapValue({ value: -5 }, revenues)).toThrow(/revenueCap.value/);
  });
});

describe('capRevenues', () => {
  it('caps each revenue at the cap', () => {
    expect(capRevenues([0, 50, 100, 2000], 100)).toEqual([0, 50, 100, 100]);
    expect(() => capRevenues([1], 0)).toThrow(/cap/);
  });
});
