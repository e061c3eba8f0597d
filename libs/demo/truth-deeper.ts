// Reference answers of the deeper statistics (docs/design.md §9), computed from the generated rows
// with plain loops on truth.ts's assignments, never with the code under test: segments, capped
// revenue, the holdout plan's inputs, and the 2×2 of every pair of triggers.

import { assignmentTruths, type AssignmentTruth, type TruthOptions } from './truth.js';
import type { Period, ProgramRows } from './rows.js';

/** Persons and conversions (and revenue) of one arm. */
export interface CountsTruth {
  persons: number;
  converters: number;
  revenue: number;
  revenueSumOfSquares: number;
}

/** One segment's arms. */
export interface SegmentTruth {
  segment: string;
  treatment: CountsTruth;
  control: CountsTruth;
}

/** The 2×2 of an ordered pair of triggers (A's arm first; conversion is A's). */
export interface InteractionTruth {
  triggerA: string;
  triggerB: string;
  /** [TT, TC, CT, CC] */
  cells: { persons: number; converters: number }[];
}

/** What the deeper statistics read, per trigger and per pair. */
export interface DeeperTruth {
  /** Clean assignments per trigger (contaminated persons left out). */
  assignments: Map<string, AssignmentTruth[]>;
  /** The value of a firing's dimension as liftSegments reads it ('' when none). */
  segmentOf: (firing: AssignmentTruth['firing'], by: string, property?: string) => string;
}

const empty = (): CountsTruth => ({
  persons: 0,
  converters: 0,
  revenue: 0,
  revenueSumOfSquares: 0,
});

function add(target: CountsTruth, a: AssignmentTruth, revenue = a.revenue): void {
  target.persons += 1;
  target.converters += a.converted ? 1 : 0;
  target.revenue += revenue;
  target.revenueSumOfSquares += revenue * revenue;
}

/** The deeper truth's index: every trigger's clean assignments. */
export function computeDeeperTruth(
  rows: ProgramRows,
  period: Period,
  options: TruthOptions = {},
): DeeperTruth {
  const all = assignmentTruths(rows, period, options);
  const assignments = new Map<string, AssignmentTruth[]>();
  for (const [triggerId, list] of all) {
    assignments.set(
      triggerId,
      list.filter((a) => !a.contaminated),
    );
  }
  return {
    assignments,
    segmentOf: (firing, by, property) => {
      switch (by) {
        case 'channel':
          return firing.channel ?? '';
        case 'surface':
          return firing.surface ?? '';
        case 'variant':
          return firing.variant ?? '';
        default: {
          // properties hold strings, numbers and booleans only (the stream refuses the rest)
          const value = firing.properties?.[property ?? ''];
          return value === undefined ? '' : String(value);
        }
      }
    },
  };
}

/**
 * A trigger's segments as liftSegments defines them: the value on the assignment firing
 * ('(none)' when absent), the `maxSegments` largest by persons kept (ties by name), the rest
 * pooled as '(other)'. Largest first. By variant, the segments are the treated persons' variants
 * (ranked by treated persons), each against the trigger's whole control group.
 */
export function segmentTruth(
  truth: DeeperTruth,
  triggerId: string,
  by: string,
  property: string | undefined,
  maxSegments: number,
): SegmentTruth[] {
  const raw = new Map<string, AssignmentTruth[]>();
  const wholeControl = empty();
  for (const a of truth.assignments.get(triggerId) ?? []) {
    if (by === 'variant' && a.armClass !== 'treatment') {
      add(wholeControl, a);
      continue;
    }
    const value = truth.segmentOf(a.firing, by, property);
    raw.set(value, [...(raw.get(value) ?? []), a]);
  }
  const ranked = [...raw.entries()].sort(
    ([a, la], [b, lb]) => lb.length - la.length || (a < b ? -1 : a > b ? 1 : 0),
  );
  const result = new Map<string, SegmentTruth>();
  ranked.forEach(([value, list], rank) => {
    const name = rank < maxSegments ? (value === '' ? '(none)' : value) : '(other)';
    const segment = result.get(name) ?? {
      segment: name,
      treatment: empty(),
      control: by === 'variant' ? wholeControl : empty(),
    };
    for (const a of list) {
      add(a.armClass === 'treatment' ? segment.treatment : segment.control, a);
    }
    result.set(name, segment);
  });
  return [...result.values()].sort(
    (a, b) =>
      b.treatment.persons + b.control.persons - (a.treatment.persons + a.control.persons) ||
      (a.segment < b.segment ? -1 : a.segment > b.segment ? 1 : 0),
  );
}

/** Type-7 quantile of the values (numpy's default), by its definition. */
export function type7Quantile(values: readonly number[], probability: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * probability;
  const lower = Math.floor(h);
  const upper = Math.ceil(h);
  return sorted[lower] + (h - lower) * (sorted[upper] - sorted[lower]);
}

/** A trigger's arms with every person's revenue capped at the percentile of positive revenues. */
export function cappedRevenueTruth(
  truth: DeeperTruth,
  triggerId: string,
  percentile: number,
): { cap: number; treatment: CountsTruth; control: CountsTruth } {
  const list = truth.assignments.get(triggerId) ?? [];
  const cap = type7Quantile(
    list.map((a) => a.revenue).filter((r) => r > 0),
    percentile / 100,
  );
  const treatment = empty();
  const control = empty();
  for (const a of list) {
    add(a.armClass === 'treatment' ? treatment : control, a, Math.min(a.revenue, cap));
  }
  return { cap, treatment, control };
}

/** A trigger's arms over the period (uncapped). */
export function armsTruth(
  truth: DeeperTruth,
  triggerId: string,
): { treatment: CountsTruth; control: CountsTruth } {
  const treatment = empty();
  const control = empty();
  for (const a of truth.assignments.get(triggerId) ?? []) {
    add(a.armClass === 'treatment' ? treatment : control, a);
  }
  return { treatment, control };
}

/**
 * Every ordered pair of triggers with at least `minPersons` persons assigned to both (clean in
 * both), its 2×2 of arms and A's conversions; sorted by A then B.
 */
export function interactionTruth(truth: DeeperTruth, minPersons = 100): InteractionTruth[] {
  const byPerson = new Map<string, Map<string, AssignmentTruth>>();
  for (const [triggerId, list] of truth.assignments) {
    for (const a of list) {
      const person = byPerson.get(a.personId) ?? new Map<string, AssignmentTruth>();
      person.set(triggerId, a);
      byPerson.set(a.personId, person);
    }
  }
  const pairs = new Map<string, InteractionTruth>();
  for (const person of byPerson.values()) {
    for (const [triggerA, a] of person) {
      for (const [triggerB, b] of person) {
        if (triggerA === triggerB) {
          continue;
        }
        const key = `${triggerA}\u0000${triggerB}`;
        const pair = pairs.get(key) ?? {
          triggerA,
          triggerB,
          cells: [0, 1, 2, 3].map(() => ({ persons: 0, converters: 0 })),
        };
        const cell = (a.armClass === 'treatment' ? 0 : 2) + (b.armClass === 'treatment' ? 0 : 1);
        pair.cells[cell].persons += 1;
        pair.cells[cell].converters += a.converted ? 1 : 0;
        pairs.set(key, pair);
      }
    }
  }
  return [...pairs.values()]
    .filter((p) => p.cells.reduce((sum, c) => sum + c.persons, 0) >= minPersons)
    .sort((x, y) =>
      x.triggerA !== y.triggerA
        ? x.triggerA < y.triggerA
          ? -1
          : 1
        : x.triggerB < y.triggerB
          ? -1
          : x.triggerB > y.triggerB
            ? 1
            : 0,
    );
}
