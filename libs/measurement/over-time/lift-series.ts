import { sharesBefore, type ShareStarts } from '../lift/holdout-shares.query.js';
import { buildLiftRows, type LiftOptions } from '../lift/lift.calculator.js';
import { EMPTY_ARM_SUMS, type LiftSumsRow } from '../lift/lift.query.js';
import type { LiftOverTimeRow } from './lift-over-time.query.js';
import type { LiftPoint } from './models/lift-point.model.js';

/** A zero row: a point with no one in an arm still reads as a lift row with that arm empty. */
function emptyRow(
  like: Pick<LiftSumsRow, 'trigger_id' | 'channel' | 'holdout_pct' | 'planned_persons'>,
  arm: string,
  variant: string,
): LiftSumsRow {
  return { ...like, arm, variant, ...EMPTY_ARM_SUMS };
}

/**
 * Turns the series' sums into one LiftPoint per instant, each read exactly as liftReport reads
 * its sums (buildLiftRows: the same comparisons, intervals and verdict). With a variant, its
 * treated persons against the trigger's whole control group, as liftReport by VARIANT: every
 * variant's rows go in, since the SRM check and the contamination are the whole trigger's (a
 * variant's treated persons alone against the whole control group would read as a broken split).
 * `shareStarts`: the holdout shares the trigger's firings were drawn with and when each began
 * (queryShareStarts); each point's SRM is checked against the share its persons were drawn with,
 * and not at all when they were drawn with several.
 */
export function buildLiftSeries(
  triggerId: string,
  instants: readonly number[],
  rows: readonly LiftOverTimeRow[],
  variant: string | null,
  options: Omit<LiftOptions, 'groupByVariant' | 'sharesDrawn'>,
  shareStarts: ShareStarts = new Map(),
): LiftPoint[] {
  const like = {
    trigger_id: triggerId,
    channel: rows[0]?.channel ?? '',
    holdout_pct: rows[0]?.holdout_pct ?? null,
    planned_persons: rows[0]?.planned_persons ?? null,
  };
  const byInstant = new Map<number, LiftSumsRow[]>();
  for (const { as_of, ...row } of rows) {
    byInstant.set(as_of, [...(byInstant.get(as_of) ?? []), row]);
  }
  return instants.map((asOf) => {
    const sums = [
      ...(byInstant.get(asOf) ?? []),
      emptyRow(like, 'treatment', variant ?? ''),
      emptyRow(like, 'holdout', ''),
    ];
    const [lift] = buildLiftRows(sums, {
      ...options,
      groupByVariant: variant !== null,
      sharesDrawn:
        shareStarts.size === 0
          ? undefined
          : new Map([[triggerId, sharesBefore(shareStarts, asOf)]]),
    }).filter((row) => row.variant === variant);
    return {
      asOf: new Date(asOf),
      treatment: lift.treatment,
      holdout: lift.holdout,
      absoluteLift: lift.absoluteLift,
      relativeLift: lift.relativeLift,
      pValue: lift.pValue,
      revenueLift: lift.revenueLift,
      srm: lift.srm,
      contaminatedPersons: lift.contaminatedPersons,
      method: lift.method,
      plannedPersons: lift.plannedPersons,
      verdict: lift.verdict,
    };
  });
}
