import { Module, type DynamicModule } from '@nestjs/common';
import { PersonBlocklistModule } from '../lifecycle/index.js';
import { IngestWriter } from './ingest-writer.js';
import { ImportController } from './import.controller.js';
import { IngestController } from './ingest.controller.js';
import { IngestProcessor } from './ingest.processor.js';
import { IngestResolver } from './ingest.resolver.js';
import { IngestService } from './ingest.service.js';
import { IngestThreads } from './ingest-threads.js';
import { QueuedBatchRetention } from './queued-batch-retention.js';
import { StoredBatchesModule } from './stored-batches.js';

/**
 * Ingestion. `api` adds the HTTP route and GraphQL fields; `processors` adds the BullMQ processor
 * (the worker app, or the API itself when it owns an embedded store).
 */
@Module({})
export class IngestModule {
  static register(options: { api: boolean; processors: boolean }): DynamicModule {
    return {
      module: IngestModule,
      imports: [StoredBatchesModule, PersonBlocklistModule],
      controllers: options.api ? [IngestController, ImportController] : [],
      providers: [
        IngestWriter,
        IngestService,
        IngestThreads,
        ...(options.api ? [IngestResolver] : []),
        ...(options.processors ? [IngestProcessor, QueuedBatchRetention] : []),
      ],
      exports: [IngestService, IngestWriter],
    };
  }
}
