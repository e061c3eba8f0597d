import { UTCDate } from '@date-fns/utc';
import { startOfISOWeek } from 'date-fns/startOfISOWeek';
import { subWeeks } from 'date-fns/subWeeks';

/**
 * The last full week before `at`: Monday 00:00 UTC to the next Monday 00:00 UTC (ISO weeks), the
 * latest such week that has ended by `at`. On Monday 06:00 that is the week that ended six hours
 * before.
 */
export function lastFullWeek(at: Date): { from: Date; to: Date } {
  // in UTC whatever the process's time zone: the week of `at` starts on its Monday 00:00 UTC
  const to = startOfISOWeek(new UTCDate(at.getTime()));
  return { from: new Date(subWeeks(to, 1).getTime()), to: new Date(to.getTime()) };
}
