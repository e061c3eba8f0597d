import {
  ASSIGNMENT_INDEPENDENCE_P_THRESHOLD,
  holdoutPlan,
  triggerInteraction,
  type ArmCounts,
} from '../../stats/index.js';
import type { InteractionCellRow } from './interactions.query.js';
import type { LiftSumsRow } from './lift.query.js';
import { pointsInterval, pValueText } from './lift.calculator.js';
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

/** The plain-words reading of an interaction. */
function interactionVerdict(
  interaction: TriggerInteraction['interaction'],
  assignmentPValue: number | null,
  triggerB: string,
): string {
  const threshold = ASSIGNMENT_INDEPENDENCE_P_THRESHOLD;
  if (assignmentPValue !== null && assignmentPValue < threshold) {
    return `do not trust: the two holdouts were not drawn independently (${pValueText(assignmentPValue, threshold)}), e.g. a shared holdout`;
  }
  if (interaction === null) {
    return 'no estimate: a cell of the 2×2 is empty';
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
    return {
      triggerA,
      triggerB,
      overlapPersons: pairCells.reduce((sum, c) => sum + c.persons, 0),
      cells: [
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
      }),
      assignmentPValue: result.assignmentPValue,
      interaction: result.interaction,
      verdict: interactionVerdict(result.interaction, result.assignmentPValue, triggerB),
    };
  });
}
