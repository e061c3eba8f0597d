import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The deadline and cancellation of the work a query runs for (an HTTP request, say). Queries read
 * it from the async context, so no service between the route and the store has to pass it along.
 */
export interface QueryScope {
  /** Aborted when the work is abandoned: its deadline passed or its client went away. */
  readonly signal: AbortSignal;
  /** Epoch ms after which the engine stops the work's queries (`max_execution_time`). */
  readonly deadline: number;
  /** The budget the deadline was set from, for messages. */
  readonly timeoutMs: number;
}

const scopes = new AsyncLocalStorage<QueryScope>();

/** Runs `work` (and everything it starts) with its queries bound to `scope`. */
export function runInQueryScope<T>(scope: QueryScope, work: () => T): T {
  return scopes.run(scope, work);
}

/**
 * Runs `work` (and everything it starts) outside any scope: for work that outlives the request
 * that started it, such as a schedule's later runs.
 */
export function outsideQueryScope<T>(work: () => T): T {
  return scopes.exit(work);
}

/** The scope of the current async context, if any. */
export function currentQueryScope(): QueryScope | undefined {
  return scopes.getStore();
}

/**
 * A scope that aborts itself after `timeoutMs`; `dispose` stops its timer. The reason of the abort
 * is a {@link QueryDeadlineError}.
 */
export function deadlineScope(timeoutMs: number): QueryScope & {
  abort(reason: unknown): void;
  dispose(): void;
} {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new QueryDeadlineError(timeoutMs)), timeoutMs);
  timer.unref();
  return {
    signal: controller.signal,
    deadline: Date.now() + timeoutMs,
    timeoutMs,
    abort: (reason: unknown) => controller.abort(reason),
    dispose: () => clearTimeout(timer),
  };
}

/** Why a scope was aborted when its time ran out. */
export class QueryDeadlineError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the request ran past its ${timeoutMs} ms budget (REQUEST_TIMEOUT_MS)`);
    this.name = 'QueryDeadlineError';
  }
}
