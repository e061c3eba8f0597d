import { describe, expect, it } from '@jest/globals';
import { StatsException } from './errors.js';
import { compareProportions } from './proportions.js';

describe('compareProportions', () => {
  it('matches a hand computation: 120/1000 against 100/1000', () => {
    // p_t = 120/1000 = 0.12, p_c = 100/1000 = 0.10, Δ = 0.02
    // Var(p_t) = 0.12·0.88/1000 = 0.0001056, Var(p_c) = 0.10·0.90/1000 = 0.00009
    // SE = √(0.0001056 + 0.00009) = √0.0001956 = 0.013985706989637671
    // z = 0.02 / 0.013985706989637671 = 1.4300313895335042
    // p = 2·(1 − Φ(1.4300313895335042)) = 0.15270801019387777
    // 95 %: z_{0.975}·SE = 1.959963984540054 · 0.013985706989637671 = 0.027411481998019936
    //   → [0.02 − 0.027411…, 0.02 + 0.027411…] = [−0.007411481998019936, 0.047411481998019936]
    // relative = 0.02 / 0.10 = 0.2
    //   Var = p_t(1−p_t)/(n_t·p_c²) + p_c(1−p_c)·p_t²/(n_c·p_c⁴)
    //       = 0.1056/(1000·0.01) + 0.09·0.0144/(1000·0.0001) = 0.01056 + 0.01296 = 0.02352
    //   SE = √0.02352 = 0.15336231610144651; z_{0.975}·SE = 0.30058461614448242
    //   → [−0.10058461614448242, 0.50058461614448242]
    const r = compareProportions({ n: 1000, x: 120 }, { n: 1000, x: 100 });
    expect(r.rateTreatment).toBeCloseTo(0.12, 12);
    expect(r.rateControl).toBeCloseTo(0.1, 12);
    expect(r.absolute!.estimate).toBeCloseTo(0.02, 12);
    expect(r.se!).toBeCloseTo(0.013985706989637671, 9);
    expect(r.z!).toBeCloseTo(1.4300313895335042, 9);
    expect(r.pValue!).toBeCloseTo(0.15270801019387778, 9);
    expect(r.absolute!.low).toBeCloseTo(-0.007411481998019936, 9);
    expect(r.absolute!.high).toBeCloseTo(0.047411481998019936, 9);
    expect(r.relative!.estimate).toBeCloseTo(0.2, 12);
    expect(r.relativeSe!).toBeCloseTo(0.15336231610144652, 9);
    expect(r.relative!.low).toBeCloseTo(-0.10058461614448241, 9);
    expect(r.relative!.high).toBeCloseTo(0.5005846161444824, 9);
  });

  it('widens with the confidence level (99 %: z = 2.5758293035489004)', () => {
    // 0.02 ± 2.5758293035489004 · 0.013985706989637671 = 0.02 ± 0.036024793894757395
    const r = compareProportions({ n: 1000, x: 120 }, { n: 1000, x: 100 }, 0.99);
    expect(r.absolute!.low).toBeCloseTo(0.02 - 0.03602479389475739, 9);
    expect(r.absolute!.high).toBeCloseTo(0.02 + 0.03602479389475739, 9);
    expect(r.pValue!).toBeCloseTo(0.15270801019387778, 9);
  });

  describe('Hillstrom e-mail experiment (published figures)', () => {
    // n and converters per segment, counted from ../shared/data/hillstrom.csv with awk
    // (1.2531 % of 21307 = 267.0; 0.5726 % of 21306 = 122.0; 0.8837 % of 21387 = 189.0).
    const mens = { n: 21307, x: 267 };
    const womens = { n: 21387, x: 189 };
    const noEmail = { n: 21306, x: 122 };

    it('Mens vs No E-Mail: +0.681 points [0.500, 0.861]', () => {
      const r = compareProportions(mens, noEmail);
      expect(r.rateTreatment).toBeCloseTo(0.012531, 6);
      expect(r.rateControl).toBeCloseTo(0.005726, 6);
      // Rounded to the published 3 decimals of a percentage point (1e-5 as a proportion).
      expect(Math.round(r.absolute!.estimate * 1e5) / 1e5).toBeCloseTo(0.00681, 10);
      expect(Math.round(r.absolute!.low * 1e5) / 1e5).toBeCloseTo(0.005, 10);
      expect(Math.round(r.absolute!.high * 1e5) / 1e5).toBeCloseTo(0.00861, 10);
      // Unrounded, from mpmath: Δ = 0.006805006519615695, SE = 0.000920851175531638,
      // z = 7.389909141058476, p = 1.469291797925840e-13.
      expect(r.absolute!.estimate).toBeCloseTo(0.006805006519615695, 12);
      expect(r.se!).toBeCloseTo(0.000920851175531638, 12);
      expect(r.z!).toBeCloseTo(7.389909141058476, 9);
      expect(r.pValue! / 1.46929179792584e-13).toBeCloseTo(1, 9);
      expect(r.relative!.estimate).toBeCloseTo(1.188421876286328, 9);
      expect(r.relative!.low).toBeCloseTo(0.7215423751106974, 9);
      expect(r.relative!.high).toBeCloseTo(1.6553013774619583, 9);
    });

    it('Womens vs No E-Mail: +0.311 points [0.150, 0.472]', () => {
      const r = compareProportions(womens, noEmail);
      expect(Math.round(r.absolute!.estimate * 1e5) / 1e5).toBeCloseTo(0.00311, 10);
      expect(Math.round(r.absolute!.low * 1e5) / 1e5).toBeCloseTo(0.0015, 10);
      expect(Math.round(r.absolute!.high * 1e5) / 1e5).toBeCloseTo(0.00472, 10);
      // mpmath: z = 3.781715134825744, p = 0.00015575153551172520
      expect(r.z!).toBeCloseTo(3.781715134825744, 9);
      expect(r.pValue!).toBeCloseTo(0.0001557515355117252, 12);
    });
  });

  describe('edge cases', () => {
    it('an empty arm leaves its rate and every lift field null', () => {
      const r = compareProportions({ n: 0, x: 0 }, { n: 100, x: 10 });
      expect(r).toEqual({
        rateTreatment: null,
        rateControl: 0.1,
        absolute: null,
        relative: null,
        se: null,
        relativeSe: null,
        z: null,
        pValue: null,
      });
    });

    it('a zero control rate keeps the absolute lift and nulls the relative one', () => {
      // p_t = 0.05, p_c = 0: SE = √(0.05·0.95/100) = √0.000475 = 0.021794494717703367
      const r = compareProportions({ n: 100, x: 5 }, { n: 100, x: 0 });
      expect(r.absolute!.estimate).toBeCloseTo(0.05, 12);
      expect(r.se!).toBeCloseTo(0.021794494717703367, 12);
      expect(r.relative).toBeNull();
      expect(r.relativeSe).toBeNull();
    });

    it('no treated converter against a converting control: no relative interval claims −100 % exactly', () => {
      // p_t = 0/200, p_c = 20/200 = 0.1: Δ = −0.1 with SE = √(0 + 0.1·0.9/200) = √0.00045 =
      // 0.021213203435596427, 95 %: −0.1 ± 1.959963984540054·SE = [−0.14157711473049034,
      // −0.05842288526950968]. The delta method's relative variance
      // p_t(1−p_t)/(n_t·p_c²) + p_c(1−p_c)·p_t²/(n_c·p_c⁴) is 0 + 0 here: it would print
      // −100 % [−100 %, −100 %], a certainty the absolute interval (from a control known only to
      // ±0.021) does not have. The relative lift is left undefined instead.
      const r = compareProportions({ n: 200, x: 0 }, { n: 200, x: 20 });
      expect(r.absolute!.estimate).toBeCloseTo(-0.1, 12);
      expect(r.se!).toBeCloseTo(0.021213203435596427, 12);
      expect(r.absolute!.low).toBeCloseTo(-0.14157711473049034, 12);
      expect(r.absolute!.high).toBeCloseTo(-0.05842288526950968, 12);
      expect(r.relative).toBeNull();
      expect(r.relativeSe).toBeNull();
    });

    it.each([
      [
        'no variance and no difference: p = 1, z null, zero-width interval',
        { n: 200, x: 0 },
        { n: 100, x: 0 },
        1,
        0,
      ],
      [
        'no variance but a difference (all converted vs none): p null (nothing to test against), z null',
        { n: 50, x: 50 },
        { n: 50, x: 0 },
        null,
        1,
      ],
    ])('%s', (_name, treatment, control, pValue, difference) => {
      const r = compareProportions(treatment, control);
      expect(r.se).toBe(0);
      expect(r.z).toBeNull();
      expect(r.pValue).toBe(pValue);
      expect(r.absolute).toEqual({ estimate: difference, low: difference, high: difference });
    });

    it('never returns NaN or Infinity', () => {
      const cases = [
        [0, 0, 0, 0],
        [1, 1, 1, 0],
        [1, 0, 1, 1],
        [3, 3, 3, 3],
      ];
      for (const [nt, xt, nc, xc] of cases) {
        const r = compareProportions({ n: nt, x: xt }, { n: nc, x: xc });
        const intervals = [r.absolute, r.relative].flatMap((i) =>
          i === null ? [] : [i.estimate, i.low, i.high],
        );
        for (const value of [
          r.rateTreatment,
          r.rateControl,
          r.se,
          r.z,
          r.pValue,
          r.relativeSe,
          ...intervals,
        ]) {
          expect(value === null || Number.isFinite(value)).toBe(true);
        }
      }
    });

    it('rejects impossible counts and levels', () => {
      expect(() => compareProportions({ n: 10, x: 11 }, { n: 10, x: 1 })).toThrow(StatsException);
      expect(() => compareProportions({ n: -1, x: 0 }, { n: 10, x: 1 })).toThrow(StatsException);
      expect(() => compareProportions({ n: 10.5, x: 1 }, { n: 10, x: 1 })).toThrow(StatsException);
      expect(() => compareProportions({ n: 10, x: 1 }, { n: 10, x: 1 }, 1)).toThrow(StatsException);
    });
  });
});
