import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { loggedFailure } from '../../errors/index.js';
import { DataVersions } from '../../storage/index.js';
import { BuildRefresher } from '../common/builds.js';
import { TrendFacts, type TrendFactsBuild } from './trend-facts.js';

/**
 * Keeps the trend facts current: every TREND_FACTS_EVERY_MS it looks at each tenant with firings
 * whose facts cannot be used (see TrendFacts.current), and builds them once the tenant's data has
 * settled: its data version is the one the previous look saw (the first look is at the start). A
 * tenant written to all the time is read from the streams until its writes pause for a whole
 * interval. One pass at a time per process; several processes may each run one (the newest build
 * wins).
 */
@Injectable()
export class TrendFactsRefresher extends BuildRefresher<TrendFactsBuild[]> {
  private readonly logger = new Logger(TrendFactsRefresher.name);
  /** Per tenant, the data version the previous pass saw. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly config: AppConfig,
    private readonly facts: TrendFacts,
    private readonly versions: DataVersions,
  ) {
    // a first look at once: a tenant left alone since is built one interval after the start
    super('trend facts', true);
  }

  protected everyMs(): number {
    return this.config.env.TREND_FACTS_EVERY_MS;
  }

  /** One pass: the builds it made of the tenants whose data settled. */
  protected async refreshDue(): Promise<TrendFactsBuild[]> {
    const builds: TrendFactsBuild[] = [];
    for (const tenantId of await this.facts.tenants()) {
      if ((await this.facts.current(tenantId)) !== undefined) {
        continue;
      }
      const version = await this.versions.current(tenantId);
      if (this.seen.get(tenantId) !== version) {
        this.seen.set(tenantId, version);
        continue;
      }
      try {
        const build = await this.facts.build(tenantId);
        this.logger.log(
          `trend facts of ${tenantId}: ${build.firings} firings in ${build.seconds.toFixed(1)} s`,
        );
        builds.push(build);
      } catch (error) {
        // what failed and where, not its message: a store's refusal quotes the row it refused
        this.logger.error({ err: loggedFailure(error), tenantId }, 'trend facts build failed');
      }
    }
    return builds;
  }
}
