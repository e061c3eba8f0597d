// Always-valid ("anytime") intervals for dashboards that are looked at every day.
//
// I. Waudby-Smith, D. Arbour, R. Sinha, E. H. Kennedy, A. Ramdas, "Time-uniform central limit
// theory and asymptotic confidence sequences", Annals of Statistics 52(6), 2024
// (arXiv:2103.06476). For a mean estimated from t observations with standard deviation σ̂, the
// asymptotic confidence sequence (the paper's Gaussian-mixture boundary, written in the
// unit-variance form of the authors' R code, `std_conjmix_margin` in WannabeSmith/drconfseq) is
//
//   μ̂_t ± σ̂ · √( 2(tρ² + 1) / (t²ρ²) · ln( √(tρ² + 1) / α ) ),
//
// covering μ at every t simultaneously with probability → 1 − α; peeking daily and stopping when
// the interval excludes 0 keeps the error rate at α. ρ > 0 is a free tuning constant fixed in
// advance: it chooses the t at which the boundary is tightest.
//
// Choosing ρ. Write u = tρ² and a = −2 ln α. The squared half-width is (σ̂²/t) · g(u) with
// g(u) = (1 + 1/u)(ln(1 + u) + a). g′(u) = 0 ⇔ u = a + ln(1 + u), solved by
// u* = −W₋₁(−α²/e) − 1 (Lambert W). One fixed-point step from u = a gives the closed form the paper
// states, ρ² = (a + ln(a + 1)) / t*, which we use: at α = 0.05 it gives u = 7.936 against
// u* = 8.212, and because g is flat at its minimum the half-width at t* is within 0.003 % of the
// best possible (checked in sequential.spec.ts).
//
// Always wider than the fixed-horizon interval: the fixed half-width is σ̂·z/√t with
// z = z_{1−α/2}, so the squared ratio is g(u)/z² ≥ g(u*)/z² = (1 + u*)/z² > a/z² ≥ 1, the last
// step by the Chernoff bound α = 2(1 − Φ(z)) ≤ exp(−z²/2), i.e. z² ≤ −2 ln α. At α = 0.05 the
// sequence is at least 1.548 times as wide as the fixed interval at every t (1.549 at t = t*).
//
// Two arms. The difference (or relative lift) is an average over all N = n_t + n_c persons of
// per-person pseudo-outcomes (the paper's randomized-experiment construction), whose variance per
// observation is estimated by N·SE². So the two-arm sequence is the formula with t = N and
// σ̂ = SE·√N, where SE is the usual (Welch or unpooled) standard error of the estimate.
import { compareMeans } from './means.js';
import { compareProportions } from './proportions.js';
import type { ArmCounts, ArmSums, Interval, LiftComparison } from './types.js';
import {
  requireCount,
  requireFinite,
  requireNonNegative,
  requireOpenUnit,
  requirePositive,
  requirePositiveCount,
} from './validate.js';

/** Level and tuning of a confidence sequence. */
export interface SequentialOptions {
  /** error rate α in (0, 1): the sequence covers with probability 1 − α at all times; default 0.05 */
  alpha?: number;
  /**
   * t*, the number of observations (persons, both arms) at which the sequence is tightest. It
   * must be fixed before the data is seen and stay the same at every look: a t* taken from the
   * data of the read (say, today's n) makes ρ drift, and the guarantee across looks is lost
   * (sequential-aa.spec.ts measures both). There is deliberately no default.
   */
  plannedN: number;
}

/** An always-valid lift: intervals and a p-value that stay valid under continuous monitoring. */
export interface SequentialLift {
  /** the absolute lift with its confidence-sequence interval; null when undefined */
  absolute: Interval | null;
  /** the relative lift with its confidence-sequence interval; null when undefined */
  relative: Interval | null;
  /**
   * always-valid p-value of "no difference": the smallest α at which the sequence (with this ρ)
   * excludes 0, min(1, √(u + 1) · exp(−z²u / (2(u + 1)))) with u = Nρ²; null when undefined
   */
  pValue: number | null;
  /** the ρ² used */
  rhoSquared: number;
  /** the t* ρ² was tuned for */
  plannedN: number;
}

function resolve(options: SequentialOptions): { alpha: number; plannedN: number } {
  const alpha = requireOpenUnit('alpha', options.alpha ?? 0.05);
  const plannedN = requirePositive('plannedN', options.plannedN);
  return { alpha, plannedN };
}

/**
 * The tuning parameter ρ² that makes the asymptotic confidence sequence (nearly) tightest after
 * t* observations: ρ² = (−2 ln α + ln(−2 ln α + 1)) / t* (Waudby-Smith et al.; see the derivation
 * at the top of sequential.ts).
 *
 * @param plannedN t* > 0
 * @param alpha error rate in (0, 1), default 0.05
 */
export function confidenceSequenceRhoSquared(plannedN: number, alpha = 0.05): number {
  requirePositive('plannedN', plannedN);
  requireOpenUnit('alpha', alpha);
  const a = -2 * Math.log(alpha);
  return (a + Math.log(a + 1)) / plannedN;
}

/**
 * Unit-variance half-width of the asymptotic confidence sequence after n observations:
 * √( 2(nρ² + 1) / (n²ρ²) · ln( √(nρ² + 1) / α ) ). Multiply by the per-observation σ̂.
 *
 * @param n observations so far, > 0
 * @param rhoSquared tuning ρ² > 0 (see {@link confidenceSequenceRhoSquared})
 * @param alpha error rate in (0, 1)
 */
export function confidenceSequenceMargin(n: number, rhoSquared: number, alpha: number): number {
  requirePositive('n', n);
  requirePositive('rhoSquared', rhoSquared);
  requireOpenUnit('alpha', alpha);
  const u = n * rhoSquared;
  return Math.sqrt(((2 * (u + 1)) / (n * n * rhoSquared)) * Math.log(Math.sqrt(u + 1) / alpha));
}

/**
 * Always-valid interval for an estimate that is an average over n observations with standard
 * error `se`: estimate ± (se·√n) · {@link confidenceSequenceMargin}(n, ρ², α), ρ² tuned for
 * `plannedN`. For two arms pass the difference, its SE, and n = n_t + n_c.
 *
 * Always wider than estimate ± z_{1−α/2}·se (proof at the top of sequential.ts).
 *
 * @param input.estimate the point estimate (e.g. Δ)
 * @param input.se its standard error, ≥ 0 (0 gives a zero-width interval)
 * @param input.n observations (persons) behind it, a positive integer
 * @param input.alpha error rate, default 0.05
 * @param input.plannedN t*, fixed in advance (see {@link SequentialOptions.plannedN})
 */
export function sequentialInterval(
  input: { estimate: number; se: number; n: number } & SequentialOptions,
): Interval {
  const estimate = requireFinite('estimate', input.estimate);
  const se = requireNonNegative('se', input.se);
  const n = requirePositiveCount('n', input.n);
  const { alpha, plannedN } = resolve(input);
  const half =
    se *
    Math.sqrt(n) *
    confidenceSequenceMargin(n, confidenceSequenceRhoSquared(plannedN, alpha), alpha);
  return { estimate, low: estimate - half, high: estimate + half };
}

/**
 * The α at which |z| sits exactly on the boundary: |Δ|/σ̂ = margin ⇔ α = √(u + 1)·exp(−z²u/(2(u + 1))),
 * capped at 1. A zero SE (z null) follows the fixed-horizon convention: 1 if Δ = 0, else null.
 */
function alwaysValidPValue(z: number | null, estimate: number, u: number): number | null {
  if (z === null) {
    return estimate === 0 ? 1 : null;
  }
  return Math.min(1, Math.sqrt(u + 1) * Math.exp((-z * z * u) / (2 * (u + 1))));
}

/**
 * Always-valid version of a fixed-horizon comparison (from compareProportions, compareMeans or
 * cupedCompare): the same estimates and SEs, confidence-sequence intervals and p-value.
 *
 * @param comparison the fixed-horizon result
 * @param n persons behind it, n_t + n_c
 * @param options α (default 0.05) and t*, fixed in advance
 */
export function sequentialLift(
  comparison: LiftComparison,
  n: number,
  options: SequentialOptions,
): SequentialLift {
  requireCount('n', n);
  const { alpha, plannedN } = resolve(options);
  const rhoSquared = confidenceSequenceRhoSquared(plannedN, alpha);
  const empty = { absolute: null, relative: null, pValue: null, rhoSquared, plannedN };
  if (n === 0 || comparison.absolute === null || comparison.se === null) {
    return empty;
  }
  const absolute = sequentialInterval({
    estimate: comparison.absolute.estimate,
    se: comparison.se,
    n,
    alpha,
    plannedN,
  });
  const relative =
    comparison.relative === null || comparison.relativeSe === null
      ? null
      : sequentialInterval({
          estimate: comparison.relative.estimate,
          se: comparison.relativeSe,
          n,
          alpha,
          plannedN,
        });
  const pValue = alwaysValidPValue(comparison.z, comparison.absolute.estimate, n * rhoSquared);
  return { absolute, relative, pValue, rhoSquared, plannedN };
}

/**
 * A fixed-horizon two-arm comparison run at confidence 1 − α, then made always-valid with
 * n = n_t + n_c.
 */
function sequentialComparison<Arm extends { n: number }>(
  compare: (treatment: Arm, control: Arm, confidence: number) => LiftComparison,
  treatment: Arm,
  control: Arm,
  options: SequentialOptions,
): SequentialLift {
  const alpha = requireOpenUnit('alpha', options.alpha ?? 0.05);
  return sequentialLift(compare(treatment, control, 1 - alpha), treatment.n + control.n, options);
}

/**
 * Always-valid lift of two conversion rates: {@link compareProportions} then
 * {@link sequentialLift} with n = n_t + n_c.
 *
 * @param treatment persons and converters in treatment
 * @param control persons and converters in control
 * @param options α (default 0.05) and t*, fixed in advance
 */
export function sequentialProportions(
  treatment: ArmCounts,
  control: ArmCounts,
  options: SequentialOptions,
): SequentialLift {
  return sequentialComparison(compareProportions, treatment, control, options);
}

/**
 * Always-valid lift of two means (revenue per person): {@link compareMeans} then
 * {@link sequentialLift} with n = n_t + n_c.
 *
 * @param treatment n, Σy, Σy² of treatment
 * @param control n, Σy, Σy² of control
 * @param options α (default 0.05) and t*, fixed in advance
 */
export function sequentialMeans(
  treatment: ArmSums,
  control: ArmSums,
  options: SequentialOptions,
): SequentialLift {
  return sequentialComparison(compareMeans, treatment, control, options);
}
