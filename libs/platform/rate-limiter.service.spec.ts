import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../config/index.js';
import { RateLimitedException } from './rate-limit.exception.js';
import { RateLimiterService } from './rate-limiter.service.js';

const limiter = (env: Record<string, string>) =>
  new RateLimiterService(loadConfig({ RATE_LIMIT_WINDOW_MS: '60000', ...env }));

describe('RateLimiterService (in memory, without Redis)', () => {
  it('lets a key make RATE_LIMIT_INGEST calls per window, then says when to retry', async () => {
    const service = limiter({ RATE_LIMIT_INGEST: '2' });
    await service.consume('ingest', 'k1');
    await service.consume('ingest', 'k1');
    const refused = await service.consume('ingest', 'k1').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(RateLimitedException);
    const limited = refused as RateLimitedException;
    expect(limited.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(limited.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(limited.message).toMatch(/RATE_LIMIT_INGEST/);
    // another key, and the other kind of call, have budgets of their own
    await service.consume('ingest', 'k2');
    await service.consume('query', 'k1');
  });

  it('counts several calls at once, and 0 turns a limit off', async () => {
    const service = limiter({ RATE_LIMIT_QUERY: '5', RATE_LIMIT_INGEST: '0' });
    await expect(service.consume('query', 'k', 6)).rejects.toBeInstanceOf(RateLimitedException);
    for (let i = 0; i < 100; i++) {
      await service.consume('ingest', 'k');
    }
  });
});
