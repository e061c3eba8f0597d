import { HttpStatus } from '@nestjs/common';
import { GraphQLError } from 'graphql';

const codeByStatus: ReadonlyMap<number, string> = new Map([
  [HttpStatus.BAD_REQUEST, 'BAD_USER_INPUT'],
  [HttpStatus.NOT_FOUND, 'BAD_USER_INPUT'],
  [HttpStatus.PAYLOAD_TOO_LARGE, 'BAD_USER_INPUT'],
  [HttpStatus.UNPROCESSABLE_ENTITY, 'BAD_USER_INPUT'],
  [HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED'],
  [HttpStatus.FORBIDDEN, 'FORBIDDEN'],
  [HttpStatus.TOO_MANY_REQUESTS, 'TOO_MANY_REQUESTS'],
  [HttpStatus.SERVICE_UNAVAILABLE, 'SERVICE_UNAVAILABLE'],
  [HttpStatus.GATEWAY_TIMEOUT, 'GATEWAY_TIMEOUT'],
]);

/**
 * The `extensions.code` of a GraphQL error with this HTTP status: Apollo's conventional codes where
 * one exists, so that a client's error link needs no table of ours; otherwise the status's name.
 * Causeway's own, finer code travels in `extensions.causewayCode`.
 */
export function graphqlCodeOf(status: number): string {
  return codeByStatus.get(status) ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST');
}

export interface GraphqlErrorOptions {
  status: number;
  /** Causeway's code, e.g. `AUTH_FORBIDDEN`. */
  causewayCode: string;
  headers?: Record<string, string>;
  /** Overrides the code derived from the status (e.g. a limit refused like a validation rule). */
  code?: string;
}

/** A GraphQL error Apollo answers with the given status and headers (`extensions.http`). */
export function graphqlError(message: string, options: GraphqlErrorOptions): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: options.code ?? graphqlCodeOf(options.status),
      causewayCode: options.causewayCode,
      http: { status: options.status, headers: new Map(Object.entries(options.headers ?? {})) },
    },
  });
}
