import {
  cochranQ,
  EMPIRICAL_PRIOR_MIN_EFFECTS,
  empiricalBayes,
  twoSidedCriticalValue,
  type Interval,
} from '../../stats/index.js';
import { buildLiftRows } from './lift.calculator.js';
import type { LiftSumsRow } from './lift.query.js';
import type { SegmentedLift, SegmentLift } from './models/segments.model.js';

/** The segment of a person whose assignment firing has no value (docs/design.md §9). */
export const NO_SEGMENT = '(none)';
/** The segments beyond the largest `maxSegments`, pooled. */
export const OTHER_SEGMENT = '(other)';

export interface SegmentOptions {
  triggerId: string;
  by: string;
  maxSegments: number;
  confidence: number;
  cuped: boolean;
}

/** Persons (both arms, contaminated excluded) per segment. */
function personsBySegment(rows: readonly LiftSumsRow[]): Map<string, number> {
  const persons = new Map<string, number>();
  for (const row of rows) {
    persons.set(row.variant, (persons.get(row.variant) ?? 0) + row.persons);
  }
  return persons;
}

/**
 * The segments kept: the `maxSegments` largest by persons (ties by name); every other segment
 * is pooled as `(other)`, its sums added (sums of persons, conversions and the CUPED products
 * add, so the pooled row is exactly the lift of the pooled persons).
 */
function pooledRows(rows: readonly LiftSumsRow[], maxSegments: number): LiftSumsRow[] {
  const ranked = [...personsBySegment(rows).entries()].sort(
    ([a, na], [b, nb]) => nb - na || a.localeCompare(b),
  );
  const kept = new Set(ranked.slice(0, maxSegments).map(([segment]) => segment));
  return rows.map((row) => {
    const segment = kept.has(row.variant)
      ? row.variant === ''
        ? NO_SEGMENT
        : row.variant
      : OTHER_SEGMENT;
    // the segment stands where buildLiftRows groups (trigger_id), so each segment is one row
    return { ...row, trigger_id: segment, variant: '' };
  });
}

/**
 * Each segment's absolute lift shrunk by empirical Bayes (docs/design.md §9): the normal–normal
 * posterior under the prior learnt from the segments themselves (the mean of their lifts, and
 * their spread beyond what their standard errors explain), over the segments that enter Cochran's
 * Q (standard error defined and above 0), when at least EMPIRICAL_PRIOR_MIN_EFFECTS do; null for
 * the others. A segment whose lift is mostly noise is pulled toward the typical one; a clear
 * outlier keeps most of its distance.
 */
function shrunkLifts(
  effects: readonly { estimate: number; se: number | null }[],
  confidence: number,
): (Interval | null)[] {
  const entered = effects.flatMap((effect, index) =>
    effect.se !== null && effect.se > 0 && Number.isFinite(effect.se)
      ? [{ index, estimate: effect.estimate, se: effect.se }]
      : [],
  );
  const shrunk: (Interval | null)[] = effects.map(() => null);
  if (entered.length < EMPIRICAL_PRIOR_MIN_EFFECTS) {
    return shrunk;
  }
  const { posteriors } = empiricalBayes(entered, confidence);
  entered.forEach(({ index }, i) => {
    shrunk[index] = posteriors[i].interval;
  });
  return shrunk;
}

/**
 * A trigger's lift per segment (docs/design.md §9): each segment's treated against its control
 * persons, as liftReport compares a trigger's; q-values by Benjamini–Hochberg over the segments
 * of the answer; Cochran's Q of the segments' absolute lifts with inverse-variance weights.
 */
export function buildSegmentedLift(
  rows: readonly LiftSumsRow[],
  options: SegmentOptions,
): SegmentedLift {
  const lifts = buildLiftRows(pooledRows(rows, options.maxSegments), {
    groupByVariant: false,
    confidence: options.confidence,
    cuped: options.cuped,
    sequential: false,
  });
  const critical = twoSidedCriticalValue(options.confidence);
  const segments: Omit<SegmentLift, 'shrunkLift'>[] = lifts
    .map((lift) => ({
      segment: lift.triggerId,
      treatment: lift.treatment,
      holdout: lift.holdout,
      absoluteLift: lift.absoluteLift,
      relativeLift: lift.relativeLift,
      pValue: lift.pValue,
      qValue: lift.qValue,
      verdict: lift.verdict,
    }))
    .sort(
      (a, b) =>
        b.treatment.persons + b.holdout.persons - (a.treatment.persons + a.holdout.persons) ||
        a.segment.localeCompare(b.segment),
    );
  // the interval is estimate ± z·se, so its half-width gives back the standard error
  const effects = segments.map((s) => ({
    estimate: s.absoluteLift?.estimate ?? 0,
    se:
      s.absoluteLift === null ? null : (s.absoluteLift.high - s.absoluteLift.low) / (2 * critical),
  }));
  const heterogeneity = cochranQ(effects);
  const shrunk = shrunkLifts(effects, options.confidence);
  return {
    triggerId: options.triggerId,
    by: options.by,
    segments: segments.map((segment, i) => ({ ...segment, shrunkLift: shrunk[i] })),
    heterogeneity:
      heterogeneity === null
        ? null
        : {
            q: heterogeneity.q,
            df: heterogeneity.df,
            pValue: heterogeneity.pValue,
            flagged: heterogeneity.flagged,
          },
  };
}
