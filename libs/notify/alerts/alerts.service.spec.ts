// An evaluation that fails is the caller's error to handle, and nothing else's: the alert
// schedule logs it and tries again, and the process goes on.

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../config/index.js';
import { NotifyErrorCode } from '../notify.exception.js';
import { AlertKind } from './alert-kind.js';
import { AlertsService, alertText } from './alerts.service.js';

type Deps = ConstructorParameters<typeof AlertsService>;

/**
 * The service with `measures` standing for every measure it reads (lift, guardrails, consent,
 * latency, freshness), the digests' failure as `failureAsOf` answers, and the rest as given.
 */
function alertsOver(
  measures: object,
  failureAsOf: (tenantId: string, asOf: Date) => Promise<unknown>,
  rest: { clickhouse?: object; repository?: object } = {},
): AlertsService {
  const measure = measures as never;
  return new AlertsService(
    loadConfig({ LOG_LEVEL: 'silent' }),
    (rest.clickhouse ?? {}) as Deps[1],
    (rest.repository ?? {}) as Deps[2],
    measure,
    measure,
    measure,
    measure,
    measure,
    {} as Deps[8],
    { failureAsOf } as unknown as Deps[9],
    {} as Deps[10],
  );
}

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
    const service = alertsOver(broken, () => Promise.resolve(null));
    await expect(service.evaluate('t')).rejects.toThrow('the store is down');
    // an unhandled rejection is reported after the microtasks of its turn
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
    // the next evaluation is not held back by the failed one
    await expect(service.evaluate('t')).rejects.toThrow('the store is down');
  });
});

describe('the alerts listed over [from, to)', () => {
  const listed: unknown[] = [];
  const repository = {
    list: (_: string, filter: unknown) => {
      listed.push(filter);
      return Promise.resolve([]);
    },
  };
  const none = {} as never;
  const service = new AlertsService(
    loadConfig({ LOG_LEVEL: 'silent' }),
    none,
    repository as unknown as Deps[2],
    none,
    none,
    none,
    none,
    none,
    none,
    none,
    none,
  );
  const OCT_1 = new Date('2026-10-01T00:00:00Z');
  const OCT_31 = new Date('2026-10-31T00:00:00Z');
  beforeEach(() => {
    listed.length = 0;
  });

  it.each([
    ['after', OCT_31, OCT_1],
    ['equal to', OCT_1, OCT_1],
  ])('are refused with from %s to, naming both, not answered with none', (_, from, to) => {
    expect(() => service.list('t', { from, to })).toThrow(
      expect.objectContaining({
        code: NotifyErrorCode.InvalidRequest,
        message: expect.stringMatching(/^from, to: from must be before to/) as unknown,
      }),
    );
    expect(listed).toEqual([]);
  });

  it('are read with an end left out, or from before to', async () => {
    await service.list('t', { from: OCT_31 });
    await service.list('t', { from: OCT_1, to: OCT_31 });
    expect(listed).toHaveLength(2);
  });
});

describe('the words a message about an alert starts with', () => {
  const gain = { kind: AlertKind.SIGNIFICANT_GAIN, summary: 't works: conversion +1.00 pts' };
  const harm = { kind: AlertKind.HARM, summary: 't harms: overwhelm +1.00 pts' };

  it('tells a gain as news, and its end as a win lost', () => {
    expect(alertText(gain, 'opened')).toBe(
      ':chart_with_upwards_trend: Good news SIGNIFICANT_GAIN: t works: conversion +1.00 pts',
    );
    expect(alertText(gain, 'resolved')).toBe(
      ':warning: No longer SIGNIFICANT_GAIN (it read: t works: conversion +1.00 pts)',
    );
  });

  it('tells trouble as an alert, and its end as resolved', () => {
    expect(alertText(harm, 'opened')).toBe(
      ':rotating_light: Alert HARM: t harms: overwhelm +1.00 pts',
    );
    expect(alertText(harm, 'resolved')).toBe(
      ':white_check_mark: Resolved HARM (it read: t harms: overwhelm +1.00 pts)',
    );
  });
});

describe('an evaluation as of a time after now', () => {
  it('reads every measure over periods that end now, not in a future where nothing happened', async () => {
    // periods ending two days ahead would find no consent violation, no latency and no lines in
    // them, and resolve every alert whose condition still holds
    const ends: [string, number][] = [];
    const ending = (name: string, to: Date, result: unknown = []) => {
      ends.push([name, to.getTime()]);
      return Promise.resolve(result);
    };
    const measures = {
      report: (_: string, a: { to: Date } | Date, b?: Date) =>
        ending('lift or guardrails', a instanceof Date ? b! : a.to),
      audit: (_: string, period: { to: Date }) =>
        ending('consent', period.to, { nonCompliantActivations: 0, byTrigger: [] }),
      triggerLatency: (_: string, period: { to: Date }) => ending('latency', period.to),
      signalFreshness: (_: string, __: Date, to: Date) => ending('freshness', to),
    };
    const clickhouse = {
      query: (spec: { params: { to: string } }) =>
        ending('stream lines', new Date(`${spec.params.to.replace(' ', 'T')}Z`)),
    };
    const repository = {
      list: () => Promise.resolve([]),
      historyByKey: () => Promise.resolve(new Map()),
      save: () => Promise.resolve(),
    };
    const service = alertsOver(
      measures,
      (_: string, asOf: Date) => ending('digest failure', asOf, null),
      { clickhouse, repository },
    );
    const before = Date.now();
    await service.evaluate('t', new Date(before + 2 * 86_400_000));
    const after = Date.now();
    expect(ends.map(([name]) => name).sort()).toEqual([
      'consent',
      'digest failure',
      'freshness',
      'latency',
      'lift or guardrails',
      'lift or guardrails',
      'stream lines',
    ]);
    for (const [name, to] of ends) {
      expect([name, to >= before && to <= after]).toEqual([name, true]);
    }
  });
});
