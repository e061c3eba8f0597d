import { describe, expect, it } from '@jest/globals';
import { renderLiftReport, REPORT_CONTENT_SECURITY_POLICY, revenueTitle } from './render-report.js';
import type { LiftPoint, SegmentedLift } from '../../measurement/index.js';
import type { ReportMeasures } from '../report-measures.js';
import { guardrailRow, liftRow } from './testing.js';
import { fixtureMeasures } from './testing.js';

describe('renderLiftReport', () => {
  const html = renderLiftReport(fixtureMeasures());

  it('is one self-contained document: inline style and SVG, no script, nothing fetched', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`content="${REPORT_CONTENT_SECURITY_POLICY.replace(/'/g, '&#39;')}"`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)=/i);
  });

  it('has every section and chart', () => {
    for (const id of ['headline', 'lift', 'latency', 'harm', 'compliance', 'method']) {
      expect(html).toContain(`<section id="${id}">`);
    }
    for (const id of [
      'forest-plot',
      'latency-chart',
      'harm-chart',
      'dose-response',
      'compliance-chart',
    ]) {
      expect(html).toContain(`<svg class="chart" id="${id}"`);
    }
  });

  it('escapes every name that comes from data', () => {
    expect(html).toContain('Cart &lt;recovery&gt; &amp; &quot;friends&quot;');
    expect(html).not.toContain('Cart <recovery>');
  });

  it('says what cannot be trusted, in words', () => {
    expect(html).toContain('Do not trust');
    expect(html).toContain('too little data');
    expect(html).toContain('Left out of the totals');
    expect(html).toContain('Incremental revenue (EUR)');
  });

  it('prints dates of the half-open period as the days it covers', () => {
    expect(html).toContain('<h1>Did our triggers work? 1 Oct – 30 Oct 2026</h1>');
  });

  it('marks a stored snapshot as such', () => {
    const snapshot = renderLiftReport(fixtureMeasures(), {
      snapshot: { id: 'rs_1', createdAt: '2026-11-02T09:30:00.000Z', kind: 'scheduled' },
    });
    expect(snapshot).toContain(
      'Snapshot <strong>rs_1</strong>, taken 2 Nov 2026, 09:30 UTC (weekly schedule)',
    );
  });

  it('renders a period without any data', () => {
    const empty = fixtureMeasures();
    empty.triggers = [];
    empty.lift = [];
    empty.guardrails = [];
    empty.latency = [];
    empty.suppression = [];
    empty.currencies = [];
    empty.consent = {
      ...empty.consent,
      byTrigger: [],
      nonCompliantActivations: 0,
      sentFirings: 0,
      syncLagP50Ms: null,
      syncLagP90Ms: null,
    };
    const page = renderLiftReport(empty);
    expect(page).toContain('no trigger with a trusted estimate');
    expect(page).toContain('No suppression or consent failures in this period.');
    expect(page).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('never prints NaN, Infinity or undefined', () => {
    expect(html).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('gives each verdict badge its reason in the row', () => {
    const table = html.slice(html.indexOf('<table><thead><tr><th>Trigger</th><th>Treated'));
    const harmsRow = table.slice(
      table.indexOf('Push blast'),
      table.indexOf('</tr>', table.indexOf('Push blast')),
    );
    expect(harmsRow).toContain('<span class="pill harms">');
    expect(harmsRow).toMatch(/<span class="meta">[^<]*more unsubscribes and complaints<\/span>/);
    const srmRow = table.slice(
      table.indexOf('Broken split'),
      table.indexOf('</tr>', table.indexOf('Broken split')),
    );
    expect(srmRow).toContain('do not trust: the treatment/holdout split is broken (SRM)');
  });

  it('says what the headline sums: sound splits with enough data, significant or not', () => {
    expect(html).toContain(
      'summed over the 3 whose split is sound and whose data suffice, significant or not (the 2 left out are listed below)',
    );
    expect(html).not.toContain('whose estimate can be trusted');
  });

  it('counts in the correction only the triggers with a p-value, as the q-values do', () => {
    expect(html).toContain(
      'Benjamini–Hochberg correction over the 6 triggers with persons in both arms',
    );
    const measures = fixtureMeasures();
    measures.lift.push(
      liftRow('no-holdout', { holdout: { ...measures.lift[0].holdout, persons: 0 }, pValue: null }),
    );
    expect(renderLiftReport(measures)).toContain(
      'Benjamini–Hochberg correction over the 6 triggers with persons in both arms',
    );
  });

  it('says why the last point over time can differ from the table', () => {
    const withSeries = renderLiftReport({
      ...fixtureMeasures(),
      overTime: { lift: [{ triggerId: 'cart-recovery', points: [] }], curves: [] },
    });
    expect(withSeries).toContain('<section id="over-time">');
    expect(withSeries).toContain(
      'The last point counts the conversions made by the end of the period; the table above also counts those made after it',
    );
  });

  it('says what each compliance count counts', () => {
    expect(html).toContain('its suppression failures plus its sends without consent');
    expect(html).toMatch(
      /contacts that should not have happened: \d[\d,]* suppression failures|suppression failures in/,
    );
  });

  it('names a worst offender without a channel with no empty brackets', () => {
    // a trigger never defined whose firings share no channel: the audit names none
    const measures = fixtureMeasures();
    measures.suppression = measures.suppression.map((s) => ({ ...s, channel: '' }));
    const page = renderLiftReport(measures);
    expect(page).not.toContain('</strong> ():');
    expect(page).toMatch(/<li><strong>[^<]+<\/strong>: \d[\d,]* suppression failures in/);
  });

  it('marks a broken split in the harm chart as not to be trusted', () => {
    const measures = fixtureMeasures();
    const srmVerdict = measures.lift.find((l) => l.triggerId === 'srm')!.verdict;
    measures.guardrails.push(
      guardrailRow('srm', 'overwhelm', { estimate: 0.03, half: 0.01 }, srmVerdict),
    );
    const page = renderLiftReport(measures);
    const chart = page.slice(
      page.indexOf('id="harm-chart"'),
      page.indexOf('</svg>', page.indexOf('id="harm-chart"')),
    );
    expect(chart).toContain('do not trust (SRM)');
    expect(chart.match(/pts · harm</g)?.length).toBe(1); // only the real one
  });

  it('shows no currency the data did not carry', () => {
    expect(revenueTitle([])).toBe('Incremental revenue');
    expect(revenueTitle([''])).toBe('Incremental revenue (no currency was sent)');
    expect(revenueTitle(['EUR'])).toBe('Incremental revenue (EUR)');
    expect(revenueTitle(['EUR', ''])).toBe(
      'Incremental revenue (EUR + values without a currency, summed as plain numbers)',
    );
    const measures = fixtureMeasures();
    measures.currencies = [''];
    expect(renderLiftReport(measures)).not.toContain('EUR');
  });
});

describe('renderLiftReport: what to change for a trigger that cannot tell yet', () => {
  it('states the current detectable lift, the days to see +10% and the holdout share for 28 days', () => {
    const measures = fixtureMeasures();
    const triggerId = measures.triggers[0].triggerId;
    const html = renderLiftReport({
      ...measures,
      plans: [
        {
          triggerId,
          baselineRate: 0.05,
          personsPerDay: 100,
          holdoutShare: 0.1,
          currentMde: 0.234,
          daysToDetect: 40.2,
          requiredHoldoutShareIn28Days: 0.17,
        },
      ],
    });
    expect(html).toContain('Can’t tell yet: what it would take');
    // 2,000 treated + 500 held out seen; 40.2 days × 100 a day = 4,020 persons
    expect(html).toContain(
      'with the 2,500 persons seen it detects a lift of 23.4% or more; to detect +10% it needs about 4,020 persons: 41 days at the current 100 a day and 10% holdout, or 17% held out to know within 28 days.',
    );
    expect(renderLiftReport(measures)).not.toContain('id="plans"');
  });
});

describe('renderLiftReport: segments that respond differently', () => {
  const arm = (persons: number, conversions: number) => ({
    persons,
    conversions,
    rate: conversions / persons,
    revenue: 0,
    revenuePerPerson: 0,
  });
  const flagged: SegmentedLift = {
    triggerId: 'works',
    by: 'property:tier',
    segments: [
      {
        segment: 'gold',
        treatment: arm(600, 156),
        holdout: arm(582, 37),
        absoluteLift: { estimate: 0.1964, low: 0.1561, high: 0.2367 },
        relativeLift: null,
        pValue: 1e-20,
        qValue: 3e-20,
        shrunkLift: { estimate: 0.1951, low: 0.155, high: 0.2352 },
        verdict: 'significant',
      },
      {
        segment: 'silver',
        treatment: arm(810, 47),
        holdout: arm(753, 45),
        absoluteLift: { estimate: -0.0017, low: -0.0251, high: 0.0216 },
        relativeLift: null,
        pValue: 0.89,
        qValue: 0.89,
        shrunkLift: null,
        verdict: 'not significant',
      },
    ],
    heterogeneity: { q: 76.168, df: 2, pValue: 2.89e-17, flagged: true },
  };

  it('names each segment of a flagged trigger with its change, its shrunk change and the test', () => {
    const html = renderLiftReport({
      ...fixtureMeasures(),
      segments: {
        dimensions: ['channel', 'surface', 'property:tier'],
        tested: 3,
        flagged: [flagged],
      },
    });
    expect(html).toContain('<h3>Who responds differently</h3>');
    expect(html).toContain(
      'split by channel, surface, property tier (3 splits with segments to compare)',
    );
    expect(html).toContain(
      'by property tier: Cochran’s Q = 76.2 on 2 df, <span class="p-value">p = 2.9 × 10<sup>−17</sup></span>',
    );
    expect(html).toContain(
      '<td>+19.64 pts <span class="meta">[+15.61, +23.67]</span></td><td class="shrunk">+19.51 pts <span class="meta">[+15.50, +23.52]</span></td>',
    );
    expect(html).toContain('<td class="text">silver</td>');
    expect(html).toContain('<td class="shrunk">—</td>');
  });

  it('prints a flagged p-value of 0.0496 below the 0.05 that flags it', () => {
    const html = renderLiftReport({
      ...fixtureMeasures(),
      segments: {
        dimensions: ['property:tier'],
        tested: 1,
        flagged: [{ ...flagged, heterogeneity: { q: 6.01, df: 2, pValue: 0.0496, flagged: true } }],
      },
    });
    expect(html).toContain('<span class="p-value">p = 0.0496</span>');
  });

  it('shows nothing when no split is flagged', () => {
    const html = renderLiftReport({
      ...fixtureMeasures(),
      segments: { dimensions: ['channel'], tested: 4, flagged: [] },
    });
    expect(html).not.toContain('id="segments"');
  });
});

describe('renderLiftReport: capped revenue', () => {
  it('says the percentile and each trigger’s cap', () => {
    const measures = fixtureMeasures();
    const html = renderLiftReport({
      ...measures,
      revenueCap: { percentile: 99 },
      lift: measures.lift.map((row) =>
        row.triggerId === 'works' ? { ...row, revenueCapValue: 233.5736 } : row,
      ),
    });
    expect(html).toContain('Incremental revenue (EUR), capped at the 99th percentile');
    expect(html).toContain(
      'counts at most the 99th percentile of the trigger’s revenues above 0 (both groups, type-7 quantile)',
    );
    expect(html).toContain(
      'The cap of each trigger: Cart &lt;recovery&gt; &amp; &quot;friends&quot; 233.57.',
    );
  });

  it('says an amount', () => {
    const html = renderLiftReport({ ...fixtureMeasures(), revenueCap: { value: 500 } });
    expect(html).toContain('counts at most 500 per person');
    expect(html).toContain('capped at 500');
  });

  it('says nothing of a cap when there is none', () => {
    const html = renderLiftReport(fixtureMeasures());
    expect(html).not.toContain('id="revenue-cap"');
    expect(html).toContain('Revenue is not capped in this report');
  });
});

describe('renderLiftReport: no figure reads across what it is compared with', () => {
  const liftTable = (page: string) =>
    page.slice(page.indexOf('<table><thead><tr><th>Trigger</th><th>Treated'));
  /** The tick labels of the chart with this id, in the order drawn. */
  const tickLabels = (page: string, id: string) => {
    const start = page.indexOf(`id="${id}"`);
    const chart = page.slice(start, page.indexOf('</svg>', start));
    return [...chart.matchAll(/class="tick">([^<]*)</g)].map((m) => m[1]);
  };

  it('keeps a lower bound of 0.00004 above 0 beside "works"', () => {
    const measures = fixtureMeasures();
    measures.lift = [
      liftRow('works', { absoluteLift: { estimate: 0.02, low: 0.00004, high: 0.04 } }),
    ];
    // 0.00004 of a share is 0.004 points: "0.00" at two decimals
    const row = liftTable(renderLiftReport(measures));
    expect(row).toContain('<span class="meta">[+0.004, +4.00]</span>');
    expect(row).toContain('<span class="pill works">works</span>');
  });

  it('prints an interval of incremental conversions from 0.4 to 30 as +0.4 to +30', () => {
    const measures = fixtureMeasures();
    measures.lift = [
      liftRow('works', { incrementalConversions: { estimate: 15.2, low: 0.4, high: 30 } }),
    ];
    measures.guardrails = [];
    expect(renderLiftReport(measures)).toContain(
      '<div class="big">+15</div><div class="range">95% interval: +0.4 to +30</div>',
    );
  });

  it('prints a q-value of 0.0496 below α = 0.05, not as 0.050', () => {
    const measures = fixtureMeasures();
    measures.lift = [liftRow('works', { qValue: 0.0496 })];
    const page = renderLiftReport(measures);
    expect(liftTable(page)).toContain('<td>0.0496</td>');
    expect(page).toContain('✓ q = 0.0496');
    expect(page).not.toContain('q = 0.050');
  });

  it('says a holdout of 0.4% as 0.4%, not 0%', () => {
    const measures = fixtureMeasures();
    measures.plans = [
      {
        triggerId: 'nothing',
        baselineRate: 0.05,
        personsPerDay: 1000,
        holdoutShare: 0.2,
        currentMde: 0.15,
        daysToDetect: 20,
        requiredHoldoutShareIn28Days: 0.004,
      },
    ];
    expect(renderLiftReport(measures)).toContain(', or 0.4% held out to know within 28 days.');
  });

  it('labels the harm chart’s ticks 0.05 points apart each as itself', () => {
    const measures = fixtureMeasures();
    // overwhelm +0.10 points [0.00, +0.20]: the axis runs from −0.016 to +0.216 points, ticks
    // every 0.05 points (niceTicks: step 5 × 10⁻⁴ of a share, the first ≥ 0.232 / 5 points)
    measures.guardrails = [guardrailRow('works', 'overwhelm', { estimate: 0.001, half: 0.001 })];
    expect(tickLabels(renderLiftReport(measures), 'harm-chart')).toEqual([
      '0.00',
      '+0.05',
      '+0.10',
      '+0.15',
      '+0.20',
    ]);
  });

  it('labels the dose-response ticks with the decimals of their step', () => {
    const measures = fixtureMeasures();
    const bucket = (name: string, overwhelmRate: number) => ({
      bucket: name,
      firings: 1000,
      overwhelmed: overwhelmRate * 1000,
      overwhelmRate,
    });
    // the axis runs to 1.2 × 15% = 18%, ticks every 5% (the first 1, 2, 5 × 10^k ≥ 18% / 4):
    // whole percents, as the step has none, at 5% as at 10%
    measures.pressure.doseResponse = [bucket('1', 0.05), bucket('2-3', 0.15)];
    expect(tickLabels(renderLiftReport(measures), 'dose-response')).toEqual([
      '0%',
      '5%',
      '10%',
      '15%',
    ]);
    // to 1.2 × 1% = 1.2%, ticks every 0.5% (the first ≥ 1.2% / 4): one decimal on each
    measures.pressure.doseResponse = [bucket('1', 0.004), bucket('2-3', 0.01)];
    expect(tickLabels(renderLiftReport(measures), 'dose-response')).toEqual([
      '0.0%',
      '0.5%',
      '1.0%',
    ]);
  });
});

describe('renderLiftReport: latency against the window', () => {
  const latency = (p50Ms: number, p90Ms: number, withinWindowRate: number) => {
    const measures = fixtureMeasures();
    measures.latency = [
      { ...measures.latency[0], p50Ms, p90Ms, withinWindowRate, windowMs: 60_000 },
    ];
    const page = renderLiftReport(measures);
    return page.slice(page.indexOf('<section id="latency">'), page.indexOf('<section id="harm">'));
  };

  it('does not claim 90% within the window when 80% are, though the p90 is within', () => {
    // end-to-end latencies 10, 10, 10, 10, 70 s, W = 60 s: type-7 p90 = 10 + 0.6 · 60 = 46 s,
    // 4 of 5 within
    const section = latency(10_000, 46_000, 0.8);
    expect(section).not.toContain('for at least 90% of its firings');
    expect(section).toContain(
      'Too slow: <strong>Cart &lt;recovery&gt; &amp; &quot;friends&quot;</strong> on email.',
    );
    expect(section).toContain('<td>80.0%</td>');
  });

  it('prints a rate of 89.96% as such, not as the 90% it misses', () => {
    const section = latency(10_000, 70_000, 0.8996);
    expect(section).toContain('<td>89.96%</td>');
    expect(section).toContain('>89.96%');
    expect(section).not.toContain('90.0%');
  });

  it('counts the firings it measures apart from the sent firings the other sections count', () => {
    // one trigger: 500 sent firings measured, 3 more sent without a signal time; another (harms,
    // 500 sent firings in the suppression audit) with none measured, so no latency row: the
    // table's count is of the measured ones, so it is not titled as the sent firings the
    // suppression and consent sections count, and the 3 + 500 others are said
    const measures = fixtureMeasures();
    measures.latency = [{ ...measures.latency[0], firings: 500, noSignalTime: 3, expired: 10 }];
    const page = renderLiftReport(measures);
    const section = page.slice(
      page.indexOf('<section id="latency">'),
      page.indexOf('<section id="harm">'),
    );
    expect(section).toContain('<th>Measured firings</th>');
    expect(section).not.toContain('<th>Sent firings</th>');
    expect(section).toContain('10 of 500 measured firings (2.0%) acted after');
    expect(section).toContain(
      '503 sent firings are not measured: no signal time is known for them (no signal_at, and no stored signal under their signal_event_id).',
    );
    expect(section).toContain('500 measured firings</text>');
  });

  it('says so when every channel has at least 90% within its window', () => {
    expect(latency(10_000, 58_000, 0.9)).toContain(
      'Every trigger acts within its window for at least 90% of its firings.',
    );
  });
});

describe('renderLiftReport: lift over time', () => {
  const point = (asOf: string, estimate: number, low: number, high: number): LiftPoint => ({
    asOf: new Date(asOf),
    treatment: { persons: 200, conversions: 40, rate: 0.2, revenue: 0, revenuePerPerson: 0 },
    holdout: { persons: 100, conversions: 10, rate: 0.1, revenue: 0, revenuePerPerson: 0 },
    absoluteLift: null,
    relativeLift: { estimate, low, high },
    pValue: 0.01,
    revenueLift: null,
    srm: {
      expectedHoldoutShare: 0.3,
      observedHoldoutShare: 0.33,
      pValue: 0.5,
      flagged: false,
      sharesInPeriod: [],
    },
    contaminatedPersons: 0,
    method: 'fixed',
    plannedPersons: null,
    verdict: '+10.00 pts [2.00, 18.00], significant',
  });
  const section = (measures: ReportMeasures) => {
    const page = renderLiftReport(measures);
    return page.slice(
      page.indexOf('<section id="over-time">'),
      page.indexOf('</section>', page.indexOf('<section id="over-time">')),
    );
  };

  it('says which reads are cut at ±100%, and says nothing when none is', () => {
    const points = [
      point('2026-10-02T00:00:00Z', 0.9, -0.4, 2.2),
      point('2026-10-03T00:00:00Z', 1.3, 0.2, 2.4),
      point('2026-10-04T00:00:00Z', 0.5, 0.1, 0.9),
    ];
    const cut = section({
      ...fixtureMeasures(),
      overTime: { lift: [{ triggerId: 'works', points }], curves: [] },
    });
    // 2 Oct: the band's top at +220%; 3 Oct: the estimate too, at +130%
    expect(cut).toContain(
      '<p class="sub clipped">The band as read on 2 Oct and 3 Oct goes beyond ±100% and is cut there, and the line as read on 3 Oct.</p>',
    );
    const within = section({
      ...fixtureMeasures(),
      overTime: { lift: [{ triggerId: 'works', points: points.slice(2) }], curves: [] },
    });
    expect(within).not.toContain('clipped');
  });

  it('says "each week" for a period read week by week, "each day" otherwise', () => {
    const overTime = {
      lift: [{ triggerId: 'works', points: [point('2026-10-08T00:00:00Z', 0.5, 0.1, 0.9)] }],
      curves: [],
    };
    // 1 Oct to 31 Dec: 91 days, over the 62 read day by day
    const quarter = section({ ...fixtureMeasures(), to: '2026-12-31T00:00:00.000Z', overTime });
    expect(quarter).toContain('as it read at the end of each week of the period');
    expect(quarter).toContain('relative lift as it read each week');
    expect(quarter).not.toContain('each day');
    const month = section({ ...fixtureMeasures(), overTime });
    expect(month).toContain('as it read at the end of each day of the period');
  });
});
