import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { rowVersion } from './time.js';

describe('rowVersion', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('grows with every call, also within one millisecond', () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 11, 7, 12) });
    const versions = Array.from({ length: 5000 }, () => rowVersion());
    for (let i = 1; i < versions.length; i++) {
      expect(versions[i]).toBeGreaterThan(versions[i - 1]);
    }
  });

  it('is the time in microseconds, and keeps growing when the clock steps back', () => {
    const at = Date.UTC(2030, 0, 1);
    jest.useFakeTimers({ now: at });
    const first = rowVersion();
    expect(first).toBeGreaterThanOrEqual(at * 1000);
    expect(first).toBeLessThan(at * 1000 + 1000);
    jest.setSystemTime(at - 60_000);
    expect(rowVersion()).toBeGreaterThan(first);
  });
});
