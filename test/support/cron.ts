/**
 * A cron pattern (6 fields, seconds first, read in UTC) whose next run is `seconds` from `now` and
 * whose runs are a year apart: a digest schedule that fires during a test, which setDigest takes
 * (it refuses a schedule that runs more than once an hour).
 */
export function cronOnceIn(seconds: number, now = new Date()): string {
  const at = new Date(now.getTime() + seconds * 1000);
  return [
    at.getUTCSeconds(),
    at.getUTCMinutes(),
    at.getUTCHours(),
    at.getUTCDate(),
    at.getUTCMonth() + 1,
    '*',
  ].join(' ');
}
