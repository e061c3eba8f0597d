// Interaction of two triggers acting on the same persons (docs/design.md §9). Among the persons assigned
// to both A and B, the 2×2 of their arms says two things: whether A's lift changes when B also
// acts (a difference of differences of conversion rates), and whether the two assignments were
// drawn independently (a shared holdout would put the same persons in both controls).
import { chiSquareSf } from './chi-square.js';
import { StatsErrorCode, StatsException } from './errors.js';
import { interval } from './lift.js';
import { twoSidedCriticalValue, twoSidedPValue } from './normal.js';
import type { ArmCounts, Interval } from './types.js';
import { requireCount, requireOpenUnit } from './validate.js';

/** The four cells of two triggers' arms, A's arm first: `treatmentControl` is A treated, B held out. */
export interface InteractionCells {
  treatmentTreatment: ArmCounts;
  treatmentControl: ArmCounts;
  controlTreatment: ArmCounts;
  controlControl: ArmCounts;
}

/** What the 2×2 says. */
export interface TriggerInteraction {
  /**
   * (p_TT − p_CT) − (p_TC − p_CC): A's lift when B acts minus A's lift when B is held out, with
   * its interval; null when a cell is empty
   */
  interaction: Interval | null;
  /** √Σ p(1−p)/n over the four cells */
  se: number | null;
  /** two-sided p-value of interaction / se (1 when both are 0, 0 when only se is) */
  pValue: number | null;
  /** Pearson's χ² of independence of the two assignments (persons counts), 1 df */
  assignmentChiSquare: number | null;
  /** P(χ²₁ > assignmentChiSquare); null when a row or column of persons is empty */
  assignmentPValue: number | null;
}

/** The p-value under which the two assignments count as not drawn independently. */
export const ASSIGNMENT_INDEPENDENCE_P_THRESHOLD = 0.001;

const CELL_NAMES = [
  'treatmentTreatment',
  'treatmentControl',
  'controlTreatment',
  'controlControl',
] as const;

function requireCells(cells: InteractionCells): void {
  for (const name of CELL_NAMES) {
    const cell = cells[name];
    requireCount(`${name}.n`, cell.n);
    requireCount(`${name}.x`, cell.x);
    if (cell.x > cell.n) {
      throw new StatsException(
        StatsErrorCode.InvalidArgument,
        `${name}.x (${cell.x}) cannot exceed ${name}.n (${cell.n})`,
      );
    }
  }
}

/**
 * Pearson's chi-square test of independence of a 2×2 table of persons (rows A's arm, columns B's),
 * without continuity correction: Σ (o − e)²/e with e = row total · column total / N, df 1.
 */
function assignmentIndependence(
  cells: InteractionCells,
): { chiSquare: number; pValue: number } | null {
  const tt = cells.treatmentTreatment.n;
  const tc = cells.treatmentControl.n;
  const ct = cells.controlTreatment.n;
  const cc = cells.controlControl.n;
  const rows = [tt + tc, ct + cc];
  const columns = [tt + ct, tc + cc];
  const total = rows[0] + rows[1];
  if (rows.includes(0) || columns.includes(0)) {
    return null;
  }
  const observed = [
    [tt, tc],
    [ct, cc],
  ];
  let chiSquare = 0;
  for (let row = 0; row < 2; row += 1) {
    for (let column = 0; column < 2; column += 1) {
      const expected = (rows[row] * columns[column]) / total;
      chiSquare += (observed[row][column] - expected) ** 2 / expected;
    }
  }
  return { chiSquare, pValue: chiSquareSf(chiSquare, 1) };
}

/**
 * Interaction of triggers A and B from the 2×2 cells of the persons assigned to both (docs/design.md §9):
 * interaction = (p_TT − p_CT) − (p_TC − p_CC) (first letter A's arm, second B's; conversion is
 * A's), SE = √Σ pᵢ(1−pᵢ)/nᵢ over the four independent cells, interval ± z_{1−α/2}·SE with normal
 * quantiles; and the chi-square test of independence of the two assignments.
 *
 * @param cells persons and A-conversions per cell
 * @param confidence two-sided level of the interval, default 0.95
 * @throws {StatsException} for non-integer or negative counts, x > n, or a bad level
 */
export function triggerInteraction(cells: InteractionCells, confidence = 0.95): TriggerInteraction {
  requireOpenUnit('confidence', confidence);
  requireCells(cells);
  const independence = assignmentIndependence(cells);
  const assignment = {
    assignmentChiSquare: independence?.chiSquare ?? null,
    assignmentPValue: independence?.pValue ?? null,
  };
  if (CELL_NAMES.some((name) => cells[name].n === 0)) {
    return { interaction: null, se: null, pValue: null, ...assignment };
  }
  const rate = (cell: ArmCounts) => cell.x / cell.n;
  const variance = (cell: ArmCounts) => (rate(cell) * (1 - rate(cell))) / cell.n;
  const estimate =
    rate(cells.treatmentTreatment) -
    rate(cells.controlTreatment) -
    (rate(cells.treatmentControl) - rate(cells.controlControl));
  const se = Math.sqrt(CELL_NAMES.reduce((sum, name) => sum + variance(cells[name]), 0));
  const pValue = se > 0 ? twoSidedPValue(estimate / se) : estimate === 0 ? 1 : 0;
  return {
    interaction: interval(estimate, se, twoSidedCriticalValue(confidence)),
    se,
    pValue,
    ...assignment,
  };
}
