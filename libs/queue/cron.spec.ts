import { describe, expect, it } from '@jest/globals';
import { currentQueryScope, deadlineScope, runInQueryScope } from '../storage/index.js';
import { CronTimer } from './cron.js';

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
