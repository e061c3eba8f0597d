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
import { loggedFailure } from '../errors/index.js';
import { BiErrorCode, BiException } from '../bi/index.js';
import { ReportsErrorCode, ReportsException } from '../reports/index.js';
import {
  ACCEPTED_ENCODINGS,
  IngestErrorCode,
  IngestException,
  IngestLimitError,
  UnsupportedEncodingError,
} from '../ingest/index.js';
import { LifecycleErrorCode, LifecycleException } from '../lifecycle/index.js';
import { MeasurementErrorCode, MeasurementException } from '../measurement/index.js';
import { NotifyErrorCode, NotifyException } from '../notify/index.js';
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

/** The codes of the contexts' own exceptions; each names its context, so none repeats. */
type ContextErrorCode =
  | AuthErrorCode
  | BiErrorCode
  | IngestErrorCode
  | LifecycleErrorCode
  | MeasurementErrorCode
  | NotifyErrorCode
  | ReportsErrorCode
  | SegmentErrorCode
  | StorageErrorCode
  | TriggersErrorCode;

/** The HTTP status of every context's error code, grouped by status. */
function statusOf(code: ContextErrorCode): number {
  switch (code) {
    case AuthErrorCode.InvalidRequest:
    case BiErrorCode.InvalidRequest:
    case IngestErrorCode.InvalidRequest:
    case LifecycleErrorCode.InvalidRequest:
    case MeasurementErrorCode.InvalidPeriod:
    case MeasurementErrorCode.InvalidArgument:
    case NotifyErrorCode.InvalidRequest:
    case NotifyErrorCode.ForbiddenTarget:
    case ReportsErrorCode.InvalidRequest:
    case SegmentErrorCode.InvalidBody:
    case SegmentErrorCode.InvalidMapping:
    case TriggersErrorCode.InvalidDefinition:
    case TriggersErrorCode.NotReady:
    case TriggersErrorCode.UnknownTrigger:
      return HttpStatus.BAD_REQUEST;
    case AuthErrorCode.MissingKey:
    case AuthErrorCode.InvalidKey:
    case AuthErrorCode.ExpiredKey:
      return HttpStatus.UNAUTHORIZED;
    case AuthErrorCode.Forbidden:
      return HttpStatus.FORBIDDEN;
    case BiErrorCode.UnknownDataset:
    case IngestErrorCode.UnknownStream:
    case NotifyErrorCode.NotFound:
    case ReportsErrorCode.SnapshotNotFound:
    case SegmentErrorCode.UnknownCall:
      return HttpStatus.NOT_FOUND;
    case LifecycleErrorCode.Conflict:
      return HttpStatus.CONFLICT;
    case IngestErrorCode.QueueUnavailable:
    case IngestErrorCode.PartlyStored:
    case LifecycleErrorCode.Incomplete:
    case NotifyErrorCode.MailUnavailable:
    case NotifyErrorCode.MailFailed:
    case ReportsErrorCode.BrowserUnavailable:
    case ReportsErrorCode.BrowserFailed:
    case StorageErrorCode.Unavailable:
      return HttpStatus.SERVICE_UNAVAILABLE;
    case LifecycleErrorCode.BackupFailed:
    case StorageErrorCode.QueryFailed:
    case StorageErrorCode.MigrationFailed:
    case StorageErrorCode.InvalidRow:
      return HttpStatus.INTERNAL_SERVER_ERROR;
    case StorageErrorCode.Timeout:
      return HttpStatus.GATEWAY_TIMEOUT;
  }
}

/** The code of a context's own exception; undefined for anything else. */
function contextCodeOf(error: unknown): ContextErrorCode | undefined {
  const coded =
    error instanceof AuthException ||
    error instanceof BiException ||
    error instanceof IngestException ||
    error instanceof LifecycleException ||
    error instanceof MeasurementException ||
    error instanceof NotifyException ||
    error instanceof ReportsException ||
    error instanceof SegmentException ||
    error instanceof TriggersException;
  return coded ? error.code : undefined;
}

/** A store failure: the caller learns only whether to retry (or, past its deadline, to narrow). */
function storageError(error: StorageException): PublicError {
  const status = statusOf(error.code);
  if (error.code === StorageErrorCode.Timeout) {
    return {
      status,
      code: error.code,
      message:
        'the query ran past the time budget of a request (REQUEST_TIMEOUT_MS) and was stopped; narrow the period or the triggers',
    };
  }
  return status === 503
    ? {
        status,
        code: error.code,
        message: 'the store is unavailable; nothing was accepted, retry later',
        headers: { 'Retry-After': '5' },
      }
    : { status, code: error.code, message: 'the store failed to answer this request' };
}

/** Maps every known exception to a status, a stable code and a message meant for the caller. */
export function toPublicError(error: unknown): PublicError {
  if (error instanceof IngestLimitError) {
    return { status: HttpStatus.PAYLOAD_TOO_LARGE, code: 'INGEST_LIMIT', message: error.message };
  }
  if (error instanceof UnsupportedEncodingError) {
    return {
      status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      code: 'INGEST_UNSUPPORTED_ENCODING',
      message: error.message,
      headers: { 'Accept-Encoding': ACCEPTED_ENCODINGS },
    };
  }
  if (error instanceof RateLimitedException) {
    return {
      status: HttpStatus.TOO_MANY_REQUESTS,
      code: 'RATE_LIMITED',
      message: error.message,
      headers: { 'Retry-After': String(error.retryAfterSeconds) },
    };
  }
  if (error instanceof StorageException) {
    return storageError(error);
  }
  const code = contextCodeOf(error);
  if (code !== undefined) {
    const status = statusOf(code);
    const { message } = error as Error;
    // a queue that is down is worth retrying soon
    return error instanceof IngestException && status === 503
      ? { status, code, message, headers: { 'Retry-After': '5' } }
      : { status, code, message };
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
      // what failed and where, not its message: a store's refusal quotes the row it refused
      this.logger.error(
        { err: loggedFailure(error), code: mapped.code },
        'request failed',
        ErrorsFilter.name,
      );
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
    // a route that answers HTML or a file has set its own type before failing: the error is JSON
    response
      .status(mapped.status)
      .type('application/json')
      .json({ statusCode: mapped.status, error: mapped.code, message: mapped.message });
    return undefined;
  }
}
