import { Controller, Headers, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CurrentPrincipal, RequireScope, Scope, type Principal } from '../auth/index.js';
import { decodedBody } from './content-encoding.js';
import { IngestErrorCode, IngestException } from './ingest.exception.js';
import { IngestService, type IngestResult } from './ingest.service.js';
import { IMPORT_FORMATS, importMediaType } from './tabular.js';

@Controller('v1/import')
export class ImportController {
  constructor(private readonly ingest: IngestService) {}

  /**
   * A Parquet (`application/vnd.apache.parquet`) or CSV (`text/csv`, a header row first) backfill
   * of one stream, as sent or compressed (Content-Encoding gzip, deflate or br). The body is
   * written to a temporary file as it arrives (never held whole in memory), read by ClickHouse, and
   * answered as an NDJSON request would be, rows numbered from 1.
   */
  @Post(':stream')
  @HttpCode(200)
  @RequireScope(Scope.INGEST)
  async post(
    @CurrentPrincipal() principal: Principal,
    @Param('stream') streamName: string,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: Request,
  ): Promise<IngestResult> {
    const stream = this.ingest.stream(streamName);
    const mediaType = importMediaType(contentType);
    if (mediaType === undefined) {
      throw new IngestException(
        IngestErrorCode.InvalidRequest,
        `Content-Type must be one of ${Object.keys(IMPORT_FORMATS).join(', ')} (got ${contentType ?? 'none'}); NDJSON goes to /v1/ingest/${stream}`,
      );
    }
    const directory = await mkdtemp(join(tmpdir(), 'causeway-import-'));
    try {
      const path = join(directory, 'body');
      await pipeline(decodedBody(request), createWriteStream(path));
      return await this.ingest.importFile(principal, stream, path, mediaType);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }
}
