import { describe, expect, it } from '@jest/globals';
import { StatsException } from './errors.js';
import {
  minimumDetectableRelativeLift,
  proportionTestPower,
  requiredSamplePerArm,
} from './power.js';

// z_{0.975} = 1.959963984540054 and z_{0.8} = 0.8416212335729142 (normal table);
// K = z_{0.975} + z_{0.8} = 2.801585218112968, K² = 7.848879734349089.

describe('requiredSamplePerArm', () => {
  it('5 % baseline, +10 % relative, α = 0.05, 80 % power, 50/50 split', () => {
    // p_c = 0.05, p_t = 0.055, Δ = 0.005
    // p_t(1 − p_t)/0.5 + p_c(1 − p_c)/0.5 = 0.051975/0.5 + 0.0475/0.5 = 0.10395 + 0.095 = 0.19895
    // N = 7.848879734349089 · 0.19895 / 0.005² = 62461.38492595005 → 31230.69 per arm → 31231
    expect(requiredSamplePerArm(0.05, 0.1)).toEqual({
      treatment: 31231,
      control: 31231,
      total: 62462,
    });
  });

  it('with a 20 % holdout', () => {
    // N = K² · (0.051975/0.8 + 0.0475/0.2) / 0.005² = 94961.63368595604
    //   treatment 0.8·N = 75969.31 → 75970, control 0.2·N = 18992.33 → 18993
    expect(requiredSamplePerArm(0.05, 0.1, 0.05, 0.8, 0.2)).toEqual({
      treatment: 75970,
      control: 18993,
      total: 94963,
    });
  });

  it('rejects impossible rates and lifts', () => {
    expect(() => requiredSamplePerArm(0, 0.1)).toThrow(StatsException);
    expect(() => requiredSamplePerArm(0.6, 1)).toThrow(StatsException); // p_t = 1.2
    expect(() => requiredSamplePerArm(0.05, 0)).toThrow(StatsException);
    expect(() => requiredSamplePerArm(0.05, 0.1, 0.05, 1)).toThrow(StatsException);
  });
});

describe('proportionTestPower', () => {
  it('reaches the target at the required size and not one person earlier', () => {
    // SE at 31231 per arm = √(0.051975/31231 + 0.0475/31231); power (both tails, mpmath):
    //   31231 → 0.8000048222541651, 31230 → 0.7999922651846090
    expect(proportionTestPower(0.05, 0.1, 31231, 31231)).toBeCloseTo(0.8000048222541651, 9);
    expect(proportionTestPower(0.05, 0.1, 31230, 31230)).toBeCloseTo(0.799992265184609, 9);
  });

  it('Hillstrom: the 21 306-person holdout at 0.5726 % has 11.9 % power for a 10 % lift', () => {
    expect(proportionTestPower(122 / 21306, 0.1, 21307, 21306)).toBeCloseTo(0.1191766614589554, 9);
  });
});

describe('minimumDetectableRelativeLift', () => {
  it('inverts the sample size: 31231 per arm at 5 % detects 9.99995 %', () => {
    // A = 1 + K²/n_t, B = K²(1 − 2p)/n_t, C = K²p(1 − p)(1/n_t + 1/n_c), d = (B + √(B² + 4AC))/2A
    // n = 31231, p = 0.05: d = 0.004999974818773117, d/p = 0.09999949637546234
    expect(minimumDetectableRelativeLift(0.05, 31231, 31231)!).toBeCloseTo(0.09999949637546234, 9);
  });

  it('Hillstrom holdout: too small for a 10 % lift (needs 39.1 %)', () => {
    const mde = minimumDetectableRelativeLift(122 / 21306, 21307, 21306)!;
    expect(mde).toBeCloseTo(0.3908035251494037, 9);
    expect(mde > 0.1).toBe(true);
  });

  it('small arms at a high baseline: p = 0.5, n = 10 each → 93.78 %', () => {
    // A = 1.7848879734349089, B = 0, C = 7.848879734349089·0.25·0.2 = 0.39244398671745445
    // d = √(4AC)/(2A) = √(C/A) = 0.46890337411052966, d/p = 0.9378067482210593
    expect(minimumDetectableRelativeLift(0.5, 10, 10)!).toBeCloseTo(0.9378067482210592, 9);
  });

  it('is null when even a 100 % treated rate would not be detectable', () => {
    // p = 0.9, n = 5 each: d = 0.1676… > 1 − p
    expect(minimumDetectableRelativeLift(0.9, 5, 5)).toBeNull();
  });
});
