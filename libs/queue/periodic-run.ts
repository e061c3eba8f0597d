import { Logger } from '@nestjs/common';
import { loggedFailure } from '../errors/index.js';

/**
 * Runs `task` every `everyMs` (never when 0), one run at a time: a run asked for while one is under
 * way gets that one. Its owner starts it from a provider's bootstrap hook and stops it
 * in its destroy hook.
 */
export class PeriodicRun<T> {
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<T> | undefined;

  constructor(
    private readonly name: string,
    private readonly task: () => Promise<T>,
  ) {
    this.logger = new Logger(name);
  }

  /**
   * Starts running `task` every `everyMs` (0: never), and at once when `now`; the timer does not
   * keep the process up.
   */
  start(everyMs: number, { now = false }: { now?: boolean } = {}): void {
    if (everyMs > 0) {
      const runLogged = () => {
        // what failed and where, not its message: a store's refusal quotes the row it refused
        this.run().catch((error: unknown) =>
          this.logger.error({ err: loggedFailure(error) }, `${this.name}: run failed`),
        );
      };
      this.timer = setInterval(runLogged, everyMs);
      this.timer.unref();
      if (now) {
        runLogged();
      }
    }
  }

  /** Stops the timer, then waits for a run under way (the store closes after this). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Runs `task` now, or answers the run under way. */
  run(): Promise<T> {
    this.running ??= this.task().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }
}
