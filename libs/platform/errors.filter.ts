import {
  Catch,
  HttpException,
  HttpStatus,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { GqlContextType } from '@nestjs/graphql';
import type { Response } from 'express';
import { GraphQLError } from 'graphql';
import { Logger } from 'nestjs-pino';
import { AuthErrorCode, AuthException } from '../auth/index.js';
import { BiException } from '../bi/index.js';
import { ReportsException } from '../reports/index.js';
import { IngestErrorCode, IngestException, IngestLimitError } from '../ingest/index.js';
import { LifecycleException } from '../lifecycle/index.js';
import { MeasurementErrorCode, MeasurementException } from '../measurement/index.js';
import { NotifyException } from '../notify/index.js';
import { SegmentErrorCode, SegmentException } from '../segment/index.js';
import { StorageErrorCode, StorageException } from '../storage/index.js';
import { TriggersErrorCode, TriggersException } from '../triggers/index.js';
import { graphqlError } from './graphql-error.js';
import { RateLimitedException } from './rate-limit.exception.js';

/** A failure as the outside world sees it. */
export interface PublicError {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

function authStatus(code: AuthErrorCode): number {
  switch (code) {
    case AuthErrorCode.MissingKey:
    case AuthErrorCode.InvalidKey:
      return HttpStatus.UNAUTHORIZED;
    case AuthErrorCode.Forbidden:
      return HttpStatus.FORBIDDEN;
    case AuthErrorCode.InvalidRequest:
      return HttpStatus.BAD_REQUEST;
  }
}

function ingestStatus(code: IngestErrorCode): number {
  switch (code) {
    case IngestErrorCode.UnknownStream:
      return HttpStatus.NOT_FOUND;
    case IngestErrorCode.QueueUnavailable:
      return HttpStatus.SERVICE_UNAVAILABLE;
    case IngestErrorCode.InvalidRequest:
      return HttpStatus.BAD_REQUEST;
  }
}

function measurementStatus(code: MeasurementErrorCode): number {
  switch (code) {
    case MeasurementErrorCode.InvalidPeriod:
    case MeasurementErrorCode.InvalidArgument:
      return HttpStatus.BAD_REQUEST;
  }
}

function triggersStatus(code: TriggersErrorCode): number {
  switch (code) {
    case TriggersErrorCode.InvalidDefinition:
    case TriggersErrorCode.NotReady:
      return HttpStatus.BAD_REQUEST;
  }
}

function segmentStatus(code: SegmentErrorCode): number {
  switch (code) {
    case SegmentErrorCode.InvalidBody:
    case SegmentErrorCode.InvalidMapping:
      return HttpStatus.BAD_REQUEST;
    case SegmentErrorCode.UnknownCall:
      return HttpStatus.NOT_FOUND;
  }
}

function storageStatus(code: StorageErrorCode): number {
  switch (code) {
    case StorageErrorCode.Unavailable:
      return HttpStatus.SERVICE_UNAVAILABLE;
    case StorageErrorCode.QueryFailed:
    case StorageErrorCode.MigrationFailed:
    case StorageErrorCode.InvalidRow:
      return HttpStatus.INTERNAL_SERVER_ERROR;
    case StorageErrorCode.Timeout:
      return HttpStatus.GATEWAY_TIMEOUT;
  }
}

/** Maps every known exception to a status, a stable code and a message meant for the caller. */
export function toPublicError(error: unknown): PublicError {
  if (error instanceof AuthException) {
    return { status: authStatus(error.code), code: error.code, message: error.message };
  }
  if (error instanceof IngestLimitError) {
    return { status: HttpStatus.PAYLOAD_TOO_LARGE, code: 'INGEST_LIMIT', message: error.message };
  }
  if (error instanceof IngestException) {
    const status = ingestStatus(error.code);
    const headers: Record<string, string> = status === 503 ? { 'Retry-After': '5' } : {};
    return { status, code: error.code, message: error.message, headers };
  }
  if (error instanceof MeasurementException) {
    return { status: measurementStatus(error.code), code: error.code, message: error.message };
  }
  if (error instanceof RateLimitedException) {
    return {
      status: HttpStatus.TOO_MANY_REQUESTS,
      code: 'RATE_LIMITED',
      message: error.message,
      headers: { 'Retry-After': String(error.retryAfterSeconds) },
    };
  }
  if (error instanceof StorageException && error.code === StorageErrorCode.Timeout) {
    return {
      status: storageStatus(error.code),
      code: error.code,
      message:
        'the query ran past the time budget of a request (REQUEST_TIMEOUT_MS) and was stopped; narrow the period or the triggers',
    };
  }
  if (
    error instanceof ReportsException ||
    error instanceof BiException ||
    error instanceof LifecycleException
  ) {
    return { status: error.getStatus(), code: error.code, message: error.message };
  }
  if (error instanceof SegmentException) {
    return { status: segmentStatus(error.code), code: error.code, message: error.message };
  }
  if (error instanceof TriggersException) {
    return { status: triggersStatus(error.code), code: error.code, message: error.message };
  }
  if (error instanceof StorageException) {
    const status = storageStatus(error.code);
    return status === 503
      ? {
          status,
          code: error.code,
          message: 'the store is unavailable; nothing was accepted, retry later',
          headers: { 'Retry-After': '5' },
        }
      : { status, code: error.code, message: 'the store failed to answer this request' };
  }
  if (error instanceof NotifyException) {
    // the status is the exception's own (notify.exception.ts maps each code)
    return { status: error.getStatus(), code: error.code, message: error.message };
  }
  if (error instanceof HttpException) {
    const response = error.getResponse();
    const detail =
      typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const message =
      typeof detail === 'string'
        ? detail
        : Array.isArray(detail)
          ? detail.join('; ')
          : error.message;
    return { status: error.getStatus(), code: `HTTP_${error.getStatus()}`, message };
  }
  if (error instanceof GraphQLError) {
    return { status: HttpStatus.BAD_REQUEST, code: 'GRAPHQL_VALIDATION', message: error.message };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL', message: 'internal error' };
}

/** One filter for HTTP and GraphQL: the same error reads the same on both doors. */
@Catch()
export class ErrorsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): unknown {
    const mapped = toPublicError(error);
    if (mapped.status >= 500) {
      this.logger.error({ err: error, code: mapped.code }, 'request failed');
    }
    if (host.getType<GqlContextType>() === 'graphql') {
      // Apollo answers with the status and headers of `extensions.http` (e.g. 429 + Retry-After).
      return graphqlError(mapped.message, {
        status: mapped.status,
        causewayCode: mapped.code,
        headers: mapped.headers,
      });
    }
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      response.end();
      return undefined;
    }
    for (const [name, value] of Object.entries(mapped.headers ?? {})) {
      response.setHeader(name, value);
    }
    response
      .status(mapped.status)
      .json({ statusCode: mapped.status, error: mapped.code, message: mapped.message });
    return undefined;
  }
}
