import type { ApolloDriverConfig } from '@nestjs/apollo';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import depthLimit from 'graphql-depth-limit';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { AppConfig } from '../config/index.js';
import { graphqlError } from './graphql-error.js';
import { messageOf } from '../errors/index.js';

/**
 * Price of a top-level field: each runs at least one ClickHouse query, so a document that asks for
 * the same report under many aliases is priced as many reports.
 */
export const ROOT_FIELD_COST = 50;

/** Price of any other selected field. */
export const FIELD_COST = 1;

/** Introspection (`__schema`, `__type`, `__typename`) is free: it never reaches the store. */
function isIntrospection(name: string): boolean {
  return name.startsWith('__');
}

/** The cost of one field: its own price plus its selection's. */
export function fieldCostEstimator(schema: GraphQLSchema): ComplexityEstimator {
  const roots: ReadonlySet<unknown> = new Set([schema.getQueryType(), schema.getMutationType()]);
  return ({ type, field, childComplexity }) => {
    if (isIntrospection(field.name) || isIntrospection(type.name)) {
      return 0;
    }
    const own = roots.has(type) ? ROOT_FIELD_COST : FIELD_COST;
    return own + childComplexity;
  };
}

/** The cost of an operation of `document`, as refused or admitted by GRAPHQL_MAX_COST. */
export function operationCost(
  schema: GraphQLSchema,
  document: Parameters<typeof getComplexity>[0]['query'],
  operationName?: string,
  variables?: Record<string, unknown>,
): number {
  return getComplexity({
    schema,
    query: document,
    operationName,
    variables,
    estimators: [fieldCostEstimator(schema)],
  });
}

// The costs of operations asked without variables, by schema, document and operation name. Apollo
// keeps one parsed document per query text, so a dashboard's repeated query is priced once, not on
// every request (pricing walks the whole document). With variables a cost can change (`@skip`,
// `@include`), so it is priced each time.
const variableFreeCosts = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number>>>();

function pricedOnce(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
): number {
  let bySchema = variableFreeCosts.get(schema);
  if (bySchema === undefined) {
    bySchema = new WeakMap();
    variableFreeCosts.set(schema, bySchema);
  }
  let byOperation = bySchema.get(document);
  if (byOperation === undefined) {
    byOperation = new Map();
    bySchema.set(document, byOperation);
  }
  const name = operationName ?? '';
  let cost = byOperation.get(name);
  if (cost === undefined) {
    cost = operationCost(schema, document, operationName);
    byOperation.set(name, cost);
  }
  return cost;
}

/**
 * Throws a 400 `GRAPHQL_COST_LIMIT` error when an operation costs more than `maxCost`; called with
 * the operation's variables, before any resolver runs.
 */
export function assertOperationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  maxCost: number,
  operationName?: string,
  variables?: Record<string, unknown>,
): void {
  if (!variablesCoerce(schema, document, operationName, variables)) {
    // Nothing of it can run: the executor refuses it before any resolver, with each variable's own
    // error as a bad input (a DateTime without an offset, a missing argument), which says more
    // than "cannot be priced" under the cost limit's code.
    return;
  }
  let cost: number;
  try {
    cost =
      variables === undefined || Object.keys(variables).length === 0
        ? pricedOnce(schema, document, operationName)
        : operationCost(schema, document, operationName, variables);
  } catch (error) {
    throw costError(`the operation cannot be priced: ${messageOf(error)}`);
  }
  if (cost > maxCost) {
    throw costError(
      `the operation costs ${cost}, more than the limit of ${maxCost} (GRAPHQL_MAX_COST): each top-level field costs ${ROOT_FIELD_COST}, each other field ${FIELD_COST}; split it into several requests`,
    );
  }
}

/** Whether the operation's variables coerce to their declared types (none declared: true). */
function variablesCoerce(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
): boolean {
  const operation = getOperationAST(document, operationName);
  const definitions = operation?.variableDefinitions ?? [];
  return (
    definitions.length === 0 ||
    !('errors' in getVariableValues(schema, definitions, variables ?? {}))
  );
}

// Refused before any resolver runs, like the depth limit (a validation rule), and coded like it.
function costError(message: string): GraphQLError {
  return graphqlError(message, {
    status: 400,
    causewayCode: 'GRAPHQL_COST_LIMIT',
    code: 'GRAPHQL_VALIDATION_FAILED',
  });
}

/**
 * The depth limit of the GraphQL server (GRAPHQL_MAX_DEPTH), a validation rule. The cost limit and
 * the rate limits need the operation's variables and key, so {@link GraphqlLimitsPlugin} applies them.
 */
export function graphqlLimits(
  config: AppConfig,
): Required<Pick<ApolloDriverConfig, 'validationRules'>> {
  return { validationRules: [depthLimit(config.env.GRAPHQL_MAX_DEPTH) as ValidationRule] };
}
