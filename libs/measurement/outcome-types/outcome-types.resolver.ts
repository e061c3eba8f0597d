import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequireScope, Scope, type Principal } from '../../auth/index.js';
import { GuardrailClass, OutcomeType } from './models/outcome-type.model.js';
import { OutcomeTypesService } from './outcome-types.service.js';

/** The outcome types a tenant adds to the harm classes (docs/design.md §2). */
@Resolver(() => OutcomeType)
export class OutcomeTypesResolver {
  constructor(private readonly types: OutcomeTypesService) {}

  @Mutation(() => OutcomeType, {
    description:
      "Adds an outcome type to a harm class (INGEST scope, as defineTrigger), or moves a type the tenant added to the other: guardrails, messagePressure, triggerTrend, the alerts and reports built on them, and personTimeline's class count its outcomes from now on, over all of history. A built-in type (conversion, purchase, signup; return, refund, chargeback; unsubscribe, complaint, opt_out, uninstall, dismiss) is refused: its class is fixed.",
  })
  @RequireScope(Scope.INGEST)
  defineOutcomeType(
    @CurrentPrincipal() principal: Principal,
    @Args('type', { description: 'The outcome `type` exactly as sent, e.g. "mute".' })
    type: string,
    @Args('outcomeClass', { type: () => GuardrailClass, description: 'Its class.' })
    outcomeClass: GuardrailClass,
  ): Promise<OutcomeType> {
    return this.types.define(principal.tenantId, type, outcomeClass, principal.keyId);
  }

  @Mutation(() => Boolean, {
    description:
      'Removes a type the tenant added (INGEST scope): its outcomes count in no class again. False when the tenant had not added it.',
  })
  @RequireScope(Scope.INGEST)
  removeOutcomeType(
    @CurrentPrincipal() principal: Principal,
    @Args('type', { description: 'The outcome type.' }) type: string,
  ): Promise<boolean> {
    return this.types.remove(principal.tenantId, type, principal.keyId);
  }

  @Query(() => [OutcomeType], {
    description:
      "The harm classes' outcome types (READ scope): the built-in ones, then those the tenant added, by type.",
  })
  @RequireScope(Scope.READ)
  outcomeTypes(@CurrentPrincipal() principal: Principal): Promise<OutcomeType[]> {
    return this.types.list(principal.tenantId);
  }
}
