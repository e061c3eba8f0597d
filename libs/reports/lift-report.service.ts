import { Injectable, Optional } from '@nestjs/common';
import { PdfRenderer } from './pdf/pdf-renderer.js';
import { formatPeriod } from './render/format.js';
import { renderLiftReport } from './render/render-report.js';
import { curvesSettled } from './report-measures.js';
import { ReportMeasuresService, type ReportOptions } from './report-measures.service.js';
import { ReportsErrorCode, ReportsException } from './reports.exception.js';
import { parseRevenueCap } from './reports.settings.js';
import { messageOf } from '../errors/index.js';
import { periodFileDays, queryParamProblem, queryTime } from '../measurement/index.js';
import { ResultCache } from '../result-cache/index.js';

/** The live lift report of a tenant and period, as HTML or PDF. */
@Injectable()
export class LiftReportService {
  constructor(
    private readonly measures: ReportMeasuresService,
    private readonly pdf: PdfRenderer,
    // the API's answer cache; a process without it (the worker) renders every time
    @Optional() private readonly cache?: ResultCache,
  ) {}

  /**
   * The page, kept in the API's answer cache while the tenant's data is unchanged, as the
   * measures it shows are: a report is some twenty statements, seconds of work, and a share link
   * opened by ten people, or a page reloaded, is one computation. Its time of computation is the
   * first open's. Not kept while its conversion curves still grow with the clock (a curve counts
   * the persons observed for at least each delay, up to now): until `to` plus the longest
   * conversion window they show has passed.
   */
  async html(tenantId: string, from: Date, to: Date, options: ReportOptions = {}): Promise<string> {
    let settled = true;
    const render = async () => {
      const now = new Date();
      const measures = await this.measures.collect(tenantId, from, to, now, options);
      settled = curvesSettled(measures.overTime, to, now);
      return renderLiftReport(measures, {
        revenueCapFrom: options.revenueCap === undefined ? 'setting' : 'address',
      });
    };
    if (this.cache === undefined) {
      return render();
    }
    const args = {
      from,
      to,
      revenueCap: options.revenueCap === undefined ? 'setting' : options.revenueCap,
    };
    return this.cache.answer({ tenantId, query: 'liftReportPage', args }, render, () => settled);
  }

  /**
   * The name a PDF of the report over [from, to) is saved under, the same wherever it is sent: its
   * first and last day, as the report's title gives them (the end is excluded: 5 to 12 Oct
   * midnight is 5–11 Oct).
   */
  static pdfFileName(from: Date, to: Date): string {
    return `causeway-lift-${periodFileDays(from, to)}.pdf`;
  }

  /** The same page printed by Chromium; without a browser, a 503 that says how to get one. */
  async pdfDocument(
    tenantId: string,
    from: Date,
    to: Date,
    options: ReportOptions = {},
  ): Promise<Buffer> {
    const missing = await this.pdf.unavailableReason();
    if (missing !== undefined) {
      // before any query: the answer does not depend on the data
      throw new ReportsException(ReportsErrorCode.BrowserUnavailable, missing);
    }
    const html = await this.html(tenantId, from, to, options);
    return this.pdf.render(html, `Causeway lift report · ${tenantId} · ${formatPeriod(from, to)}`);
  }
}

/**
 * Reads `?revenueCap=` of a report route (99%, 500 or off, as REPORT_REVENUE_CAP); absent: the
 * setting applies.
 */
export function reportOptionsFromQuery(revenueCap: unknown): ReportOptions {
  if (revenueCap === undefined) {
    return {};
  }
  const repeated = queryParamProblem('revenueCap', revenueCap);
  if (repeated !== undefined) {
    throw new ReportsException(ReportsErrorCode.InvalidRequest, repeated);
  }
  try {
    return {
      revenueCap: parseRevenueCap(typeof revenueCap === 'string' ? revenueCap : '', 'revenueCap'),
    };
  } catch (error) {
    throw new ReportsException(ReportsErrorCode.InvalidRequest, messageOf(error));
  }
}

/**
 * Reads `?from&to` of a report route: both required, ISO-8601 (the period rules themselves are
 * the measures', checked when they are read).
 */
export function periodFromQuery(from: unknown, to: unknown): { from: Date; to: Date } {
  const parse = (name: string, value: unknown): Date => {
    const time = queryTime(name, value);
    if (typeof time === 'string') {
      throw new ReportsException(ReportsErrorCode.InvalidRequest, time);
    }
    return time;
  };
  return { from: parse('from', from), to: parse('to', to) };
}
