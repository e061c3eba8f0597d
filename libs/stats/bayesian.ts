// Bayesian answers for a lift (docs/design.md §9): the normal model of the effect that GrowthBook's
// gbstats calls `EffectBayesianABTest`. The data enter only through the effect's estimate and its
// standard error (absolute, or relative by the delta method), read as a Gaussian likelihood; a
// Gaussian prior on the same scale, when given, is combined with it by the normal–normal rule.
// Everything the posterior N(m, s²) says is then closed-form: the credible interval, the chance
// that the effect is above 0, and the expected loss of each decision.
import { StatsErrorCode, StatsException } from './errors.js';
import { normalCdf, normalSf, twoSidedCriticalValue } from './normal.js';
import type { Interval } from './types.js';
import { requireFinite, requireNonNegative, requireOpenUnit } from './validate.js';

const ONE_OVER_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** An effect estimated from the data: the point estimate and its standard error. */
export interface EffectEstimate {
  estimate: number;
  /** standard error of the estimate, ≥ 0 (0: the data fix the effect, e.g. both arms constant) */
  se: number;
}

/** A Gaussian prior N(mean, variance) on the effect, on the effect's own scale. */
export interface GaussianPrior {
  mean: number;
  /** ≥ 0; 0 is a point mass, which fixes the effect at `mean` whatever the data say */
  variance: number;
  /**
   * ≥ 0, for a prior learnt from data ({@link empiricalPrior}): the sampling variance of `mean`
   * itself. The posterior mean moves with the prior mean by its weight B, so the posterior
   * variance gains B²·meanVariance; absent or 0 for a prior stated in advance.
   */
  meanVariance?: number;
}

/** Expected loss of each decision, in the effect's units (GraphQL `Risk`). */
export interface Risk {
  /** E[max(effect, 0)]: what is lost on average by keeping control */
  control: number;
  /** E[max(−effect, 0)]: what is lost on average by shipping treatment */
  treatment: number;
}

/** The posterior of an effect and what it says. */
export interface BayesianEffect {
  /** posterior mean, with the equal-tailed credible interval at the requested level */
  interval: Interval;
  /** posterior standard deviation (0 under a point-mass prior) */
  sd: number;
  /** P(effect > 0) under the posterior */
  chanceToWin: number;
  risk: Risk;
}

function requireEffect(name: string, effect: EffectEstimate): void {
  requireFinite(`${name}.estimate`, effect.estimate);
  requireNonNegative(`${name}.se`, effect.se);
}

function requirePrior(prior: GaussianPrior): void {
  requireFinite('prior.mean', prior.mean);
  requireNonNegative('prior.variance', prior.variance);
  requireNonNegative('prior.meanVariance', prior.meanVariance ?? 0);
}

/** The posterior N(mean, sd²) of an effect under a flat prior (`null`) or a Gaussian one. */
function posterior(
  effect: EffectEstimate,
  prior: GaussianPrior | null,
): { mean: number; sd: number } {
  // A zero standard error is infinite data precision: no prior can move the estimate.
  if (prior === null || effect.se === 0) {
    return { mean: effect.estimate, sd: effect.se };
  }
  // What the prior mean's own uncertainty adds: B²·meanVariance, B the prior mean's weight.
  const meanVariance = prior.meanVariance ?? 0;
  if (prior.variance === 0) {
    return { mean: prior.mean, sd: Math.sqrt(meanVariance) };
  }
  // Precisions add, and the mean is the precision-weighted average of data and prior; written
  // with the weights B = se²/(se² + τ²) (the prior mean's) and 1 − B (the estimate's), each from
  // a ratio of the variances, and the variance as τ²·B, so that no reciprocal of a variance is
  // taken: 1/τ² is Infinity for a subnormal τ² (a prior stdDev of 1e-155), and Infinity/Infinity
  // made the posterior NaN. A prior that narrow now gives what it means, the point mass at μ₀.
  const dataVariance = effect.se * effect.se;
  const weightOfPriorMean = 1 / (1 + prior.variance / dataVariance);
  const weightOfEstimate = 1 / (1 + dataVariance / prior.variance);
  return {
    mean: effect.estimate * weightOfEstimate + prior.mean * weightOfPriorMean,
    sd: Math.sqrt(
      prior.variance * weightOfPriorMean + weightOfPriorMean * weightOfPriorMean * meanVariance,
    ),
  };
}

/**
 * Summary of a normal posterior N(m, s²): credible interval m ± z_{1−α/2}·s, chance to win
 * Φ(m/s), and the expected losses E[max(X, 0)] = m·Φ(m/s) + s·φ(m/s) (keeping control) and
 * E[max(−X, 0)] = −m·Φ(−m/s) + s·φ(m/s) (shipping treatment). These are gbstats' "risk": its
 * P(X > 0)·E[X | X > 0] and −P(X < 0)·E[X | X < 0] written with the truncated-normal means.
 */
function summarize(mean: number, sd: number, credibility: number): BayesianEffect {
  if (sd === 0) {
    return {
      interval: { estimate: mean, low: mean, high: mean },
      sd,
      chanceToWin: mean > 0 ? 1 : mean < 0 ? 0 : 0.5,
      risk: { control: Math.max(mean, 0), treatment: Math.max(-mean, 0) },
    };
  }
  const critical = twoSidedCriticalValue(credibility);
  const standardized = mean / sd;
  const density = ONE_OVER_SQRT_2PI * Math.exp(-0.5 * standardized * standardized);
  return {
    interval: { estimate: mean, low: mean - critical * sd, high: mean + critical * sd },
    sd,
    chanceToWin: normalCdf(standardized),
    risk: {
      control: Math.max(0, mean * normalCdf(standardized) + sd * density),
      treatment: Math.max(0, sd * density - mean * normalSf(standardized)),
    },
  };
}

/**
 * Bayesian reading of an effect (docs/design.md §9, GrowthBook's `EffectBayesianABTest`): the likelihood
 * N(estimate, se²) combined with the prior, and the posterior summarized.
 *
 * - no prior (`null`, gbstats' `proper: false`): the posterior is N(estimate, se²), so the mean
 *   and the credible interval equal the frequentist estimate and normal-quantile interval;
 * - prior N(μ₀, τ²): posterior precision 1/se² + 1/τ², mean (estimate/se² + μ₀/τ²) / precision;
 * - τ² = 0 and no `meanVariance`: the posterior is the point mass at μ₀ (interval [μ₀, μ₀],
 *   chanceToWin 1, 0 or ½);
 * - a learnt prior (`meanVariance` > 0): the posterior variance gains B²·meanVariance with
 *   B = (1/τ²) / precision the prior mean's weight (1 when τ² = 0), so that a prior mean known
 *   only to ±√meanVariance is not read as exact (the normal hierarchical model's posterior given
 *   τ², Gelman et al., Bayesian Data Analysis, 3rd ed., §5.4);
 * - se = 0 (both arms constant): the data fix the effect, the posterior is the point mass at the
 *   estimate whatever the prior (the limit of the rule as the data precision grows).
 *
 * The prior must be on the effect's scale: for an absolute effect with a prior stated on the
 * relative lift, convert it first with {@link relativePriorOnAbsoluteScale}. An effect whose
 * estimate or standard error the data cannot define has no posterior: pass `null` and get `null`.
 *
 * @param effect estimate and standard error (≥ 0) of the effect, or null when undefined
 * @param prior Gaussian prior on the effect, or null for none
 * @param credibility level of the equal-tailed credible interval in (0, 1), default 0.95
 * @throws {StatsException} for a non-finite estimate, se < 0, a negative prior variance, or a bad
 *   level
 */
export function bayesianEffect(
  effect: EffectEstimate | null,
  prior: GaussianPrior | null = null,
  credibility = 0.95,
): BayesianEffect | null {
  requireOpenUnit('credibility', credibility);
  if (prior !== null) {
    requirePrior(prior);
  }
  if (effect === null) {
    return null;
  }
  requireEffect('effect', effect);
  const { mean, sd } = posterior(effect, prior);
  return summarize(mean, sd, credibility);
}

/**
 * A prior stated on the relative lift, moved to the absolute scale of a control level c:
 * N(μ·|c|, τ²·c²) (what gbstats does for an absolute effect with a relative prior); a learnt
 * prior's `meanVariance` is scaled by c² likewise.
 *
 * @param prior prior on the relative lift
 * @param controlLevel the control's rate or mean, non-zero
 * @throws {StatsException} when the control level is 0 or not finite
 */
export function relativePriorOnAbsoluteScale(
  prior: GaussianPrior,
  controlLevel: number,
): GaussianPrior {
  requirePrior(prior);
  requireFinite('controlLevel', controlLevel);
  if (controlLevel === 0) {
    throw new StatsException(
      StatsErrorCode.InvalidArgument,
      'controlLevel must be non-zero to scale a relative prior, got 0',
    );
  }
  const squared = controlLevel * controlLevel;
  return {
    mean: prior.mean * Math.abs(controlLevel),
    variance: prior.variance * squared,
    ...(prior.meanVariance === undefined ? {} : { meanVariance: prior.meanVariance * squared }),
  };
}

/** The prior learnt from many triggers, with the figures it came from. */
export interface EmpiricalPrior extends GaussianPrior {
  /** (τ² + meanSquaredSe) / k: the variance of μ, a mean of k estimates (s²/k when τ² > 0) */
  meanVariance: number;
  /** sample variance (divisor k − 1) of the estimates */
  varianceOfEstimates: number;
  /** mean of the squared standard errors: the part of that variance that is only noise */
  meanSquaredSe: number;
}

/** The smallest number of triggers an empirical prior is learnt from (docs/design.md §9). */
export const EMPIRICAL_PRIOR_MIN_EFFECTS = 3;

/**
 * Empirical prior of a family of effects (docs/design.md §9; the method-of-moments normal–normal model):
 * μ = the mean of the estimates, τ² = max(0, s² − mean(se²)) with s² their sample variance. The
 * spread of the estimates is true spread plus noise; what noise alone explains is subtracted, and
 * a negative remainder means the data show no true spread at all (τ² = 0). μ is known only as
 * well as a mean of k estimates is: its variance (τ² + mean(se²))/k, which equals s²/k when τ² > 0
 * and is the noise's own mean(se²)/k when τ² = 0, goes with the prior as `meanVariance`, so that
 * each posterior says how sure μ is (with τ² = 0 every effect is μ ± √meanVariance, never a
 * certainty from a handful of noisy triggers).
 *
 * @param effects the triggers' estimates and standard errors (relative lifts), at least 3
 * @throws {StatsException} with fewer than 3 effects or a malformed one
 */
export function empiricalPrior(effects: readonly EffectEstimate[]): EmpiricalPrior {
  if (effects.length < EMPIRICAL_PRIOR_MIN_EFFECTS) {
    throw new StatsException(
      StatsErrorCode.InvalidArgument,
      `effects must hold at least ${EMPIRICAL_PRIOR_MIN_EFFECTS} estimates to learn a prior, got ${effects.length}`,
    );
  }
  effects.forEach((effect, index) => requireEffect(`effects[${index}]`, effect));
  const k = effects.length;
  const mean = effects.reduce((sum, e) => sum + e.estimate, 0) / k;
  const varianceOfEstimates =
    effects.reduce((sum, e) => sum + (e.estimate - mean) ** 2, 0) / (k - 1);
  const meanSquaredSe = effects.reduce((sum, e) => sum + e.se * e.se, 0) / k;
  const variance = Math.max(0, varianceOfEstimates - meanSquaredSe);
  return {
    mean,
    variance,
    meanVariance: (variance + meanSquaredSe) / k,
    varianceOfEstimates,
    meanSquaredSe,
  };
}

/**
 * Each effect's posterior under the prior learnt from all of them ({@link empiricalPrior} then
 * {@link bayesianEffect}): small, noisy effects are pulled toward the family's typical value, and
 * with τ² = 0 every effect is the family mean, as uncertain as that mean.
 *
 * @param effects estimates and standard errors, at least 3
 * @param credibility level of the credible intervals, default 0.95
 * @returns the prior and the posteriors, aligned with `effects`
 */
export function empiricalBayes(
  effects: readonly EffectEstimate[],
  credibility = 0.95,
): { prior: EmpiricalPrior; posteriors: BayesianEffect[] } {
  const prior = empiricalPrior(effects);
  const posteriors = effects.map((effect) => bayesianEffect(effect, prior, credibility)!);
  return { prior, posteriors };
}
