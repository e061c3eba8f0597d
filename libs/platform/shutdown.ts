import type { INestApplication } from '@nestjs/common';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Graceful stop on SIGTERM/SIGINT: new requests are answered 503 (the app is created with
 * `return503OnClosing`), requests in flight finish, queue workers finish their active job (the
 * waiting ones stay in Redis), the store is closed, and the process exits 0. A stop that takes
 * longer than `timeoutMs` (a request that never ends) exits 1 instead of hanging.
 */
export function enableGracefulShutdown(
  app: INestApplication,
  timeoutMs: number,
  onTimeout: () => void,
): void {
  app.enableShutdownHooks([...SIGNALS], { useProcessExit: true });
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      setTimeout(() => {
        onTimeout();
        process.exit(1);
      }, timeoutMs).unref();
    });
  }
}
