import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { RequireScope, Scope, CurrentTenant } from '../auth/index.js';
import { queryParamProblem, queryTime } from '../measurement/index.js';
import { BiErrorCode, BiException } from './bi.exception.js';
import { ExportsService } from './exports.service.js';

function timeParam(name: string, value: unknown): Date {
  const time = queryTime(name, value);
  if (typeof time === 'string') {
    throw new BiException(BiErrorCode.InvalidRequest, time);
  }
  return time;
}

/** Curated BI datasets as files (READ scope), streamed as ClickHouse writes them. */
@Controller('v1/export')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get()
  @RequireScope(Scope.READ)
  catalog(): ReturnType<ExportsService['catalog']> {
    return this.exports.catalog();
  }

  @Get(':dataset')
  @RequireScope(Scope.READ)
  async export(
    @CurrentTenant() tenantId: string,
    @Param('dataset') dataset: string,
    @Query('from') from: unknown,
    @Query('to') to: unknown,
    @Query('format') format: unknown,
    @Res() response: Response,
  ): Promise<void> {
    // the dataset first: a mistyped name is the first thing to correct
    this.exports.dataset(dataset);
    const repeated = queryParamProblem('format', format);
    if (repeated !== undefined) {
      throw new BiException(BiErrorCode.InvalidRequest, repeated);
    }
    const opened = await this.exports.open(tenantId, {
      dataset,
      format: typeof format === 'string' ? format : undefined,
      from: timeParam('from', from),
      to: timeParam('to', to),
    });
    response.status(200);
    response.setHeader('Content-Type', opened.contentType);
    response.setHeader('Content-Disposition', `attachment; filename="${opened.filename}"`);
    response.setHeader('Cache-Control', 'no-store');
    // a failure after the first byte cuts the body short (the client sees an incomplete
    // transfer), never a body that looks complete
    await pipeline(opened.stream, response);
  }
}
