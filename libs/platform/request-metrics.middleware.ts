import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from '../observability/index.js';

/**
 * The route label of a request: its route pattern; `/graphql` for GraphQL (served by Apollo's
 * middleware, which has no Express route); `not_found` for a 404 no route matched; `unmatched`
 * for anything else no route matched. A raw URL never becomes a label (unbounded cardinality).
 */
export function routeLabel(request: Request, status: number): string {
  const pattern = (request.route as { path?: string } | undefined)?.path;
  // a catch-all (`{/*splat}`, where Apollo and the not-found handler sit) names no route
  if (pattern !== undefined && pattern !== '' && !pattern.includes('*')) {
    return pattern;
  }
  const path = (request.originalUrl ?? request.url).split('?')[0] ?? '';
  if (path === '/graphql' || path.startsWith('/graphql/')) {
    return '/graphql';
  }
  return status === 404 ? 'not_found' : 'unmatched';
}

/** Observes every HTTP request's latency, labelled by its route pattern (not its raw URL). */
export function requestMetrics(metrics: MetricsService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const stop = metrics.requestDuration.startTimer();
    response.on('finish', () => {
      stop({
        method: request.method,
        route: routeLabel(request, response.statusCode),
        status: response.statusCode,
      });
    });
    next();
  };
}
