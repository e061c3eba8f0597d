import {
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { ClickHouseService } from '../../storage/index.js';
import { buildAssignmentRollup, rollupIsStale, type RollupBuild } from './assignment-rollup.js';
import { messageOf } from '../../errors/index.js';

/**
 * Keeps the assignment rollup current: every ASSIGNMENT_ROLLUP_EVERY_MS it builds the rollup again
 * when one is due (see rollupIsStale: firings written since the newest build, 2% of it or an hour
 * after it), one build at a time per process.
 * Between builds nothing is missed: queries measure the persons with newer firings from firings
 * (see assignment-rollup.ts), so a stale rollup costs time, never correctness. Several processes
 * may each run one; their builds are independent and the newest wins.
 */
@Injectable()
export class AssignmentRollupRefresher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AssignmentRollupRefresher.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RollupBuild | undefined> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly clickhouse: ClickHouseService,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.env.ASSIGNMENT_ROLLUP_EVERY_MS;
    if (every > 0) {
      this.timer = setInterval(() => {
        this.refresh().catch((error: unknown) =>
          this.logger.error(`assignment rollup: ${messageOf(error)}`),
        );
      }, every);
      this.timer.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    // the store closes after this: a build in progress finishes first
    await this.running?.catch(() => undefined);
  }

  /** Builds the rollup if it is stale (see rollupIsStale); the build, or undefined. */
  refresh(): Promise<RollupBuild | undefined> {
    this.running ??= this.refreshNow().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async refreshNow(): Promise<RollupBuild | undefined> {
    if (!(await rollupIsStale(this.clickhouse))) {
      return undefined;
    }
    const build = await buildAssignmentRollup(this.clickhouse);
    this.logger.log(
      `assignment rollup: ${build.firings} firings of ${build.pairs} persons × triggers in ${build.seconds.toFixed(1)} s`,
    );
    return build;
  }
}

@Module({ providers: [AssignmentRollupRefresher], exports: [AssignmentRollupRefresher] })
export class AssignmentRollupModule {}
