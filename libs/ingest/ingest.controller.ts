import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { CurrentPrincipal, RequireScope, Scope, type Principal } from '../auth/index.js';
import { IngestLimitError } from './core.js';
import { IngestService, type IngestResult } from './ingest.service.js';
import { decodedBody } from './content-encoding.js';
import { limitedBody } from './limited-body.js';

@Controller('v1/ingest')
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  /**
   * NDJSON (application/x-ndjson) or a JSON array, as sent or compressed (Content-Encoding gzip,
   * deflate or br); answers line by line.
   */
  @Post(':stream')
  @HttpCode(200)
  @RequireScope(Scope.INGEST)
  async post(
    @CurrentPrincipal() principal: Principal,
    @Param('stream') streamName: string,
    @Req() request: Request,
  ): Promise<IngestResult> {
    const stream = this.ingest.stream(streamName);
    const limits = this.ingest.limits;
    const declared = Number(request.headers['content-length'] ?? '0');
    if (declared > limits.maxBodyBytes) {
      throw new IngestLimitError('body', limits.maxBodyBytes);
    }
    // Validated as the body arrives; nothing is stored unless the whole body is read within its
    // limits.
    const body = limitedBody(decodedBody(request), limits.maxBodyBytes);
    return this.ingest.ingestBody(principal, stream, body);
  }
}
