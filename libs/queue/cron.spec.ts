import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { describeWithRedis } from '../../test/support/redis-suite.js';
import { currentQueryScope, deadlineScope, runInQueryScope } from '../storage/index.js';
import { CronTimer, cronFrequencyProblem, scheduleCronJob } from './cron.js';
import { JobName } from './queue.constants.js';

describe('cronFrequencyProblem', () => {
  it('lets the process answer other work while it reads a year of hourly runs', async () => {
    // a timer due at once fires only when the event loop turns: a reading done in one piece
    // (about a second for this schedule) would answer before it
    let ranMeanwhile = false;
    setTimeout(() => {
      ranMeanwhile = true;
    }, 0);
    const problem = await cronFrequencyProblem(
      '0 * * * *',
      'Europe/Berlin',
      new Date('2026-12-07T00:00:00Z'),
    );
    expect([problem, ranMeanwhile]).toEqual([undefined, true]);
  });
});

describe('CronTimer', () => {
  it('runs at the next second a per-second pattern fires, not before', async () => {
    const timer = new CronTimer();
    const armed = Date.now();
    const at = await new Promise<Date>((resolve) => timer.arm('* * * * * *', new Date(), resolve));
    // the first whole second after arming
    expect(at.getTime()).toBe(Math.floor(armed / 1000) * 1000 + 1000);
    expect(Date.now()).toBeGreaterThanOrEqual(at.getTime());
  });

  it('runs nothing once cleared, nor for an arming it replaced', async () => {
    const timer = new CronTimer();
    const runs: string[] = [];
    timer.arm('* * * * * *', new Date(), () => runs.push('replaced'));
    timer.arm('* * * * * *', new Date(), () => runs.push('cleared'));
    timer.clear();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(runs).toEqual([]);
  });

  it('runs outside the query scope of the request that armed it', async () => {
    const timer = new CronTimer();
    const scope = deadlineScope(60_000);
    const seen = await new Promise<unknown>((resolve) =>
      runInQueryScope(scope, () =>
        timer.arm('* * * * * *', new Date(), () => resolve(currentQueryScope())),
      ),
    );
    scope.dispose();
    expect(seen).toBeUndefined();
  });
});

/** A time as a clock in `timeZone` shows it: weekday, hours and minutes (`Mon 07:00`). */
const wallClock = (at: number, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .format(at)
    .replace(',', '');

describeWithRedis('a cron job BullMQ holds in Redis', (redis) => {
  let queue: Queue;
  beforeAll(() => {
    queue = new Queue('cron-time-zones', { connection: { host: '127.0.0.1', port: redis.port } });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it.each([
    ['UTC', undefined],
    ['Europe/Berlin', 'Europe/Berlin'],
    ['America/New_York', 'America/New_York'],
  ])('fires at 07:00 on Mondays as clocks in %s show it', async (zone, timeZone) => {
    const schedulerId = `digest-${zone}`;
    await scheduleCronJob(queue, {
      schedulerId,
      pattern: '0 7 * * 1',
      timeZone,
      name: JobName.DigestSend,
      data: {},
      retryDelayMs: 60_000,
      keep: 1,
    });
    const scheduler = await queue.getJobScheduler(schedulerId);
    expect(scheduler?.tz).toBe(zone);
    expect(wallClock(scheduler?.next ?? 0, zone)).toBe('Mon 07:00');
  });
});
