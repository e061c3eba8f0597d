import { MeasurementErrorCode, MeasurementException } from '../common/measurement.exception.js';
import { registerDocumentedEnum } from '../../graphql-fields/index.js';

/** The step of a series (docs/design.md §7): fixed lengths of UTC time. */
export enum Granularity {
  HOUR = 'hour',
  DAY = 'day',
  WEEK = 'week',
}
registerDocumentedEnum(
  Granularity,
  'Granularity',
  'Step of a series: HOUR, DAY or WEEK (7 days), counted in UTC from `from`.',
  {
    HOUR: 'One hour.',
    DAY: '24 hours.',
    WEEK: '7 days, from `from` (not calendar weeks).',
  },
);

export const GRANULARITY_MS: Readonly<Record<Granularity, number>> = {
  [Granularity.HOUR]: 3_600_000,
  [Granularity.DAY]: 86_400_000,
  [Granularity.WEEK]: 7 * 86_400_000,
};

/** Most points one series may hold (a year of days; 400 days of hours would be 9,600). */
export const MAX_POINTS = 2_000;

/**
 * The instants of a series over [from, to): from + k·step for k = 1, 2, … before `to`, then `to`
 * itself (docs/design.md §7). Unix milliseconds, ascending.
 */
export function seriesInstants(
  fromMs: number,
  toMs: number,
  stepMs: number,
  field: string,
): number[] {
  const count = Math.ceil((toMs - fromMs) / stepMs);
  if (count > MAX_POINTS) {
    throw new MeasurementException(
      MeasurementErrorCode.InvalidArgument,
      `${field}: the period holds ${count} steps; at most ${MAX_POINTS} per series (use a coarser step)`,
    );
  }
  const instants: number[] = [];
  for (let k = 1; fromMs + k * stepMs < toMs; k++) {
    instants.push(fromMs + k * stepMs);
  }
  instants.push(toMs);
  return instants;
}
