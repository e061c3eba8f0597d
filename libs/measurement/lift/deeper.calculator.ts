import {
  ASSIGNMENT_INDEPENDENCE_P_THRESHOLD,
  holdoutPlan,
  triggerInteraction,
  type ArmCounts,
} from '../../stats/index.js';
import type { InteractionCellRow } from './interactions.query.js';
import type { LiftSumsRow } from './lift.query.js';
import { MIN_CONVERSIONS_PER_ARM, pointsInterval, pValueText } from './lift.calculator.js';
import type { HoldoutPlan, TriggerInteraction } from './models/deeper.model.js';

const DAY_MS = 86_400_000;

export interface PlanOptions {
  triggerId: string;
  from: Date;
  to: Date;
  relativeMde: number;
  power: number;
  alpha: number;
}

/**
 * A trigger's holdout plan (docs/design.md §9) from its per-arm sums over the period: p = the
 * control's conversion rate, N = assigned persons (contaminated excluded), N / days per day,
 * h = the observed holdout share.
 */
export function buildHoldoutPlan(rows: readonly LiftSumsRow[], options: PlanOptions): HoldoutPlan {
  let treated = 0;
  let control = 0;
  let controlConversions = 0;
  for (const row of rows) {
    if (row.arm === 'treatment') {
      treated += row.persons;
    } else {
      control += row.persons;
      controlConversions += row.conversions;
    }
  }
  const persons = treated + control;
  const baselineRate = control === 0 ? 0 : controlConversions / control;
  const holdoutShare = persons === 0 ? 0 : control / persons;
  const plan = holdoutPlan({
    baselineRate,
    persons,
    days: (options.to.getTime() - options.from.getTime()) / DAY_MS,
    holdoutShare,
    relativeMde: options.relativeMde,
    power: options.power,
    alpha: options.alpha,
  });
  return { triggerId: options.triggerId, baselineRate, holdoutShare, ...plan };
}

const ARM = (treated: number) => (treated === 1 ? 'treatment' : 'control');

/**
 * Below these in any cell of the 2×2, an interaction is "too little data" (docs/design.md §3,
 * item 8): each cell's rate enters the interval by its normal approximation p(1−p)/n, which
 * needs some persons who convert and some who do not (the usual n·p ≥ 5 and n·(1−p) ≥ 5). A cell
 * of one person, or of nine none of whom converts, adds no variance at all, and the interval
 * would read as certain what rests on it.
 */
const MIN_INTERACTION_CELL_CONVERSIONS = MIN_CONVERSIONS_PER_ARM;
const MIN_INTERACTION_CELL_NON_CONVERSIONS = MIN_CONVERSIONS_PER_ARM;

type InteractionCellCounts = Pick<
  TriggerInteraction['cells'][number],
  'armA' | 'armB' | 'persons' | 'conversions'
>;

/** The first cell too small to read, in words, or null. */
function smallCell(cells: readonly InteractionCellCounts[]): string | null {
  for (const cell of cells) {
    const name = `${cell.armA}/${cell.armB} cell`;
    if (cell.conversions < MIN_INTERACTION_CELL_CONVERSIONS) {
      return `${cell.conversions} conversions among the ${cell.persons} persons of the ${name}`;
    }
    if (cell.persons - cell.conversions < MIN_INTERACTION_CELL_NON_CONVERSIONS) {
      return `${cell.persons - cell.conversions} persons without a conversion among the ${cell.persons} of the ${name}`;
    }
  }
  return null;
}

/** The plain-words reading of an interaction. */
function interactionVerdict(
  interaction: TriggerInteraction['interaction'],
  assignmentPValue: number | null,
  triggerB: string,
  cells: readonly InteractionCellCounts[],
): string {
  const threshold = ASSIGNMENT_INDEPENDENCE_P_THRESHOLD;
  if (assignmentPValue !== null && assignmentPValue < threshold) {
    return `do not trust: the two holdouts were not drawn independently (${pValueText(assignmentPValue, threshold)}), e.g. a shared holdout`;
  }
  if (interaction === null) {
    return 'no estimate: a cell of the 2×2 is empty';
  }
  const small = smallCell(cells);
  if (small !== null) {
    return `too little data: ${small} (each cell needs at least ${MIN_INTERACTION_CELL_CONVERSIONS} persons who convert and ${MIN_INTERACTION_CELL_NON_CONVERSIONS} who do not)`;
  }
  const text = pointsInterval(interaction);
  if (interaction.low > 0) {
    return `${text}: the lift is larger when ${triggerB} also acts (the effects reinforce)`;
  }
  if (interaction.high < 0) {
    return `${text}: the lift is smaller when ${triggerB} also acts (the effects do not add)`;
  }
  return `${text}: no detectable interaction, the effects add`;
}

/** One TriggerInteraction per ordered pair from the statement's cells (docs/design.md §9). */
export function buildInteractions(
  cells: readonly InteractionCellRow[],
  confidence: number,
): TriggerInteraction[] {
  const pairs = new Map<string, InteractionCellRow[]>();
  for (const cell of cells) {
    const key = JSON.stringify([cell.trigger_a, cell.trigger_b]);
    pairs.set(key, [...(pairs.get(key) ?? []), cell]);
  }
  return [...pairs.values()].map((pairCells) => {
    const counts = (treatedA: number, treatedB: number): ArmCounts => {
      const cell = pairCells.find((c) => c.treated_a === treatedA && c.treated_b === treatedB);
      return { n: cell?.persons ?? 0, x: cell?.conversions ?? 0 };
    };
    const result = triggerInteraction(
      {
        treatmentTreatment: counts(1, 1),
        treatmentControl: counts(1, 0),
        controlTreatment: counts(0, 1),
        controlControl: counts(0, 0),
      },
      confidence,
    );
    const { trigger_a: triggerA, trigger_b: triggerB } = pairCells[0];
    const cellsOut = [
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
    ].map(([a, b]) => {
      const { n, x } = counts(a, b);
      return {
        armA: ARM(a),
        armB: ARM(b),
        persons: n,
        conversions: x,
        rate: n === 0 ? 0 : x / n,
      };
    });
    return {
      triggerA,
      triggerB,
      overlapPersons: pairCells.reduce((sum, c) => sum + c.persons, 0),
      cells: cellsOut,
      assignmentPValue: result.assignmentPValue,
      interaction: result.interaction,
      verdict: interactionVerdict(result.interaction, result.assignmentPValue, triggerB, cellsOut),
    };
  });
}
