// An evaluation that fails is the caller's error to handle, and nothing else's: the alert
// schedule logs it and tries again, and the process goes on.

import { afterEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../config/index.js';
import { AlertsService } from './alerts.service.js';

type Deps = ConstructorParameters<typeof AlertsService>;

describe('a failed alert evaluation', () => {
  const unhandled: unknown[] = [];
  const note = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', note);
  afterEach(() => {
    process.off('unhandledRejection', note);
  });

  it('rejects for its caller and leaves no rejection unhandled', async () => {
    const broken = {
      report: () => Promise.reject(new Error('the store is down')),
      audit: () => Promise.reject(new Error('the store is down')),
      triggerLatency: () => Promise.reject(new Error('the store is down')),
      signalFreshness: () => Promise.reject(new Error('the store is down')),
    };
    const service = new AlertsService(
      loadConfig({ LOG_LEVEL: 'silent' }),
      {} as Deps[1],
      {} as Deps[2],
      broken as unknown as Deps[3],
      broken as unknown as Deps[4],
      broken as unknown as Deps[5],
      broken as unknown as Deps[6],
      broken as unknown as Deps[7],
      {} as Deps[8],
    );
    await expect(service.evaluate('t')).rejects.toThrow('the store is down');
    // an unhandled rejection is reported after the microtasks of its turn
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
    // the next evaluation is not held back by the failed one
    await expect(service.evaluate('t')).rejects.toThrow('the store is down');
  });
});
