import { Module, type DynamicModule } from '@nestjs/common';
import { PersonBlocklistModule } from '../lifecycle/index.js';
import { EventMappingsRepository } from './event-mappings.repository.js';
import { EventMappingsService } from './event-mappings.service.js';
import { KeptMessagesRepository } from './kept-messages.repository.js';
import { SegmentController } from './segment.controller.js';
import { SegmentResolver } from './segment.resolver.js';
import { SegmentService } from './segment.service.js';

/**
 * The Segment-compatible endpoint and its mapping rules. It writes through the ingest module the
 * application registered, passed in so that both share one IngestService (its queue, its limits).
 */
@Module({})
export class SegmentModule {
  static register(ingest: DynamicModule): DynamicModule {
    return {
      module: SegmentModule,
      imports: [ingest, PersonBlocklistModule],
      controllers: [SegmentController],
      providers: [
        EventMappingsRepository,
        KeptMessagesRepository,
        EventMappingsService,
        SegmentService,
        SegmentResolver,
      ],
    };
  }
}
