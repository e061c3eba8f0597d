import { Controller, Get, Header, Param, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { RequireScope, Scope, CurrentTenant } from '../auth/index.js';
import {
  LiftReportService,
  periodFromQuery,
  reportOptionsFromQuery,
} from './lift-report.service.js';
import { REPORT_CONTENT_SECURITY_POLICY } from './render/render-report.js';
import { ReportSnapshotsService } from './snapshots/report-snapshots.service.js';

/**
 * Report pages (READ scope, Bearer key like every route): the lift report as HTML and PDF, and
 * stored snapshots. A browser does not send the key by itself: fetch the page with it (curl, a
 * header extension, or a reverse proxy that adds it) and open the saved file; it is
 * self-contained.
 */
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly reports: LiftReportService,
    private readonly snapshots: ReportSnapshotsService,
  ) {}

  @Get('lift')
  @RequireScope(Scope.READ)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', REPORT_CONTENT_SECURITY_POLICY)
  @Header('Cache-Control', 'no-store')
  liftPage(
    @CurrentTenant() tenantId: string,
    @Query('from') from: unknown,
    @Query('to') to: unknown,
    @Query('revenueCap') revenueCap: unknown,
  ): Promise<string> {
    const period = periodFromQuery(from, to);
    return this.reports.html(tenantId, period.from, period.to, reportOptionsFromQuery(revenueCap));
  }

  @Get('lift.pdf')
  @RequireScope(Scope.READ)
  @Header('Cache-Control', 'no-store')
  async liftPdf(
    @CurrentTenant() tenantId: string,
    @Query('from') from: unknown,
    @Query('to') to: unknown,
    @Query('revenueCap') revenueCap: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const period = periodFromQuery(from, to);
    const pdf = await this.reports.pdfDocument(
      tenantId,
      period.from,
      period.to,
      reportOptionsFromQuery(revenueCap),
    );
    response.setHeader('Content-Type', 'application/pdf');
    response.setHeader(
      'Content-Disposition',
      `inline; filename="${LiftReportService.pdfFileName(period.from, period.to)}"`,
    );
    return new StreamableFile(pdf);
  }

  @Get('snapshots/:id')
  @RequireScope(Scope.READ)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', REPORT_CONTENT_SECURITY_POLICY)
  async snapshotPage(@CurrentTenant() tenantId: string, @Param('id') id: string): Promise<string> {
    return (await this.snapshots.get(tenantId, id)).html;
  }
}
