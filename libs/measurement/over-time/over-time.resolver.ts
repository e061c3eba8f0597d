import { Mutation, Resolver } from '@nestjs/graphql';
import { RequireScope, Scope, CurrentTenant } from '../../auth/index.js';
import { TrendFactsBuildResult } from './models/trend-facts-build.model.js';
import { OverTimeService } from './over-time.service.js';

@Resolver()
export class OverTimeResolver {
  constructor(private readonly overTime: OverTimeService) {}

  @Mutation(() => TrendFactsBuildResult, {
    description:
      "Builds the tenant's trend facts now, from which triggerTrend answers until the tenant's data next changes (INGEST scope). They are otherwise built once the data settles (TREND_FACTS_EVERY_MS); until then triggerTrend reads the streams, with the same answer.",
  })
  @RequireScope(Scope.INGEST)
  buildTrendFacts(@CurrentTenant() tenantId: string): Promise<TrendFactsBuildResult> {
    return this.overTime.buildTrendFacts(tenantId);
  }
}
