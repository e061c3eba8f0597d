// The comparison every lift shares once each arm is reduced to a level and the variance of that
// level. Internal: proportions.ts, means.ts and cuped.ts build their public results with it.
import { twoSidedCriticalValue, twoSidedPValue } from './normal.js';
import type { Interval, LiftComparison } from './types.js';

/** One arm's estimated level (rate or mean) and the sampling variance of that estimate. */
export interface ArmEstimate {
  level: number;
  /** Var(level), e.g. p(1 − p)/n or s²/n */
  varianceOfLevel: number;
}

/** Every lift field null: the answer when an arm cannot define its level or variance. */
export const UNDEFINED_LIFT: LiftComparison = {
  absolute: null,
  relative: null,
  se: null,
  relativeSe: null,
  z: null,
  pValue: null,
};

/** estimate ± critical·se. */
export function interval(estimate: number, se: number, critical: number): Interval {
  return { estimate, low: estimate - critical * se, high: estimate + critical * se };
}

/**
 * Whether a relative lift's delta-method SE is sound beside the absolute lift's: it collapses to
 * 0 while the absolute SE does not when the treated arm is constant at 0 (no converter, no
 * revenue), since its own variance and its level both vanish from the formula. An interval of
 * −100 % [−100 %, −100 %] would then claim a certainty that the absolute interval (from a control
 * known only to ±its SE) does not have; the relative lift is left undefined instead.
 */
export function relativeSeIsSound(relativeSe: number, se: number): boolean {
  return relativeSe > 0 || se === 0;
}

/**
 * Δ = treatment − control with SE √(v_t + v_c); relative Δ / |control| with the delta-method
 * variance v_t / c² + v_c · t² / c⁴ (the first-order variance of Δ / |c| for independent arms).
 * Dividing by the baseline's size keeps the sign of Δ: when refunds make the control's revenue
 * per person negative, a treatment that loses less reads as a gain, as in this library's CUPED.
 * (GrowthBook divides by the signed control mean; for a positive control, the usual case and every
 * conversion rate, the two agree.)
 * The relative lift is null when the control level is 0, or when its SE is not sound
 * ({@link relativeSeIsSound}).
 */
export function compareLevels(
  treatment: ArmEstimate,
  control: ArmEstimate,
  confidence: number,
): LiftComparison {
  const critical = twoSidedCriticalValue(confidence);
  const difference = treatment.level - control.level;
  const se = Math.sqrt(treatment.varianceOfLevel + control.varianceOfLevel);
  // A zero SE means both arms are constant (each all 0 or all 1, or a single person): no difference
  // is no evidence of one (p = 1), and a difference has no variance to be tested against (p null,
  // not 0: one converted person against one who did not is no certainty, and a 0 would enter a
  // Benjamini–Hochberg family at rank 1 and lower every other q-value).
  const z = se > 0 ? difference / se : null;
  const pValue = z === null ? (difference === 0 ? 1 : null) : twoSidedPValue(z);

  let relative: Interval | null = null;
  let relativeSe: number | null = null;
  if (control.level !== 0) {
    const c2 = control.level * control.level;
    const deltaSe = Math.sqrt(
      treatment.varianceOfLevel / c2 +
        (control.varianceOfLevel * treatment.level * treatment.level) / (c2 * c2),
    );
    if (relativeSeIsSound(deltaSe, se)) {
      relativeSe = deltaSe;
      relative = interval(difference / Math.abs(control.level), relativeSe, critical);
    }
  }
  return { absolute: interval(difference, se, critical), relative, se, relativeSe, z, pValue };
}
