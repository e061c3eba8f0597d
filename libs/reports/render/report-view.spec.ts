import { describe, expect, it } from '@jest/globals';
import { buildReportView, sumIntervals } from './report-view.js';
import { fixtureMeasures, guardrailRow, liftRow } from './testing.js';

describe('buildReportView', () => {
  const view = buildReportView(fixtureMeasures());
  const verdictOf = (id: string) => view.triggers.find((t) => t.triggerId === id)?.verdict;

  it('reads each trigger: works, does nothing, harms, cannot tell', () => {
    expect(verdictOf('works')).toBe('works');
    expect(verdictOf('nothing')).toBe('nothing');
    // no conversion gain, and significantly more overwhelm
    expect(verdictOf('harms')).toBe('harms');
    expect(view.triggers.find((t) => t.triggerId === 'harms')?.sideEffects).toEqual([
      'more unsubscribes and complaints',
    ]);
    expect(verdictOf('srm')).toBe('unknown');
    expect(verdictOf('thin')).toBe('unknown');
  });

  it('counts live triggers only, and adds up only the trusted ones', () => {
    expect(view.headline.liveTriggers).toBe(5);
    expect(view.headline.counts).toEqual({ works: 1, nothing: 1, harms: 1, unknown: 2 });
    expect(view.headline.counted).toBe(3);
    expect(view.headline.excluded.map((e) => e.name)).toEqual(['Broken split', 'New trigger']);
    // works 100 + nothing 20 + harms 10
    expect(view.headline.incrementalConversions?.estimate).toBeCloseTo(130, 9);
  });

  it('keeps a working trigger with side effects among those that work, and says so', () => {
    const measures = fixtureMeasures();
    measures.guardrails.push(guardrailRow('works', 'regret', { estimate: 0.02, half: 0.01 }));
    const row = buildReportView(measures).triggers.find((t) => t.triggerId === 'works');
    expect([row?.verdict, row?.reason]).toEqual([
      'works',
      'more conversions than its holdout, with side effects: more returns and refunds',
    ]);
  });

  it('judges significance on the q-value after Benjamini–Hochberg, not the p-value', () => {
    const measures = fixtureMeasures();
    measures.lift = [liftRow('works', { pValue: 0.01, qValue: 0.08 })];
    measures.guardrails = [];
    const [row] = buildReportView(measures).triggers;
    expect(row?.significance).toBe('none');
    expect(row?.verdict).toBe('nothing');
  });

  it('cannot tell a trigger drawn with several holdout shares, and leaves it out of the totals', () => {
    const measures = fixtureMeasures();
    const verdict = 'holdout share changed: …; read the periods before and after the change apart';
    const works = measures.lift.find((row) => row.triggerId === 'works')!;
    works.srm = { ...works.srm, pValue: null, sharesInPeriod: [0.1, 0.2] };
    works.verdict = verdict;
    const changed = buildReportView(measures);
    const row = changed.triggers.find((t) => t.triggerId === 'works');
    expect([row?.verdict, row?.reason]).toEqual(['unknown', verdict]);
    // nothing 20 + harms 10: its 100 no longer counted
    expect(changed.headline.incrementalConversions?.estimate).toBeCloseTo(30, 9);
  });

  it('calls a significantly negative lift harm even without side effects', () => {
    const measures = fixtureMeasures();
    measures.lift = [
      liftRow('works', { absoluteLift: { estimate: -0.05, low: -0.08, high: -0.02 } }),
    ];
    measures.guardrails = [guardrailRow('works', 'regret', { estimate: -0.01, half: 0.005 })];
    const [row] = buildReportView(measures).triggers;
    expect([row?.significance, row?.verdict, row?.reason]).toEqual([
      'negative',
      'harms',
      'fewer conversions',
    ]);
  });

  it('orders the forest plot by relative lift, rows without one last', () => {
    const measures = fixtureMeasures();
    measures.lift = [
      liftRow('a', { relativeLift: { estimate: 0.1, low: 0, high: 0.2 } }),
      liftRow('b', { relativeLift: null }),
      liftRow('c', { relativeLift: { estimate: 0.9, low: 0.5, high: 1.3 } }),
    ];
    expect(buildReportView(measures).triggers.map((t) => t.triggerId)).toEqual(['c', 'a', 'b']);
  });

  it('flags slow channels and picks the worst suppression offenders by rate', () => {
    // by trigger name: "Cart <recovery> ..." before "Push blast"
    expect(view.latency.map((l) => [l.triggerId, l.state, l.expiredShare])).toEqual([
      ['works', 'good', 0.02],
      ['harms', 'bad', 0.7],
    ]);
    expect(view.worstSuppression.map((s) => [s.triggerId, s.failures])).toEqual([
      ['harms', 60],
      ['works', 35],
    ]);
  });
});

describe('buildReportView: latency', () => {
  it('reads a channel as good only with at least 90% of its firings within the window', () => {
    const measures = fixtureMeasures();
    const base = { ...measures.latency[0], p50Ms: 10_000, windowMs: 60_000 };
    measures.latency = [
      // 10, 10, 10, 10, 70 s against 60 s: the type-7 p90, 10 + 0.6 · 60 = 46 s, is within;
      // 4 of 5 firings are
      { ...base, triggerId: 'a', p90Ms: 46_000, withinWindowRate: 0.8 },
      // 9 of 10 within, the p90 interpolated past the window
      { ...base, triggerId: 'b', p90Ms: 61_000, withinWindowRate: 0.9 },
    ];
    expect(buildReportView(measures).latency.map((l) => [l.triggerId, l.state])).toEqual([
      ['a', 'warn'],
      ['b', 'good'],
    ]);
  });
});

describe('sumIntervals', () => {
  it('adds estimates and adds standard errors in quadrature', () => {
    const z = 1.959963984540054;
    const total = sumIntervals(
      [
        { estimate: 10, low: 10 - 3 * z, high: 10 + 3 * z },
        { estimate: 5, low: 5 - 4 * z, high: 5 + 4 * z },
      ],
      z,
    );
    expect(total?.estimate).toBe(15);
    expect(total?.high).toBeCloseTo(15 + 5 * z, 9);
    expect(total?.low).toBeCloseTo(15 - 5 * z, 9);
  });

  it('has nothing to add up without intervals', () => {
    expect(sumIntervals([], 1.96)).toBeNull();
  });
});
