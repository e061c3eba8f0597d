import { Args, Resolver } from '@nestjs/graphql';
import { CurrentTenant } from '../../auth/index.js';
import { MeasureQuery } from '../common/measure-query.js';
import { TriggerLatencyArgs } from './dto/trigger-latency.args.js';
import { LatencyService } from './latency.service.js';
import { LatencyStats } from './models/latency-stats.model.js';

@Resolver(() => LatencyStats)
export class LatencyResolver {
  constructor(private readonly latency: LatencyService) {}

  @MeasureQuery(() => [LatencyStats], {
    description:
      'Signal-to-action latency per trigger (and channel, day) against its relevance window, over the sent treatment firings decided in [from, to) (READ scope).',
  })
  triggerLatency(
    @CurrentTenant() tenantId: string,
    @Args() args: TriggerLatencyArgs,
  ): Promise<LatencyStats[]> {
    return this.latency.triggerLatency(tenantId, args);
  }
}
