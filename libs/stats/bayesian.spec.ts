import { describe, expect, it } from '@jest/globals';
import {
  bayesianEffect,
  empiricalBayes,
  empiricalPrior,
  relativePriorOnAbsoluteScale,
} from './bayesian.js';
import { StatsException } from './errors.js';

// Expected values: mpmath at 30 digits. The risks are integrals ∫₀^∞ x·φ(x; m, s) dx and
// ∫_{−∞}^0 −x·φ(x; m, s) dx by quadrature (mpmath.quad), not the closed form the code uses; the
// chance to win is 1 − ncdf(0, m, s).

describe('bayesianEffect', () => {
  it('without a prior the posterior is the likelihood: −0.02 ± 0.01', () => {
    const r = bayesianEffect({ estimate: -0.02, se: 0.01 })!;
    expect(r.interval.estimate).toBeCloseTo(-0.02, 15);
    expect(r.sd).toBeCloseTo(0.01, 15);
    expect(r.interval.low).toBeCloseTo(-0.03959963984540054, 14);
    expect(r.interval.high).toBeCloseTo(-0.00040036015459945763, 14);
    expect(r.chanceToWin).toBeCloseTo(0.02275013194817921, 14);
    expect(r.risk.control).toBeCloseTo(8.490702616829638e-5, 14);
    expect(r.risk.treatment).toBeCloseTo(0.020084907026168296, 14);
  });

  it('combines with a Gaussian prior by precision: 0.1 ± 0.05 with N(0, 0.05²)', () => {
    // precisions 1/0.05² = 400 and 1/0.0025 = 400: posterior precision 800, so sd = √(1/800)
    // = 0.0353553390593…, mean = (0.1·400 + 0·400)/800 = 0.05: halfway, equal precisions.
    const r = bayesianEffect({ estimate: 0.1, se: 0.05 }, { mean: 0, variance: 0.0025 })!;
    expect(r.interval.estimate).toBeCloseTo(0.05, 15);
    expect(r.sd).toBeCloseTo(0.035355339059327376, 15);
    expect(r.interval.low).toBeCloseTo(-0.0192951912174839, 14);
    expect(r.interval.high).toBeCloseTo(0.1192951912174839, 14);
    expect(r.chanceToWin).toBeCloseTo(0.9213503964748574, 14);
    expect(r.risk.control).toBeCloseTo(0.0512563635415003, 14);
    expect(r.risk.treatment).toBeCloseTo(0.0012563635415003055, 14);
  });

  it('widens the credible interval with the level (99 %: z = 2.5758293035489004)', () => {
    const r = bayesianEffect({ estimate: 0.1, se: 0.05 }, null, 0.99)!;
    expect(r.interval.low).toBeCloseTo(0.1 - 2.5758293035489004 * 0.05, 14);
    expect(r.interval.high).toBeCloseTo(0.1 + 2.5758293035489004 * 0.05, 14);
  });

  it('far from 0 the losses are the mean and 0, without overflow', () => {
    // m/s = 100: Φ = 1 and φ underflows; E[max(X, 0)] = m, E[max(−X, 0)] = 0
    const r = bayesianEffect({ estimate: 1, se: 0.01 })!;
    expect(r.chanceToWin).toBe(1);
    expect(r.risk.control).toBeCloseTo(1, 15);
    expect(r.risk.treatment).toBe(0);
  });

  it('a point-mass prior fixes the effect', () => {
    const r = bayesianEffect({ estimate: 0.3, se: 0.1 }, { mean: -0.01, variance: 0 })!;
    expect(r.interval).toEqual({ estimate: -0.01, low: -0.01, high: -0.01 });
    expect(r.sd).toBe(0);
    expect(r.chanceToWin).toBe(0);
    expect(r.risk).toEqual({ control: 0, treatment: 0.01 });
    const zero = bayesianEffect({ estimate: 0.3, se: 0.1 }, { mean: 0, variance: 0 })!;
    expect(zero.chanceToWin).toBe(0.5);
  });

  it('a prior too narrow for its precision to be a double is the point mass it nearly is', () => {
    // τ² = 1e-310 (a stdDev of 1e-155) is subnormal and 1/τ² overflows to Infinity. Exactly: the
    // estimate's weight is τ²/(τ² + se²) = 1e-310/1e-4 = 1e-306, so the mean is 0.05·1e-306
    // = 5e-308 and the variance τ²·se²/(τ² + se²) = 1e-310 (sd 1e-155): a chance to win of
    // Φ(5e-308/1e-155) = ½, and the interval ±1.959963984540054·1e-155 around it.
    const r = bayesianEffect({ estimate: 0.05, se: 0.01 }, { mean: 0, variance: 1e-310 })!;
    expect(r.interval.estimate).toBeCloseTo(5e-308, 320);
    expect(r.sd / 1e-155).toBeCloseTo(1, 12);
    expect(r.interval.high / 1.959963984540054e-155).toBeCloseTo(1, 12);
    expect(r.chanceToWin).toBe(0.5);
    // and a prior mean of 0.02 holds the posterior there, not at the estimate
    const held = bayesianEffect({ estimate: 0.05, se: 0.01 }, { mean: 0.02, variance: 1e-310 })!;
    expect(held.interval.estimate).toBe(0.02);
    expect(held.chanceToWin).toBe(1);
  });

  it('a zero standard error fixes the effect at its estimate, prior or not', () => {
    const certain = bayesianEffect({ estimate: 0.02, se: 0 }, { mean: 0, variance: 0.01 })!;
    expect(certain.interval).toEqual({ estimate: 0.02, low: 0.02, high: 0.02 });
    expect(certain.chanceToWin).toBe(1);
    expect(certain.risk).toEqual({ control: 0.02, treatment: 0 });
  });

  it('has no posterior for an undefined effect', () => {
    expect(bayesianEffect(null)).toBeNull();
    expect(bayesianEffect(null, { mean: 0, variance: 1 })).toBeNull();
  });

  it('rejects malformed arguments, naming them', () => {
    expect(() => bayesianEffect({ estimate: 0.1, se: -0.1 })).toThrow(/effect.se/);
    expect(() => bayesianEffect({ estimate: Number.NaN, se: 1 })).toThrow(/effect.estimate/);
    expect(() => bayesianEffect({ estimate: 0, se: 1 }, { mean: 0, variance: -1 })).toThrow(
      /prior.variance/,
    );
    expect(() => bayesianEffect({ estimate: 0, se: 1 }, null, 1)).toThrow(/credibility/);
    expect(() => bayesianEffect({ estimate: 0, se: 1 }, null, 1)).toThrow(StatsException);
  });
});

describe('relativePriorOnAbsoluteScale', () => {
  it('scales the mean by |c| and the variance by c²', () => {
    // N(0.1, 0.3²) on the relative lift at a control rate of 0.02: N(0.002, 0.09·0.0004)
    const prior = relativePriorOnAbsoluteScale({ mean: 0.1, variance: 0.09 }, 0.02);
    expect(prior.mean).toBeCloseTo(0.002, 15);
    expect(prior.variance).toBeCloseTo(0.000036, 15);
    expect(relativePriorOnAbsoluteScale({ mean: 0.1, variance: 0.09 }, -2).mean).toBeCloseTo(
      0.2,
      15,
    );
    expect(() => relativePriorOnAbsoluteScale({ mean: 0, variance: 1 }, 0)).toThrow(/controlLevel/);
  });
});

describe('empirical prior', () => {
  // Four triggers' relative lifts and standard errors.
  const effects = [
    { estimate: 0.1, se: 0.05 },
    { estimate: 0.02, se: 0.04 },
    { estimate: -0.03, se: 0.06 },
    { estimate: 0.15, se: 0.03 },
  ];

  it('learns μ and τ² by the method of moments', () => {
    // μ = (0.10 + 0.02 − 0.03 + 0.15)/4 = 0.06
    // deviations 0.04, −0.04, −0.09, 0.09: s² = (0.0016 + 0.0016 + 0.0081 + 0.0081)/3 = 0.0194/3
    // mean se² = (0.0025 + 0.0016 + 0.0036 + 0.0009)/4 = 0.00215
    // τ² = 0.0064666… − 0.00215 = 0.0043166…
    const prior = empiricalPrior(effects);
    expect(prior.mean).toBeCloseTo(0.06, 15);
    expect(prior.varianceOfEstimates).toBeCloseTo(0.0194 / 3, 15);
    expect(prior.meanSquaredSe).toBeCloseTo(0.00215, 15);
    expect(prior.variance).toBeCloseTo(0.0194 / 3 - 0.00215, 15);
  });

  it('pulls each trigger toward μ by its own noise, as unsure of μ as k estimates make it', () => {
    // First trigger: precisions 1/0.0025 = 400 and 1/0.0043166… = 231.660…;
    // mean (0.1·400 + 0.06·231.660…)/631.660… = 0.08533007334963325.
    // μ is itself estimated: the mean of k = 4 estimates varies by V = (τ² + mean se²)/4 =
    // (0.0043166… + 0.00215)/4 = 0.0016166… (= s²/4, as τ² > 0). The posterior mean moves with μ
    // by B = 231.660…/631.660… = 0.36675…, so its variance is 1/631.660… + B²·V and
    // sd = 0.042433218935602719 (not 0.0398 as if μ were known). mpmath, all fields below.
    const { prior, posteriors } = empiricalBayes(effects);
    expect(prior.meanVariance).toBeCloseTo(0.0194 / 3 / 4, 15);
    const expected = [
      [
        0.08533007334963325, 0.04243321893560272, 0.9778333758006055, 0.08567994918582193,
        0.0003498758361886759,
      ],
      [
        0.030816901408450705, 0.0358545409332572, 0.8049670514967537, 0.03469302313252095,
        0.003876121724070244,
      ],
      [
        0.010926315789473683, 0.04792964372830699, 0.5901635552117609, 0.02507902648928266,
        0.014152710699808975,
      ],
      [
        0.13447284345047922, 0.028157552051796566, 0.9999991047138997, 0.13447284834403697,
        4.893557732056178e-9,
      ],
    ];
    posteriors.forEach((posterior, index) => {
      const [mean, sd, chanceToWin, riskControl, riskTreatment] = expected[index];
      expect(posterior.interval.estimate).toBeCloseTo(mean, 14);
      expect(posterior.sd).toBeCloseTo(sd, 14);
      expect(posterior.chanceToWin).toBeCloseTo(chanceToWin, 14);
      expect(posterior.risk.control).toBeCloseTo(riskControl, 14);
      expect(posterior.risk.treatment).toBeCloseTo(riskTreatment, 14);
    });
    // the noisiest trigger (−0.03 ± 0.06) moves most: from −0.03 to 0.0109
    expect(posteriors[2].interval.low).toBeCloseTo(-0.0830140597098441, 14);
    expect(posteriors[2].interval.high).toBeCloseTo(0.10486669128879146, 14);
  });

  it('with no spread beyond noise (τ² = 0) every trigger is the mean, known no better than the mean is', () => {
    // estimates 0.01, 0.02, 0.03: s² = 0.0001 < mean se² = 0.01, so τ² = 0 and all go to 0.02.
    // Three estimates of ±0.1 each fix their mean to ±0.1/√3 only: V = (0 + 0.01)/3, sd =
    // 0.057735026918962576, chance to win Φ(0.02/sd) = Φ(0.34641…) = 0.63548275523059799, interval
    // 0.02 ± 1.959963984540054·sd = [−0.093158573407617169, 0.13315857340761717]; risk of keeping
    // control m·Φ(m/s) + s·φ(m/s) = 0.034401264206809224, of shipping 0.014401264206809224 (mpmath).
    // A point mass here would call three triggers of ±0.1 a certain gain (chance to win 1).
    const { prior, posteriors } = empiricalBayes([
      { estimate: 0.01, se: 0.1 },
      { estimate: 0.02, se: 0.1 },
      { estimate: 0.03, se: 0.1 },
    ]);
    expect(prior.variance).toBe(0);
    expect(prior.meanVariance).toBeCloseTo(0.01 / 3, 15);
    for (const posterior of posteriors) {
      expect(posterior.interval.estimate).toBeCloseTo(0.02, 15);
      expect(posterior.interval.low).toBeCloseTo(-0.09315857340761717, 14);
      expect(posterior.interval.high).toBeCloseTo(0.13315857340761716, 14);
      expect(posterior.sd).toBeCloseTo(0.057735026918962574, 15);
      expect(posterior.chanceToWin).toBeCloseTo(0.6354827552305979, 14);
      expect(posterior.risk.control).toBeCloseTo(0.03440126420680922, 14);
      expect(posterior.risk.treatment).toBeCloseTo(0.014401264206809225, 14);
    }
  });

  it('needs at least three triggers with standard errors', () => {
    expect(() => empiricalPrior(effects.slice(0, 2))).toThrow(/at least 3/);
    expect(() => empiricalPrior([...effects, { estimate: 0.1, se: Number.NaN }])).toThrow(
      /effects\[4\].se/,
    );
  });
});
