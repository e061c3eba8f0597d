import { describe, expect, it } from '@jest/globals';
import { LiftReportService } from './lift-report.service.js';

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
