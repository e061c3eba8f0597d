import { Args, Resolver } from '@nestjs/graphql';
import { CurrentTenant } from '../../auth/index.js';
import { MeasureQuery } from '../common/measure-query.js';
import { SignalFreshnessArgs } from './dto/signal-freshness.args.js';
import { FreshnessService } from './freshness.service.js';
import { FreshnessStats } from './models/freshness-stats.model.js';

@Resolver(() => FreshnessStats)
export class FreshnessResolver {
  constructor(private readonly freshness: FreshnessService) {}

  @MeasureQuery(() => [FreshnessStats], {
    description:
      'Ingest lag (and model-input age for predictive signals) per signal type and source over the signals that occurred in [from, to), flagged stale where it exceeds the windows of the triggers the type arms (READ scope).',
  })
  signalFreshness(
    @CurrentTenant() tenantId: string,
    @Args() { from, to }: SignalFreshnessArgs,
  ): Promise<FreshnessStats[]> {
    return this.freshness.signalFreshness(tenantId, from, to);
  }
}
