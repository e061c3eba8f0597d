import { applyDecorators } from '@nestjs/common';
import { Query, type ReturnTypeFunc } from '@nestjs/graphql';
import { RequireScope, Scope } from '../../auth/index.js';
import { CachedByDataVersion, type CachedByDataVersionOptions } from '../../result-cache/index.js';

/**
 * A measure: a GraphQL query any READ key may ask, whose answer is a function of the tenant's rows
 * and its arguments alone, so it is kept by data version (`defaultsToNow` names the arguments that
 * stand for the clock when omitted).
 */
export function MeasureQuery(
  returns: ReturnTypeFunc,
  options: { description: string } & CachedByDataVersionOptions,
): MethodDecorator {
  const { description, ...cache } = options;
  return applyDecorators(
    Query(returns, { description }),
    RequireScope(Scope.READ),
    CachedByDataVersion(cache),
  );
}
