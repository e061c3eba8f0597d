import { Args, Resolver } from '@nestjs/graphql';
import { CurrentTenant } from '../../auth/index.js';
import { MeasureQuery } from '../common/measure-query.js';
import { LiftArgs, LiftDimension } from './dto/lift.args.js';
import { LiftService } from './lift.service.js';
import { TriggerLift } from './models/lift.model.js';

@Resolver(() => TriggerLift)
export class LiftResolver {
  constructor(private readonly lift: LiftService) {}

  @MeasureQuery(() => [TriggerLift], {
    description:
      'Holdout lift per trigger over [from, to): persons, conversions and revenue per arm, lift with intervals, incremental conversions and revenue, SRM, contamination and a verdict in words.',
  })
  liftReport(@CurrentTenant() tenantId: string, @Args() args: LiftArgs): Promise<TriggerLift[]> {
    const { groupBy, ...request } = args;
    return this.lift.report(tenantId, {
      ...request,
      groupByVariant: groupBy?.includes(LiftDimension.VARIANT) ?? false,
    });
  }
}
