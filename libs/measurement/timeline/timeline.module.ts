import { Module } from '@nestjs/common';
import { TimelineResolver } from './timeline.resolver.js';
import { TimelineService } from './timeline.service.js';

/** The personTimeline query. ClickHouseService comes from the global StorageModule. */
@Module({ providers: [TimelineService, TimelineResolver], exports: [TimelineService] })
export class TimelineModule {}
