import { Args, Resolver } from '@nestjs/graphql';
import { CurrentTenant } from '../../auth/index.js';
import { MeasureQuery } from '../common/measure-query.js';
import { TriggerPeriodArgs } from '../lift/dto/lift.args.js';
import { GuardrailsService } from './guardrails.service.js';
import { GuardrailLift } from './models/guardrail-lift.model.js';

@Resolver(() => GuardrailLift)
export class GuardrailsResolver {
  constructor(private readonly service: GuardrailsService) {}

  @MeasureQuery(() => [GuardrailLift], {
    description:
      'Harm side per trigger: overwhelm and regret rates by arm, with lift and intervals.',
  })
  guardrails(
    @CurrentTenant() tenantId: string,
    @Args() args: TriggerPeriodArgs,
  ): Promise<GuardrailLift[]> {
    return this.service.report(tenantId, args.from, args.to, args.triggerIds ?? []);
  }
}
