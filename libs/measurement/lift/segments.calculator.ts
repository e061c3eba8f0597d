import {
  cochranQ,
  EMPIRICAL_PRIOR_MIN_EFFECTS,
  empiricalBayes,
  twoSidedCriticalValue,
  type BayesianEffect,
  type Heterogeneity,
  type Interval,
} from '../../stats/index.js';
import { buildLiftRows } from './lift.calculator.js';
import type { LiftSumsRow } from './lift.query.js';
import type { TriggerLift } from './models/lift.model.js';
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
  /** The holdout shares the trigger's persons were drawn with, when its versions disagree. */
  sharesDrawn?: readonly (number | null)[];
}

/** Persons (contaminated excluded) per segment, over the rows given. */
function personsBySegment(rows: readonly LiftSumsRow[]): Map<string, number> {
  const persons = new Map<string, number>();
  for (const row of rows) {
    persons.set(row.variant, (persons.get(row.variant) ?? 0) + row.persons);
  }
  return persons;
}

/**
 * The name of each segment of the rows (in their `variant`): the `maxSegments` largest by persons
 * (ties by name) keep theirs, `(none)` for no value; every other is pooled as `(other)`, its sums
 * added (sums of persons, conversions and the CUPED products add, so the pooled row is exactly
 * the lift of the pooled persons).
 */
function segmentNames(
  rows: readonly LiftSumsRow[],
  maxSegments: number,
): (row: LiftSumsRow) => string {
  const ranked = [...personsBySegment(rows).entries()].sort(
    ([a, na], [b, nb]) => nb - na || a.localeCompare(b),
  );
  const kept = new Set(ranked.slice(0, maxSegments).map(([segment]) => segment));
  return (row) =>
    kept.has(row.variant) ? (row.variant === '' ? NO_SEGMENT : row.variant) : OTHER_SEGMENT;
}

/**
 * Each segment's treated against its control persons: the segment stands where buildLiftRows
 * groups (trigger_id), so each segment is one row, with its own SRM check.
 */
function segmentLifts(rows: readonly LiftSumsRow[], options: SegmentOptions): TriggerLift[] {
  const nameOf = segmentNames(rows, options.maxSegments);
  const drawn = options.sharesDrawn;
  return buildLiftRows(
    rows.map((row) => ({ ...row, trigger_id: nameOf(row), variant: '' })),
    {
      groupByVariant: false,
      confidence: options.confidence,
      cuped: options.cuped,
      sequential: false,
      // every segment's persons were drawn as the trigger's were
      sharesDrawn:
        drawn === undefined ? undefined : new Map(rows.map((row) => [nameOf(row), drawn])),
    },
  );
}

/**
 * Each variant's treated persons against the trigger's whole control group, as liftReport by
 * VARIANT reads them (one row per variant, the whole trigger's SRM check and contamination): a
 * variant is what the treatment arm received, so the control group has none of its own. Segments
 * are ranked by treated persons.
 */
function variantLifts(rows: readonly LiftSumsRow[], options: SegmentOptions): TriggerLift[] {
  const nameOf = segmentNames(
    rows.filter((row) => row.arm === 'treatment'),
    options.maxSegments,
  );
  const drawn = options.sharesDrawn;
  return buildLiftRows(
    rows.map((row) => (row.arm === 'treatment' ? { ...row, variant: nameOf(row) } : row)),
    {
      groupByVariant: true,
      confidence: options.confidence,
      cuped: options.cuped,
      sequential: false,
      sharesDrawn: drawn === undefined ? undefined : new Map([[options.triggerId, drawn]]),
    },
  );
}

/**
 * Each segment's effect shrunk by empirical Bayes (docs/design.md §9): the normal–normal
 * posterior under the prior learnt from the segments themselves (the mean of their effects, and
 * their spread beyond what their standard errors explain), over the segments that enter Cochran's
 * Q (standard error defined and above 0), when at least EMPIRICAL_PRIOR_MIN_EFFECTS do; null for
 * the others. A segment whose effect is mostly noise is pulled toward the typical one; a clear
 * outlier keeps most of its distance.
 */
function shrunkEffects(
  effects: readonly { estimate: number; se: number | null }[],
  confidence: number,
): (BayesianEffect | null)[] {
  const entered = effects.flatMap((effect, index) =>
    effect.se !== null && effect.se > 0 && Number.isFinite(effect.se)
      ? [{ index, estimate: effect.estimate, se: effect.se }]
      : [],
  );
  const shrunk: (BayesianEffect | null)[] = effects.map(() => null);
  if (entered.length < EMPIRICAL_PRIOR_MIN_EFFECTS) {
    return shrunk;
  }
  const { posteriors } = empiricalBayes(entered, confidence);
  entered.forEach(({ index }, i) => {
    shrunk[index] = posteriors[i];
  });
  return shrunk;
}

/** Cochran's Q of the segments' absolute lifts (wᵢ = 1/seᵢ²), and each lift shrunk. */
function liftHeterogeneity(
  segments: readonly Omit<SegmentLift, 'shrunkLift'>[],
  confidence: number,
): { heterogeneity: Heterogeneity | null; shrunk: (Interval | null)[] } {
  const critical = twoSidedCriticalValue(confidence);
  // the interval is estimate ± z·se, so its half-width gives back the standard error
  const effects = segments.map((s) => ({
    estimate: s.absoluteLift?.estimate ?? 0,
    se:
      s.absoluteLift === null ? null : (s.absoluteLift.high - s.absoluteLift.low) / (2 * critical),
  }));
  return {
    heterogeneity: cochranQ(effects),
    shrunk: shrunkEffects(effects, confidence).map((posterior) => posterior?.interval ?? null),
  };
}

/** A conversion rate with its binomial standard error; null without persons. */
function rateEffect(arm: { persons: number; rate: number }): {
  estimate: number;
  se: number | null;
} {
  return {
    estimate: arm.rate,
    se: arm.persons === 0 ? null : Math.sqrt((arm.rate * (1 - arm.rate)) / arm.persons),
  };
}

/**
 * Heterogeneity and shrinkage across variants (docs/design.md §9). The variants share one control
 * group, so their lifts differ only by their treated rates, and the control's noise is in every
 * lift alike: Cochran's Q is taken over the treated conversion rates (wᵢ = nᵢ/(pᵢ(1 − pᵢ))), and
 * empirical Bayes shrinks those rates, each shrunk lift being the posterior rate less the control
 * rate, its variance the posterior's plus the control rate's.
 */
function variantHeterogeneity(
  segments: readonly Omit<SegmentLift, 'shrunkLift'>[],
  confidence: number,
): { heterogeneity: Heterogeneity | null; shrunk: (Interval | null)[] } {
  const effects = segments.map((s) => rateEffect(s.treatment));
  const control = rateEffect(segments[0]?.holdout ?? { persons: 0, rate: 0 });
  const critical = twoSidedCriticalValue(confidence);
  const shrunk = shrunkEffects(effects, confidence).map((posterior) => {
    if (posterior === null || control.se === null) {
      return null;
    }
    const estimate = posterior.interval.estimate - control.estimate;
    const halfWidth = critical * Math.sqrt(posterior.sd ** 2 + control.se ** 2);
    return { estimate, low: estimate - halfWidth, high: estimate + halfWidth };
  });
  return { heterogeneity: cochranQ(effects), shrunk };
}

/**
 * A trigger's lift per segment (docs/design.md §9): each segment's treated against its control
 * persons, as liftReport compares a trigger's (by variant: each variant's treated persons against
 * the whole control group, as liftReport by VARIANT); q-values by Benjamini–Hochberg over the
 * segments of the answer; Cochran's Q of the segments' absolute lifts with inverse-variance
 * weights (by variant: of the treated rates, see variantHeterogeneity).
 */
export function buildSegmentedLift(
  rows: readonly LiftSumsRow[],
  options: SegmentOptions,
): SegmentedLift {
  const byVariant = options.by === 'variant';
  const lifts = byVariant ? variantLifts(rows, options) : segmentLifts(rows, options);
  const segments: Omit<SegmentLift, 'shrunkLift'>[] = lifts
    .map((lift) => ({
      segment: byVariant ? (lift.variant ?? NO_SEGMENT) : lift.triggerId,
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
  const { heterogeneity, shrunk } = byVariant
    ? variantHeterogeneity(segments, options.confidence)
    : liftHeterogeneity(segments, options.confidence);
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
