import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { RequireScope, Scope, CurrentTenant } from '../../auth/index.js';
import { MeasureQuery } from '../common/measure-query.js';
import { ConversionCurveArgs, LiftOverTimeArgs, TriggerTrendArgs } from './dto/over-time.args.js';
import { CurvePoint } from './models/curve-point.model.js';
import { LiftPoint } from './models/lift-point.model.js';
import { TrendFactsBuildResult } from './models/trend-facts-build.model.js';
import { TrendPoint } from './models/trend-point.model.js';
import { OverTimeService } from './over-time.service.js';

@Resolver()
export class OverTimeResolver {
  constructor(private readonly overTime: OverTimeService) {}

  @MeasureQuery(() => [LiftPoint], {
    description:
      "A trigger's holdout lift as it read at the end of each step since from (assignments in [from, asOf), conversions before asOf), with the verdict at each point.",
  })
  liftOverTime(
    @CurrentTenant() tenantId: string,
    @Args() args: LiftOverTimeArgs,
  ): Promise<LiftPoint[]> {
    return this.overTime.liftOverTime(tenantId, args);
  }

  @MeasureQuery(() => [CurvePoint], {
    description:
      "Each arm's conversion rate by time since the first firing, over the persons observed that long, with the lift at each step; the last step is the conversion window.",
    defaultsToNow: ['horizon'],
  })
  conversionCurve(
    @CurrentTenant() tenantId: string,
    @Args() args: ConversionCurveArgs,
  ): Promise<CurvePoint[]> {
    return this.overTime.conversionCurve(tenantId, args);
  }

  @MeasureQuery(() => [TrendPoint], {
    description:
      'Per bucket of decided_at and trigger: sent firings, within-window share, median latency, overwhelm rate, converted-then-targeted and non-compliant sends.',
  })
  triggerTrend(
    @CurrentTenant() tenantId: string,
    @Args() args: TriggerTrendArgs,
  ): Promise<TrendPoint[]> {
    return this.overTime.triggerTrend(tenantId, args);
  }

  @Mutation(() => TrendFactsBuildResult, {
    description:
      "Builds the tenant's trend facts now, from which triggerTrend answers until the tenant's data next changes (INGEST scope). They are otherwise built once the data settles (TREND_FACTS_EVERY_MS); until then triggerTrend reads the streams, with the same answer.",
  })
  @RequireScope(Scope.INGEST)
  buildTrendFacts(@CurrentTenant() tenantId: string): Promise<TrendFactsBuildResult> {
    return this.overTime.buildTrendFacts(tenantId);
  }
}
