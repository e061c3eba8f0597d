import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequireScope, Scope, type Principal } from '../../auth/index.js';
import { CachedByDataVersion } from '../../result-cache/index.js';
import { PersonTimelineArgs } from './dto/person-timeline.args.js';
import { TimelineEntry } from './models/timeline-entry.model.js';
import { TimelineService } from './timeline.service.js';

@Resolver(() => TimelineEntry)
export class TimelineResolver {
  constructor(private readonly timeline: TimelineService) {}

  @Query(() => [TimelineEntry], {
    description:
      "One person's signals, firings (arm, skip reason, latency and consent state at the decision), exposures, outcomes and consent changes in [from, to), in time order (READ scope): the page an analyst opens when a customer complains.",
  })
  @RequireScope(Scope.READ)
  @CachedByDataVersion()
  personTimeline(
    @CurrentPrincipal() principal: Principal,
    @Args() args: PersonTimelineArgs,
  ): Promise<TimelineEntry[]> {
    return this.timeline.personTimeline(principal.tenantId, args);
  }
}
