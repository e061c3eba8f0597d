import { beforeAll, describe, expect, it } from '@jest/globals';
import { FACT_SOURCES, factsFor, fixtureRows, seededStore } from '../common/testing.js';
import type { PressureReport } from './models/pressure.model.js';
import { PressureService } from './pressure.service.js';

const DAY = 86_400_000;
const at = (iso: string) => `2026-${iso}Z`;
const from = new Date(at('10-10T00:00:00'));
const to = new Date(at('10-20T00:00:00'));

const { trigger, firing: sent, outcome } = fixtureRows(at);

// tA allows one sent firing per person per day; tC has no cap.
const triggers = [
  trigger('tA', 'push', { frequency_cap: { max: 1, per_ms: DAY } }),
  trigger('tC', 'web'),
];

// p4 gets one sent tC firing a day at 12:00 from 10-07 to 10-14.
const p4Days = ['07', '08', '09', '10', '11', '12', '13', '14'];

const firings = [
  // p1. f1a is before the period: it only feeds the lookbacks.
  sent('f1a', 'tA', 'p1', '10-09T10:00:00'),
  sent('f1b', 'tA', 'p1', '10-10T09:00:00'),
  sent('f1c', 'tC', 'p1', '10-10T09:00:00'), // same instant as f1b: neither counts the other
  sent('f1d', 'tA', 'p1', '10-11T09:00:00'),
  sent('f1e', 'tA', 'p1', '10-11T10:00:00'),
  sent('f1s', 'tA', 'p1', '10-11T09:30:00', { skip_reason: 'frequency_cap' }), // not sent
  sent('f1h', 'tC', 'p1', '10-11T09:30:00', { arm: 'holdout' }), // not treatment
  // p2, p3: alone.
  sent('f2', 'tC', 'p2', '10-12T00:00:00'),
  sent('f3', 'tC', 'p3', '10-12T00:00:00'),
  // p4: a daily firing.
  ...p4Days.map((day) => sent(`f4-${day}`, 'tC', 'p4', `10-${day}T12:00:00`)),
  // p6: decided at `to`: outside the period.
  sent('f6', 'tC', 'p6', '10-20T00:00:00'),
];

const outcomes = [
  // p1: unsubscribes at exactly f1d's decision: after f1b and f1c, not after f1d (strictly after).
  outcome('o1', 'p1', 'unsubscribe', '10-11T09:00:00'),
  // p2: a complaint exactly 7 days after f2: inside (t, t + 7 d].
  outcome('o2', 'p2', 'complaint', '10-19T00:00:00'),
  // p3: a purchase (not overwhelm) and an unsubscribe 1 ms past the 7 days.
  outcome('o3a', 'p3', 'purchase', '10-13T00:00:00'),
  outcome('o3b', 'p3', 'unsubscribe', '10-19T00:00:00.001'),
  // p4: opts out 7 d + 1 h after f4-10 (too late for it) and within 7 days of f4-11 .. f4-14.
  outcome('o4', 'p4', 'opt_out', '10-17T13:00:00'),
];

// Producers deliver at least once: copies sent again in a later batch (a separate part, before any
// merge) must count once.
const redelivered = {
  firings: [sent('f1b', 'tA', 'p1', '10-10T09:00:00'), sent('f2', 'tC', 'p2', '10-12T00:00:00')],
  outcomes: [outcome('o1', 'p1', 'unsubscribe', '10-11T09:00:00')],
};

// Another tenant with the same person ids and heavy pressure: none of it may count.
const otherTenant = {
  triggers,
  firings: [
    ...['01', '02', '03', '04', '05', '06', '07', '08'].map((h) =>
      sent(`b-${h}`, 'tA', 'p2', `10-11T${h}:00:00`),
    ),
  ],
  outcomes: [outcome('b-o', 'p3', 'unsubscribe', '10-12T06:00:00')],
};

// Every expectation holds read from the streams and read from the trend facts (aboveCap from the
// facts, built after the rows are stored, so current): both must give the same answer.
describe.each(FACT_SOURCES)('message pressure from %s', (source) => {
  const store = seededStore({ rows: { triggers, firings, outcomes }, redelivered, otherTenant });
  let service: PressureService;
  let report: PressureReport;

  beforeAll(async () => {
    const facts = await factsFor(store, source);
    service = new PressureService(store.clickhouse, facts);
    report = await service.report('tenant-a', { from, to });
  });

  // By hand, per measured firing: pressure = 1 + sent firings in [t − 24 h, t) / [t − 7 d, t).
  //   firing  24h  7d  bucket  overwhelmed (overwhelm in (t, t + 7 d])   cap breach (tA: max 1 / day)
  //   f1b      2    2   2-3    yes (o1)                                  yes: f1a in (10-09T09, 10-10T09)
  //   f1c      2    2   2-3    yes (o1)                                  no cap (tC)
  //   f1d      3    4   4-6    no  (o1 at t, not after)                  no: f1b is exactly 24 h before
  //   f1e      2    5   4-6    no                                        yes: f1d in (10-10T10, 10-11T10)
  //   f2       1    1   1      yes (o2 at exactly t + 7 d)               no
  //   f3       1    1   1      no  (o3b 1 ms late; o3a not overwhelm)    no
  //   f4-10    2    4   4-6    no  (o4 1 h past t + 7 d)                 no
  //   f4-11    2    5   4-6    yes                                       no
  //   f4-12    2    6   4-6    yes                                       no
  //   f4-13    2    7   7+     yes                                       no
  //   f4-14    2    8   7+     yes (f4-07 is exactly 7 d before: counts) no
  // The p4 firing exactly 24 h before each counts, so every p4 24-hour pressure is 2.
  it('counts the measured firings once and those above their cap', () => {
    expect(report.firings).toBe(11);
    expect(report.aboveCap).toBe(2);
    expect(report.aboveCapRate).toBeCloseTo(2 / 11, 12);
  });

  it('gives exact, interpolated percentiles of pressure', () => {
    // 7 d sorted: 1 1 2 2 4 4 5 5 6 7 8 -> p50 at rank 5 (0-based) = 4, p90 at rank 9 = 7.
    expect(report.p50Last7d).toBe(4);
    expect(report.p90Last7d).toBe(7);
    // 24 h sorted: 1 1 2 2 2 2 2 2 2 2 3 -> p50 = 2, p90 = 2.
    expect(report.p50Last24h).toBe(2);
    expect(report.p90Last24h).toBe(2);
  });

  it('gives the distribution of pressure values', () => {
    expect(report.distribution).toEqual([
      { pressure: 1, firingsLast7d: 2, firingsLast24h: 2 },
      { pressure: 2, firingsLast7d: 2, firingsLast24h: 8 },
      { pressure: 3, firingsLast7d: 0, firingsLast24h: 1 },
      { pressure: 4, firingsLast7d: 2, firingsLast24h: 0 },
      { pressure: 5, firingsLast7d: 2, firingsLast24h: 0 },
      { pressure: 6, firingsLast7d: 1, firingsLast24h: 0 },
      { pressure: 7, firingsLast7d: 1, firingsLast24h: 0 },
      { pressure: 8, firingsLast7d: 1, firingsLast24h: 0 },
    ]);
  });

  it('gives the dose-response curve by 7-day pressure bucket', () => {
    expect(report.doseResponse).toEqual([
      { bucket: '1', firings: 2, overwhelmed: 1, overwhelmRate: 0.5 }, // f2 yes, f3 no
      { bucket: '2-3', firings: 2, overwhelmed: 2, overwhelmRate: 1 }, // f1b, f1c
      { bucket: '4-6', firings: 5, overwhelmed: 2, overwhelmRate: 0.4 }, // f4-11, f4-12
      { bucket: '7+', firings: 2, overwhelmed: 2, overwhelmRate: 1 }, // f4-13, f4-14
    ]);
  });

  it('answers an empty period with zeros and all four buckets', async () => {
    const empty = await service.report('tenant-a', {
      from: new Date(at('11-01T00:00:00')),
      to: new Date(at('11-02T00:00:00')),
    });
    expect(empty).toMatchObject({
      firings: 0,
      aboveCap: 0,
      p50Last7d: 0,
      p90Last7d: 0,
      distribution: [],
    });
    expect(empty.doseResponse.map((b) => [b.bucket, b.firings, b.overwhelmRate])).toEqual([
      ['1', 0, 0],
      ['2-3', 0, 0],
      ['4-6', 0, 0],
      ['7+', 0, 0],
    ]);
  });

  it('refuses a period that ends before it starts', async () => {
    await expect(service.report('tenant-a', { from: to, to: from })).rejects.toThrow(
      'from must be before to',
    );
  });
});
