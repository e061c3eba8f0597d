import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/index.js';
import {
  CACHED_BY_DATA_VERSION,
  type CachedByDataVersionOptions,
} from './cached-by-data-version.decorator.js';
import { ResultCache } from './result-cache.service.js';

/**
 * Serves the GraphQL queries marked {@link CachedByDataVersion} through the {@link ResultCache},
 * keyed by the caller's tenant, the field's name and its arguments (defaults filled in). Runs after
 * the guards, so the caller is known and allowed; anything else passes through untouched.
 */
@Injectable()
export class ResultCacheInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly cache: ResultCache,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get<CachedByDataVersionOptions | undefined>(
      CACHED_BY_DATA_VERSION,
      context.getHandler(),
    );
    if (
      options === undefined ||
      !this.cache.enabled ||
      context.getType<GqlContextType>() !== 'graphql'
    ) {
      return next.handle();
    }
    const gql = GqlExecutionContext.create(context);
    const args = gql.getArgs<Record<string, unknown>>();
    const principal = gql.getContext<{ req: AuthenticatedRequest }>().req.principal;
    const readsTheClock = (options.defaultsToNow ?? []).some(
      (name) => args[name] === undefined || args[name] === null,
    );
    if (principal === undefined || readsTheClock) {
      return next.handle();
    }
    const query = gql.getInfo<GraphQLResolveInfo>().fieldName;
    return from(
      this.cache.answer({ tenantId: principal.tenantId, query, args }, () =>
        lastValueFrom(next.handle()),
      ),
    );
  }
}
