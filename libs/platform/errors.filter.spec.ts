import { describe, expect, it } from '@jest/globals';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { GraphQLError } from 'graphql';
import { Logger, PinoLogger } from 'nestjs-pino';
import { AuthErrorCode, AuthException } from '../auth/index.js';
import { BiErrorCode, BiException } from '../bi/index.js';
import { IngestErrorCode, IngestException } from '../ingest/index.js';
import { LifecycleErrorCode, LifecycleException } from '../lifecycle/index.js';
import { MeasurementErrorCode, MeasurementException } from '../measurement/index.js';
import { NotifyErrorCode, NotifyException } from '../notify/index.js';
import { ReportsErrorCode, ReportsException } from '../reports/index.js';
import { StorageErrorCode, StorageException } from '../storage/index.js';
import { ErrorsFilter, toPublicError } from './errors.filter.js';
import { RateLimitedException } from './rate-limit.exception.js';

const filter = new ErrorsFilter(new Logger(new PinoLogger({ pinoHttp: { level: 'silent' } }), {}));

function asGraphql(error: unknown): GraphQLError {
  const host = new ExecutionContextHost([{}, {}, {}, {}]);
  host.setType('graphql');
  const answer = filter.catch(error, host);
  if (!(answer instanceof GraphQLError)) {
    throw new Error('the filter did not answer a GraphQL error');
  }
  return answer;
}

const auth = (code: AuthErrorCode) => new AuthException(code, 'm');
const storage = (code: StorageErrorCode) => new StorageException(code, 'm');
/** 5 queries a second, retry after 2.5 s (Retry-After rounds it up to 3). */
const rateLimited = () => new RateLimitedException('query', 5, 1000, 2500);

describe('GraphQL error codes', () => {
  // Expected values: Apollo's conventional codes for the HTTP meaning of each failure.
  // The error comes last so the test's name shows the codes.
  it.each([
    ['missing key', 'UNAUTHENTICATED', 'AUTH_MISSING_KEY', 401, auth(AuthErrorCode.MissingKey)],
    ['invalid key', 'UNAUTHENTICATED', 'AUTH_INVALID_KEY', 401, auth(AuthErrorCode.InvalidKey)],
    ['expired key', 'UNAUTHENTICATED', 'AUTH_EXPIRED_KEY', 401, auth(AuthErrorCode.ExpiredKey)],
    ['forbidden', 'FORBIDDEN', 'AUTH_FORBIDDEN', 403, auth(AuthErrorCode.Forbidden)],
    [
      'invalid period',
      'BAD_USER_INPUT',
      'MEASUREMENT_INVALID_PERIOD',
      400,
      new MeasurementException(MeasurementErrorCode.InvalidPeriod, 'm'),
    ],
    ['rate limited', 'TOO_MANY_REQUESTS', 'RATE_LIMITED', 429, rateLimited()],
    [
      'store unavailable',
      'SERVICE_UNAVAILABLE',
      'STORAGE_UNAVAILABLE',
      503,
      storage(StorageErrorCode.Unavailable),
    ],
    [
      'query failed',
      'INTERNAL_SERVER_ERROR',
      'STORAGE_QUERY_FAILED',
      500,
      storage(StorageErrorCode.QueryFailed),
    ],
    ['unknown error', 'INTERNAL_SERVER_ERROR', 'INTERNAL', 500, new Error('anything')],
  ])('%s: code %s, causewayCode %s, status %i', (_, code, causewayCode, status, error) => {
    const answer = asGraphql(error);
    expect(answer.extensions.code).toBe(code);
    expect(answer.extensions.causewayCode).toBe(causewayCode);
    expect((answer.extensions.http as { status: number }).status).toBe(status);
  });

  it('keeps Retry-After on a rate-limited answer', () => {
    const answer = asGraphql(rateLimited());
    const headers = (answer.extensions.http as { headers: Map<string, string> }).headers;
    expect(headers.get('Retry-After')).toBe('3');
  });
});

describe("statuses of the contexts' codes", () => {
  // Expected values: the HTTP status that names each kind of failure (RFC 9110 §15).
  it.each([
    [404, new BiException(BiErrorCode.UnknownDataset, 'm')],
    [400, new BiException(BiErrorCode.InvalidRequest, 'm')],
    [404, new ReportsException(ReportsErrorCode.SnapshotNotFound, 'm')],
    [503, new ReportsException(ReportsErrorCode.BrowserFailed, 'm')],
    [400, new NotifyException(NotifyErrorCode.ForbiddenTarget, 'm')],
    [503, new NotifyException(NotifyErrorCode.MailUnavailable, 'm')],
    [409, new LifecycleException(LifecycleErrorCode.Conflict, 'm')],
    [500, new LifecycleException(LifecycleErrorCode.BackupFailed, 'm')],
    [504, storage(StorageErrorCode.Timeout)],
  ])('%i for %s', (status, error) => {
    const mapped = toPublicError(error);
    expect(mapped.status).toBe(status);
    expect(mapped.code).toBe(error.code);
  });

  it('asks to retry a queue that is down, and keeps the message meant for the caller', () => {
    expect(
      toPublicError(new IngestException(IngestErrorCode.QueueUnavailable, 'queue down')),
    ).toEqual({
      status: 503,
      code: 'INGEST_QUEUE_UNAVAILABLE',
      message: 'queue down',
      headers: { 'Retry-After': '5' },
    });
  });
});
