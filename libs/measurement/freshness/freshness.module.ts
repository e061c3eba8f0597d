import { Module } from '@nestjs/common';
import { FreshnessResolver } from './freshness.resolver.js';
import { FreshnessService } from './freshness.service.js';

/** The signalFreshness measure. ClickHouseService comes from the global StorageModule. */
@Module({
  providers: [FreshnessService, FreshnessResolver],
  exports: [FreshnessService],
})
export class FreshnessModule {}
