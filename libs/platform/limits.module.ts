import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthModule } from '../auth/index.js';
import { GraphqlLimitsPlugin } from './graphql-limits.plugin.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimitPrincipals } from './rate-limit.principals.js';
import { RateLimiterService } from './rate-limiter.service.js';

/**
 * Limits of the API beyond what a route checks itself: per-key rate limits on ingest and queries
 * (RATE_LIMIT_*; 429 with Retry-After), a guard for HTTP routes and an Apollo plugin for GraphQL
 * operations, which also prices each operation (GRAPHQL_MAX_COST). The depth limit is a validation
 * rule: see {@link graphqlLimits}.
 */
@Module({
  imports: [AuthModule],
  providers: [
    RateLimiterService,
    RateLimitPrincipals,
    GraphqlLimitsPlugin,
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [RateLimiterService],
})
export class LimitsModule {}
