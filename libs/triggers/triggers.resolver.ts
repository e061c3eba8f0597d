import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { RequireScope, Scope, CurrentTenant } from '../auth/index.js';
import { TriggerStatus } from './dto/trigger-status.enum.js';
import { TriggerInput } from './dto/trigger.input.js';
import { Trigger } from './models/trigger.model.js';
import { TriggersService } from './triggers.service.js';

@Resolver(() => Trigger)
export class TriggersResolver {
  constructor(private readonly service: TriggersService) {}

  @Query(() => [Trigger], {
    description:
      "The tenant's triggers (newest version each) with readiness: which of the six definitions each lacks (READ scope).",
  })
  @RequireScope(Scope.READ)
  triggers(
    @CurrentTenant() tenantId: string,
    @Args('status', {
      type: () => TriggerStatus,
      nullable: true,
      description: 'Only triggers of this status (default: all).',
    })
    status?: TriggerStatus | null,
  ): Promise<Trigger[]> {
    return this.service.list(tenantId, status ?? undefined);
  }

  @Query(() => [Trigger], {
    description:
      'Every stored version of one trigger, newest first, each with its readiness (READ scope); none for a trigger only firings name, and an id no definition and no firing of the tenant has is refused (TRIGGERS_UNKNOWN_TRIGGER), naming the defined id it most likely means. A firing is measured against the version it names (trigger_version), the newest when it names none.',
  })
  @RequireScope(Scope.READ)
  triggerVersions(
    @CurrentTenant() tenantId: string,
    @Args('triggerId', { type: () => ID, description: 'The trigger.' }) triggerId: string,
  ): Promise<Trigger[]> {
    return this.service.versions(tenantId, triggerId);
  }

  @Mutation(() => Trigger, {
    description:
      "Stores a new version of a trigger definition and answers it with its readiness (INGEST scope, as for POST /v1/ingest/triggers). The version is the input's, else one more than the highest stored. A draft may lack any of the six definitions; status LIVE is refused, naming what is missing, until the trigger is ready.",
  })
  @RequireScope(Scope.INGEST)
  defineTrigger(
    @CurrentTenant() tenantId: string,
    @Args('input', { type: () => TriggerInput, description: 'The whole definition.' })
    input: TriggerInput,
  ): Promise<Trigger> {
    return this.service.define(tenantId, input);
  }
}
