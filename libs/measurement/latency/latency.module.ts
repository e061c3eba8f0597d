import { Module } from '@nestjs/common';
import { OverTimeModule } from '../over-time/over-time.module.js';
import { LatencyService } from './latency.service.js';

/**
 * The triggerLatency measure. ClickHouseService comes from the global StorageModule; the trend
 * facts it reads when current, from OverTimeModule.
 */
@Module({
  imports: [OverTimeModule],
  providers: [LatencyService],
  exports: [LatencyService],
})
export class LatencyModule {}
