import { describe, expect, it } from '@jest/globals';
import { cochranQ } from './heterogeneity.js';

/** log relative risk and its standard error from a 2×2 table (metafor's escalc, measure "RR"). */
function logRelativeRisk(tpos: number, tneg: number, cpos: number, cneg: number) {
  return {
    estimate: Math.log(tpos / (tpos + tneg) / (cpos / (cpos + cneg))),
    se: Math.sqrt(1 / tpos - 1 / (tpos + tneg) + 1 / cpos - 1 / (cpos + cneg)),
  };
}

describe('cochranQ', () => {
  it('reproduces the BCG vaccine meta-analysis (Colditz et al. 1994, metafor dat.bcg)', () => {
    // The 13 trials of BCG against tuberculosis (tpos, tneg, cpos, cneg), metafor's `dat.bcg`.
    // W. Viechtbauer, "Conducting meta-analyses in R with the metafor package", J. Stat. Softw.
    // 36(3) (2010), fixed-effects model on the log relative risks: estimate −0.4303 (se 0.0405),
    // "Test for Heterogeneity: Q(df = 12) = 152.2330, p-val < .0001", I² = 92.12 %.
    const trials = [
      [4, 119, 11, 128],
      [6, 300, 29, 274],
      [3, 228, 11, 209],
      [62, 13536, 248, 12619],
      [33, 5036, 47, 5761],
      [180, 1361, 372, 1079],
      [8, 2537, 10, 619],
      [505, 87886, 499, 87892],
      [29, 7470, 45, 7232],
      [17, 1699, 65, 1600],
      [186, 50448, 141, 27197],
      [5, 2493, 3, 2338],
      [27, 16886, 29, 17825],
    ] as const;
    const r = cochranQ(trials.map(([a, b, c, d]) => logRelativeRisk(a, b, c, d)))!;
    expect(r.df).toBe(12);
    expect(r.segments).toBe(13);
    expect(Math.round(r.q * 1e4) / 1e4).toBe(152.233);
    expect(Math.round(r.pooledEstimate * 1e4) / 1e4).toBe(-0.4303);
    expect(Math.round(r.iSquared * 1e4) / 1e4).toBe(0.9212);
    // P(χ²₁₂ > 152.2330080823734) = 1.9967645908458624e-26 (scipy.stats.chi2.sf)
    expect(r.pValue / 1.9967645908458624e-26).toBeCloseTo(1, 6);
    expect(r.flagged).toBe(true);
  });

  it('matches a hand computation and leaves out segments without a usable se', () => {
    // θ = 0.01 (se 0.01), 0.03 (se 0.02), 0.00 (se 0.01); the null, zero and NaN se are dropped.
    // w = 10000, 2500, 10000; Σw = 22500; θ̄ = (100 + 75 + 0)/22500 = 0.0077777…
    // Q = 10000·(0.0022222…)² + 2500·(0.0222222…)² + 10000·(0.0077777…)²
    //   = 0.0493827… + 1.2345679… + 0.6049382… = 1.8888888… (= 17/9)
    // P(χ²₂ > 17/9) = exp(−17/18) = 0.38889…: not flagged
    const r = cochranQ([
      { estimate: 0.01, se: 0.01 },
      { estimate: 0.03, se: 0.02 },
      { estimate: 0.5, se: null },
      { estimate: 0, se: 0.01 },
      { estimate: 0.9, se: 0 },
      { estimate: Number.NaN, se: Number.NaN },
    ])!;
    expect(r.segments).toBe(3);
    expect(r.df).toBe(2);
    expect(r.pooledEstimate).toBeCloseTo(175 / 22500, 15);
    expect(r.q).toBeCloseTo(17 / 9, 12);
    expect(r.pValue).toBeCloseTo(Math.exp(-17 / 18), 12);
    expect(r.iSquared).toBe(0); // Q < df: no spread beyond chance
    expect(r.flagged).toBe(false);
  });

  it('flags at the threshold it is given', () => {
    // two segments 0 and 0.05 with se 0.02: w = 2500 each, θ̄ = 0.025,
    // Q = 2·2500·0.025² = 3.125, P(χ²₁ > 3.125) = 0.07709… (scipy: 0.07709987174354202)
    const segments = [
      { estimate: 0, se: 0.02 },
      { estimate: 0.05, se: 0.02 },
    ];
    expect(cochranQ(segments)!.q).toBeCloseTo(3.125, 12);
    expect(cochranQ(segments)!.pValue).toBeCloseTo(0.07709987174354202, 12);
    expect(cochranQ(segments)!.flagged).toBe(false);
    expect(cochranQ(segments, 0.1)!.flagged).toBe(true);
  });

  it('has nothing to compare with fewer than two usable segments', () => {
    expect(cochranQ([])).toBeNull();
    expect(
      cochranQ([
        { estimate: 0.1, se: 0.01 },
        { estimate: 0.2, se: null },
      ]),
    ).toBeNull();
  });

  it('rejects a bad threshold and a non-finite estimate that would enter', () => {
    expect(() => cochranQ([], 0)).toThrow(/threshold/);
    expect(() =>
      cochranQ([
        { estimate: Number.POSITIVE_INFINITY, se: 0.1 },
        { estimate: 0, se: 0.1 },
      ]),
    ).toThrow(/effects\[0\].estimate/);
  });
});
