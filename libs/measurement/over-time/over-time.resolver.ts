import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequireScope, Scope, type Principal } from '../../auth/index.js';
import { CachedByDataVersion } from '../../result-cache/index.js';
import { ConversionCurveArgs, LiftOverTimeArgs, TriggerTrendArgs } from './dto/over-time.args.js';
import { CurvePoint } from './models/curve-point.model.js';
import { LiftPoint } from './models/lift-point.model.js';
import { TrendPoint } from './models/trend-point.model.js';
import { OverTimeService } from './over-time.service.js';

@Resolver()
export class OverTimeResolver {
  constructor(private readonly overTime: OverTimeService) {}

  @Query(() => [LiftPoint], {
    description:
      "A trigger's holdout lift as it read at the end of each step since from (assignments in [from, asOf), conversions before asOf), with the verdict at each point.",
  })
  @RequireScope(Scope.READ)
  @CachedByDataVersion()
  liftOverTime(
    @CurrentPrincipal() principal: Principal,
    @Args() args: LiftOverTimeArgs,
  ): Promise<LiftPoint[]> {
    return this.overTime.liftOverTime(principal.tenantId, args);
  }

  @Query(() => [CurvePoint], {
    description:
      "Each arm's conversion rate by time since the first firing, over the persons observed that long, with the lift at each step; the last step is the conversion window.",
  })
  @RequireScope(Scope.READ)
  @CachedByDataVersion({ defaultsToNow: ['horizon'] })
  conversionCurve(
    @CurrentPrincipal() principal: Principal,
    @Args() args: ConversionCurveArgs,
  ): Promise<CurvePoint[]> {
    return this.overTime.conversionCurve(principal.tenantId, args);
  }

  @Query(() => [TrendPoint], {
    description:
      'Per bucket of decided_at and trigger: sent firings, within-window share, median latency, overwhelm rate, converted-then-targeted and non-compliant sends.',
  })
  @RequireScope(Scope.READ)
  @CachedByDataVersion()
  triggerTrend(
    @CurrentPrincipal() principal: Principal,
    @Args() args: TriggerTrendArgs,
  ): Promise<TrendPoint[]> {
    return this.overTime.triggerTrend(principal.tenantId, args);
  }
}
