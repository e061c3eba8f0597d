import { Args, Resolver } from '@nestjs/graphql';
import { CurrentTenant } from '../../auth/index.js';
import { MeasureQuery } from '../common/measure-query.js';
import { DeeperLiftService } from './deeper.service.js';
import { HoldoutPlanArgs, InteractionsArgs, SegmentsArgs } from './dto/deeper.args.js';
import { HoldoutPlan, TriggerInteraction } from './models/deeper.model.js';
import { SegmentedLift } from './models/segments.model.js';

@Resolver()
export class DeeperLiftResolver {
  constructor(private readonly deeper: DeeperLiftService) {}

  @MeasureQuery(() => SegmentedLift, {
    description:
      "A trigger's holdout lift per segment (the value on each person's assignment firing), with Benjamini–Hochberg q-values and Cochran's Q heterogeneity test.",
  })
  liftSegments(
    @CurrentTenant() tenantId: string,
    @Args() args: SegmentsArgs,
  ): Promise<SegmentedLift> {
    return this.deeper.segments(tenantId, args);
  }

  @MeasureQuery(() => HoldoutPlan, {
    description:
      "What a trigger's holdout can detect now, the days to detect relativeMde, and the holdout share that would within 28 days.",
  })
  holdoutPlan(
    @CurrentTenant() tenantId: string,
    @Args() args: HoldoutPlanArgs,
  ): Promise<HoldoutPlan> {
    return this.deeper.holdoutPlan(tenantId, args);
  }

  @MeasureQuery(() => [TriggerInteraction], {
    description:
      'For each ordered pair of triggers with at least 100 persons assigned to both: the 2×2 of arms, the interaction of their lifts and a test that the holdouts were drawn independently.',
  })
  triggerInteractions(
    @CurrentTenant() tenantId: string,
    @Args() args: InteractionsArgs,
  ): Promise<TriggerInteraction[]> {
    return this.deeper.interactions(tenantId, args);
  }
}
