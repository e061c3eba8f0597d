import { Module } from '@nestjs/common';
import { StoredBatchesModule } from '../ingest/index.js';
import { TriggersCache } from './triggers.cache.js';
import { TriggersRepository } from './triggers.repository.js';
import { TriggersResolver } from './triggers.resolver.js';
import { TriggersService } from './triggers.service.js';

@Module({
  // StoredBatchesModule: ingest of the triggers stream invalidates the cache
  imports: [StoredBatchesModule],
  providers: [TriggersRepository, TriggersCache, TriggersService, TriggersResolver],
  exports: [TriggersRepository, TriggersService],
})
export class TriggersModule {}
