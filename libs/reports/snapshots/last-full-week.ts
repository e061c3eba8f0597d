const DAY_MS = 86_400_000;

/**
 * The last full week before `at`: Monday 00:00 UTC to the next Monday 00:00 UTC (ISO weeks), the
 * latest such week that has ended by `at`. On Monday 06:00 that is the week that ended six hours
 * before.
 */
export function lastFullWeek(at: Date): { from: Date; to: Date } {
  const midnight = Math.floor(at.getTime() / DAY_MS) * DAY_MS;
  // getUTCDay: Sunday 0 … Saturday 6; days since the most recent Monday 00:00
  const sinceMonday = (new Date(midnight).getUTCDay() + 6) % 7;
  const to = midnight - sinceMonday * DAY_MS;
  return { from: new Date(to - 7 * DAY_MS), to: new Date(to) };
}
