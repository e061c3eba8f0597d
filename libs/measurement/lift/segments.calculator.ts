import { cochranQ, twoSidedCriticalValue } from '../../stats/index.js';
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
  const segments: SegmentLift[] = lifts
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
  const heterogeneity = cochranQ(
    segments.map((s) => ({
      estimate: s.absoluteLift?.estimate ?? 0,
      se:
        s.absoluteLift === null
          ? null
          : (s.absoluteLift.high - s.absoluteLift.low) / (2 * critical),
    })),
  );
  return {
    triggerId: options.triggerId,
    by: options.by,
    segments,
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
