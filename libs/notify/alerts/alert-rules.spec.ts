// The rules' thresholds at their edges, on hand-made measures (the rules on real measures of the
// demo program are proven in test/alerts-open-on-planted-truth.e2e-spec.ts).

import { describe, expect, it } from '@jest/globals';
import type { AlertInputs } from './alert-rules.js';
import { findAlerts } from './alert-rules.js';

const arm = (persons: number, conversions: number) => ({
  persons,
  conversions,
  rate: persons === 0 ? 0 : conversions / persons,
  revenue: 0,
  revenuePerPerson: 0,
});

function inputs(partial: Partial<AlertInputs>): AlertInputs {
  return {
    lift: [],
    guardrails: [],
    consent: {
      nonCompliantActivations: 0,
      revokedActivations: 0,
      sentFirings: 0,
      byTrigger: [],
      syncLagP50Ms: null,
      syncLagP90Ms: null,
      bySource: [],
    },
    latency: [],
    freshness: [],
    streams: [],
    digestFailure: null,
    ...partial,
  };
}

const lift = (
  triggerId: string,
  low: number,
  high: number,
  options: {
    flagged?: boolean;
    persons?: number;
    conversions?: number;
    sharesInPeriod?: number[];
  } = {},
) =>
  ({
    triggerId,
    channel: 'email',
    variant: null,
    treatment: arm(options.persons ?? 1000, options.conversions ?? 50),
    holdout: arm(options.persons ?? 1000, options.conversions ?? 50),
    absoluteLift: { estimate: (low + high) / 2, low, high },
    pValue: 0.01,
    srm: {
      expectedHoldoutShare: 0.1,
      observedHoldoutShare: 0.2,
      pValue: 1e-6,
      flagged: options.flagged ?? false,
      sharesInPeriod: options.sharesInPeriod ?? [],
    },
  }) as unknown as AlertInputs['lift'][number];

/** A consent audit of email-consent triggers: [triggerId, sent firings, non-compliant]. */
const consentOf = (rows: [string, number, number][]): AlertInputs['consent'] => ({
  ...inputs({}).consent,
  byTrigger: rows.map(([triggerId, sentFirings, nonCompliant]) => ({
    triggerId,
    purpose: 'email',
    sentFirings,
    nonCompliant,
    nonCompliantRate: nonCompliant / sentFirings,
  })),
});

const kinds = (i: AlertInputs) => findAlerts(i).map((f) => `${f.kind}/${f.subject}`);

describe('alert rules', () => {
  it('calls a gain above 0 and a loss below 0, nothing across 0', () => {
    expect(
      kinds(
        inputs({
          lift: [lift('up', 0.001, 0.02), lift('down', -0.02, -0.001), lift('flat', -0.01, 0.01)],
        }),
      ),
    ).toEqual(['SIGNIFICANT_GAIN/up', 'LOSS/down']);
  });

  it('claims no gain on a broken split, on one drawn with several shares, nor with too little data', () => {
    expect(
      kinds(
        inputs({
          lift: [
            lift('srm', 0.01, 0.02, { flagged: true }),
            lift('changed', 0.01, 0.02, { sharesInPeriod: [0.1, 0.3] }),
            lift('lost', -0.02, -0.01, { sharesInPeriod: [0.1, 0.3] }),
            lift('small', 0.01, 0.02, { persons: 99 }),
            lift('few', 0.01, 0.02, { conversions: 4 }),
          ],
        }),
      ),
    ).toEqual(['SRM/srm']);
  });

  it('prints the SRM p-value as the lift verdict does', () => {
    const [srm] = findAlerts(inputs({ lift: [lift('srm', 0.01, 0.02, { flagged: true })] }));
    expect(srm.summary).toBe(
      'srm: holdout share 20.0% where 10.0% was declared (SRM p < 0.0001); its lift is not to be trusted',
    );
  });

  it('never prints the observed holdout share as the declared one, nor p as the threshold', () => {
    const row = lift('srm', 0.01, 0.02, { flagged: true });
    // 30.004% is 30.0% at one decimal; p = 0.000996 is 0.0010 at four
    const [srm] = findAlerts(
      inputs({
        lift: [
          {
            ...row,
            srm: {
              expectedHoldoutShare: 0.3,
              observedHoldoutShare: 0.30004,
              pValue: 0.000996,
              flagged: true,
              sharesInPeriod: [],
            },
          },
        ],
      }),
    );
    expect(srm.summary).toBe(
      'srm: holdout share 30.004% where 30.0% was declared (SRM p = 0.000996); its lift is not to be trusted',
    );
  });

  it('opens one HARM per trigger, from either guardrail class', () => {
    const guardrail = (
      triggerId: string,
      outcomeClass: string,
      low: number,
      persons = 500,
      caveat: string | null = null,
    ) =>
      ({
        triggerId,
        outcomeClass,
        treatment: arm(persons, 10),
        holdout: arm(persons, 2),
        absoluteLift: { estimate: low + 0.01, low, high: low + 0.02 },
        caveat,
      }) as unknown as AlertInputs['guardrails'][number];
    expect(
      kinds(
        inputs({
          guardrails: [
            guardrail('a', 'overwhelm', 0.001),
            guardrail('a', 'regret', 0.002),
            guardrail('b', 'overwhelm', -0.001),
            guardrail('c', 'regret', 0.01, 99),
            // a broken split is no evidence of harm, as it is none of a gain
            guardrail(
              'd',
              'overwhelm',
              0.01,
              500,
              'SRM: holdout share 20.0% where 10.0% was declared',
            ),
          ],
        }),
      ),
    ).toEqual(['HARM/a']);
    const [harm] = findAlerts(
      inputs({ guardrails: [guardrail('a', 'overwhelm', 0.001), guardrail('a', 'regret', 0.002)] }),
    );
    // each class with its estimate and interval, as a gain is printed: low + 0.01, [low, low + 0.02]
    expect(harm.summary).toBe(
      'a harms: overwhelm +1.10 pts [+0.10 pts, +2.10 pts], regret +1.20 pts [+0.20 pts, +2.20 pts] against its holdout (an always-valid interval, which the report does not print)',
    );
  });

  it('needs 100 sends under 90% for latency, and over 1% of 100 lines for rejected rows', () => {
    const latency = (triggerId: string, firings: number, withinWindowRate: number) =>
      ({ triggerId, firings, withinWindowRate, windowMs: 1000 }) as AlertInputs['latency'][number];
    expect(
      kinds(
        inputs({
          latency: [latency('slow', 100, 0.89), latency('few', 99, 0.5), latency('ok', 1000, 0.9)],
          streams: [
            { stream: 'signals', accepted: 98, rejected: 2 },
            { stream: 'firings', accepted: 99, rejected: 1 },
            { stream: 'outcomes', accepted: 90, rejected: 9 },
          ],
        }),
      ),
    ).toEqual(['LATENCY_OUT_OF_WINDOW/slow', 'REJECTED_ROWS/signals']);
  });

  it('says a rate under 90% as under it, and a bound above 0 as above it', () => {
    const [slow] = findAlerts(
      inputs({
        latency: [
          {
            triggerId: 'slow',
            firings: 2500,
            withinWindowRate: 0.8996,
            windowMs: 1000,
          } as AlertInputs['latency'][number],
        ],
      }),
    );
    expect(slow.summary).toBe(
      'slow: 89.96% of 2,500 sends in the last day acted within the 1 s window',
    );
    // 0.00004 of a share is 0.004 points; the estimate (0.00004 + 0.02) / 2 is 1.002 points
    const [gain] = findAlerts(inputs({ lift: [lift('up', 0.00004, 0.02)] }));
    expect(gain.summary).toBe(
      'up works: conversion +1.00 pts [+0.004 pts, +2.00 pts] against its holdout (an always-valid interval, which the report does not print)',
    );
  });

  it('writes its counts with grouped thousands, as the report and the digest print them', () => {
    const found = findAlerts(
      inputs({
        consent: consentOf([['x', 12_500, 1_250]]),
        streams: [{ stream: 'signals', accepted: 98_000, rejected: 2_000 }],
      }),
    );
    expect(found.map((f) => f.summary)).toEqual([
      'x: 1,250 of 12,500 messages in the last day went to persons without email consent',
      'signals: 2,000 of 100,000 lines rejected in the last hour',
    ]);
  });

  it('opens CONSENT_VIOLATION on one non-compliant send and STALE_SIGNALS per trigger', () => {
    const found = findAlerts(
      inputs({
        consent: consentOf([
          ['x', 10, 1],
          ['y', 10, 0],
        ]),
        freshness: [
          {
            type: 'a',
            source: 'sdk',
            lagP90Ms: 90_000,
            inputAgeP90Ms: null,
            exceedsWindowOf: ['t1', 't2'],
            exceededWindows: [
              { triggerId: 't1', windowMs: 7_200_000 },
              { triggerId: 't2', windowMs: 45_000 },
            ],
          },
          {
            type: 'b',
            source: 'model',
            lagP90Ms: 5_600,
            inputAgeP90Ms: 100_080_000,
            exceedsWindowOf: ['t1'],
            exceededWindows: [{ triggerId: 't1', windowMs: 7_200_000 }],
          },
          {
            // a producer that names no source
            type: 'c',
            source: '',
            lagP90Ms: 3_000_000,
            inputAgeP90Ms: null,
            exceedsWindowOf: ['t2'],
            exceededWindows: [{ triggerId: 't2', windowMs: 45_000 }],
          },
        ] as unknown as AlertInputs['freshness'],
        // t2 sent nothing in the last day: its window comes from the freshness rows all the same.
        latency: [{ triggerId: 't1', windowMs: 7_200_000 }] as unknown as AlertInputs['latency'],
      }),
    );
    expect(found.map((f) => `${f.kind}/${f.subject}`)).toEqual([
      'CONSENT_VIOLATION/x',
      'STALE_SIGNALS/t1',
      'STALE_SIGNALS/t2',
    ]);
    // 90 000 ms = 1.5 min; 5 600 ms = 5.6 s; 100 080 000 ms = 1.16 d, read 1.2 d; 7 200 000 ms = 2 h;
    // 45 000 ms = 45 s; 3 000 000 ms = 50 min.
    expect(found.find((f) => f.subject === 't1')?.summary).toBe(
      't1: a from sdk arrives 1.5 min after it occurred; b from model arrives 5.6 s after it occurred, on model input 1.2 d old (p90 of the last day), older than its 2 h window',
    );
    expect(found.find((f) => f.subject === 't2')?.summary).toBe(
      't2: a from sdk arrives 1.5 min after it occurred; c arrives 50 min after it occurred (p90 of the last day), older than its 45 s window',
    );
  });
});

describe('DIGEST_NOT_SENT', () => {
  it('opens on a failed send no send succeeded after, naming when (to the minute) and what failed', () => {
    const failedAt = new Date('2026-12-07T07:15:00.000Z');
    const kind = 'the mail server refused all 2 recipients (reply 550)';
    expect(findAlerts(inputs({ digestFailure: { failedAt, kind } }))).toEqual([
      {
        kind: 'DIGEST_NOT_SENT',
        triggerId: null,
        subject: 'digest',
        summary:
          "the digest was not sent at 7 Dec 2026, 07:15 UTC: the mail server refused all 2 recipients (reply 550); the digest's lastError (read with a key of the tenant) has the details",
        evidence: { failedAt: '2026-12-07T07:15:00.000Z', kind },
      },
    ]);
  });

  it('points at the digest for a failure recorded before its kind was kept', () => {
    const failedAt = new Date('2026-12-07T07:15:00.000Z');
    expect(findAlerts(inputs({ digestFailure: { failedAt } }))).toMatchObject([
      {
        summary:
          "the digest was not sent at 7 Dec 2026, 07:15 UTC; the digest's lastError (read with a key of the tenant) says why",
        evidence: { failedAt: '2026-12-07T07:15:00.000Z', kind: null },
      },
    ]);
  });

  it('finds nothing without such a failure', () => {
    expect(findAlerts(inputs({}))).toEqual([]);
  });
});
