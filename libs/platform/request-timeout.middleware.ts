import type { NextFunction, Request, Response } from 'express';
import { deadlineScope, runInQueryScope } from '../storage/index.js';

/**
 * Gives every request a time budget (REQUEST_TIMEOUT_MS): the ClickHouse queries it runs carry the
 * remaining time as `max_execution_time`, so the engine stops them at the deadline, and they are
 * abandoned (and killed on a server) when the deadline passes or the client hangs up. Writes are
 * not bounded this way: an ingest batch is stored whole or answered with an error.
 */
export function requestTimeout(timeoutMs: number) {
  return (_request: Request, response: Response, next: NextFunction): void => {
    const scope = deadlineScope(timeoutMs);
    response.once('close', () => {
      scope.dispose();
      if (!response.writableFinished) {
        scope.abort(new Error('the client closed the connection'));
      }
    });
    runInQueryScope(scope, next);
  };
}
