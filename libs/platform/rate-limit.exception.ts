/** What a rate limit counts: ingest requests, or GraphQL fields and other reads. */
export type RateLimitKind = 'ingest' | 'query';

const variableOf: Record<RateLimitKind, string> = {
  ingest: 'RATE_LIMIT_INGEST',
  query: 'RATE_LIMIT_QUERY',
};

/** A key went over its rate limit; answered 429 with `Retry-After`. */
export class RateLimitedException extends Error {
  constructor(
    readonly kind: RateLimitKind,
    readonly limit: number,
    readonly windowMs: number,
    readonly retryAfterMs: number,
  ) {
    super(
      `rate limit: this key made more than ${limit} ${kind} calls in ${windowMs / 1000} s (${variableOf[kind]}); retry in ${Math.ceil(retryAfterMs / 1000)} s`,
    );
    this.name = 'RateLimitedException';
  }

  /** Seconds to wait, as `Retry-After` wants them (at least 1). */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.retryAfterMs / 1000));
  }
}
