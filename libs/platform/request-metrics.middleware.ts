import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from '../observability/index.js';

/** Observes every HTTP request's latency, labelled by its route pattern (not its raw URL). */
export function requestMetrics(metrics: MetricsService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const stop = metrics.requestDuration.startTimer();
    response.on('finish', () => {
      const route =
        (request.route as { path?: string } | undefined)?.path ?? request.baseUrl ?? 'unmatched';
      stop({
        method: request.method,
        route: route === '' ? 'unmatched' : route,
        status: response.statusCode,
      });
    });
    next();
  };
}
