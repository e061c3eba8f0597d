// Holdout planning (docs/design.md §9): what the current split can see, how long it needs to see a given
// lift, and what holdout share would see it within four weeks. The variance is the unpooled
// two-proportion variance p(1−p)(1/n_c + 1/n_t) at the control rate, the one compareProportions
// uses under the null, with z = z_{1−α/2} + z_power as in power.ts.
import { criticalValueAtAlpha, normalQuantile } from './normal.js';
import {
  requireCount,
  requireNonNegative,
  requireOpenUnit,
  requireProbability,
} from './validate.js';
import { StatsErrorCode, StatsException } from './errors.js';

/** The days within which `requiredHoldoutShareIn28Days` detects the lift. */
export const HOLDOUT_PLAN_HORIZON_DAYS = 28;

/** What a holdout plan is computed from. */
export interface HoldoutPlanInput {
  /** p, the control's conversion rate over the period, in [0, 1] */
  baselineRate: number;
  /** N, the persons assigned over the period (both arms) */
  persons: number;
  /** the period's length in days, > 0 */
  days: number;
  /** h, the observed holdout share N_c / N, in [0, 1] */
  holdoutShare: number;
  /** m, the relative lift to detect (e.g. 0.05 for +5 %), non-zero */
  relativeMde: number;
  /** probability of detecting m, default 0.8 */
  power?: number;
  /** two-sided significance level, default 0.05 */
  alpha?: number;
}

/** GraphQL `HoldoutPlan` without the echoed inputs. */
export interface HoldoutPlan {
  /** N / days */
  personsPerDay: number;
  /** smallest relative lift detectable with the persons already seen; null when undefined */
  currentMde: number | null;
  /** days at personsPerDay and share h to detect m; null when the split or the rate cannot */
  daysToDetect: number | null;
  /** smallest h ≤ ½ detecting m within 28 days; null when even h = ½ cannot */
  requiredHoldoutShareIn28Days: number | null;
}

/**
 * Holdout plan by docs/design.md §9's formulas, with z = z_{1−α/2} + z_power:
 *
 * - currentMde = z·√(p(1−p)(1/(Nh) + 1/(N(1−h)))) / p;
 * - daysToDetect = z²·p(1−p)·(1/h + 1/(1−h)) / ((p·m)²·personsPerDay);
 * - requiredHoldoutShareIn28Days = (1 − √(1 − 4/K))/2 with K = (p·m)²·28·personsPerDay/(z²·p(1−p)),
 *   the smaller root of 1/(h(1−h)) = K (daysToDetect = 28 there); null when K < 4, since
 *   1/(h(1−h)) ≥ 4 for every h and a balanced split then still needs more than 28 days.
 *
 * A rate of 0 or 1 has no variance to plan with, and a split with an empty arm (h = 0 or 1) no
 * current minimum detectable effect: those fields are null rather than 0 or Infinity; so are
 * daysToDetect and requiredHoldoutShareIn28Days for a lift no rate can show (p·(1 + m) outside
 * [0, 1]) and when (p·m)² underflows to 0.
 *
 * @throws {StatsException} naming the field for a rate or share outside [0, 1], a negative or
 *   fractional person count, days ≤ 0, m = 0, or power/alpha outside (0, 1)
 */
export function holdoutPlan(input: HoldoutPlanInput): HoldoutPlan {
  const p = requireProbability('baselineRate', input.baselineRate);
  const persons = requireCount('persons', input.persons);
  const days = requireNonNegative('days', input.days);
  const h = requireProbability('holdoutShare', input.holdoutShare);
  const m = input.relativeMde;
  if (days === 0) {
    throw new StatsException(StatsErrorCode.InvalidArgument, 'days must be > 0, got 0');
  }
  if (!Number.isFinite(m) || m === 0) {
    throw new StatsException(
      StatsErrorCode.InvalidArgument,
      `relativeMde must be a non-zero finite number, got ${m}`,
    );
  }
  const power = requireOpenUnit('power', input.power ?? 0.8);
  const alpha = requireOpenUnit('alpha', input.alpha ?? 0.05);
  const z = criticalValueAtAlpha(alpha) + normalQuantile(power);
  const personsPerDay = persons / days;
  const bernoulliVariance = p * (1 - p);
  if (bernoulliVariance === 0) {
    return {
      personsPerDay,
      currentMde: null,
      daysToDetect: null,
      requiredHoldoutShareIn28Days: null,
    };
  }
  const splitDefined = h > 0 && h < 1;
  const currentMde =
    splitDefined && persons > 0
      ? (z * Math.sqrt(bernoulliVariance * (1 / (persons * h) + 1 / (persons * (1 - h))))) / p
      : null;
  const effect = p * m;
  // No plan for a lift no rate can show (p·(1 + m) outside [0, 1]: +10 % on a 95 % rate), nor
  // where (p·m)² underflows to 0 or so near it that the days overflow (m of 1e-160): a division
  // by 0 or the overflow would give Infinity, which GraphQL cannot carry
  const squaredEffect = effect * effect;
  const plannable = squaredEffect > 0 && p + effect >= 0 && p + effect <= 1;
  const detectDays =
    plannable && splitDefined && personsPerDay > 0
      ? (z * z * bernoulliVariance * (1 / h + 1 / (1 - h))) / (squaredEffect * personsPerDay)
      : null;
  const daysToDetect = detectDays !== null && Number.isFinite(detectDays) ? detectDays : null;
  const k =
    (squaredEffect * HOLDOUT_PLAN_HORIZON_DAYS * personsPerDay) / (z * z * bernoulliVariance);
  // the smaller root (1 − √(1 − 4/K))/2 written as (2/K)/(1 + √(1 − 4/K)): no cancellation for
  // a large K, where the first form rounds to 0
  const requiredHoldoutShareIn28Days =
    plannable && k >= 4 ? 2 / k / (1 + Math.sqrt(1 - 4 / k)) : null;
  return { personsPerDay, currentMde, daysToDetect, requiredHoldoutShareIn28Days };
}
