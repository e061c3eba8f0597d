import { Module } from '@nestjs/common';
import { LatencyResolver } from './latency.resolver.js';
import { LatencyService } from './latency.service.js';

/** The triggerLatency measure. ClickHouseService comes from the global StorageModule. */
@Module({
  providers: [LatencyService, LatencyResolver],
  exports: [LatencyService],
})
export class LatencyModule {}
