import { compareProportions } from '../../stats/index.js';
import type { ConversionCurveRow } from './conversion-curve.query.js';
import type { CurvePoint } from './models/curve-point.model.js';

interface Counts {
  persons: number;
  conversions: number;
}

/**
 * One CurvePoint per step with someone observed: the treated persons (all, or the given variant's)
 * against the whole control group, and the absolute lift of the rates at 95% (as liftReport's
 * fixed-horizon interval).
 */
export function buildCurve(
  rows: readonly ConversionCurveRow[],
  variant: string | null,
): CurvePoint[] {
  const steps = new Map<number, { cMs: number; treatment: Counts; holdout: Counts }>();
  for (const row of rows) {
    const step = steps.get(row.since_ms) ?? {
      cMs: row.c_ms,
      treatment: { persons: 0, conversions: 0 },
      holdout: { persons: 0, conversions: 0 },
    };
    steps.set(row.since_ms, step);
    if (row.arm !== 'treatment') {
      step.holdout.persons += row.persons;
      step.holdout.conversions += row.conversions;
    } else if (variant === null || row.variant === variant) {
      step.treatment.persons += row.persons;
      step.treatment.conversions += row.conversions;
    }
  }
  return [...steps.entries()]
    .sort(([a], [b]) => a - b)
    .map(([sinceMs, { cMs, treatment, holdout }]) => {
      const comparison =
        treatment.persons === 0 || holdout.persons === 0
          ? null
          : compareProportions(
              { n: treatment.persons, x: treatment.conversions },
              { n: holdout.persons, x: holdout.conversions },
            ).absolute;
      return {
        sinceMs,
        treatmentPersons: treatment.persons,
        holdoutPersons: holdout.persons,
        treatmentConversions: treatment.conversions,
        holdoutConversions: holdout.conversions,
        treatmentRate: treatment.persons === 0 ? 0 : treatment.conversions / treatment.persons,
        holdoutRate: holdout.persons === 0 ? 0 : holdout.conversions / holdout.persons,
        absoluteLift: comparison,
        isConversionWindow: sinceMs === cMs,
      };
    });
}
