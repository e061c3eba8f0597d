// Do segments respond differently? Cochran's Q (W. G. Cochran, "The combination of estimates from
// different experiments", Biometrics 10 (1954) 101–129) asks whether the segments' lifts scatter
// around their common inverse-variance-weighted mean more than their standard errors allow.
import { chiSquareSf } from './chi-square.js';
import { requireFinite, requireOpenUnit } from './validate.js';

/** One segment's effect; `se` null or 0 when the data cannot estimate its precision. */
export interface SegmentEffect {
  estimate: number;
  se: number | null;
}

/** Cochran's Q test of heterogeneity (GraphQL `Heterogeneity` plus the pooled figures). */
export interface Heterogeneity {
  /** Q = Σ wᵢ(θᵢ − θ̄)² with wᵢ = 1/seᵢ² */
  q: number;
  /** k − 1, k the segments that entered */
  df: number;
  /** P(χ²_df > Q) */
  pValue: number;
  /** pValue < threshold */
  flagged: boolean;
  /** θ̄ = Σ wᵢθᵢ / Σ wᵢ, the fixed-effect pooled estimate */
  pooledEstimate: number;
  /** I² = max(0, (Q − df)/Q): the share of the scatter beyond chance (0 when Q = 0) */
  iSquared: number;
  /** how many segments entered (those with a finite se > 0) */
  segments: number;
}

/** The p-value under which Cochran's Q flags segments as responding differently. */
export const HETEROGENEITY_P_THRESHOLD = 0.05;

/**
 * Cochran's Q heterogeneity test of segment effects (docs/design.md §9): with wᵢ = 1/seᵢ² over the
 * segments whose standard error is defined and above 0, θ̄ = Σwᵢθᵢ/Σwᵢ, Q = Σwᵢ(θᵢ − θ̄)², which
 * is χ² with k − 1 degrees of freedom when every segment has the same true effect.
 *
 * @param effects each segment's estimate (absolute lift) and standard error; segments with a
 *   null, zero or non-finite se are left out, as they carry no weight
 * @param threshold flag when the p-value is below it, default {@link HETEROGENEITY_P_THRESHOLD}
 * @returns null when fewer than 2 segments can enter (no comparison to make)
 * @throws {StatsException} for a non-finite estimate of a segment that enters, or a bad threshold
 */
export function cochranQ(
  effects: readonly SegmentEffect[],
  threshold = HETEROGENEITY_P_THRESHOLD,
): Heterogeneity | null {
  requireOpenUnit('threshold', threshold);
  const entered: { estimate: number; weight: number }[] = [];
  effects.forEach((effect, index) => {
    if (effect.se !== null && effect.se > 0 && Number.isFinite(effect.se)) {
      requireFinite(`effects[${index}].estimate`, effect.estimate);
      entered.push({ estimate: effect.estimate, weight: 1 / (effect.se * effect.se) });
    }
  });
  const k = entered.length;
  if (k < 2) {
    return null;
  }
  const totalWeight = entered.reduce((sum, e) => sum + e.weight, 0);
  const pooledEstimate = entered.reduce((sum, e) => sum + e.weight * e.estimate, 0) / totalWeight;
  const q = entered.reduce((sum, e) => sum + e.weight * (e.estimate - pooledEstimate) ** 2, 0);
  const df = k - 1;
  const pValue = chiSquareSf(q, df);
  return {
    q,
    df,
    pValue,
    flagged: pValue < threshold,
    pooledEstimate,
    iSquared: q > 0 ? Math.max(0, (q - df) / q) : 0,
    segments: k,
  };
}
