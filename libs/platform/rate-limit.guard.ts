import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '../auth/index.js';
import { RateLimitPrincipals } from './rate-limit.principals.js';
import { RateLimiterService } from './rate-limiter.service.js';

/** The doors rows come in by: ingest, imports and Segment calls (routes match in any case). */
const INGEST_ROUTE = /^\/v1\/(ingest|import|segment)(\/|$)/i;

/**
 * Per-key rate limits for HTTP routes: one unit per request, ingest routes from the ingest budget,
 * every other authenticated route (exports, reports) from the query budget. GraphQL operations are
 * counted by {@link RateLimitPlugin} before they run.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly limiter: RateLimiterService,
    private readonly principals: RateLimitPrincipals,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') {
      return true;
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.principals.of(request);
    if (principal !== undefined) {
      const kind = INGEST_ROUTE.test(request.path) ? 'ingest' : 'query';
      await this.limiter.consume(kind, principal.keyId);
    }
    return true;
  }
}
