import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { AppConfig } from '../config/index.js';
import { RateLimitedException, type RateLimitKind } from './rate-limit.exception.js';

/**
 * Fixed-window counters per API key, one per kind of call. With Redis the counters are shared by
 * every API process; while Redis is unreachable each process counts on its own (an in-memory
 * insurance limiter) rather than refusing or waiting, so a Redis outage never blocks reads.
 */
@Injectable()
export class RateLimiterService implements OnApplicationShutdown {
  private readonly limiters = new Map<RateLimitKind, RateLimiterAbstract>();
  private readonly redis?: Redis;

  constructor(private readonly config: AppConfig) {
    const env = config.env;
    const url = env.REDIS_URL;
    if (url !== undefined) {
      // Its own connection: no offline queue, so a command fails at once while Redis is down.
      this.redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      this.redis.on('error', () => undefined);
    }
    const duration = env.RATE_LIMIT_WINDOW_MS / 1000;
    const limits: Record<RateLimitKind, number> = {
      ingest: env.RATE_LIMIT_INGEST,
      query: env.RATE_LIMIT_QUERY,
    };
    for (const [kind, points] of Object.entries(limits) as [RateLimitKind, number][]) {
      if (points === 0) {
        continue;
      }
      const keyPrefix = `causeway:rate:${kind}`;
      const memory = new RateLimiterMemory({ keyPrefix, points, duration });
      this.limiters.set(
        kind,
        this.redis === undefined
          ? memory
          : new RateLimiterRedis({
              storeClient: this.redis,
              keyPrefix,
              points,
              duration,
              rejectIfRedisNotReady: true,
              insuranceLimiter: memory,
            }),
      );
    }
  }

  /** Counts `calls` calls of `kind` for `keyId`; throws {@link RateLimitedException} past the limit. */
  async consume(kind: RateLimitKind, keyId: string, calls = 1): Promise<void> {
    const limiter = this.limiters.get(kind);
    if (limiter === undefined || calls <= 0) {
      return;
    }
    try {
      await limiter.consume(keyId, calls);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw new RateLimitedException(
          kind,
          limiter.points,
          this.config.env.RATE_LIMIT_WINDOW_MS,
          rejection.msBeforeNext,
        );
      }
      throw rejection;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
    return Promise.resolve();
  }
}
