// Without Redis, a scheduled digest whose send fails is tried again in this process as BullMQ
// retries it with Redis: five attempts in all, the first retry a minute later, each next one twice
// as long (1, 2, 4, 8 minutes). The clock is jest's; the times below are worked out by hand.

import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { DigestScheduler } from './digest-scheduler.js';
import type { DigestSender } from './digest-sender.js';
import type { DigestSettings } from './digests.repository.js';

const MINUTE = 60_000;
/** Monday 07:00 UTC, the digest's scheduled time; the clock starts a minute before. */
const MONDAY_7 = new Date('2026-12-07T07:00:00Z');
const DIGEST: DigestSettings = {
  tenantId: 'acme',
  recipients: ['ceo@example.com'],
  schedule: '0 7 * * 1',
  timeZone: 'UTC',
  updatedAt: new Date('2026-12-01T00:00:00Z'),
};

/** A scheduler whose sends fail `failures` times, then succeed; `sends` lists each call's time. */
function schedulerFailing(failures: number) {
  const sends: { at: string; now: string }[] = [];
  let failed = 0;
  const sender = {
    all: () => Promise.resolve([DIGEST]),
    sendScheduled: (_tenantId: string, at: Date) => {
      sends.push({ at: at.toISOString(), now: new Date().toISOString() });
      if (failed < failures) {
        failed += 1;
        return Promise.reject(
          Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:587'), { code: 'ECONNREFUSED' }),
        );
      }
      return Promise.resolve();
    },
  } as unknown as DigestSender;
  return { scheduler: new DigestScheduler(sender), sends };
}

/** Each line logged at error: its text, tenant and failure's code (its message is not logged). */
const errors: string[] = [];
beforeEach(() => {
  errors.length = 0;
  jest.spyOn(Logger.prototype, 'error').mockImplementation((fields: unknown, text?: unknown) => {
    const { tenantId, err } = fields as { tenantId: string; err: { code?: string } };
    errors.push(`${tenantId}: ${String(text)}: ${err.code}`);
  });
  jest.useFakeTimers({ now: new Date(MONDAY_7.getTime() - MINUTE) });
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('a scheduled digest without Redis when its send fails', () => {
  it('is tried again after 1 and 2 minutes, and stops once it is sent', async () => {
    const { scheduler, sends } = schedulerFailing(2);
    await scheduler.apply(DIGEST);
    await jest.advanceTimersByTimeAsync(MINUTE + 4 * MINUTE + 8 * MINUTE + 16 * MINUTE);
    expect(sends).toEqual([
      { at: '2026-12-07T07:00:00.000Z', now: '2026-12-07T07:00:00.000Z' },
      { at: '2026-12-07T07:00:00.000Z', now: '2026-12-07T07:01:00.000Z' },
      { at: '2026-12-07T07:00:00.000Z', now: '2026-12-07T07:03:00.000Z' },
    ]);
    expect(errors).toEqual([
      'acme: digest not sent (attempt 1 of 5, tried again in 60 s): ECONNREFUSED',
      'acme: digest not sent (attempt 2 of 5, tried again in 120 s): ECONNREFUSED',
    ]);
    scheduler.onModuleDestroy();
  });

  it('makes five attempts at most, then waits for the next scheduled time', async () => {
    const { scheduler, sends } = schedulerFailing(Infinity);
    await scheduler.apply(DIGEST);
    // through the fifth attempt (07:15) and a day past it: nothing more
    await jest.advanceTimersByTimeAsync(24 * 60 * MINUTE);
    expect(sends.map((s) => s.now)).toEqual([
      '2026-12-07T07:00:00.000Z',
      '2026-12-07T07:01:00.000Z',
      '2026-12-07T07:03:00.000Z',
      '2026-12-07T07:07:00.000Z',
      '2026-12-07T07:15:00.000Z',
    ]);
    expect(errors.at(-1)).toBe(
      'acme: digest not sent (attempt 5 of 5, no attempt left): ECONNREFUSED',
    );
    // the next Monday's send is made on time
    await jest.advanceTimersByTimeAsync(7 * 24 * 60 * MINUTE);
    expect(sends[5]).toEqual({ at: '2026-12-14T07:00:00.000Z', now: '2026-12-14T07:00:00.000Z' });
    scheduler.onModuleDestroy();
  });

  it('makes no attempt after the process stops', async () => {
    const { scheduler, sends } = schedulerFailing(Infinity);
    await scheduler.apply(DIGEST);
    await jest.advanceTimersByTimeAsync(MINUTE);
    expect(sends).toHaveLength(1);
    scheduler.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(60 * MINUTE);
    expect(sends).toHaveLength(1);
  });
});

describe('a digest scheduled in a time zone, without Redis', () => {
  /** The times a digest sent at 02:30 daily in Berlin is sent, from `start` for `days` days. */
  const sendTimes = async (start: string, days: number) => {
    jest.setSystemTime(new Date(start));
    const { scheduler, sends } = schedulerFailing(0);
    await scheduler.apply({ ...DIGEST, schedule: '30 2 * * *', timeZone: 'Europe/Berlin' });
    await jest.advanceTimersByTimeAsync(days * 24 * 60 * MINUTE);
    scheduler.onModuleDestroy();
    return sends.map((s) => s.at);
  };

  it('keeps its local time across the clock changes of the zone', async () => {
    // Monday 07:00 in Berlin: 05:00 UTC in summer time (UTC+2), 06:00 UTC once the clocks go back
    // on Sunday 25 October 2026, and 06:00 UTC after it. In New York, the clocks go back on
    // Sunday 1 November 2026: Monday 07:00 is 11:00 UTC (UTC−4) before, 12:00 UTC (UTC−5) after.
    jest.setSystemTime(new Date('2026-10-17T00:00:00Z'));
    const berlin = schedulerFailing(0);
    const newYork = schedulerFailing(0);
    await berlin.scheduler.apply({ ...DIGEST, timeZone: 'Europe/Berlin' });
    await newYork.scheduler.apply({ ...DIGEST, timeZone: 'America/New_York' });
    await jest.advanceTimersByTimeAsync(22 * 24 * 60 * MINUTE);
    expect(berlin.sends.map((s) => s.at)).toEqual([
      '2026-10-19T05:00:00.000Z',
      '2026-10-26T06:00:00.000Z',
      '2026-11-02T06:00:00.000Z',
    ]);
    expect(newYork.sends.map((s) => s.at)).toEqual([
      '2026-10-19T11:00:00.000Z',
      '2026-10-26T11:00:00.000Z',
      '2026-11-02T12:00:00.000Z',
    ]);
    berlin.scheduler.onModuleDestroy();
    newYork.scheduler.onModuleDestroy();
  });

  it('sends a local time the clocks skip an hour later, and one they repeat once', async () => {
    // 02:30 every day in Berlin. On Sunday 29 March 2026 the clocks jump from 02:00 to 03:00, so
    // 02:30 does not exist: it is sent at 03:30 summer time (01:30 UTC). On Sunday 25 October the
    // clocks go back from 03:00 to 02:00, so 02:30 comes twice: it is sent at the first (00:30
    // UTC, summer time), not again an hour later.
    expect(await sendTimes('2026-03-28T00:00:00Z', 3)).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:30:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
    expect(await sendTimes('2026-10-24T12:00:00Z', 2)).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
  });
});
