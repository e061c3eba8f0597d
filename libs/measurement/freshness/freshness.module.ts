import { Module } from '@nestjs/common';
import { FreshnessService } from './freshness.service.js';

/** The signalFreshness measure. ClickHouseService comes from the global StorageModule. */
@Module({
  providers: [FreshnessService],
  exports: [FreshnessService],
})
export class FreshnessModule {}
