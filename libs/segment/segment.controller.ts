import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { CurrentPrincipal, RequireScope, Scope, type Principal } from '../auth/index.js';
import {
  decodedBody,
  IngestException,
  IngestLimitError,
  IngestService,
  limitedBody,
  UnsupportedEncodingError,
} from '../ingest/index.js';
import { bodyJson, SEGMENT_CALLS, type SegmentCall } from './messages.js';
import { SegmentErrorCode, SegmentException } from './segment.exception.js';
import { SegmentService, type SegmentAnswer } from './segment.service.js';

/**
 * The body's JSON, read whole within the byte limit (of the inflated bytes: a small compressed
 * body cannot unfold past it), refused unless it is UTF-8 (see bodyJson).
 */
async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  if (Number(request.headers['content-length'] ?? '0') > maxBytes) {
    throw new IngestLimitError('body', maxBytes);
  }
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of limitedBody(decodedBody(request), maxBytes)) {
      chunks.push(chunk);
    }
  } catch (error) {
    if (
      error instanceof IngestLimitError ||
      error instanceof IngestException ||
      error instanceof UnsupportedEncodingError
    ) {
      throw error;
    }
    throw new SegmentException(
      SegmentErrorCode.InvalidBody,
      `the body could not be read (${(error as Error).message}); nothing was stored`,
      { cause: error },
    );
  }
  const read = bodyJson(Buffer.concat(chunks));
  if ('problem' in read) {
    throw new SegmentException(SegmentErrorCode.InvalidBody, read.problem);
  }
  return read.body;
}

/**
 * Segment's HTTP Tracking API, as RudderStack and Jitsu also speak it (docs/design.md §11):
 * `POST /v1/segment/track`, `/identify`, `/batch` (and `/page`, `/screen`, `/group`, `/alias`,
 * which are kept), the key as HTTP Basic user name (or Bearer)
 * with the INGEST scope, answered `{"success": true, ...}` with status 200.
 */
@Controller('v1/segment')
export class SegmentController {
  constructor(
    private readonly segment: SegmentService,
    private readonly ingest: IngestService,
  ) {}

  // SDKs append /v1/batch to the host they are given (analytics-node's and analytics-python's
  // `host`, RudderStack's data plane URL): with http://causeway/v1/segment as host, they land here.
  @Post([':call', 'v1/:call'])
  @HttpCode(200)
  @RequireScope(Scope.INGEST)
  async post(
    @CurrentPrincipal() principal: Principal,
    @Param('call') call: string,
    @Req() request: Request,
  ): Promise<SegmentAnswer> {
    const receivedAt = Date.now();
    if (!(SEGMENT_CALLS as readonly string[]).includes(call)) {
      throw new SegmentException(
        SegmentErrorCode.UnknownCall,
        `unknown call "${call}" (expected one of ${SEGMENT_CALLS.join(', ')})`,
      );
    }
    const body = await readJson(request, this.ingest.limits.maxBodyBytes);
    return this.segment.receive(principal, call as SegmentCall, body, receivedAt);
  }
}
