// Power of the two-proportion test that compareProportions runs (unpooled Wald z, two-sided,
// normal approximation). A holdout too small to see the lift you care about should say so before
// anyone reads its p-value.
import { StatsErrorCode, StatsException } from './errors.js';
import { criticalValueAtAlpha, normalCdf, normalQuantile } from './normal.js';
import { requireOpenUnit, requirePositiveCount } from './validate.js';

/** Persons needed, per arm and in all. */
export interface SampleSize {
  treatment: number;
  control: number;
  total: number;
}

function treatedRate(baselineRate: number, relativeLift: number): number {
  requireOpenUnit('baselineRate', baselineRate);
  const rate = baselineRate * (1 + relativeLift);
  if (!Number.isFinite(relativeLift) || relativeLift === 0 || !(rate >= 0 && rate <= 1)) {
    throw new StatsException(
      StatsErrorCode.InvalidArgument,
      `relativeLift must be non-zero and keep the treated rate in [0, 1], got ${relativeLift}`,
    );
  }
  return rate;
}

/**
 * K = z_{1−α/2} + z_power: how many standard errors a lift must measure for the two-sided test at
 * level α to detect it with that power (the wrong-direction rejections ignored).
 */
function detectionMultiplier(alpha: number, power: number): number {
  requireOpenUnit('alpha', alpha);
  requireOpenUnit('power', power);
  return criticalValueAtAlpha(alpha) + normalQuantile(power);
}

/**
 * Variance of p̂_t − p̂_c with unpooled arms: p_t(1 − p_t)/w_t + p_c(1 − p_c)/w_c, where w is each
 * arm's size (or its share, for the variance per person of a total N).
 */
function unpooledVariance(pt: number, wt: number, pc: number, wc: number): number {
  return (pt * (1 - pt)) / wt + (pc * (1 - pc)) / wc;
}

/**
 * Persons needed for the two-sided unpooled z-test of two proportions to detect a relative lift
 * with the given power: with p_c the baseline, p_t = p_c(1 + lift), Δ = p_t − p_c, and shares
 * k_c = controlShare, k_t = 1 − k_c of N persons,
 *
 *   N = (z_{1−α/2} + z_{power})² · (p_t(1 − p_t)/k_t + p_c(1 − p_c)/k_c) / Δ²,
 *
 * the textbook normal approximation that ignores the (negligible) chance of rejecting in the
 * wrong direction, so the exact power at this size is at least `power`. Each arm is rounded up.
 *
 * @param baselineRate control conversion rate p_c in (0, 1)
 * @param relativeLift lift to detect, e.g. 0.1 for +10 % (negative lifts allowed)
 * @param alpha two-sided significance level, default 0.05
 * @param power probability of detecting the lift, default 0.8
 * @param controlShare share of persons held out, default 0.5
 */
export function requiredSamplePerArm(
  baselineRate: number,
  relativeLift: number,
  alpha = 0.05,
  power = 0.8,
  controlShare = 0.5,
): SampleSize {
  const pt = treatedRate(baselineRate, relativeLift);
  const pc = baselineRate;
  const k = detectionMultiplier(alpha, power);
  requireOpenUnit('controlShare', controlShare);
  const treatmentShare = 1 - controlShare;
  const difference = pt - pc;
  const total =
    (k * k * unpooledVariance(pt, treatmentShare, pc, controlShare)) / (difference * difference);
  const treatment = Math.ceil(total * treatmentShare);
  const control = Math.ceil(total * controlShare);
  return { treatment, control, total: treatment + control };
}

/**
 * Power of the two-sided unpooled z-test at level α for a true relative lift, both rejection
 * regions counted: Φ(|Δ|/SE − z_{1−α/2}) + Φ(−|Δ|/SE − z_{1−α/2}) with
 * SE = √(p_t(1 − p_t)/n_t + p_c(1 − p_c)/n_c).
 *
 * @param baselineRate control rate p_c in (0, 1)
 * @param relativeLift true relative lift (p_t = p_c(1 + lift) in [0, 1], lift ≠ 0)
 * @param nTreatment persons in treatment, ≥ 1
 * @param nControl persons in control, ≥ 1
 * @param alpha two-sided level, default 0.05
 */
export function proportionTestPower(
  baselineRate: number,
  relativeLift: number,
  nTreatment: number,
  nControl: number,
  alpha = 0.05,
): number {
  const pt = treatedRate(baselineRate, relativeLift);
  const pc = baselineRate;
  requirePositiveCount('nTreatment', nTreatment);
  requirePositiveCount('nControl', nControl);
  requireOpenUnit('alpha', alpha);
  const critical = criticalValueAtAlpha(alpha);
  const se = Math.sqrt(unpooledVariance(pt, nTreatment, pc, nControl));
  const shift = Math.abs(pt - pc) / se;
  return normalCdf(shift - critical) + normalCdf(-shift - critical);
}

/**
 * Smallest upward relative lift the two-sided unpooled z-test detects with the given power at
 * these arm sizes (same approximation as {@link requiredSamplePerArm}). Solving
 * d = K·√((p + d)(1 − p − d)/n_t + p(1 − p)/n_c) for the absolute lift d, K = z_{1−α/2} + z_power,
 * gives the quadratic A·d² − B·d − C = 0 with A = 1 + K²/n_t, B = K²(1 − 2p)/n_t,
 * C = K²·p(1 − p)(1/n_t + 1/n_c); the answer is d/p for its positive root.
 *
 * "Is this holdout big enough for a 10 % lift at 80 % power?" is
 * `minimumDetectableRelativeLift(p, n_t, n_c) <= 0.1`.
 *
 * @param baselineRate control rate p in (0, 1)
 * @param nTreatment persons in treatment, ≥ 1
 * @param nControl persons in control, ≥ 1
 * @param alpha two-sided level, default 0.05
 * @param power default 0.8
 * @returns the relative lift, or null when even p_t = 1 would not be detectable
 */
export function minimumDetectableRelativeLift(
  baselineRate: number,
  nTreatment: number,
  nControl: number,
  alpha = 0.05,
  power = 0.8,
): number | null {
  const p = requireOpenUnit('baselineRate', baselineRate);
  requirePositiveCount('nTreatment', nTreatment);
  requirePositiveCount('nControl', nControl);
  const k = detectionMultiplier(alpha, power);
  const k2 = k * k;
  const a = 1 + k2 / nTreatment;
  const b = (k2 * (1 - 2 * p)) / nTreatment;
  const c = k2 * p * (1 - p) * (1 / nTreatment + 1 / nControl);
  const d = (b + Math.sqrt(b * b + 4 * a * c)) / (2 * a);
  return p + d > 1 ? null : d / p;
}
