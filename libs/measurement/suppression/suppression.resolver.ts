import { Args, Resolver } from '@nestjs/graphql';
import { CurrentTenant } from '../../auth/index.js';
import { MeasureQuery } from '../common/measure-query.js';
import { SuppressionArgs } from './dto/suppression.args.js';
import { SuppressionSummary } from './models/suppression.model.js';
import { SuppressionService } from './suppression.service.js';

@Resolver(() => SuppressionSummary)
export class SuppressionResolver {
  constructor(private readonly suppression: SuppressionService) {}

  @MeasureQuery(() => [SuppressionSummary], {
    description:
      'Suppression failures per trigger over the sent treatment firings decided in [from, to): converted-then-targeted, converted in flight and frequency-cap breaches.',
  })
  suppressionAudit(
    @CurrentTenant() tenantId: string,
    @Args() args: SuppressionArgs,
  ): Promise<SuppressionSummary[]> {
    return this.suppression.audit(tenantId, args);
  }
}
