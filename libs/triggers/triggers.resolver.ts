import { Args, Query, Resolver, registerEnumType } from '@nestjs/graphql';
import { CurrentPrincipal, RequireScope, Scope, type Principal } from '../auth/index.js';
import { Trigger } from './models/trigger.model.js';
import { TriggersService } from './triggers.service.js';

export enum TriggerStatus {
  DRAFT = 'draft',
  LIVE = 'live',
  PAUSED = 'paused',
}
registerEnumType(TriggerStatus, { name: 'TriggerStatus', description: 'Lifecycle of a trigger.' });

@Resolver(() => Trigger)
export class TriggersResolver {
  constructor(private readonly service: TriggersService) {}

  @Query(() => [Trigger], {
    description:
      "The tenant's triggers (newest version each) with readiness: which of the six definitions each lacks.",
  })
  @RequireScope(Scope.READ)
  triggers(
    @CurrentPrincipal() principal: Principal,
    @Args('status', { type: () => TriggerStatus, nullable: true }) status?: TriggerStatus,
  ): Promise<Trigger[]> {
    return this.service.list(principal.tenantId, status ?? undefined);
  }
}
