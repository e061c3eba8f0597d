import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../config/index.js';
import { MetricsService } from '../observability/index.js';
import { ResultCache } from '../result-cache/index.js';
import { MemoryDataVersions } from '../storage/index.js';
import type { PdfRenderer } from './pdf/pdf-renderer.js';
import { fixtureMeasures } from './render/testing.js';
import type { CurvePoint } from '../measurement/index.js';
import { curvesSettled } from './report-measures.js';
import type { ReportMeasuresService, ReportOptions } from './report-measures.service.js';
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

describe('the report page while the data is unchanged', () => {
  it('is computed once per tenant, period and cap, and again after a write', async () => {
    const collected: unknown[] = [];
    const measures = {
      collect: (tenantId: string, from: Date, to: Date, _now: Date, options: unknown) => {
        collected.push([tenantId, from.toISOString(), options]);
        return Promise.resolve(fixtureMeasures());
      },
    } as unknown as ReportMeasuresService;
    const versions = new MemoryDataVersions();
    const cache = new ResultCache(loadConfig({}), versions, new MetricsService());
    const reports = new LiftReportService(measures, {} as PdfRenderer, cache);
    const october = [new Date('2026-10-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z')] as const;
    const first = await reports.html('acme', ...october);
    expect(await reports.html('acme', ...october)).toBe(first);
    expect(collected).toHaveLength(1);
    // another cap, another tenant: their own pages
    await reports.html('acme', ...october, { revenueCap: null });
    await reports.html('other', ...october);
    expect(collected).toHaveLength(3);
    // a write of the tenant: its page is computed again, the other's kept
    await versions.bump('acme');
    await reports.html('acme', ...october);
    await reports.html('other', ...october);
    expect(collected).toHaveLength(4);
    // without the cache (the worker), every page is computed
    const uncached = new LiftReportService(measures, {} as PdfRenderer);
    await uncached.html('acme', ...october);
    await uncached.html('acme', ...october);
    expect(collected).toHaveLength(6);
  });
});

describe('the report page with revenue capped', () => {
  // the deployment caps at 500 (REPORT_REVENUE_CAP=500); the address may name another cap
  const measures = {
    collect: (_tenantId: string, _from: Date, _to: Date, _now: Date, options: ReportOptions) =>
      Promise.resolve({
        ...fixtureMeasures(),
        revenueCap: options.revenueCap === undefined ? { value: 500 } : options.revenueCap,
      }),
  } as unknown as ReportMeasuresService;
  const reports = new LiftReportService(measures, {} as PdfRenderer);
  const october = [new Date('2026-10-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z')] as const;
  /** The text of the report's "Revenue capping" item. */
  const cappingText = (html: string) =>
    /<dt>Revenue capping<\/dt><dd>([^<]*)<\/dd>/.exec(html)?.[1];

  it('says the cap came from the address when it names one', async () => {
    const html = await reports.html('acme', ...october, reportOptionsFromQuery('99%'));
    expect(cappingText(html)).toBe(
      'Each person’s revenue is capped at the 99th percentile of the trigger’s revenues above 0 before any revenue figure is computed (?revenueCap=99% on this report’s address).',
    );
    expect(cappingText(await reports.html('acme', ...october, reportOptionsFromQuery('off')))).toBe(
      'Revenue is not capped in this report (?revenueCap=off on this report’s address).',
    );
  });

  it('says the cap came from the setting when the address names none', async () => {
    expect(cappingText(await reports.html('acme', ...october))).toBe(
      'Each person’s revenue is capped at 500 before any revenue figure is computed (the REPORT_REVENUE_CAP setting; ?revenueCap= on the report’s address caps it otherwise).',
    );
  });
});

describe('the report page while its conversion curves still grow', () => {
  const DAY = 86_400_000;
  // a curve of a trigger with a 7-day conversion window: its points up to the window
  const overTime = {
    lift: [],
    curves: [
      {
        triggerId: 't',
        points: [
          { sinceMs: DAY, isConversionWindow: false },
          { sinceMs: 7 * DAY, isConversionWindow: true },
        ] as CurvePoint[],
      },
    ],
  };

  it('is final once the end of the period plus the conversion window has passed, not a ms before', () => {
    const to = new Date('2026-10-01T00:00:00Z');
    const windowEnd = to.getTime() + 7 * DAY;
    expect(curvesSettled(overTime, to, new Date(windowEnd))).toBe(true);
    expect(curvesSettled(overTime, to, new Date(windowEnd - 1))).toBe(false);
    expect(curvesSettled(undefined, to, new Date(windowEnd - 1))).toBe(true);
    expect(curvesSettled({ lift: [], curves: [] }, to, new Date(windowEnd - 1))).toBe(true);
  });

  it('is computed at each open until then', async () => {
    let collected = 0;
    const measures = {
      collect: () => {
        collected++;
        return Promise.resolve({ ...fixtureMeasures(), overTime });
      },
    } as unknown as ReportMeasuresService;
    const cache = new ResultCache(loadConfig({}), new MemoryDataVersions(), new MetricsService());
    const reports = new LiftReportService(measures, {} as PdfRenderer, cache);
    const now = Date.now();
    const recent = [new Date(now - 10 * DAY), new Date(now - 3 * DAY)] as const;
    await reports.html('acme', ...recent);
    await reports.html('acme', ...recent);
    expect(collected).toBe(2);
    // a period whose curves are final is kept
    const settled = [new Date(now - 30 * DAY), new Date(now - 8 * DAY)] as const;
    await reports.html('acme', ...settled);
    await reports.html('acme', ...settled);
    expect(collected).toBe(3);
  });
});
