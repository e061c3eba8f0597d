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
  updatedAt: new Date('2026-12-01T00:00:00Z'),
};

/** A scheduler whose sends fail `failures` times, then succeed; `sends` lists each call's time. */
function schedulerFailing(failures: number) {
  const sends: { at: string; now: string }[] = [];
  let failed = 0;
  const sender = {
    all: () => Promise.resolve([DIGEST]),
    send: (_tenantId: string, at: Date) => {
      sends.push({ at: at.toISOString(), now: new Date().toISOString() });
      if (failed < failures) {
        failed += 1;
        return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:587'));
      }
      return Promise.resolve();
    },
  } as unknown as DigestSender;
  return { scheduler: new DigestScheduler(sender), sends };
}

const errors: string[] = [];
beforeEach(() => {
  errors.length = 0;
  jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
    errors.push(String(message));
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
      'digest of acme not sent (attempt 1 of 5, tried again in 60 s): connect ECONNREFUSED 127.0.0.1:587',
      'digest of acme not sent (attempt 2 of 5, tried again in 120 s): connect ECONNREFUSED 127.0.0.1:587',
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
      'digest of acme not sent (attempt 5 of 5, no attempt left): connect ECONNREFUSED 127.0.0.1:587',
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
