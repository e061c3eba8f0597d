import { compareLevels, UNDEFINED_LIFT } from './lift.js';
import type { ArmCounts, ProportionComparison } from './types.js';
import { requireCount, requireOpenUnit } from './validate.js';
import { StatsErrorCode, StatsException } from './errors.js';

function rate(name: string, arm: ArmCounts): number | null {
  requireCount(`${name}.n`, arm.n);
  requireCount(`${name}.x`, arm.x);
  if (arm.x > arm.n) {
    throw new StatsException(
      StatsErrorCode.InvalidArgument,
      `${name}.x (${arm.x}) cannot exceed ${name}.n (${arm.n})`,
    );
  }
  return arm.n === 0 ? null : arm.x / arm.n;
}

/**
 * Compares two conversion rates (docs/design.md §3 "Holdout lift", step 4).
 *
 * - absolute Δ = p_t − p_c, SE = √(p_t(1−p_t)/n_t + p_c(1−p_c)/n_c) (unpooled), interval
 *   Δ ± z_{1−α/2}·SE with normal quantiles;
 * - relative Δ / p_c, delta-method variance p_t(1−p_t)/(n_t·p_c²) + p_c(1−p_c)·p_t²/(n_c·p_c⁴);
 * - z = Δ / SE and its two-sided p-value.
 *
 * Edge cases (see `types.ts` for why `null`):
 * - n = 0 in an arm: that arm's rate is null and so is every lift field;
 * - p_c = 0: `relative` and `relativeSe` are null (the absolute lift is still reported);
 * - p_t = 0 while p_c is strictly between 0 and 1: `relative` and `relativeSe` are null too, since
 *   the delta method would give −100 % with a zero-width interval (see relativeSeIsSound);
 * - SE = 0 (each arm all-0 or all-1): z is null, pValue is 1 when Δ = 0 and null otherwise (no
 *   variance to test a difference against), the intervals collapse to the estimate.
 * Too little data (docs/design.md: n < 100 or fewer than 5 converters) is the caller's verdict to state.
 *
 * @param treatment persons and converters in the treatment arm
 * @param control persons and converters in the control (holdout) arm
 * @param confidence two-sided confidence level in (0, 1), default 0.95
 * @throws {StatsException} for non-integer or negative counts, x > n, or a bad confidence
 */
export function compareProportions(
  treatment: ArmCounts,
  control: ArmCounts,
  confidence = 0.95,
): ProportionComparison {
  requireOpenUnit('confidence', confidence);
  const rateTreatment = rate('treatment', treatment);
  const rateControl = rate('control', control);
  if (rateTreatment === null || rateControl === null) {
    return { rateTreatment, rateControl, ...UNDEFINED_LIFT };
  }
  const lift = compareLevels(
    { level: rateTreatment, varianceOfLevel: (rateTreatment * (1 - rateTreatment)) / treatment.n },
    { level: rateControl, varianceOfLevel: (rateControl * (1 - rateControl)) / control.n },
    confidence,
  );
  return { rateTreatment, rateControl, ...lift };
}
