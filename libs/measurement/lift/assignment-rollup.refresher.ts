import { Injectable, Logger, Module } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { ClickHouseService } from '../../storage/index.js';
import { BuildRefresher } from '../common/builds.js';
import { buildAssignmentRollup, rollupIsStale, type RollupBuild } from './assignment-rollup.js';

/**
 * Keeps the assignment rollup current: every ASSIGNMENT_ROLLUP_EVERY_MS it builds the rollup again
 * when one is due (see rollupIsStale: firings written since the newest build, 2% of it or an hour
 * after it; under RETENTION_DAYS_FIRINGS an hour after it in any case, since the retention removes
 * firings the build still holds), one build at a time per process.
 * Between builds nothing is missed: queries measure the persons with newer firings from firings
 * (see assignment-rollup.ts), so a stale rollup costs time, never correctness. Several processes
 * may each run one; their builds are independent and the newest wins.
 */
@Injectable()
export class AssignmentRollupRefresher extends BuildRefresher<RollupBuild | undefined> {
  private readonly logger = new Logger(AssignmentRollupRefresher.name);

  constructor(
    private readonly config: AppConfig,
    private readonly clickhouse: ClickHouseService,
  ) {
    super('assignment rollup');
  }

  protected everyMs(): number {
    return this.config.env.ASSIGNMENT_ROLLUP_EVERY_MS;
  }

  /** Builds the rollup if it is stale (see rollupIsStale); the build, or undefined. */
  protected async refreshDue(): Promise<RollupBuild | undefined> {
    const retention = this.config.env.RETENTION_DAYS_FIRINGS !== undefined;
    if (!(await rollupIsStale(this.clickhouse, { retention }))) {
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
