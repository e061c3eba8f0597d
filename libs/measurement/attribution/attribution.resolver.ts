import { Args, Resolver } from '@nestjs/graphql';
import { CurrentTenant } from '../../auth/index.js';
import { MeasureQuery } from '../common/measure-query.js';
import { AttributionService } from './attribution.service.js';
import { AttributionArgs } from './dto/attribution.args.js';
import { TriggerAttribution } from './models/trigger-attribution.model.js';

@Resolver(() => TriggerAttribution)
export class AttributionResolver {
  constructor(private readonly attributionService: AttributionService) {}

  @MeasureQuery(() => [TriggerAttribution], {
    description:
      'Success outcomes credited per trigger by LAST_TOUCH, FIRST_TOUCH, LINEAR or TIME_DECAY attribution over the sent treatment firings decided in [from, to), each beside the holdout-based incremental conversions, so the gap between touched and caused shows (READ scope). A contrast to lift, never a replacement.',
  })
  attribution(
    @CurrentTenant() tenantId: string,
    @Args() args: AttributionArgs,
  ): Promise<TriggerAttribution[]> {
    return this.attributionService.attribution(tenantId, args);
  }
}
