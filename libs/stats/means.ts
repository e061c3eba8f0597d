import { compareLevels, UNDEFINED_LIFT } from './lift.js';
import type { ArmMoments, ArmSums, MeanComparison } from './types.js';
import { requireCount, requireFinite, requireNonNegative, requireOpenUnit } from './validate.js';

/**
 * Mean and unbiased sample variance of one arm from its sums:
 * ȳ = Σy / n and s² = (Σy² − (Σy)²/n) / (n − 1).
 *
 * A variance that comes out slightly negative from rounding (all values equal, large sums) is
 * clamped to 0. Floating-point cancellation grows with (ȳ/s)²: fine for conversions and revenue,
 * not for, say, timestamps (centre such data before summing).
 *
 * @param sums the arm's n, Σy, Σy²
 * @param name how the arm is named in error messages
 * @returns `mean` null when n = 0, `variance` null when n < 2
 * @throws {StatsException} for a negative or fractional n, non-finite sums or Σy² < 0
 */
export function armMoments(sums: ArmSums, name = 'arm'): ArmMoments {
  const n = requireCount(`${name}.n`, sums.n);
  const sumY = requireFinite(`${name}.sumY`, sums.sumY);
  const sumY2 = requireNonNegative(`${name}.sumY2`, sums.sumY2);
  if (n === 0) {
    return { n, mean: null, variance: null };
  }
  const mean = sumY / n;
  const variance = n < 2 ? null : Math.max(0, (sumY2 - sumY * mean) / (n - 1));
  return { n, mean, variance };
}

/**
 * Welch–Satterthwaite degrees of freedom (s_t²/n_t + s_c²/n_c)² /
 * ((s_t²/n_t)²/(n_t − 1) + (s_c²/n_c)²/(n_c − 1)); null when both variances are 0.
 */
function welchDegreesOfFreedom(
  treatment: { n: number; variance: number },
  control: { n: number; variance: number },
): number | null {
  const a = treatment.variance / treatment.n;
  const b = control.variance / control.n;
  const denominator = (a * a) / (treatment.n - 1) + (b * b) / (control.n - 1);
  return denominator > 0 ? ((a + b) * (a + b)) / denominator : null;
}

/**
 * Welch comparison of two arms given as means and sample variances: Δ = ȳ_t − ȳ_c with
 * SE = √(s_t²/n_t + s_c²/n_c) and normal quantiles (docs/design.md §3: at holdout sizes the t and normal
 * quantiles agree to the reported precision; `welchDf` is returned for anyone who wants the t).
 * Relative lift Δ / |ȳ_c| (the sign of Δ even when refunds make ȳ_c negative) with delta-method
 * variance s_t²/(n_t·ȳ_c²) + s_c²·ȳ_t²/(n_c·ȳ_c⁴).
 *
 * Edge cases: an arm with n < 2 (no variance) makes every lift field null; ȳ_c = 0 makes
 * `relative` null, and so does a treated arm constant at 0 beside a varying control (the delta
 * method would give −100 % with a zero-width interval); SE = 0 gives z null and pValue 1 (Δ = 0) or null (Δ ≠ 0).
 *
 * @param treatment treatment moments (e.g. from {@link armMoments}, or CUPED-adjusted)
 * @param control control moments
 * @param confidence two-sided confidence level in (0, 1), default 0.95
 */
export function compareMoments(
  treatment: ArmMoments,
  control: ArmMoments,
  confidence = 0.95,
): MeanComparison {
  requireOpenUnit('confidence', confidence);
  const described = {
    meanTreatment: treatment.mean,
    meanControl: control.mean,
    varianceTreatment: treatment.variance,
    varianceControl: control.variance,
  };
  if (
    treatment.mean === null ||
    control.mean === null ||
    treatment.variance === null ||
    control.variance === null
  ) {
    return { ...described, ...UNDEFINED_LIFT, welchDf: null };
  }
  const lift = compareLevels(
    { level: treatment.mean, varianceOfLevel: treatment.variance / treatment.n },
    { level: control.mean, varianceOfLevel: control.variance / control.n },
    confidence,
  );
  const welchDf = welchDegreesOfFreedom(
    { n: treatment.n, variance: treatment.variance },
    { n: control.n, variance: control.variance },
  );
  return { ...described, ...lift, welchDf };
}

/**
 * Welch's difference of means from sufficient statistics (revenue per person, or any per-person
 * outcome): {@link armMoments} of each arm, then {@link compareMoments}.
 *
 * @param treatment n, Σy, Σy² of the treatment arm
 * @param control n, Σy, Σy² of the control arm
 * @param confidence two-sided confidence level in (0, 1), default 0.95
 */
export function compareMeans(
  treatment: ArmSums,
  control: ArmSums,
  confidence = 0.95,
): MeanComparison {
  return compareMoments(
    armMoments(treatment, 'treatment'),
    armMoments(control, 'control'),
    confidence,
  );
}
