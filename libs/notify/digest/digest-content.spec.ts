import { describe, expect, it } from '@jest/globals';
import { AlertKind, AlertState } from '../alerts/alert-kind.js';
import { digestHtml, digestSubject, digestText, type DigestContent } from './digest-content.js';

const content: DigestContent = {
  tenantId: 'acme',
  from: new Date('2026-11-23T00:00:00Z'),
  to: new Date('2026-11-30T00:00:00Z'),
  headline: {
    liveTriggers: 6,
    counted: 5,
    excluded: [{ name: 'Onboarding', reason: 'SRM' }],
    incrementalConversions: { estimate: 123.456, low: 80.04, high: 166.96 },
    incrementalRevenue: null,
    counts: { works: 2, nothing: 2, harms: 1, unknown: 1 },
  },
  revenueTitle: 'Incremental revenue (EUR)',
  openAlerts: [
    {
      tenantId: 'acme',
      alertId: 'al_1',
      kind: AlertKind.SRM,
      triggerId: 'onboarding',
      subject: 'onboarding',
      state: AlertState.OPEN,
      openedAt: new Date('2026-11-29T00:00:00Z'),
      resolvedAt: null,
      summary: 'onboarding: holdout share 30.0% where 15.0% was declared',
      evidence: '{}',
      asOf: new Date('2026-11-29T00:00:00Z'),
    },
  ],
  openAlertsTotal: 1,
  alertLinks: new Map(),
  shareUrl: 'https://causeway.example.com/share/abc',
};

/** The digest's text with some figures of the headline changed. */
const textWithHeadline = (headline: Partial<DigestContent['headline']>): string =>
  digestText({ ...content, headline: { ...content.headline, ...headline } });

describe('digest content', () => {
  it('states the week, the headline as the attached report prints it, the four counts and each open alert', () => {
    // [Mon 23 Nov, Mon 30 Nov): the days it covers, as the report prints them
    expect(digestSubject(content)).toBe('Causeway weekly digest: 23 Nov – 29 Nov 2026');
    const text = digestText(content);
    // the report's headline card: whole conversions, signed (+123, 95% interval: +80 to +167)
    expect(text).toContain('Headline: +123 incremental conversions (95% interval +80 to +167).');
    expect(text).toContain("Triggers: 2 work, 2 do nothing, 1 harm, 1 can't tell.");
    expect(text).toContain(
      'Open alerts (1):\n  - SRM: onboarding: holdout share 30.0% where 15.0% was declared',
    );
    expect(text).toContain(
      'The report (opens without a key): https://causeway.example.com/share/abc',
    );
    expect(text).toContain('The report is attached as a PDF.');
  });

  it('says when nothing can be estimated, no alert is open or the PDF is missing', () => {
    const text = digestText({
      ...content,
      headline: { ...content.headline, incrementalConversions: null },
      openAlerts: [],
      openAlertsTotal: 0,
      pdfMissing: 'no Chromium',
    });
    expect(text).toContain('no incremental conversions can be estimated this week');
    expect(text).toContain('no incremental revenue can be estimated this week');
    expect(text).toContain('Open alerts: none.');
    expect(text).toContain('No PDF attached: no Chromium');
  });

  it('says how many alerts are open when it lists only the first of them', () => {
    const many = { ...content, openAlertsTotal: 250 };
    expect(digestText(many)).toContain(
      'Open alerts (250; the first 1 listed, the alerts query lists them all):\n  - SRM: onboarding',
    );
    expect(digestHtml(many)).toContain(
      '<p>Open alerts (250; the first 1 listed, the alerts query lists them all):</p><ul><li>',
    );
  });

  it('gives the revenue total as the report titles and prints it: whole units, cents below 100', () => {
    const text = textWithHeadline({
      incrementalRevenue: { estimate: 519401.4, low: -12345.6, high: 860819.5 },
    });
    expect(text).toContain(
      'Incremental revenue (EUR): +519,401 (95% interval −12,346 to +860,820).',
    );
    // the report's card prints an amount under 100 with its cents: +42.50, not +43
    expect(
      textWithHeadline({ incrementalRevenue: { estimate: 42.5, low: 10.25, high: 174.75 } }),
    ).toContain('Incremental revenue (EUR): +42.50 (95% interval +10.25 to +175).');
  });

  it('never prints a bound that is not 0 as 0 or −0', () => {
    const text = textWithHeadline({
      incrementalConversions: { estimate: 3.5, low: -0.04, high: 7.04 },
      incrementalRevenue: { estimate: 120.2, low: -0.4, high: 240.8 },
    });
    expect(text).toContain('Headline: +4 incremental conversions (95% interval −0.04 to +7).');
    expect(text).toContain('Incremental revenue (EUR): +120 (95% interval −0.40 to +241).');
  });

  it('links each alert the report shows to its figures, in the text and the HTML', () => {
    const linked = {
      ...content,
      alertLinks: new Map([['al_1', 'https://causeway.example.com/share/def#lift']]),
    };
    expect(digestText(linked)).toContain(
      '  - SRM: onboarding: holdout share 30.0% where 15.0% was declared (its figures: https://causeway.example.com/share/def#lift)\n',
    );
    expect(digestHtml(linked)).toContain(
      '<li><strong>SRM</strong>: onboarding: holdout share 30.0% where 15.0% was declared (<a href="https://causeway.example.com/share/def#lift">its figures</a>)</li>',
    );
    // an alert the report does not show is listed without one
    expect(digestText(content)).toContain('was declared\n');
  });

  it('escapes what it puts into HTML', () => {
    const html = digestHtml({
      ...content,
      openAlerts: [{ ...content.openAlerts[0], summary: '<script>x</script>' }],
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
  });
});
