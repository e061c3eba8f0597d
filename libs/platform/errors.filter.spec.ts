import { describe, expect, it } from '@jest/globals';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { GraphQLError } from 'graphql';
import { Logger, PinoLogger } from 'nestjs-pino';
import { AuthErrorCode, AuthException } from '../auth/index.js';
import { MeasurementErrorCode, MeasurementException } from '../measurement/index.js';
import { StorageErrorCode, StorageException } from '../storage/index.js';
import { ErrorsFilter } from './errors.filter.js';
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

describe('GraphQL error codes', () => {
  // Expected values: Apollo's conventional codes for the HTTP meaning of each failure.
  it.each([
    [
      'missing key',
      new AuthException(AuthErrorCode.MissingKey, 'm'),
      'UNAUTHENTICATED',
      'AUTH_MISSING_KEY',
      401,
    ],
    [
      'invalid key',
      new AuthException(AuthErrorCode.InvalidKey, 'm'),
      'UNAUTHENTICATED',
      'AUTH_INVALID_KEY',
      401,
    ],
    [
      'forbidden',
      new AuthException(AuthErrorCode.Forbidden, 'm'),
      'FORBIDDEN',
      'AUTH_FORBIDDEN',
      403,
    ],
    [
      'invalid period',
      new MeasurementException(MeasurementErrorCode.InvalidPeriod, 'm'),
      'BAD_USER_INPUT',
      'MEASUREMENT_INVALID_PERIOD',
      400,
    ],
    [
      'rate limited',
      new RateLimitedException('query', 5, 1000, 2500),
      'TOO_MANY_REQUESTS',
      'RATE_LIMITED',
      429,
    ],
    [
      'store unavailable',
      new StorageException(StorageErrorCode.Unavailable, 'm'),
      'SERVICE_UNAVAILABLE',
      'STORAGE_UNAVAILABLE',
      503,
    ],
    [
      'query failed',
      new StorageException(StorageErrorCode.QueryFailed, 'm'),
      'INTERNAL_SERVER_ERROR',
      'STORAGE_QUERY_FAILED',
      500,
    ],
    ['unknown error', new Error('anything'), 'INTERNAL_SERVER_ERROR', 'INTERNAL', 500],
  ])('%s: code %s, causewayCode %s, status %i', (_, error, code, causewayCode, status) => {
    const answer = asGraphql(error);
    expect(answer.extensions.code).toBe(code);
    expect(answer.extensions.causewayCode).toBe(causewayCode);
    expect((answer.extensions.http as { status: number }).status).toBe(status);
  });

  it('keeps Retry-After on a rate-limited answer', () => {
    const answer = asGraphql(new RateLimitedException('query', 5, 1000, 2500));
    const headers = (answer.extensions.http as { headers: Map<string, string> }).headers;
    expect(headers.get('Retry-After')).toBe('3');
  });
});
