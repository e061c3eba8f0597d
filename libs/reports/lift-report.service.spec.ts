import { describe, expect, it } from '@jest/globals';
import {
  LiftReportService,
  periodFromQuery,
  reportOptionsFromQuery,
} from './lift-report.service.js';
import { ReportsErrorCode } from './reports.exception.js';

describe('LiftReportService.pdfFileName', () => {
  const name = (from: string, to: string) =>
    LiftReportService.pdfFileName(new Date(from), new Date(to));

  it('names the PDF by the first and the last day the period includes', () => {
    // [Mon 5 Oct, Mon 12 Oct): 5 to 11 Oct, as the report's title says
    expect(name('2026-10-05T00:00:00Z', '2026-10-12T00:00:00Z')).toBe(
      'causeway-lift-2026-10-05-2026-10-11.pdf',
    );
    // a period that ends at 06:00 includes the morning of its last day
    expect(name('2026-10-05T06:00:00Z', '2026-10-06T06:00:00Z')).toBe(
      'causeway-lift-2026-10-05-2026-10-06.pdf',
    );
  });
});

describe('the query string of GET /reports/lift', () => {
  const FROM = '2026-10-01T00:00:00Z';
  const TO = '2026-10-31T00:00:00Z';
  const refused = (message: string) =>
    expect.objectContaining({ code: ReportsErrorCode.InvalidRequest, message });

  // the query parser reads a parameter given twice as a list: neither value is the one meant
  it.each([
    [[FROM, FROM], TO, `from is given more than once ("${FROM}", "${FROM}"); give it once`],
    [FROM, [TO, FROM], `to is given more than once ("${TO}", "${FROM}"); give it once`],
  ])('refuses from or to given more than once, naming it', (from, to, message) => {
    expect(() => periodFromQuery(from, to)).toThrow(refused(message));
  });

  it('refuses revenueCap given more than once, naming it', () => {
    expect(() => reportOptionsFromQuery(['99%', 'off'])).toThrow(
      refused('revenueCap is given more than once ("99%", "off"); give it once'),
    );
  });

  it('reads each parameter given once', () => {
    expect(periodFromQuery(FROM, TO)).toEqual({ from: new Date(FROM), to: new Date(TO) });
    expect(reportOptionsFromQuery('99%')).toEqual({ revenueCap: { percentile: 99 } });
    expect(reportOptionsFromQuery(undefined)).toEqual({});
  });
});
