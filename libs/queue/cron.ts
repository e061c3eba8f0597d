import type { Queue } from 'bullmq';
import { CronExpressionParser } from 'cron-parser';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { messageOf } from '../errors/index.js';
import { outsideQueryScope } from '../storage/index.js';
import type { JobName } from './queue.constants.js';

/** setTimeout's longest delay; a later run is reached in several steps. */
const MAX_TIMER_MS = 2_147_483_647;

/** The forms a cron pattern takes, as a message that refuses another says them. */
const CRON_FORMS =
  'write 5 fields (minute hour day-of-month month day-of-week, e.g. 0 7 * * 1) or 6 with seconds first';

/**
 * The IANA name of a time zone as the runtime spells it (`europe/berlin` is `Europe/Berlin`), or
 * undefined when it knows no such zone.
 */
export function canonicalTimeZone(timeZone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * Why `pattern` is not a cron pattern, or undefined when it is: 5 fields, 6 with seconds first, or
 * a shorthand such as `@weekly`. The cron library (and BullMQ, which uses it) fills a pattern of
 * fewer fields from the left, so that '' and '*' fire every minute and '0 7 * *' every minute of an
 * hour: the fields are counted before it reads them.
 */
export function cronPatternProblem(pattern: string): string | undefined {
  const fields = pattern.split(/\s+/).filter((field) => field !== '');
  const shorthand = fields.length === 1 && pattern.startsWith('@');
  if (!shorthand && (fields.length < 5 || fields.length > 6)) {
    return `${fields.length} ${fields.length === 1 ? 'field' : 'fields'}; ${CRON_FORMS}`;
  }
  try {
    CronExpressionParser.parse(pattern, { tz: 'UTC' });
    return undefined;
  } catch (error) {
    return messageOf(error);
  }
}

/**
 * The shortest time a schedule that reaches people (a digest's e-mail, the weekly snapshots'
 * announcements) leaves between two of its runs: an hour.
 */
export const MIN_SCHEDULE_GAP_MS = 60 * 60 * 1000;

/** The most runs a schedule's gaps are read from: more than a year of hourly runs. */
const GAP_RUNS_READ = 8_808;
/** How far ahead they are read: past a 29 February and every change of the clocks. */
const GAP_YEARS_READ = 4;

/**
 * How many runs are read between two turns of the event loop. The library takes 0.05-0.5 ms a run
 * (more in a zone with clock changes), so a year of hourly runs read at once would hold every
 * other request of the process for a second; in slices of this size none waits more than a few
 * tens of milliseconds.
 */
const RUNS_PER_TURN = 200;

/** The gaps between a schedule's consecutive runs: the shortest, and whether all are alike. */
export interface CronGap {
  shortestMs: number;
  regular: boolean;
}

/**
 * The gaps between consecutive runs of `pattern` read in `timeZone`, from `from` on: over the
 * next GAP_YEARS_READ years, at most GAP_RUNS_READ runs (a schedule whose runs are an hour apart or
 * more is read for a year at least). Undefined when it runs less than twice. With `stopBelowMs`,
 * the reading stops at the first gap shorter than it (the answer is then one such gap). The
 * reading lets the event loop turn every RUNS_PER_TURN runs.
 */
export async function cronGaps(
  pattern: string,
  timeZone = 'UTC',
  from = new Date(),
  stopBelowMs = 0,
): Promise<CronGap | undefined> {
  const end = new Date(from);
  end.setUTCFullYear(end.getUTCFullYear() + GAP_YEARS_READ);
  const runs = CronExpressionParser.parse(pattern, { tz: timeZone, currentDate: from });
  let previous: number | undefined;
  let shortest = Infinity;
  let longest = 0;
  for (let read = 0; read < GAP_RUNS_READ; read += 1) {
    if (read > 0 && read % RUNS_PER_TURN === 0) {
      await nextTurn();
    }
    let at: number;
    try {
      at = runs.next().getTime();
    } catch {
      // a pattern that runs no more (a day no month has) ends the reading
      break;
    }
    if (at > end.getTime()) {
      break;
    }
    if (previous !== undefined) {
      shortest = Math.min(shortest, at - previous);
      longest = Math.max(longest, at - previous);
    }
    previous = at;
    if (shortest < stopBelowMs) {
      break;
    }
  }
  return shortest === Infinity
    ? undefined
    : { shortestMs: shortest, regular: shortest === longest };
}

/**
 * Whether `pattern`, read in `timeZone`, has runs closer than MIN_SCHEDULE_GAP_MS: as
 * cronFrequencyProblem, reading no further than the first such gap.
 */
export async function runsMoreThanHourly(pattern: string, timeZone = 'UTC'): Promise<boolean> {
  const gaps = await cronGaps(pattern, timeZone, new Date(), MIN_SCHEDULE_GAP_MS);
  return gaps !== undefined && gaps.shortestMs < MIN_SCHEDULE_GAP_MS;
}

/** `ms` in words, in seconds or, when whole, minutes: [5, "minutes"]. */
function inUnits(ms: number): [number, string] {
  return ms % 60_000 === 0 ? [ms / 60_000, 'minute'] : [Math.round(ms / 1000), 'second'];
}

/**
 * Why `pattern`, read in `timeZone`, runs too often for a schedule that reaches people (runs
 * closer than MIN_SCHEDULE_GAP_MS), e.g. "runs every 5 minutes"; undefined when it does not.
 */
export async function cronFrequencyProblem(
  pattern: string,
  timeZone = 'UTC',
  from = new Date(),
): Promise<string | undefined> {
  const gaps = await cronGaps(pattern, timeZone, from);
  if (gaps === undefined || gaps.shortestMs >= MIN_SCHEDULE_GAP_MS) {
    return undefined;
  }
  const [count, unit] = inUnits(gaps.shortestMs);
  if (gaps.regular) {
    return count === 1 ? `runs every ${unit}` : `runs every ${count} ${unit}s`;
  }
  return `runs as little as ${count} ${unit}${count === 1 ? '' : 's'} apart`;
}

/**
 * The next time a cron pattern read in `timeZone` (UTC by default) fires after `after`. Across a
 * change of the clocks there, a local time that is skipped fires an hour later and one that is
 * repeated fires once, at its first occurrence.
 */
export function nextRun(pattern: string, after: Date, timeZone = 'UTC'): Date {
  return CronExpressionParser.parse(pattern, { tz: timeZone, currentDate: after }).next().toDate();
}

/** The last time a cron pattern (UTC) fired before `before`. */
export function previousRun(pattern: string, before: Date): Date {
  return CronExpressionParser.parse(pattern, { tz: 'UTC', currentDate: before }).prev().toDate();
}

/**
 * A timer in this process for the next run of a cron pattern (the schedule when there is no Redis
 * to hold it). It waits in steps when the run is weeks away, and never keeps the process alive on
 * its own. Its runs belong to no request: armed while one is answered (setDigest), they still do
 * not inherit its deadline.
 */
export class CronTimer {
  private timer: NodeJS.Timeout | undefined;

  /**
   * Calls `run(at)` at the first time `pattern`, read in `timeZone`, fires after `after`; replaces
   * any earlier arming.
   */
  arm(pattern: string, after: Date, run: (at: Date) => void, timeZone = 'UTC'): void {
    this.clear();
    const at = nextRun(pattern, after, timeZone);
    this.timer = outsideQueryScope(() =>
      setTimeout(
        () => {
          if (Date.now() < at.getTime()) {
            this.arm(pattern, after, run, timeZone);
            return;
          }
          run(at);
        },
        Math.max(0, Math.min(at.getTime() - Date.now(), MAX_TIMER_MS)),
      ),
    );
    this.timer.unref();
  }

  clear(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

/** A job BullMQ runs on a cron pattern, held in Redis under `schedulerId`. */
export interface CronJob {
  schedulerId: string;
  pattern: string;
  /** The IANA time zone the pattern is read in; UTC when absent. */
  timeZone?: string;
  name: JobName;
  data: object;
  /** The first retry's delay; each next one doubles it, five attempts in all. */
  retryDelayMs: number;
  /** How many completed and how many failed runs Redis keeps. */
  keep: number;
}

/**
 * Sets (or replaces) the job scheduler in Redis: any number of processes may do it, the scheduler
 * id makes it one, and a run due while no worker is up waits in Redis.
 */
export async function scheduleCronJob(queue: Queue, job: CronJob): Promise<void> {
  await queue.upsertJobScheduler(
    job.schedulerId,
    { pattern: job.pattern, tz: job.timeZone ?? 'UTC' },
    {
      name: job.name,
      data: job.data,
      opts: {
        attempts: 5,
        backoff: { type: 'exponential', delay: job.retryDelayMs },
        removeOnComplete: { count: job.keep },
        removeOnFail: { count: job.keep },
      },
    },
  );
}
