import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { AuthenticatedRequest } from '../auth/index.js';
import { AppConfig } from '../config/index.js';
import { graphqlError } from './graphql-error.js';
import { assertOperationCost } from './graphql-limits.js';
import { RateLimitedException } from './rate-limit.exception.js';
import { RateLimitPrincipals } from './rate-limit.principals.js';
import { RateLimiterService } from './rate-limiter.service.js';

/** The GraphQL mutation that ingests rows: it counts against the ingest budget. */
const INGEST_MUTATION = 'ingest';

type Context = { req: AuthenticatedRequest };

/** Top-level field names of an operation (aliases counted apart, fragments followed). */
function rootFields(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
): string[] {
  const names: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!selection.name.value.startsWith('__')) {
        names.push(selection.name.value);
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      names.push(...rootFields(selection.selectionSet, fragments, seen));
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment !== undefined && !seen.has(fragment.name.value)) {
        seen.add(fragment.name.value);
        names.push(...rootFields(fragment.selectionSet, fragments, seen));
      }
    }
  }
  return names;
}

function rateLimitedError(error: RateLimitedException): GraphQLError {
  return graphqlError(error.message, {
    status: 429,
    causewayCode: 'RATE_LIMITED',
    headers: { 'retry-after': String(error.retryAfterSeconds) },
  });
}

/**
 * The limits an operation meets once its variables are known and before any resolver runs, in this
 * order: its cost (GRAPHQL_MAX_COST; 400), then the key's rate limits, one unit per top-level field
 * (the ingest mutation from RATE_LIMIT_INGEST, everything else from RATE_LIMIT_QUERY; 429 with
 * Retry-After). A refused operation runs none of its fields and spends none of the budget it was
 * refused for.
 */
@Plugin()
export class GraphqlLimitsPlugin implements ApolloServerPlugin<Context> {
  constructor(
    private readonly config: AppConfig,
    private readonly limiter: RateLimiterService,
    private readonly principals: RateLimitPrincipals,
  ) {}

  requestDidStart(): Promise<GraphQLRequestListener<Context>> {
    return Promise.resolve({
      didResolveOperation: async ({ operation, document, schema, request, contextValue }) => {
        assertOperationCost(
          schema,
          document,
          this.config.env.GRAPHQL_MAX_COST,
          request.operationName,
          request.variables,
        );
        const principal = await this.principals.of(contextValue.req);
        if (operation === undefined || principal === undefined) {
          return;
        }
        const fragments = new Map(
          document.definitions
            .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
            .map((d) => [d.name.value, d]),
        );
        const fields = rootFields(operation.selectionSet, fragments);
        const ingest =
          operation.operation === OperationTypeNode.MUTATION
            ? fields.filter((f) => f === INGEST_MUTATION).length
            : 0;
        try {
          await this.limiter.consume('ingest', principal.keyId, ingest);
          await this.limiter.consume('query', principal.keyId, fields.length - ingest);
        } catch (error) {
          throw error instanceof RateLimitedException ? rateLimitedError(error) : error;
        }
      },
    });
  }
}
