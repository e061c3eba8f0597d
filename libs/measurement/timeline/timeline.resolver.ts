import { Args, Resolver } from '@nestjs/graphql';
import { CurrentTenant } from '../../auth/index.js';
import { MeasureQuery } from '../common/measure-query.js';
import { PersonTimelineArgs } from './dto/person-timeline.args.js';
import { TimelineEntry } from './models/timeline-entry.model.js';
import { TimelineService } from './timeline.service.js';

@Resolver(() => TimelineEntry)
export class TimelineResolver {
  constructor(private readonly timeline: TimelineService) {}

  @MeasureQuery(() => [TimelineEntry], {
    description:
      "One person's signals, firings (arm, skip reason, latency and consent state at the decision), exposures, outcomes and consent changes in [from, to), in time order (READ scope): the page an analyst opens when a customer complains.",
  })
  personTimeline(
    @CurrentTenant() tenantId: string,
    @Args() args: PersonTimelineArgs,
  ): Promise<TimelineEntry[]> {
    return this.timeline.personTimeline(tenantId, args);
  }
}
