// CUPED: A. Deng, Y. Xu, R. Kohavi, T. Walker, "Improving the sensitivity of online controlled
// experiments by utilizing pre-experiment data", WSDM 2013. The outcome y is replaced by
// y − θ(x − E[x]) with x a pre-period covariate unaffected by treatment; θ = cov(x, y) / var(x)
// minimises the variance, which falls by the factor 1 − ρ²(x, y). Because x is pre-period, the
// adjustment removes noise without biasing the difference of means.
import { StatsErrorCode, StatsException } from './errors.js';
import { armMoments, compareMeans, compareMoments } from './means.js';
import { interval, relativeSeIsSound } from './lift.js';
import { twoSidedCriticalValue } from './normal.js';
import type { ArmMoments, ArmSums, Interval, MeanComparison } from './types.js';
import { requireFinite, requireNonNegative } from './validate.js';

/** The CUPED-adjusted arms, ready for {@link compareMoments}. */
export interface CupedAdjustment {
  /** cov(x, y) / var(x) over both arms pooled; 0 when x has no variance */
  theta: number;
  /** treatment with mean ȳ_t − θ(x̄_t − x̄) and variance s²_y − 2θ·s_xy + θ²·s²_x */
  treatment: ArmMoments;
  /** control, adjusted the same way */
  control: ArmMoments;
}

/** A Welch comparison of CUPED-adjusted means. */
export interface CupedComparison extends MeanComparison {
  /** the regression coefficient used */
  theta: number;
  /**
   * 1 − Var(Δ_adjusted) / Var(Δ_unadjusted), the share of the difference's variance CUPED
   * removed (0.3 = 30 %; can be slightly negative when the covariate does not help); null when the
   * unadjusted variance is 0 or undefined
   */
  varianceReduction: number | null;
}

// x counts as constant when its pooled variance is below this share of its mean square: sums of
// a constant non-integer x leave a rounding residue of that order, which must not become a θ.
const CONSTANT_COVARIATE_TOLERANCE = 1e-12;

interface CovariateSums {
  n: number;
  sumY: number;
  sumY2: number;
  sumX: number;
  sumX2: number;
  sumXY: number;
}

function covariateSums(sums: ArmSums, name: string): CovariateSums {
  const { sumX, sumX2, sumXY } = sums;
  if (sumX === undefined || sumX2 === undefined || sumXY === undefined) {
    throw new StatsException(
      StatsErrorCode.InvalidArgument,
      `${name} needs sumX, sumX2 and sumXY for CUPED`,
    );
  }
  return {
    n: sums.n,
    sumY: sums.sumY,
    sumY2: sums.sumY2,
    sumX: requireFinite(`${name}.sumX`, sumX),
    sumX2: requireNonNegative(`${name}.sumX2`, sumX2),
    sumXY: requireFinite(`${name}.sumXY`, sumXY),
  };
}

/** Sample variance of x and covariance of x and y (divisor n − 1); null below two persons. */
function covariateMoments(s: CovariateSums): { varX: number; covXY: number } | null {
  if (s.n < 2) {
    return null;
  }
  return {
    varX: Math.max(0, (s.sumX2 - (s.sumX * s.sumX) / s.n) / (s.n - 1)),
    covXY: (s.sumXY - (s.sumX * s.sumY) / s.n) / (s.n - 1),
  };
}

function adjustArm(s: CovariateSums, theta: number, pooledMeanX: number, name: string): ArmMoments {
  const plain = armMoments(s, name);
  if (plain.mean === null) {
    return plain;
  }
  const mean = plain.mean - theta * (s.sumX / s.n - pooledMeanX);
  const moments = covariateMoments(s);
  if (plain.variance === null || moments === null) {
    return { n: s.n, mean, variance: null };
  }
  // Var(y − θx) ≥ 0 exactly; clamp the rounding.
  const variance = Math.max(
    0,
    plain.variance - 2 * theta * moments.covXY + theta * theta * moments.varX,
  );
  return { n: s.n, mean, variance };
}

/**
 * CUPED adjustment of both arms from sufficient statistics. θ = cov(x, y) / var(x) is estimated
 * from the two arms pooled (sums added, divisor N − 1); each arm's mean becomes
 * ȳ − θ(x̄_arm − x̄_pooled) and its variance s²_y − 2θ·s_xy + θ²·s²_x (the arm's own sample
 * moments). When x has (numerically) zero variance, or fewer than two persons are pooled, θ = 0
 * and nothing is adjusted.
 *
 * @param treatment sums with sumX, sumX2, sumXY (x = the pre-period outcome per person)
 * @param control the same for the control arm
 * @throws {StatsException} when a covariate sum is missing or not finite
 */
export function cupedAdjust(treatment: ArmSums, control: ArmSums): CupedAdjustment {
  const t = covariateSums(treatment, 'treatment');
  const c = covariateSums(control, 'control');
  armMoments(t, 'treatment'); // validates n, Σy, Σy² before they are pooled
  armMoments(c, 'control');
  const pooled: CovariateSums = {
    n: t.n + c.n,
    sumY: t.sumY + c.sumY,
    sumY2: t.sumY2 + c.sumY2,
    sumX: t.sumX + c.sumX,
    sumX2: t.sumX2 + c.sumX2,
    sumXY: t.sumXY + c.sumXY,
  };
  const moments = covariateMoments(pooled);
  const meanSquareX = pooled.n > 0 ? pooled.sumX2 / pooled.n : 0;
  const theta =
    moments !== null && moments.varX > CONSTANT_COVARIATE_TOLERANCE * meanSquareX
      ? moments.covXY / moments.varX
      : 0;
  const pooledMeanX = pooled.n > 0 ? pooled.sumX / pooled.n : 0;
  return {
    theta,
    treatment: adjustArm(t, theta, pooledMeanX, 'treatment'),
    control: adjustArm(c, theta, pooledMeanX, 'control'),
  };
}

/**
 * The relative lift over the raw control mean, GrowthBook's definition (gbstats'
 * `frequentist_variance_relative_cuped`): R = Δ_adjusted / |ȳ_c| with ȳ_c the unadjusted control
 * mean, and the delta-method variance taken at the unadjusted means. Treatment contributes
 * s²_t,adjusted / (n_t·ȳ_c²); control contributes Var(r·y − θ·x) / (n_c·ȳ_c²) with r = ȳ_t / ȳ_c,
 * i.e. (r²·s²_y − 2θr·s_xy + θ²·s²_x) / (n_c·ȳ_c²), since moving ȳ_c moves the ratio by −r/ȳ_c
 * and moving x̄_c moves Δ_adjusted by θ. Dividing by the raw mean keeps the baseline a reader sees
 * (the control's actual revenue per person) as the denominator.
 */
function relativeOverRawControl(
  treatment: CovariateSums,
  control: CovariateSums,
  adjustment: CupedAdjustment,
  absolute: { difference: number; se: number },
  confidence: number,
): { relative: Interval; relativeSe: number } | null {
  const controlMoments = covariateMoments(control);
  const controlPlain = armMoments(control, 'control');
  const treatmentVariance = adjustment.treatment.variance;
  if (
    controlMoments === null ||
    controlPlain.mean === null ||
    controlPlain.variance === null ||
    controlPlain.mean === 0 ||
    treatmentVariance === null ||
    treatment.n === 0
  ) {
    return null;
  }
  const baseline = controlPlain.mean;
  const ratio = treatment.sumY / treatment.n / baseline;
  const theta = adjustment.theta;
  const controlVariance = Math.max(
    0,
    ratio * ratio * controlPlain.variance -
      2 * theta * ratio * controlMoments.covXY +
      theta * theta * controlMoments.varX,
  );
  const squaredBaseline = baseline * baseline;
  const relativeSe = Math.sqrt(
    treatmentVariance / (treatment.n * squaredBaseline) +
      controlVariance / (control.n * squaredBaseline),
  );
  // A treated arm constant at 0 (no converter, no revenue) leaves the relative lift undefined
  // here as in the plain comparison: its delta-method SE there is 0, while here θ²·s²ₓ, noise of
  // the pre-period alone, would stand in for it and print −100 % [−110 %, −90 %] as if known.
  const treatedAtZero = treatment.sumY === 0 && treatment.sumY2 === 0;
  if (!relativeSeIsSound(treatedAtZero ? 0 : relativeSe, absolute.se)) {
    return null;
  }
  const estimate = absolute.difference / Math.abs(baseline);
  return {
    relative: interval(estimate, relativeSe, twoSidedCriticalValue(confidence)),
    relativeSe,
  };
}

/**
 * Welch comparison of CUPED-adjusted means ({@link cupedAdjust} then {@link compareMoments}),
 * for revenue and for conversions alike (y ∈ {0, 1}, Σy² = Σy). Same fields and edge cases as
 * {@link compareMeans}, plus θ and the variance reduction against the unadjusted Welch comparison.
 * The relative lift divides by the raw control mean (see relativeOverRawControl), as GrowthBook
 * does, not by the adjusted one; `meanControl` is still the adjusted control mean.
 *
 * Note for conversions: this uses the Welch sample variance (divisor n − 1), so with θ = 0 its
 * SE is √(n/(n − 1)) times that of {@link compareProportions}; the variance reduction is measured
 * against the same Welch machinery, so it is like for like.
 *
 * @param treatment sums of y, y², x, x², x·y for the treatment arm
 * @param control the same for the control arm
 * @param confidence two-sided confidence level in (0, 1), default 0.95
 */
export function cupedCompare(
  treatment: ArmSums,
  control: ArmSums,
  confidence = 0.95,
): CupedComparison {
  const adjustment = cupedAdjust(treatment, control);
  const adjusted = compareMoments(adjustment.treatment, adjustment.control, confidence);
  const unadjusted = compareMeans(treatment, control, confidence);
  const varianceReduction =
    unadjusted.se !== null && unadjusted.se > 0 && adjusted.se !== null
      ? 1 - (adjusted.se * adjusted.se) / (unadjusted.se * unadjusted.se)
      : null;
  const relative =
    adjusted.absolute === null || adjusted.se === null
      ? null
      : relativeOverRawControl(
          covariateSums(treatment, 'treatment'),
          covariateSums(control, 'control'),
          adjustment,
          { difference: adjusted.absolute.estimate, se: adjusted.se },
          confidence,
        );
  return {
    ...adjusted,
    relative: relative?.relative ?? null,
    relativeSe: relative?.relativeSe ?? null,
    theta: adjustment.theta,
    varianceReduction,
  };
}
