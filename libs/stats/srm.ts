import { chiSquareSf } from './chi-square.js';
import { requireCount, requireOpenUnit } from './validate.js';

/** Result of a sample-ratio-mismatch check (GraphQL `SrmCheck` plus the statistic). */
export interface SampleRatioMismatch {
  /** the share of persons the trigger meant to hold out */
  expectedHoldoutShare: number;
  /** n_c / (n_t + n_c); null when there are no persons */
  observedHoldoutShare: number | null;
  /** Pearson's Σ (observed − expected)² / expected over the two arms */
  chiSquare: number;
  /** P(χ²₁ > chiSquare) */
  pValue: number;
  /** pValue < threshold: the split is not what was configured, so the lift is not to be trusted */
  flagged: boolean;
}

/** The p-value under which a split is flagged as a sample ratio mismatch. */
export const SRM_P_THRESHOLD = 0.001;

/**
 * Sample ratio mismatch (docs/design.md §3 step 6): chi-square goodness of fit of (n_t, n_c) against the
 * configured holdout share, 1 degree of freedom. With N = n_t + n_c, E_c = N·share and
 * E_t = N·(1 − share), χ² = (n_t − E_t)²/E_t + (n_c − E_c)²/E_c.
 *
 * No persons (N = 0) is not a mismatch: χ² = 0, pValue 1, not flagged, observed share null.
 *
 * @param nTreatment persons in treatment
 * @param nControl persons in the holdout (both `holdout` and `global_holdout`)
 * @param expectedControlShare the trigger's `holdout_pct`, strictly between 0 and 1 (a trigger
 *   without a holdout has no lift to check; calling this for it throws)
 * @param threshold flag when pValue < threshold, default {@link SRM_P_THRESHOLD}
 */
export function sampleRatioMismatch(
  nTreatment: number,
  nControl: number,
  expectedControlShare: number,
  threshold = SRM_P_THRESHOLD,
): SampleRatioMismatch {
  requireCount('nTreatment', nTreatment);
  requireCount('nControl', nControl);
  requireOpenUnit('expectedControlShare', expectedControlShare);
  requireOpenUnit('threshold', threshold);
  const total = nTreatment + nControl;
  if (total === 0) {
    return {
      expectedHoldoutShare: expectedControlShare,
      observedHoldoutShare: null,
      chiSquare: 0,
      pValue: 1,
      flagged: false,
    };
  }
  const expectedControl = total * expectedControlShare;
  const expectedTreatment = total * (1 - expectedControlShare);
  const chiSquare =
    (nTreatment - expectedTreatment) ** 2 / expectedTreatment +
    (nControl - expectedControl) ** 2 / expectedControl;
  const pValue = chiSquareSf(chiSquare, 1);
  return {
    expectedHoldoutShare: expectedControlShare,
    observedHoldoutShare: nControl / total,
    chiSquare,
    pValue,
    flagged: pValue < threshold,
  };
}
