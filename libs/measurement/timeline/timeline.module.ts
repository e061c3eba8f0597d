import { Module } from '@nestjs/common';
import { TimelineService } from './timeline.service.js';

/** The personTimeline query. ClickHouseService comes from the global StorageModule. */
@Module({ providers: [TimelineService], exports: [TimelineService] })
export class TimelineModule {}
