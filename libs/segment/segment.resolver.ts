import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequireScope, Scope, type Principal } from '../auth/index.js';
import { EventMappingInput } from './dto/event-mapping.input.js';
import type { StoredEventMapping } from './event-mappings.repository.js';
import { EventMappingsService } from './event-mappings.service.js';
import { EventMapping, KeptEventsMapped, UnmappedEvent } from './models/event-mapping.model.js';
import { SegmentService } from './segment.service.js';

function toModel({ rule, definedAt }: StoredEventMapping): EventMapping {
  return {
    event: rule.event,
    stream: rule.stream,
    type: rule.type ?? null,
    valueProperty: rule.valueProperty ?? null,
    orderIdProperty: rule.orderIdProperty ?? null,
    currencyProperty: rule.currencyProperty ?? null,
    fieldProperties: rule.fieldProperties,
    fixedFields: rule.fixedFields,
    definedAt,
  };
}

/** The mapping rules of the Segment endpoint, and the messages it kept unmapped. */
@Resolver(() => EventMapping)
export class SegmentResolver {
  constructor(
    private readonly mappings: EventMappingsService,
    private readonly segment: SegmentService,
  ) {}

  @Mutation(() => EventMapping, {
    description:
      "Maps a Segment track event, by name, to a stream (INGEST scope); replaces the event's earlier rule. Applies to messages received from now on. Refused naming the input field when the stream could not take the rows (a required field with no source, an option of another stream).",
  })
  @RequireScope(Scope.INGEST)
  async defineEventMapping(
    @CurrentPrincipal() principal: Principal,
    @Args('input', {
      type: () => EventMappingInput,
      description: 'The rule; it replaces any rule of the same event.',
    })
    input: EventMappingInput,
  ): Promise<EventMapping> {
    return toModel(await this.mappings.define(principal.tenantId, input, principal.keyId));
  }

  @Mutation(() => Boolean, {
    description:
      "Removes an event's rule (INGEST scope): its later messages are kept unmapped. False when it had none.",
  })
  @RequireScope(Scope.INGEST)
  removeEventMapping(
    @CurrentPrincipal() principal: Principal,
    @Args('event', { description: 'The track event name.' }) event: string,
  ): Promise<boolean> {
    return this.mappings.remove(principal.tenantId, event, principal.keyId);
  }

  @Mutation(() => KeptEventsMapped, {
    description:
      "Maps the messages of a track event that were kept before its rule existed (INGEST scope): each becomes a row of the rule's stream as it would have on arrival (same id, same event time), through the same validation, and leaves unmappedEvents. Safe to repeat.",
  })
  @RequireScope(Scope.INGEST)
  mapKeptEvents(
    @CurrentPrincipal() principal: Principal,
    @Args('event', { description: 'The track event name; a rule must map it.' }) event: string,
  ): Promise<KeptEventsMapped> {
    return this.segment.mapKept(principal, event);
  }

  @Query(() => [EventMapping], {
    description: "The tenant's Segment mapping rules, by event name (READ scope).",
  })
  @RequireScope(Scope.READ)
  async eventMappings(@CurrentPrincipal() principal: Principal): Promise<EventMapping[]> {
    return (await this.mappings.list(principal.tenantId)).map(toModel);
  }

  @Query(() => [UnmappedEvent], {
    description:
      'Segment messages kept because no rule mapped them (identify, page, screen, group, alias calls and track events without a rule), counted by type and name, the 1000 most frequent first (READ scope).',
  })
  @RequireScope(Scope.READ)
  async unmappedEvents(@CurrentPrincipal() principal: Principal): Promise<UnmappedEvent[]> {
    const counts = await this.mappings.unmapped(principal.tenantId);
    return counts.map((count) => ({ ...count, event: count.event === '' ? null : count.event }));
  }
}
